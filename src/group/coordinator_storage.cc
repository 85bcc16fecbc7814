// The coordinator's durable state: appending to the offsets topic, replaying it at start, and
// rewriting a partition whose dead records far outnumber the live ones (what compaction does
// for Kafka's __consumer_offsets).

#include "group/coordinator.h"

#include "model/batch_builder.h"
#include "model/record_batch.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <spdlog/spdlog.h>

namespace spate::group {

namespace {

std::string_view as_chars(std::span<const std::byte> b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

/// Records per batch when a partition is rewritten.
constexpr size_t rewrite_batch_records = 1000;

} // namespace

asio_awaitable<result<void>> coordinator::store(int32_t index, std::vector<record> records) {
    auto it = _partitions.find(index);
    if (it == _partitions.end())
        co_return error::make(errc::coordinator_not_available,
                              "offsets partition {} is not served here", index);
    auto p = it->second;
    model::batch_builder builder;
    const auto now = model::timestamp_ms{wall_ms()};
    for (const auto& [key, value] : records) {
        std::optional<std::string_view> v;
        if (value) v = as_chars(*value);
        builder.add(as_chars(key), v, now);
    }
    auto batch = builder.build();
    auto op = p->append_durable(batch);
    auto appended = co_await std::move(op);
    if (!appended) co_return std::move(appended).err();
    co_return ok();
}

asio_awaitable<result<void>> coordinator::store_group(const group_data& g) {
    std::vector<record> records;
    records.emplace_back(encode_key(group_key{g.id}), encode_value(g.to_value()));
    return store(g.offsets_partition, std::move(records));
}

void coordinator::store_later(int32_t index, std::vector<record> records, std::string what) {
    boost::asio::co_spawn(
        _executor,
        [this, index, records = std::move(records),
         what = std::move(what)]() mutable -> asio_awaitable<void> {
            auto op = store(index, std::move(records));
            auto r = co_await std::move(op);
            if (!r)
                spdlog::warn("offsets partition {}: {} failed: {}", index, what, r.err().message);
        },
        boost::asio::detached);
}

void coordinator::store_group_later(const group_data& g) {
    std::vector<record> records;
    records.emplace_back(encode_key(group_key{g.id}), encode_value(g.to_value()));
    store_later(g.offsets_partition, std::move(records), fmt::format("storing group '{}'", g.id));
}

void coordinator::apply(int32_t index, const record_key& key,
                        std::optional<std::span<const std::byte>> value, int64_t now_ms) {
    if (const auto* k = std::get_if<offset_key>(&key)) {
        group_data* g = find(k->group);
        if (!value) {
            if (g) g->offsets.erase({k->topic, k->partition});
            return;
        }
        auto v = decode_offset_value(*value);
        if (!v) {
            spdlog::warn("offsets partition {}: skipping an unreadable offset of group '{}': {}",
                         index, k->group, v.err().message);
            return;
        }
        if (!g) g = &create(k->group);
        committed_offset c;
        c.value = std::move(*v);
        g->offsets[{k->topic, k->partition}] = std::move(c);
        return;
    }
    const auto& k = std::get<group_key>(key);
    if (!value) {
        erase_group(k.group);
        return;
    }
    auto v = decode_group_value(*value);
    if (!v) {
        spdlog::warn("offsets partition {}: skipping unreadable metadata of group '{}': {}", index,
                     k.group, v.err().message);
        return;
    }
    group_data* g = find(k.group);
    if (!g) g = &create(k.group);
    // Membership is replaced whole; offsets stay.
    auto offsets = std::move(g->offsets);
    *g = group_data{};
    g->id = k.group;
    g->offsets_partition = index;
    g->offsets = std::move(offsets);
    g->protocol_type = v->protocol_type;
    g->generation = v->generation;
    g->protocol = v->protocol;
    g->state_timestamp = v->state_timestamp;
    // Members come back as they were; each must heartbeat within its session timeout or it
    // leaves (and the group rebalances), as after a Kafka coordinator moves.
    auto now = clock::now();
    for (auto& mv : v->members) {
        member m;
        m.id = mv.member_id;
        m.instance_id = mv.instance_id;
        m.client_id = mv.client_id;
        m.client_host = mv.client_host;
        m.rebalance_timeout_ms = mv.rebalance_timeout_ms;
        m.session_timeout_ms = mv.session_timeout_ms;
        if (v->protocol) m.protocols.emplace_back(*v->protocol, std::move(mv.subscription));
        m.assignment = std::move(mv.assignment);
        m.deadline = now + std::chrono::milliseconds(m.session_timeout_ms);
        g->add_member(std::move(m));
    }
    g->leader = v->leader;
    g->state = g->members.empty() ? group_state::empty : group_state::stable;
    (void)now_ms;
}

result<void> coordinator::load(int32_t index, std::shared_ptr<log::partition> p) {
    _partitions[index] = p;
    const int64_t now = wall_ms();
    auto from = p->log_start_offset();
    const auto end = p->high_watermark();
    size_t records = 0;
    while (from < end) {
        auto chunk = p->read_bytes(from, 1 << 20);
        if (!chunk) return std::move(chunk).err();
        if (chunk->empty()) break;
        std::span<const std::byte> rest(*chunk);
        while (!rest.empty()) {
            auto header = model::parse_batch_header(rest);
            if (!header) return std::move(header).err();
            auto batch = rest.first(header->size_bytes());
            rest = rest.subspan(header->size_bytes());
            from = header->next_offset();
            if (header->is_control()) continue;
            std::vector<std::byte> decompressed;
            auto section = batch.subspan(model::batch_layout::header_size);
            if (header->codec() != model::compression::none) {
                auto d = model::decompress(header->codec(), section,
                                           model::max_decompressed_batch_bytes);
                if (!d) return std::move(d).err();
                decompressed = std::move(*d);
                section = decompressed;
            }
            model::record_reader reader(section);
            while (!reader.at_end()) {
                auto rec = reader.next();
                if (!rec) return std::move(rec).err();
                if (!rec->key) continue;
                auto key = decode_key(*rec->key);
                if (!key) {
                    spdlog::warn("offsets partition {}: skipping a record at offset {}: {}", index,
                                 (header->base_offset + rec->offset_delta).value(),
                                 key.err().message);
                    continue;
                }
                apply(index, *key, rec->value, now);
                ++records;
            }
        }
    }
    spdlog::debug("offsets partition {}: replayed {} records", index, records);
    return ok();
}

void coordinator::maybe_rewrite(int32_t index) {
    if (_rewriting[index]) return;
    const auto& p = _partitions.at(index);
    const int64_t stored = p->log_end_offset() - p->log_start_offset();
    if (stored < _config.offsets_rewrite_min_records) return;
    int64_t live = 0;
    for (const auto& [_, g] : _groups)
        if (g->offsets_partition == index) live += 1 + static_cast<int64_t>(g->offsets.size());
    if (stored < 4 * live) return;
    _rewriting[index] = true;
    boost::asio::co_spawn(_executor, rewrite(index), boost::asio::detached);
}

asio_awaitable<void> coordinator::rewrite(int32_t index) {
    auto p = _partitions.at(index);
    // Every live record of the partition, appended again in one go (no other coroutine runs
    // in between); once they are durable, everything before them can be dropped.
    std::vector<std::vector<std::byte>> batches;
    model::batch_builder builder;
    const auto now = model::timestamp_ms{wall_ms()};
    auto add = [&](const bytes& key, const bytes& value) {
        builder.add(as_chars(key), as_chars(value), now);
        if (builder.record_count() >= rewrite_batch_records) {
            batches.push_back(builder.build());
            builder.reset();
        }
    };
    for (const auto& [id, g] : _groups) {
        if (g->offsets_partition != index) continue;
        if (g->generation > 0 || !g->members.empty())
            add(encode_key(group_key{id}), encode_value(g->to_value()));
        for (const auto& [key, c] : g->offsets)
            add(encode_key(offset_key{id, key.first, key.second}), encode_value(c.value));
    }
    if (builder.record_count() > 0) batches.push_back(builder.build());
    const auto start = p->log_end_offset();
    model::offset last = start;
    for (auto& b : batches) {
        auto r = p->append(b);
        if (!r) {
            spdlog::warn("offsets partition {}: rewrite failed: {}", index, r.err().message);
            _rewriting[index] = false;
            co_return;
        }
        last = r->last_offset + 1;
    }
    auto op = p->wait_durable(last);
    auto durable = co_await std::move(op);
    if (durable) {
        auto before = p->log_start_offset();
        auto r = p->delete_records_before(start);
        if (r)
            spdlog::info("offsets partition {}: rewrote the live records, dropped {} older ones",
                         index, start - before);
        else
            spdlog::warn("offsets partition {}: rewrite could not drop old records: {}", index,
                         r.err().message);
    }
    _rewriting[index] = false;
}

} // namespace spate::group
