#pragma once

#include "columnar/batch.h"
#include "columnar/data_type.h"

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spate::format {

/// One column of a source: its name (as the SQL table declares it) and its type.
struct field_spec {
    std::string name;
    columnar::data_type type;
};

/// A record that could not be decoded: its position in the input span and why, in words that
/// name the field ("field \"price\": expected a number, got a string").
struct record_error {
    uint32_t index = 0;
    std::string reason;
};

/// Options of a format, as the WITH clause of a source gives them ("delimiter" -> ";").
using format_options = std::map<std::string, std::string, std::less<>>;

/// Turns record values (raw bytes from a topic) into rows of a batch. One decoder is built per
/// source and shard and reused for every batch; it keeps scratch buffers between calls, so it
/// is used by one thread at a time. There is one virtual call per batch, none per record.
class decoder {
public:
    virtual ~decoder() = default;

    /// Appends one row per good record to `out`, whose columns match the decoder's fields in
    /// order and type, and one record_error per bad record (its row is not appended; rows keep
    /// the order of their records). Returns the number of rows added; out.rows grows by as much.
    /// Never throws on bad input and never reads outside `records`.
    virtual size_t decode(std::span<const std::string_view> records, columnar::batch& out,
                          std::vector<record_error>& errors) = 0;

    /// The columns this decoder fills.
    virtual const std::vector<field_spec>& fields() const = 0;
};

} // namespace spate::format
