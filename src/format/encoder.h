#pragma once

#include "columnar/batch.h"
#include "columnar/data_type.h"
#include "format/csv_options.h"

#include <string>
#include <vector>

namespace spate::format {

/// Turns rows of result batches into JSON record values for a sink: one object per row, keys
/// in column order, with the forms README.md lists (numbers unquoted, decimals exact,
/// timestamps "yyyy-MM-dd HH:mm:ss.SSS", intervals as Postgres text, json columns embedded,
/// NULL as null, NaN and infinities as null). What it writes, json_decoder reads back to the
/// same values.
///
/// Immutable after construction (the keys are escaped once); may be shared between threads.
class json_encoder {
public:
    /// Column names and types, in the order of the batches' columns.
    json_encoder(std::vector<std::string> names, std::vector<columnar::data_type> types);

    /// Appends row `row` of `b` (columns as constructed) to `out` as one JSON object.
    void encode(const columnar::batch& b, size_t row, std::string& out) const;
    /// Every row of `b`, one string per row: `out` is resized to b.rows, and its strings are
    /// cleared and refilled, so their memory is reused from call to call.
    void encode_batch(const columnar::batch& b, std::vector<std::string>& out) const;

private:
    std::vector<std::string> _keys; ///< "\"name\":" with the name escaped, "," before all but one
    std::vector<columnar::data_type> _types;
};

/// Turns rows into CSV record values: one line per row without line terminator, fields in
/// column order, quoted when they hold the delimiter, the quote, a line break, or when a string
/// is empty or equal to the null text (so it does not read back as NULL). NULL is the null
/// text (empty by default); booleans are true/false, doubles keep NaN and Infinity, the rest as
/// in JSON. What it writes, csv_decoder with the same options reads back to the same values.
///
/// Immutable after construction; may be shared between threads.
class csv_encoder {
public:
    csv_encoder(std::vector<std::string> names, std::vector<columnar::data_type> types,
                csv_options options = {});

    /// Appends row `row` of `b` to `out` as one CSV line (no line terminator).
    void encode(const columnar::batch& b, size_t row, std::string& out) const;
    /// Every row of `b`, one string per row, reusing the strings of `out` (see json_encoder).
    void encode_batch(const columnar::batch& b, std::vector<std::string>& out) const;

    /// The names, joined as a header line (for files; Kafka records carry no header).
    std::string header() const;

private:
    std::vector<std::string> _names;
    std::vector<columnar::data_type> _types;
    csv_options _options;
};

} // namespace spate::format
