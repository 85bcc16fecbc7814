#pragma once

#include "base/result.h"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace spate::model {

/// A topic's unique id (Kafka's topic UUID, KIP-516): 16 random bytes given at creation, so a
/// topic deleted and created again under the same name is a different topic. All zero means
/// "no id". Printed as Kafka prints it: 22 characters of URL-safe base64 without padding.
///
/// Plain value type; no thread ownership.
struct topic_id {
    std::array<std::byte, 16> bytes{};

    /// A new random id (never all zero).
    static topic_id random();
    /// Parses the 22-character form; INVALID_REQUEST if it is not one.
    static result<topic_id> parse(std::string_view text);

    bool is_zero() const { return *this == topic_id{}; }
    std::string to_string() const;
    bool operator==(const topic_id&) const = default;
};

} // namespace spate::model
