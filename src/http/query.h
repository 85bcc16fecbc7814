#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spate::http {

/// `s` with %XX escapes decoded (and '+' as a space when `plus_is_space`, as in query
/// strings); nullopt when an escape is not two hex digits.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

/// The parameters of a query string ("a=1&b=x%20y&c"), decoded, in order; a parameter
/// without '=' has an empty value and empty pieces ("a=1&&b=2") are skipped. nullopt when an
/// escape is malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view query);

} // namespace spate::http
