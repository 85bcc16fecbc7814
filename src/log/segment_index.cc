#include "log/segment_index.h"

#include "base/crc32c.h"
#include "base/endian.h"
#include "io/file.h"

#include <algorithm>

namespace spate::log {

namespace {

// Trailer: magic u32 | entry count u32 | segment size u64 | next offset i64 |
//          max timestamp i64 | crc32c u32 (over everything before it). Little-endian.
constexpr uint32_t trailer_magic = 0x58444953; // "SIDX"
constexpr size_t trailer_size = 4 + 4 + 8 + 8 + 8 + 4;
constexpr size_t offset_entry_size = 8;
constexpr size_t time_entry_size = 12;

std::vector<std::byte> encode(size_t entry_size, size_t count, const segment_summary& s,
                              auto&& write_entry) {
    std::vector<std::byte> out(count * entry_size + trailer_size);
    for (size_t i = 0; i < count; ++i)
        write_entry(out.data() + i * entry_size, i);
    std::byte* t = out.data() + count * entry_size;
    store_le<uint32_t>(t, trailer_magic);
    store_le<uint32_t>(t + 4, static_cast<uint32_t>(count));
    store_le<uint64_t>(t + 8, s.size_bytes);
    store_le<int64_t>(t + 16, s.next_offset.value());
    store_le<int64_t>(t + 24, s.max_timestamp.value());
    auto body = std::span<const std::byte>(out).first(out.size() - 4);
    store_le<uint32_t>(t + 32, crc32c(body));
    return out;
}

// Checks the trailer and returns the entry count and summary, or nullopt.
std::optional<std::pair<size_t, segment_summary>> decode_trailer(std::span<const std::byte> data,
                                                                 size_t entry_size) {
    if (data.size() < trailer_size) return std::nullopt;
    const std::byte* t = data.data() + data.size() - trailer_size;
    if (load_le<uint32_t>(t) != trailer_magic) return std::nullopt;
    size_t count = load_le<uint32_t>(t + 4);
    if (count * entry_size + trailer_size != data.size()) return std::nullopt;
    if (crc32c(data.first(data.size() - 4)) != load_le<uint32_t>(t + 32)) return std::nullopt;
    segment_summary s;
    s.size_bytes = load_le<uint64_t>(t + 8);
    s.next_offset = model::offset(load_le<int64_t>(t + 16));
    s.max_timestamp = model::timestamp_ms(load_le<int64_t>(t + 24));
    return std::pair{count, s};
}

} // namespace

std::filesystem::path offset_index_path(const std::filesystem::path& log_path) {
    auto p = log_path;
    return p.replace_extension(".index");
}

std::filesystem::path time_index_path(const std::filesystem::path& log_path) {
    auto p = log_path;
    return p.replace_extension(".timeindex");
}

void segment_index::on_batch(model::offset batch_base, uint32_t position, uint32_t batch_bytes,
                             model::timestamp_ms batch_max_timestamp, int32_t interval_bytes) {
    auto relative = static_cast<uint32_t>(batch_base - _base);
    if (batch_max_timestamp.value() > _max_timestamp) {
        _max_timestamp = batch_max_timestamp.value();
        _max_timestamp_relative_offset = relative;
    }
    if (_bytes_since_entry >= static_cast<uint64_t>(interval_bytes)) {
        _offsets.push_back({relative, position});
        if (_max_timestamp >= 0 && (_times.empty() || _max_timestamp > _times.back().timestamp))
            _times.push_back({_max_timestamp, _max_timestamp_relative_offset});
        _bytes_since_entry = 0;
    }
    _bytes_since_entry += batch_bytes;
}

uint32_t segment_index::position_for(model::offset o) const {
    auto relative = o - _base;
    auto it =
        std::upper_bound(_offsets.begin(), _offsets.end(), relative,
                         [](int64_t r, const offset_entry& e) { return r < e.relative_offset; });
    if (it == _offsets.begin()) return 0;
    return std::prev(it)->position;
}

model::offset segment_index::offset_for_timestamp_scan(model::timestamp_ms ts) const {
    // Entries hold the running maximum, so every batch up to an entry's offset has timestamps
    // at or below the entry's; the answer lies at or after the last entry below ts.
    auto it = std::lower_bound(_times.begin(), _times.end(), ts.value(),
                               [](const time_entry& e, int64_t t) { return e.timestamp < t; });
    if (it == _times.begin()) return _base;
    return _base + std::prev(it)->relative_offset;
}

result<void> segment_index::write_files(const std::filesystem::path& log_path,
                                        const segment_summary& s) const {
    auto times = _times;
    if (_max_timestamp >= 0 && (times.empty() || _max_timestamp > times.back().timestamp))
        times.push_back({_max_timestamp, _max_timestamp_relative_offset});

    auto offsets_bytes = encode(offset_entry_size, _offsets.size(), s, [&](std::byte* p, size_t i) {
        store_le<uint32_t>(p, _offsets[i].relative_offset);
        store_le<uint32_t>(p + 4, _offsets[i].position);
    });
    auto times_bytes = encode(time_entry_size, times.size(), s, [&](std::byte* p, size_t i) {
        store_le<int64_t>(p, times[i].timestamp);
        store_le<uint32_t>(p + 8, times[i].relative_offset);
    });
    for (auto& [path, bytes] : {std::pair{offset_index_path(log_path), &offsets_bytes},
                                std::pair{time_index_path(log_path), &times_bytes}}) {
        auto f = io::file::open(path, io::file::mode::create_read_write);
        if (!f) return std::move(f).err();
        if (auto r = f->truncate(0); !r) return r;
        if (auto r = f->write_at(*bytes, 0); !r) return r;
    }
    return ok();
}

std::optional<std::pair<segment_index, segment_summary>>
segment_index::read_files(const std::filesystem::path& log_path, model::offset base) {
    auto offsets_bytes = io::read_file(offset_index_path(log_path));
    auto times_bytes = io::read_file(time_index_path(log_path));
    if (!offsets_bytes || !times_bytes) return std::nullopt;
    auto ot = decode_trailer(*offsets_bytes, offset_entry_size);
    auto tt = decode_trailer(*times_bytes, time_entry_size);
    if (!ot || !tt) return std::nullopt;
    const segment_summary& s = ot->second;
    if (s.size_bytes != tt->second.size_bytes || s.next_offset != tt->second.next_offset)
        return std::nullopt;

    segment_index index(base);
    uint32_t last_position = 0;
    int64_t last_relative = -1;
    for (size_t i = 0; i < ot->first; ++i) {
        const std::byte* p = offsets_bytes->data() + i * offset_entry_size;
        offset_entry e{load_le<uint32_t>(p), load_le<uint32_t>(p + 4)};
        if (static_cast<int64_t>(e.relative_offset) <= last_relative ||
            e.position < last_position || e.position >= s.size_bytes)
            return std::nullopt;
        last_relative = e.relative_offset;
        last_position = e.position;
        index._offsets.push_back(e);
    }
    for (size_t i = 0; i < tt->first; ++i) {
        const std::byte* p = times_bytes->data() + i * time_entry_size;
        time_entry e{load_le<int64_t>(p), load_le<uint32_t>(p + 8)};
        if (!index._times.empty() && e.timestamp <= index._times.back().timestamp)
            return std::nullopt;
        index._times.push_back(e);
    }
    index._max_timestamp = s.max_timestamp.value();
    if (!index._times.empty())
        index._max_timestamp_relative_offset = index._times.back().relative_offset;
    return std::pair{std::move(index), s};
}

} // namespace spate::log
