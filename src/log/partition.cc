#include "log/partition.h"

#include "base/crc32c.h"
#include "base/endian.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include <spdlog/spdlog.h>

namespace spate::log {

namespace L = model::batch_layout;

partition::partition(std::filesystem::path dir, std::string name, log_config config,
                     partition_context ctx)
    : _dir(std::move(dir)), _name(std::move(name)), _config(std::move(config)),
      _ctx(std::move(ctx)), _checkpoint_writer(std::make_shared<checkpoint_writer>(_dir)) {}

partition::~partition() = default;

result<std::shared_ptr<partition>> partition::open(std::filesystem::path dir, std::string name,
                                                   log_config config, partition_context ctx) {
    std::shared_ptr<partition> p(
        new partition(std::move(dir), std::move(name), std::move(config), std::move(ctx)));
    if (auto r = p->recover(); !r) return std::move(r).err();
    return p;
}

model::offset partition::high_watermark() const {
    return _config.flush == flush_policy::always ? _durable : log_end_offset();
}

uint64_t partition::size_bytes() const {
    uint64_t total = 0;
    for (const auto& s : _segments)
        total += s->size_bytes();
    return total;
}

result<void> partition::check_writable() const {
    if (_closed) return error::make(errc::shutting_down, "partition {} is closed", _name);
    if (_damage)
        return error::make(errc::kafka_storage_error, "partition {} is read-only: {}", _name,
                           _damage->message);
    return ok();
}

result<append_result> partition::append(std::span<std::byte> batches) {
    if (auto r = check_writable(); !r) return std::move(r).err();
    if (batches.empty())
        return error::make(errc::invalid_record, "append of zero bytes to {}", _name);

    // Validate everything before writing anything.
    std::vector<model::batch_header> headers;
    size_t pos = 0;
    while (pos < batches.size()) {
        auto rest = std::span<const std::byte>(batches).subspan(pos);
        auto h = model::parse_batch_header(rest);
        if (!h)
            return error::make(h.err().code, "batch {} at byte {}: {}", headers.size(), pos,
                               h.err().message);
        if (h->size_bytes() > rest.size())
            return error::make(errc::corrupt_message,
                               "batch {} at byte {}: batchLength {} runs past the end of the "
                               "request ({} bytes left)",
                               headers.size(), pos, h->batch_length, rest.size());
        if (h->size_bytes() > static_cast<size_t>(_config.max_message_bytes))
            return error::make(errc::message_too_large,
                               "batch {} at byte {} is {} bytes; max.message.bytes is {}",
                               headers.size(), pos, h->size_bytes(), _config.max_message_bytes);
        auto v = model::validate_batch(rest.first(h->size_bytes()));
        if (!v)
            return error::make(v.err().code, "batch {} at byte {}: {}", headers.size(), pos,
                               v.err().message);
        headers.push_back(*v);
        pos += h->size_bytes();
    }

    // Idempotent producers: refuse what is out of order, answer a retry with what it got.
    auto repeated = _producers.check(headers);
    if (!repeated)
        return error::make(repeated.err().code, "partition {}: {}", _name, repeated.err().message);
    if (*repeated) {
        append_result out;
        out.base_offset = (*repeated)->base_offset;
        out.last_offset = (*repeated)->last_offset;
        if (_config.message_timestamp_type == timestamp_type::log_append_time)
            out.log_append_time = (*repeated)->max_timestamp;
        out.duplicate = true;
        return out;
    }

    // Roll first if this append would overflow the active segment or its 32-bit offsets.
    segment* active = _segments.back().get();
    int64_t records = 0;
    for (const auto& h : headers)
        records += h.last_offset_delta + 1;
    bool too_big =
        active->size_bytes() + batches.size() > static_cast<uint64_t>(_config.segment_bytes);
    bool offsets_overflow = (active->next_offset() - active->base_offset()) + records >
                            std::numeric_limits<int32_t>::max();
    if (!active->empty() && (too_big || offsets_overflow)) {
        if (auto r = roll(); !r) return std::move(r).err();
        active = _segments.back().get();
    }

    append_result out;
    model::offset next = active->next_offset();
    out.base_offset = next;
    int64_t clock = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    int64_t now = _config.message_timestamp_type == timestamp_type::log_append_time ? clock : -1;
    pos = 0;
    for (auto& h : headers) {
        std::byte* b = batches.data() + pos;
        if (now >= 0) {
            // LogAppendTime: the broker's clock replaces the producer's timestamps.
            int16_t attrs = static_cast<int16_t>(h.attributes | 0x08);
            store_be<int16_t>(b + L::attributes, attrs);
            store_be<int64_t>(b + L::base_timestamp, now);
            store_be<int64_t>(b + L::max_timestamp, now);
            store_be<uint32_t>(b + L::crc, crc32c(std::span<const std::byte>(
                                               b + L::attributes, h.size_bytes() - L::attributes)));
            h.attributes = attrs;
            h.base_timestamp = h.max_timestamp = model::timestamp_ms(now);
            out.log_append_time = model::timestamp_ms(now);
        }
        model::assign_base_offset({b, h.size_bytes()}, next);
        h.base_offset = next;
        next = h.next_offset();
        pos += h.size_bytes();
    }
    out.last_offset = next - 1;
    if (auto r = active->append(batches, headers, _config.index_interval_bytes); !r) {
        spdlog::error("partition {}: append failed: {}", _name, r.err().message);
        if (active->has_partial_tail()) mark_damaged(r.err());
        return std::move(r).err();
    }
    for (const auto& h : headers)
        _producers.record(h, model::timestamp_ms(clock));
    return out;
}

boost::asio::awaitable<result<append_result>>
partition::append_durable(std::span<std::byte> batches) {
    auto appended = append(batches);
    if (!appended || _config.flush != flush_policy::always) co_return appended;
    auto synced = co_await wait_durable(appended->last_offset + 1);
    if (!synced) co_return std::move(synced).err();
    co_return appended;
}

const segment* partition::segment_for(model::offset o) const {
    auto it = std::upper_bound(_segments.begin(), _segments.end(), o,
                               [](model::offset v, const auto& s) { return v < s->base_offset(); });
    if (it == _segments.begin()) return nullptr;
    return std::prev(it)->get();
}

result<read_result> partition::read(model::offset from, uint64_t max_bytes) const {
    model::offset limit = high_watermark();
    if (from < _log_start || from > limit)
        return error::make(errc::offset_out_of_range,
                           "offset {} is outside partition {}'s range [{}, {}]", from.value(),
                           _name, _log_start.value(), limit.value());
    read_result out;
    out.next_offset = from;
    auto fail = [&](error e) -> result<read_result> {
        if (out.slices.empty()) return e;
        spdlog::error("partition {}: {}", _name, e.message); // readable up to the damage
        return out;
    };
    while (out.next_offset < limit) {
        const segment* seg = segment_for(out.next_offset);
        auto found = seg->find_batch(out.next_offset);
        if (!found) return fail(std::move(found).err());
        if (!*found) {
            // The offset lies between this segment's end and the next one's base: lost data.
            const segment* next = segment_for(model::offset::max());
            for (const auto& s : _segments)
                if (s->base_offset() > seg->base_offset()) {
                    next = s.get();
                    break;
                }
            return fail(error::make(errc::kafka_storage_error,
                                    "partition {}: offsets {} to {} are missing; segment {} ends "
                                    "early (damaged)",
                                    _name, out.next_offset.value(), next->base_offset().value() - 1,
                                    seg->path().string()));
        }
        auto [pos, h] = **found;
        uint64_t run_start = pos;
        uint64_t run_bytes = 0;
        bool segment_done = false;
        while (h.base_offset < limit) {
            uint64_t taken = out.size_bytes + run_bytes;
            if (taken > 0 && taken + h.size_bytes() > max_bytes) break;
            run_bytes += h.size_bytes();
            out.next_offset = h.next_offset();
            pos += h.size_bytes();
            if (pos >= seg->size_bytes()) {
                segment_done = true;
                break;
            }
            auto nh = seg->read_header(pos);
            if (!nh) {
                out.slices.push_back({seg->file(), run_start, run_bytes});
                out.size_bytes += run_bytes;
                return fail(std::move(nh).err());
            }
            h = *nh;
        }
        if (run_bytes > 0) {
            out.slices.push_back({seg->file(), run_start, run_bytes});
            out.size_bytes += run_bytes;
        }
        if (!segment_done || out.size_bytes >= max_bytes) break;
    }
    return out;
}

result<std::vector<std::byte>> partition::read_bytes(model::offset from, uint64_t max_bytes) const {
    auto r = read(from, max_bytes);
    if (!r) return std::move(r).err();
    std::vector<std::byte> out(r->size_bytes);
    size_t at = 0;
    for (const auto& s : r->slices) {
        auto n = s.file->read_at({out.data() + at, s.size}, s.position);
        if (!n) return std::move(n).err();
        if (*n != s.size)
            return error::make(errc::kafka_storage_error, "{}: short read at position {}",
                               s.file->path().string(), s.position);
        at += s.size;
    }
    // Check every batch; keep the good ones before the first bad one.
    size_t pos = 0;
    while (pos < out.size()) {
        auto h = model::parse_batch_header(std::span<const std::byte>(out).subspan(pos));
        auto v =
            h ? model::validate_batch(std::span<const std::byte>(out).subspan(pos, h->size_bytes()))
              : h;
        if (!v) {
            auto e = error::make(errc::corrupt_message, "partition {}: batch at offset {}: {}",
                                 _name, h ? h->base_offset.value() : -1, v.err().message);
            spdlog::error("{}", e.message);
            if (pos == 0) return e;
            out.resize(pos);
            break;
        }
        pos += h->size_bytes();
    }
    return out;
}

result<std::optional<timestamp_lookup>>
partition::offset_for_timestamp(model::timestamp_ms ts) const {
    using found = std::optional<timestamp_lookup>;
    model::offset limit = high_watermark();
    for (const auto& seg : _segments) {
        if (seg->max_timestamp() < ts || seg->next_offset() <= _log_start) continue;
        model::offset scan_from = std::max(seg->index().offset_for_timestamp_scan(ts), _log_start);
        auto start = seg->find_batch(scan_from);
        if (!start) return std::move(start).err();
        if (!*start) continue;
        auto [pos, h] = **start;
        while (true) {
            if (h.base_offset >= limit) return found{};
            if (h.max_timestamp >= ts) {
                if (h.codec() != model::compression::none || h.log_append_time())
                    return found{
                        timestamp_lookup{std::max(h.base_offset, _log_start), h.max_timestamp}};
                // Find the exact record inside an uncompressed batch.
                std::vector<std::byte> buf(h.size_bytes());
                auto n = seg->file()->read_at(buf, pos);
                if (!n) return std::move(n).err();
                model::record_reader records(
                    std::span<const std::byte>(buf).subspan(L::header_size));
                while (!records.at_end()) {
                    auto rec = records.next();
                    if (!rec)
                        return error::make(rec.err().code, "partition {} batch at offset {}: {}",
                                           _name, h.base_offset.value(), rec.err().message);
                    model::timestamp_ms rts = h.base_timestamp + rec->timestamp_delta;
                    model::offset ro = h.base_offset + rec->offset_delta;
                    if (rts >= ts && ro >= _log_start) return found{timestamp_lookup{ro, rts}};
                }
            }
            pos += h.size_bytes();
            if (pos >= seg->size_bytes()) break;
            auto nh = seg->read_header(pos);
            if (!nh) return std::move(nh).err();
            h = *nh;
        }
    }
    return found{};
}

} // namespace spate::log
