#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

// Internal to the format module: where in a record simdjson's whole-record checks failed
// (simdjson reports what, not where). Only used on the error path.

namespace spate::format::detail {

/// The offset of the first byte of `s` that is not part of valid UTF-8, if any.
std::optional<size_t> first_invalid_utf8(std::string_view s);

/// The offset of the first control character (below 0x20) inside a JSON string of `s`, or of
/// the opening quote of a string that is never closed, if any.
std::optional<size_t> first_string_error(std::string_view s);

/// The offset just past the object or array that starts `s` (after leading whitespace), by
/// counting brackets outside strings; nullopt when it is never closed or `s` does not start
/// with one.
std::optional<size_t> end_of_first_value(std::string_view s);

} // namespace spate::format::detail
