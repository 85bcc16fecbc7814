#pragma once

#include "base/result.h"

#include <string_view>

namespace spate::model {

/// Checks a topic name by Kafka's rules: 1 to 249 characters from [a-zA-Z0-9._-], and not
/// "." or "..". Returns an INVALID_TOPIC_EXCEPTION error saying which rule was broken.
result<void> validate_topic_name(std::string_view name);

} // namespace spate::model
