#pragma once

// LIKE / ILIKE pattern matching (internal to the expr module).

#include <optional>
#include <string>
#include <string_view>

namespace spate::expr {

/// A compiled LIKE pattern: '%' any run of characters, '_' one UTF-8 character, the escape
/// character makes the next one literal. Patterns that are an exact string, a prefix, a suffix
/// or a contained string ('abc%', '%abc', '%abc%') match with one comparison or search.
/// ILIKE folds ASCII letters only. Immutable after compile; shared by one evaluator's thread.
class like_matcher {
public:
    /// nullopt (and `why`) when the pattern ends with the escape character or the escape is
    /// more than one character. `escape` empty means no escape character.
    static std::optional<like_matcher> compile(std::string_view pattern, std::string_view escape,
                                               bool case_insensitive, std::string* why);
    bool match(std::string_view s) const;

private:
    enum class shape : uint8_t { exact, prefix, suffix, contains, general };
    bool match_general(std::string_view s, size_t pi, size_t si) const;

    shape _shape = shape::general;
    bool _ci = false;
    std::string _literal; ///< for the fast shapes: the text between the %s
    std::string _tokens;  ///< general: pattern with escapes resolved; see _kinds
    std::string _kinds;   ///< per token: 'l' literal byte, '%' any run, '_' one character
};

} // namespace spate::expr
