#pragma once

#include "base/errc.h"

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace spate {

/// An expected failure: a code (Kafka's where one applies) and a message for a person, saying
/// what was wrong and where ("batch at byte 4096: CRC-32C mismatch ...").
struct error {
    errc code = errc::unknown_server_error;
    std::string message;

    template <typename... Args>
    static error make(errc code, fmt::format_string<Args...> f, Args&&... args) {
        return error{code, fmt::format(f, std::forward<Args>(args)...)};
    }
    /// "CODE_NAME: message", for logs and tests.
    std::string to_string() const { return fmt::format("{}: {}", errc_name(code), message); }
};

/// Either a T or an error. The return type of every operation that can fail for reasons that
/// are not programmer errors.
template <typename T>
class [[nodiscard]] result {
public:
    result(T value) : _v(std::in_place_index<0>, std::move(value)) {}
    result(error e) : _v(std::in_place_index<1>, std::move(e)) {}

    bool has_value() const { return _v.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T& value() & {
        assert(has_value());
        return std::get<0>(_v);
    }
    const T& value() const& {
        assert(has_value());
        return std::get<0>(_v);
    }
    T&& value() && {
        assert(has_value());
        return std::get<0>(std::move(_v));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const error& err() const& {
        assert(!has_value());
        return std::get<1>(_v);
    }
    error&& err() && {
        assert(!has_value());
        return std::get<1>(std::move(_v));
    }

private:
    std::variant<T, error> _v;
};

/// The result of an operation that returns nothing when it succeeds.
template <>
class [[nodiscard]] result<void> {
public:
    result() = default;
    result(error e) : _err(std::move(e)), _failed(true) {}

    bool has_value() const { return !_failed; }
    explicit operator bool() const { return has_value(); }
    const error& err() const& {
        assert(_failed);
        return _err;
    }
    error&& err() && {
        assert(_failed);
        return std::move(_err);
    }

private:
    error _err;
    bool _failed = false;
};

inline result<void> ok() {
    return {};
}

} // namespace spate
