#include "log/producer_state.h"

#include "base/crc32c.h"
#include "base/endian.h"
#include "log/segment.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>

namespace spate::log {

namespace {

// Snapshot: magic u32 | version u32 | offset i64 | producer count u32 | producers | crc32c u32.
// A producer: id i64 | epoch i16 | last timestamp i64 | batch count u8 | batches.
// A batch: first sequence i32 | last sequence i32 | base offset i64 | last offset i64 |
// max timestamp i64. Little-endian; the CRC covers everything before it.
constexpr uint32_t magic = 0x53505053; // "SPPS"
constexpr uint32_t version = 1;
constexpr size_t head_size = 4 + 4 + 8 + 4;
constexpr size_t producer_size = 8 + 2 + 8 + 1;
constexpr size_t batch_size = 4 + 4 + 8 + 8 + 8;
constexpr size_t crc_size = 4;

/// Whether `next` continues a producer whose last sequence was `last`.
bool in_sequence(int32_t last, int32_t next) {
    return static_cast<int64_t>(next) == static_cast<int64_t>(last) + 1 ||
           (next == 0 && last == std::numeric_limits<int32_t>::max());
}

/// Appends little-endian values to a byte buffer.
struct le_writer {
    std::vector<std::byte>& out;
    template <typename T>
    void put(T v) {
        auto at = out.size();
        out.resize(at + sizeof(T));
        store_le<T>(out.data() + at, v);
    }
};

} // namespace

int32_t last_sequence(const model::batch_header& h) {
    int64_t last = static_cast<int64_t>(h.base_sequence) + h.last_offset_delta;
    constexpr int64_t wrap = int64_t{std::numeric_limits<int32_t>::max()} + 1;
    return static_cast<int32_t>(last % wrap);
}

result<std::optional<duplicate_batch>>
producer_state::check(std::span<const model::batch_header> batches) const {
    // Producers met earlier in this append: their epoch and last sequence so far.
    struct pending {
        int16_t epoch;
        int32_t last_sequence;
    };
    std::map<int64_t, pending> seen;
    std::optional<duplicate_batch> duplicate;
    size_t duplicates = 0;
    auto mixed = [] {
        return error::make(errc::invalid_record,
                           "the request repeats batches already written together with other "
                           "batches; producers send one batch per partition per request");
    };
    for (size_t i = 0; i < batches.size(); ++i) {
        const auto& h = batches[i];
        if (h.producer_id < 0 || h.is_control()) {
            if (duplicates > 0) return mixed();
            continue;
        }
        if (h.producer_epoch < 0 || h.base_sequence < 0)
            return error::make(errc::invalid_record,
                               "batch {} has producer id {} but epoch {} and base sequence {}", i,
                               h.producer_id, h.producer_epoch, h.base_sequence);
        int32_t last = last_sequence(h);
        const producer_entry* known = find(h.producer_id);

        // A retry of a batch already written (against the state before this append).
        const producer_batch* repeated = nullptr;
        if (known && known->epoch == h.producer_epoch)
            for (const auto& b : known->batches)
                if (b.first_sequence == h.base_sequence && b.last_sequence == last) repeated = &b;
        if (repeated) {
            if (duplicates != i) return mixed();
            if (!duplicate)
                duplicate = duplicate_batch{repeated->base_offset, repeated->last_offset,
                                            repeated->max_timestamp};
            else if (repeated->base_offset == duplicate->last_offset + 1) {
                duplicate->last_offset = repeated->last_offset;
                duplicate->max_timestamp =
                    std::max(duplicate->max_timestamp, repeated->max_timestamp);
            } else
                return mixed();
            ++duplicates;
            continue;
        }
        if (duplicates > 0) return mixed();

        std::optional<int16_t> epoch;
        std::optional<int32_t> previous;
        if (auto it = seen.find(h.producer_id); it != seen.end()) {
            epoch = it->second.epoch;
            previous = it->second.last_sequence;
        } else if (known) {
            epoch = known->epoch;
            if (!known->batches.empty()) previous = known->batches.back().last_sequence;
        }
        if (epoch && h.producer_epoch < *epoch)
            return error::make(errc::invalid_producer_epoch,
                               "producer {} has epoch {}, which is older than the current epoch "
                               "{}",
                               h.producer_id, h.producer_epoch, *epoch);
        if (epoch && h.producer_epoch != *epoch) {
            if (h.base_sequence != 0)
                return error::make(errc::out_of_order_sequence_number,
                                   "producer {} starts epoch {} at sequence {}; a new epoch "
                                   "starts at 0",
                                   h.producer_id, h.producer_epoch, h.base_sequence);
        } else if (epoch && previous && !in_sequence(*previous, h.base_sequence)) {
            return error::make(errc::out_of_order_sequence_number,
                               "producer {} epoch {}: sequence {} does not follow {} (expected "
                               "{})",
                               h.producer_id, h.producer_epoch, h.base_sequence, *previous,
                               *previous == std::numeric_limits<int32_t>::max() ? 0
                                                                                : *previous + 1);
        }
        // An unknown producer (never seen, or expired) may start at any sequence (KIP-360).
        seen[h.producer_id] = pending{h.producer_epoch, last};
    }
    if (duplicates > 0 && duplicates != batches.size()) return mixed();
    return duplicate;
}

void producer_state::record(const model::batch_header& h, model::timestamp_ms when) {
    if (h.producer_id < 0 || h.is_control()) return;
    auto& e = _producers[h.producer_id];
    if (!e.batches.empty() && h.producer_epoch < e.epoch) return;
    if (e.epoch != h.producer_epoch) {
        e.batches.clear();
        e.epoch = h.producer_epoch;
    }
    e.batches.push_back(producer_batch{h.base_sequence, last_sequence(h), h.base_offset,
                                       h.last_offset(), h.max_timestamp});
    while (e.batches.size() > max_batches)
        e.batches.pop_front();
    e.last_timestamp = std::max(e.last_timestamp, when);
}

size_t producer_state::expire(model::timestamp_ms now, int64_t expiration_ms) {
    return std::erase_if(_producers, [&](const auto& kv) {
        return now - kv.second.last_timestamp >= expiration_ms;
    });
}

const producer_entry* producer_state::find(int64_t producer_id) const {
    auto it = _producers.find(producer_id);
    return it == _producers.end() ? nullptr : &it->second;
}

std::vector<std::byte> producer_state::encode(model::offset at) const {
    std::vector<std::byte> out;
    le_writer w{out};
    w.put<uint32_t>(magic);
    w.put<uint32_t>(version);
    w.put<int64_t>(at.value());
    w.put<uint32_t>(static_cast<uint32_t>(_producers.size()));
    for (const auto& [id, e] : _producers) {
        w.put<int64_t>(id);
        w.put<int16_t>(e.epoch);
        w.put<int64_t>(e.last_timestamp.value());
        w.put<uint8_t>(static_cast<uint8_t>(e.batches.size()));
        for (const auto& b : e.batches) {
            w.put<int32_t>(b.first_sequence);
            w.put<int32_t>(b.last_sequence);
            w.put<int64_t>(b.base_offset.value());
            w.put<int64_t>(b.last_offset.value());
            w.put<int64_t>(b.max_timestamp.value());
        }
    }
    w.put<uint32_t>(crc32c(std::span<const std::byte>(out)));
    return out;
}

result<producer_state> producer_state::decode(std::span<const std::byte> bytes, model::offset at) {
    auto bad = [](std::string_view why) {
        return error::make(errc::corrupt_message, "producer state snapshot: {}", why);
    };
    if (bytes.size() < head_size + crc_size) return bad("too short");
    auto body = bytes.first(bytes.size() - crc_size);
    if (crc32c(body) != load_le<uint32_t>(bytes.data() + body.size()))
        return bad("CRC-32C mismatch");
    const std::byte* p = body.data();
    if (load_le<uint32_t>(p) != magic) return bad("not a producer state snapshot");
    if (load_le<uint32_t>(p + 4) != version) return bad("unknown version");
    if (load_le<int64_t>(p + 8) != at.value())
        return bad(fmt::format("taken at offset {}, not {}", load_le<int64_t>(p + 8), at.value()));
    uint32_t count = load_le<uint32_t>(p + 16);
    size_t pos = head_size;
    producer_state out;
    for (uint32_t i = 0; i < count; ++i) {
        if (body.size() - pos < producer_size) return bad("truncated producer");
        int64_t id = load_le<int64_t>(p + pos);
        producer_entry e;
        e.epoch = load_le<int16_t>(p + pos + 8);
        e.last_timestamp = model::timestamp_ms(load_le<int64_t>(p + pos + 10));
        size_t n = load_le<uint8_t>(p + pos + 18);
        pos += producer_size;
        if (n > max_batches || body.size() - pos < n * batch_size) return bad("bad batch list");
        for (size_t j = 0; j < n; ++j, pos += batch_size) {
            producer_batch b;
            b.first_sequence = load_le<int32_t>(p + pos);
            b.last_sequence = load_le<int32_t>(p + pos + 4);
            b.base_offset = model::offset(load_le<int64_t>(p + pos + 8));
            b.last_offset = model::offset(load_le<int64_t>(p + pos + 16));
            b.max_timestamp = model::timestamp_ms(load_le<int64_t>(p + pos + 24));
            e.batches.push_back(b);
        }
        if (!out._producers.emplace(id, std::move(e)).second) return bad("a producer twice");
    }
    if (pos != body.size()) return bad("trailing bytes");
    return out;
}

std::filesystem::path producer_state::snapshot_path(const std::filesystem::path& dir,
                                                    model::offset at) {
    return dir / fmt::format("{:020d}.producers", at.value());
}

std::optional<model::offset>
producer_state::parse_snapshot_name(const std::filesystem::path& path) {
    return segment::parse_offset_name(path, ".producers");
}

} // namespace spate::log
