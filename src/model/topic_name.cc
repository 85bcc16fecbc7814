#include "model/topic_name.h"

namespace spate::model {

result<void> validate_topic_name(std::string_view name) {
    if (name.empty()) return error::make(errc::invalid_topic_exception, "topic name is empty");
    if (name.size() > 249)
        return error::make(errc::invalid_topic_exception,
                           "topic name is {} characters long; the limit is 249", name.size());
    if (name == "." || name == "..")
        return error::make(errc::invalid_topic_exception, "topic name cannot be '{}'", name);
    for (size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        bool legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '.' || c == '_' || c == '-';
        if (!legal)
            return error::make(errc::invalid_topic_exception,
                               "topic name '{}' has an illegal character at position {}; "
                               "allowed are ASCII letters, digits, '.', '_' and '-'",
                               name, i);
    }
    return ok();
}

} // namespace spate::model
