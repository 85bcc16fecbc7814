#pragma once

#include "columnar/value.h"
#include "format/decoder.h"

#include <string>
#include <string_view>
#include <vector>

// Helpers shared by the format tests.

namespace spate::format::testing {

/// The outcome of decoding some records: the batch and the errors.
struct decoded {
    columnar::batch batch;
    std::vector<record_error> errors;
    size_t added = 0;

    columnar::value at(size_t row, size_t col) const {
        return columnar::value_at(*batch.columns[col], row);
    }
    std::string error(size_t i = 0) const { return i < errors.size() ? errors[i].reason : ""; }
};

inline decoded run(decoder& d, const std::vector<std::string>& records) {
    decoded out{make_batch(d.fields()), {}, 0};
    std::vector<std::string_view> views(records.begin(), records.end());
    out.added = d.decode(views, out.batch, out.errors);
    return out;
}

/// The reason a single record is refused, or "" when it decodes.
inline std::string why(decoder& d, std::string record) {
    return run(d, {std::move(record)}).error();
}

} // namespace spate::format::testing
