#pragma once

#include <compare>
#include <cstddef>
#include <functional>
#include <limits>
#include <ostream>

namespace spate {

/// A value of type T that cannot be mixed up with other values of the same representation:
/// an offset is never passed where a byte count is expected. Arithmetic is only what the tag
/// allows; conversions out are explicit through value().
///
/// Plain value type; no thread ownership.
template <typename T, typename Tag>
class named_type {
public:
    using value_type = T;

    constexpr named_type() = default;
    constexpr explicit named_type(T v) : _value(v) {}

    constexpr T value() const { return _value; }

    static constexpr named_type min() { return named_type(std::numeric_limits<T>::min()); }
    static constexpr named_type max() { return named_type(std::numeric_limits<T>::max()); }

    constexpr auto operator<=>(const named_type&) const = default;

    constexpr named_type operator+(T delta) const { return named_type(_value + delta); }
    constexpr named_type operator-(T delta) const { return named_type(_value - delta); }
    constexpr T operator-(named_type other) const { return _value - other._value; }
    constexpr named_type& operator+=(T delta) {
        _value += delta;
        return *this;
    }
    constexpr named_type& operator++() {
        ++_value;
        return *this;
    }

    friend std::ostream& operator<<(std::ostream& os, named_type v) { return os << v._value; }

private:
    T _value{};
};

} // namespace spate

template <typename T, typename Tag>
struct std::hash<spate::named_type<T, Tag>> {
    size_t operator()(spate::named_type<T, Tag> v) const noexcept {
        return std::hash<T>{}(v.value());
    }
};
