#pragma once

#include "base/result.h"
#include "model/types.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace spate::stream {

/// One record as the SQL engine reads it: where it sits and its value.
struct raw_record {
    int64_t offset = 0;
    int64_t timestamp = 0;
    std::optional<std::string_view> key;
    std::optional<std::string_view> value;
};

/// Walks the whole batches in `bytes` (as read from a partition) and appends every data
/// record from offset `from` on to `out`; control batches are skipped, compressed ones
/// decompressed into `scratch` (kept alive by the caller as long as `out` is used). Returns
/// the offset after the last batch walked, or a CORRUPT_MESSAGE error.
result<int64_t> walk_records(std::span<const std::byte> bytes, int64_t from,
                             std::vector<raw_record>& out,
                             std::vector<std::vector<std::byte>>& scratch);

} // namespace spate::stream
