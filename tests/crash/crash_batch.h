#pragma once

// The batches the log crash test writes, shared by the writer (log_crash_writer) and the
// checker (crash_test): each batch is a pure function of (appender id, sequence number), so the
// checker can rebuild any batch it finds in the log, byte for byte, without having been told
// what was written.

#include "model/batch_builder.h"
#include "model/record_batch.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spate::crash {

/// SplitMix64: a cheap, well-mixed hash used as the deterministic "random" source.
inline uint64_t mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

inline uint64_t batch_hash(int appender, int64_t seq) {
    return mix(mix(static_cast<uint64_t>(appender) + 1) ^ static_cast<uint64_t>(seq));
}

/// Number of records (1..20) in the batch of (appender, seq).
inline int record_count_for(int appender, int64_t seq) {
    return 1 + static_cast<int>(batch_hash(appender, seq) % 20);
}

/// The value of record `i` of the batch of (appender, seq): "a{id}-s{seq}-r{i}-" followed by
/// 0..255 filler letters derived from the same numbers.
inline std::string record_value(int appender, int64_t seq, int i) {
    char head[64];
    std::snprintf(head, sizeof(head), "a%d-s%lld-r%d-", appender, static_cast<long long>(seq), i);
    std::string v = head;
    uint64_t h = mix(batch_hash(appender, seq) + static_cast<uint64_t>(i));
    size_t filler = h % 256;
    for (size_t k = 0; k < filler; ++k) {
        h = mix(h);
        v.push_back(static_cast<char>('a' + h % 26));
    }
    return v;
}

inline std::string record_key(int appender) {
    return "appender-" + std::to_string(appender);
}

/// Timestamps are deterministic too, so the whole batch is.
inline int64_t base_timestamp_for(int64_t seq) {
    return 1'700'000'000'000 + seq;
}

/// The batch of (appender, seq), as the builder makes it (base offset 0).
inline std::vector<std::byte> make_batch(int appender, int64_t seq) {
    model::batch_builder b;
    int n = record_count_for(appender, seq);
    std::string key = record_key(appender);
    for (int i = 0; i < n; ++i) {
        std::string v = record_value(appender, seq, i);
        b.add(key, v, model::timestamp_ms(base_timestamp_for(seq) + i));
    }
    return b.build();
}

/// (appender, seq) read back from a record value written by record_value(), if it is one.
struct batch_id {
    int appender = -1;
    int64_t seq = -1;
    int record = -1;
};
inline std::optional<batch_id> parse_value(std::string_view v) {
    std::string s(v.substr(0, 64));
    batch_id id;
    long long seq = -1;
    if (std::sscanf(s.c_str(), "a%d-s%lld-r%d-", &id.appender, &seq, &id.record) != 3)
        return std::nullopt;
    id.seq = seq;
    return id;
}

} // namespace spate::crash
