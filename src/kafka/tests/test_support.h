#pragma once

// Helpers shared by the kafka tests: hex decoding and populating generated structs with
// distinct, non-default values through their visit_fields().

#include "kafka/generated/messages.h"

#include <fmt/format.h>

#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spate::kafka::test {

inline std::vector<std::byte> from_hex(std::string_view hex) {
    std::vector<std::byte> out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(
            static_cast<std::byte>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return out;
}

inline std::vector<std::byte> as_bytes(std::string_view s) {
    auto p = reinterpret_cast<const std::byte*>(s.data());
    return {p, p + s.size()};
}

template <typename T>
concept generated_struct = requires(T& t) {
    T::visit_fields(t, int16_t{0}, [](const field_info&, auto&) {});
};

/// Fills every field a version has with distinct non-default values: arrays get two elements,
/// nested structs are filled recursively, and (in flexible versions) every struct gets an
/// unknown tagged field, which encode() must carry through. With `nulls`, each field that is
/// nullable in the version is null instead.
class populator {
public:
    populator(int16_t version, bool flexible, bool nulls)
        : _version(version), _flexible(flexible), _nulls(nulls) {}

    template <generated_struct T>
    void fill_struct(T& s) {
        T::visit_fields(s, _version, *this);
        if constexpr (requires { s.unknown_tagged_fields; }) {
            if (_flexible) {
                s.unknown_tagged_fields.push_back(
                    {static_cast<uint32_t>(1000 + _next), {std::byte{0xab}, std::byte(_next)}});
                ++_next;
            }
        }
    }

    template <typename T>
    void operator()(const field_info& info, T& v) {
        fill(info, v);
    }

private:
    template <typename T>
    void fill(const field_info& info, std::optional<T>& v) {
        if (_nulls && info.nullable) {
            v.reset();
            return;
        }
        fill(info, v.emplace());
    }
    template <typename T>
    void fill(const field_info& info, std::vector<T>& v) {
        v.clear();
        for (int i = 0; i < 2; ++i)
            fill(info, v.emplace_back());
    }
    template <generated_struct T>
    void fill(const field_info&, T& v) {
        fill_struct(v);
    }
    void fill(const field_info&, bool& v) { v = true; }
    template <std::integral T>
    void fill(const field_info&, T& v) {
        v = static_cast<T>(10 + _next++ % 100);
    }
    void fill(const field_info&, double& v) { v = 0.5 + _next++; }
    void fill(const field_info&, std::string& v) { v = fmt::format("s{}", _next++); }
    void fill(const field_info&, bytes& v) { v = {std::byte{1}, std::byte{2}, std::byte(_next++)}; }
    void fill(const field_info&, uuid& v) {
        for (size_t i = 0; i < v.data.size(); ++i)
            v.data[i] = std::byte(_next + i);
        ++_next;
    }

    int16_t _version;
    bool _flexible;
    bool _nulls;
    int _next = 1;
};

/// A populated T for `version`.
template <typename T>
T populated(int16_t version, bool nulls = false) {
    T value;
    bool flexible = T::flexible_versions_start >= 0 && version >= T::flexible_versions_start;
    populator(version, flexible, nulls).fill_struct(value);
    return value;
}

template <typename T>
std::vector<std::byte> encoded(const T& value, int16_t version) {
    std::vector<std::byte> out;
    writer w(out);
    value.encode(w, version);
    return out;
}

} // namespace spate::kafka::test
