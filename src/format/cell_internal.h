#pragma once

#include "columnar/batch.h"
#include "columnar/data_type.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

// Internal to the format module: one decoded value waiting to become part of a row, and the
// conversions from text shared by the JSON and CSV decoders.

namespace spate::format::detail {

/// A decoded value of one column of the row being built. Strings are views into memory that
/// stays valid until the row is pushed (the record, the parser's buffers or the decoder's
/// scratch). Plain value type.
struct cell {
    enum class state : uint8_t { absent, null, value };
    state st = state::absent;
    /// For JSON keys: 2 when set by a key spelled exactly as the column, 1 when matched only
    /// case-insensitively (an exact key wins over a folded one, whatever the order).
    uint8_t match = 0;
    int64_t i = 0; ///< booleans and every i64 type
    double d = 0;
    std::string_view s;
};

/// Appends one row made of `cells` (one per column of `out`, in order); absent and null cells
/// become NULL.
void push_row(std::span<const cell> cells, columnar::batch& out);

/// Reads `text` as a value of `type` the way a CSV field or a JSON string is read: booleans
/// t/true/yes/on/1 and f/false/no/off/0 (any case), integers, doubles (with NaN and
/// Infinity), decimals (exponents allowed), timestamps (parse_timestamp(), or an integer of
/// epoch milliseconds), intervals (parse_interval(), or an integer of milliseconds when
/// `interval_int_is_ms`), varchar and json as they are. On failure returns false and sets
/// `why` to a reason naming the field `name`.
bool text_to_cell(const columnar::data_type& type, std::string_view text, std::string_view name,
                  bool interval_int_is_ms, cell& out, std::string& why);

/// Reads a decimal number text, with an optional exponent ("1.5e3"), into an unscaled value of
/// `type` (a decimal); false when malformed or beyond the type's precision, with `why` set.
bool decimal_from_text(const columnar::data_type& type, std::string_view text,
                       std::string_view name, int64_t& out, std::string& why);

/// Checks that an integer fits `type` (int32 range for integer); false with `why` set.
bool check_integer_range(const columnar::data_type& type, int64_t v, std::string_view text,
                         std::string_view name, std::string& why);

/// `s` cut to at most 60 bytes (with "..." when cut), for error messages.
std::string_view clip(std::string_view s);

/// "a number", "a string", "an object"... for messages about JSON value kinds and CSV text.
std::string_view expected_kind(const columnar::data_type& type);

} // namespace spate::format::detail
