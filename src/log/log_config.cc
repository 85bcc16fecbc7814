#include "log/log_config.h"

#include <charconv>
#include <vector>

namespace spate::log {

std::string_view to_string(flush_policy p) {
    switch (p) {
    case flush_policy::always: return "always";
    case flush_policy::interval: return "interval";
    case flush_policy::never: return "never";
    }
    return "always";
}

result<flush_policy> parse_flush_policy(std::string_view s) {
    if (s == "always") return flush_policy::always;
    if (s == "interval") return flush_policy::interval;
    if (s == "never") return flush_policy::never;
    return error::make(errc::invalid_config,
                       "flush policy '{}' is not one of always, interval, never", s);
}

namespace {

result<int64_t> parse_int(std::string_view key, std::string_view value, int64_t min, int64_t max) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || end != value.data() + value.size())
        return error::make(errc::invalid_config, "{}: '{}' is not an integer", key, value);
    if (v < min || v > max)
        return error::make(errc::invalid_config, "{}: {} is out of range [{}, {}]", key, v, min,
                           max);
    return v;
}

constexpr int64_t int32_max = 2147483647;
constexpr int64_t int64_max = 9223372036854775807;

} // namespace

result<void> log_config::set(std::string_view key, std::string_view value) {
    auto set_int = [&](auto& field, int64_t min, int64_t max) -> result<void> {
        auto v = parse_int(key, value, min, max);
        if (!v) return std::move(v).err();
        field = static_cast<std::remove_reference_t<decltype(field)>>(*v);
        return ok();
    };
    if (key == "segment.bytes") return set_int(segment_bytes, 14, int32_max);
    if (key == "segment.ms") return set_int(segment_ms, 1, int64_max);
    if (key == "retention.ms") return set_int(retention_ms, -1, int64_max);
    if (key == "retention.bytes") return set_int(retention_bytes, -1, int64_max);
    if (key == "max.message.bytes") return set_int(max_message_bytes, 0, int32_max);
    if (key == "index.interval.bytes") return set_int(index_interval_bytes, 0, int32_max);
    if (key == "flush.ms") return set_int(flush_interval_ms, 0, int64_max);
    if (key == "flush.policy") {
        auto p = parse_flush_policy(value);
        if (!p) return std::move(p).err();
        flush = *p;
        return ok();
    }
    if (key == "cleanup.policy") {
        if (value == "compact" || value == "compact,delete" || value == "delete,compact")
            return error::make(errc::invalid_config,
                               "cleanup.policy: '{}' is not supported yet; spate's log deletes "
                               "old segments by retention.ms and retention.bytes ('delete')",
                               value);
        if (value != "delete")
            return error::make(errc::invalid_config, "cleanup.policy: '{}' is not 'delete'", value);
        cleanup_policy = std::string(value);
        return ok();
    }
    if (key == "message.timestamp.type") {
        if (value == "CreateTime")
            message_timestamp_type = timestamp_type::create_time;
        else if (value == "LogAppendTime")
            message_timestamp_type = timestamp_type::log_append_time;
        else
            return error::make(errc::invalid_config,
                               "message.timestamp.type: '{}' is not CreateTime or LogAppendTime",
                               value);
        return ok();
    }
    return error::make(errc::invalid_config, "unknown topic config key '{}'", key);
}

std::optional<std::string> log_config::get(std::string_view key) const {
    if (key == "segment.bytes") return std::to_string(segment_bytes);
    if (key == "segment.ms") return std::to_string(segment_ms);
    if (key == "retention.ms") return std::to_string(retention_ms);
    if (key == "retention.bytes") return std::to_string(retention_bytes);
    if (key == "max.message.bytes") return std::to_string(max_message_bytes);
    if (key == "index.interval.bytes") return std::to_string(index_interval_bytes);
    if (key == "flush.ms") return std::to_string(flush_interval_ms);
    if (key == "flush.policy") return std::string(to_string(flush));
    if (key == "cleanup.policy") return cleanup_policy;
    if (key == "message.timestamp.type")
        return message_timestamp_type == timestamp_type::create_time ? "CreateTime"
                                                                     : "LogAppendTime";
    return std::nullopt;
}

result<log_config> apply_overrides(const log_config& defaults, const config_overrides& overrides) {
    log_config c = defaults;
    for (const auto& [k, v] : overrides)
        if (auto r = c.set(k, v); !r) return std::move(r).err();
    return c;
}

} // namespace spate::log
