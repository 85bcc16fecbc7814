#include "stream/dead_letters.h"

#include "columnar/text_format.h"

#include <nlohmann/json.hpp>

namespace spate::stream {

namespace {

bool valid_utf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t n = c < 0x80           ? 1
                   : (c >> 5) == 0x6  ? 2
                   : (c >> 4) == 0xE  ? 3
                   : (c >> 3) == 0x1E ? 4
                                      : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
        i += n;
    }
    return true;
}

std::string hex(std::string_view s) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(s.size() * 2);
    for (unsigned char c : s) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

} // namespace

void dead_letters::invalid(std::string_view reason, std::optional<int32_t> partition,
                           std::optional<int64_t> offset, std::optional<std::string_view> raw) {
    ++_invalid;
    nlohmann::json j;
    j["reason"] = reason;
    j["source"] = _source;
    if (!_pipeline.empty()) j["pipeline"] = _pipeline;
    j["topic"] = _source_topic;
    j["partition"] = partition ? nlohmann::json(*partition) : nlohmann::json();
    j["offset"] = offset ? nlohmann::json(*offset) : nlohmann::json();
    if (raw) {
        if (valid_utf8(*raw))
            j["value"] = *raw;
        else
            j["value_hex"] = hex(*raw);
    }
    std::string key = partition && offset
                          ? std::to_string(*partition) + ":" + std::to_string(*offset)
                          : std::string();
    _pending.push_back({_dead_letter_topic, std::move(key), j.dump()});
}

void dead_letters::late(std::optional<int32_t> partition, std::optional<int64_t> offset,
                        int64_t window_end, int64_t watermark, bool join) {
    ++_late;
    nlohmann::json j;
    j["reason"] = join ? "behind the watermark: the join already dropped the rows it could match"
                       : "behind the watermark: its window was already emitted";
    j["source"] = _source;
    if (!_pipeline.empty()) j["pipeline"] = _pipeline;
    j["topic"] = _source_topic;
    j["partition"] = partition ? nlohmann::json(*partition) : nlohmann::json();
    j["offset"] = offset ? nlohmann::json(*offset) : nlohmann::json();
    std::string t, w;
    columnar::append_timestamp_text(window_end, t);
    columnar::append_timestamp_text(watermark, w);
    j[join ? "event_time" : "window_end"] = t;
    j["watermark"] = w;
    std::string key = partition && offset
                          ? std::to_string(*partition) + ":" + std::to_string(*offset)
                          : std::string();
    _pending.push_back({_late_topic, std::move(key), j.dump()});
}

std::optional<int32_t> origin_row_sink::partition_of(const columnar::batch& b, uint32_t row) const {
    if (!_partition || *_partition >= b.columns.size()) return std::nullopt;
    const auto& c = *b.columns[*_partition];
    if (c.physical() != columnar::physical_type::i64 || c.is_null(row)) return std::nullopt;
    return static_cast<int32_t>(c.i64()[row]);
}

std::optional<int64_t> origin_row_sink::offset_of(const columnar::batch& b, uint32_t row) const {
    if (!_offset || *_offset >= b.columns.size()) return std::nullopt;
    const auto& c = *b.columns[*_offset];
    if (c.physical() != columnar::physical_type::i64 || c.is_null(row)) return std::nullopt;
    return c.i64()[row];
}

void origin_row_sink::invalid(const columnar::batch& b, uint32_t row, std::string_view sqlstate,
                              std::string_view message) {
    _letters->expression_error(sqlstate, message);
    std::string reason = std::string(message) + " (SQLSTATE " + std::string(sqlstate) + ")";
    _letters->invalid(reason, partition_of(b, row), offset_of(b, row), std::nullopt);
}

void origin_row_sink::late(const columnar::batch& b, uint32_t row, exec::event_time time,
                           exec::event_time wm) {
    _letters->late(partition_of(b, row), offset_of(b, row), time, wm, _join);
}

} // namespace spate::stream
