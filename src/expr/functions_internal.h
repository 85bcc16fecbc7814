#pragma once

// Helpers shared by the function families (internal to the expr module).

#include "expr/function_registry.h"
#include "expr/kernel.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace spate::expr {

// Postgres SQLSTATEs the kernels report.
namespace sqlstate {
inline constexpr std::string_view division_by_zero = "22012";
inline constexpr std::string_view numeric_out_of_range = "22003";
inline constexpr std::string_view invalid_text = "22P02";
inline constexpr std::string_view invalid_datetime = "22007";
inline constexpr std::string_view datetime_overflow = "22008";
inline constexpr std::string_view invalid_parameter = "22023";
inline constexpr std::string_view invalid_power = "2201F";
inline constexpr std::string_view invalid_log = "2201E";
inline constexpr std::string_view invalid_regex = "2201B";
inline constexpr std::string_view invalid_escape = "22025";
inline constexpr std::string_view invalid_json = "22032";
inline constexpr std::string_view substring_error = "22011";
inline constexpr std::string_view undefined_function = "42883";
inline constexpr std::string_view cannot_coerce = "42846";
inline constexpr std::string_view datatype_mismatch = "42804";
inline constexpr std::string_view feature_not_supported = "0A000";
} // namespace sqlstate

using columnar::type_id;

/// An overload with fixed parameter and result types.
inline function_overload make_fn(std::string name, std::initializer_list<type_id> params,
                                 columnar::data_type result, kernel_fn k, std::string doc = {}) {
    function_overload f;
    f.name = std::move(name);
    f.params = params;
    f.result = result;
    f.kernel = k;
    f.doc = std::move(doc);
    return f;
}

/// Strict unary kernel over one physical form: out[i] = op(in[i]).
template <typename In, typename Out, typename Op>
inline void map1(const In* a, Out* out, size_t n, Op op) {
    for (size_t i = 0; i < n; ++i)
        out[i] = op(a[i]);
}
template <typename A, typename B, typename Out, typename Op>
inline void map2(const A* a, const B* b, Out* out, size_t n, Op op) {
    for (size_t i = 0; i < n; ++i)
        out[i] = op(a[i], b[i]);
}

/// Number of UTF-8 characters (bytes that do not continue a sequence).
inline size_t utf8_length(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}
/// Byte offset of character `chars` (clamped to the end).
inline size_t utf8_offset(std::string_view s, size_t chars) {
    size_t i = 0;
    while (i < s.size() && chars > 0) {
        ++i;
        while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80)
            ++i;
        --chars;
    }
    return i;
}

/// Writes `s` as row i's string in the output column's heap.
inline void put_string(const kernel_call& c, size_t i, std::string_view s) {
    c.out->strs()[i] = c.out->heap().add(s);
}

/// The kernel converting values of `from` into `to`, or nullptr when no such cast exists.
kernel_fn cast_kernel(columnar::data_type from, columnar::data_type to);

/// Postgres' name of a type in messages ("integer", "text", "numeric", ...).
std::string type_name(columnar::data_type t);

} // namespace spate::expr
