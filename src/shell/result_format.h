#pragma once

#include "base/result.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace spate::shell {

/// How the shell prints query results.
enum class output_format {
    table, ///< aligned columns under a header, like psql's, then "(N rows)"
    csv,   ///< RFC 4180 quoting, a header line, '\n' line ends
    json,  ///< one JSON object per row (NDJSON)
};

/// "table", "csv" or "json"; INVALID_CONFIG naming the text otherwise.
result<output_format> parse_output_format(std::string_view text);
std::string_view format_name(output_format format);

/// How a column's values are shown: numbers are right-aligned in tables and unquoted in JSON,
/// booleans ('t'/'f' on the wire) are JSON's true and false.
enum class value_kind { text, number, boolean };

/// The kind of a Postgres type OID: int2, int4, int8, oid, float4, float8 and numeric are
/// numbers, bool is boolean, everything else text.
value_kind kind_of_type_oid(uint32_t oid);

/// A query result as the formatters read it: rows of text values (the Postgres text format),
/// any of which may be NULL. Implementations are read from one thread.
class tabular {
public:
    virtual ~tabular() = default;
    virtual size_t column_count() const = 0;
    virtual size_t row_count() const = 0;
    virtual std::string_view column_name(size_t column) const = 0;
    virtual value_kind column_kind(size_t column) const = 0;
    virtual bool is_null(size_t row, size_t column) const = 0;
    /// The value's text; empty for NULL.
    virtual std::string_view value(size_t row, size_t column) const = 0;
};

/// The width of UTF-8 text on a terminal, counted as its code points (every character one
/// column; wide CJK characters and combining marks are not special-cased).
size_t display_width(std::string_view utf8);

/// Appends `t` to `out` in `format`:
/// - table: a centered header, a rule, one line per row with numbers right-aligned and the
///   rest left-aligned, NULL printed as nothing, then "(N rows)" ("(1 row)"). Values are never
///   truncated; a value with newlines spans lines, each but its last ending in '+' (psql's
///   style); no line has trailing spaces.
/// - csv: a header line, then one line per row; a field is quoted ("" doubling quotes) when it
///   holds a comma, quote, CR or LF, and an empty string is "" so that it differs from NULL,
///   which is an empty field.
/// - json: one object per row, keys in column order; numbers unquoted (unless their text is no
///   JSON number, such as NaN), booleans true/false, NULL null, the rest JSON strings.
void write_result(const tabular& t, output_format format, std::string& out);

void write_table(const tabular& t, std::string& out);
void write_csv(const tabular& t, std::string& out);
void write_json(const tabular& t, std::string& out);

/// Appends `text` as a JSON string (quotes and escapes included).
void append_json_string(std::string_view text, std::string& out);
/// True if `text` is a number in JSON's grammar.
bool is_json_number(std::string_view text);

} // namespace spate::shell
