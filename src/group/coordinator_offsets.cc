// OffsetCommit, OffsetFetch, OffsetDelete, offset expiry, and the group listing APIs
// (ListGroups, DescribeGroups, DeleteGroups).

#include "group/coordinator.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <set>

namespace spate::group {

namespace {

int16_t code(errc e) {
    return static_cast<int16_t>(e);
}

} // namespace

asio_awaitable<kafka::offset_commit_response_data>
coordinator::commit(kafka::offset_commit_request_data req, int16_t version,
                    partition_exists exists) {
    kafka::offset_commit_response_data response;
    // Every partition gets the same answer unless its own check fails.
    auto answer_all = [&](int16_t error) {
        for (const auto& t : req.topics) {
            kafka::offset_commit_response_data::offset_commit_response_topic rt;
            rt.name = t.name;
            for (const auto& p : t.partitions) {
                kafka::offset_commit_response_data::offset_commit_response_partition rp;
                rp.partition_index = p.partition_index;
                rp.error_code = error;
                rt.partitions.push_back(rp);
            }
            response.topics.push_back(std::move(rt));
        }
        return response;
    };
    if (req.group_id.empty()) co_return answer_all(code(errc::invalid_group_id));
    const int32_t generation = req.generation_id_or_member_epoch;
    group_data* found = find(req.group_id);
    if (!found) {
        // A group that only stores offsets (no membership): Kafka creates it on commit.
        if (generation >= 0) co_return answer_all(code(errc::illegal_generation));
        found = &create(req.group_id);
    }
    group_data& g = *found;
    errc group_error = errc::none;
    if (g.fenced(req.group_instance_id, req.member_id)) {
        group_error = errc::fenced_instance_id;
    } else if (generation < 0 && g.state == group_state::empty) {
        // A simple consumer committing for itself.
    } else if (!g.has_member(req.member_id)) {
        group_error = errc::unknown_member_id;
    } else if (generation != g.generation) {
        group_error = errc::illegal_generation;
    } else if (g.state == group_state::completing_rebalance) {
        group_error = errc::rebalance_in_progress;
    } else {
        auto& m = g.members.at(req.member_id);
        m.deadline = clock::now() + std::chrono::milliseconds(m.session_timeout_ms);
    }
    if (group_error != errc::none) {
        erase_group_if_unused(g.id);
        co_return answer_all(code(group_error));
    }

    const int64_t now = wall_ms();
    std::vector<record> records;
    std::vector<std::pair<offset_key, committed_offset>> accepted;
    for (const auto& t : req.topics) {
        kafka::offset_commit_response_data::offset_commit_response_topic rt;
        rt.name = t.name;
        for (const auto& p : t.partitions) {
            kafka::offset_commit_response_data::offset_commit_response_partition rp;
            rp.partition_index = p.partition_index;
            const std::string metadata = p.committed_metadata.value_or("");
            if (!exists(t.name, p.partition_index)) {
                rp.error_code = code(errc::unknown_topic_or_partition);
            } else if (static_cast<int64_t>(metadata.size()) > _config.offset_metadata_max_bytes) {
                rp.error_code = code(errc::offset_metadata_too_large);
            } else {
                committed_offset c;
                c.value.offset = p.committed_offset;
                c.value.leader_epoch = p.committed_leader_epoch;
                c.value.metadata = metadata;
                // v1 carried a client commit time; Kafka ignores it since v2, and so do we.
                c.value.commit_timestamp = now;
                if (version >= 2 && version <= 4 && req.retention_time_ms > 0)
                    c.expire_timestamp = now + req.retention_time_ms;
                offset_key key{g.id, t.name, p.partition_index};
                records.emplace_back(encode_key(key), encode_value(c.value));
                accepted.emplace_back(std::move(key), std::move(c));
            }
            rt.partitions.push_back(rp);
        }
        response.topics.push_back(std::move(rt));
    }
    if (records.empty()) {
        erase_group_if_unused(g.id);
        co_return response;
    }
    // The offsets are visible as soon as they are appended (before they are durable), so a
    // rewrite of the partition that runs meanwhile keeps them.
    const std::string group_id = g.id;
    const int32_t index = g.offsets_partition;
    for (auto& [key, c] : accepted)
        g.offsets[{key.topic, key.partition}] = std::move(c);
    auto op = store(index, std::move(records));
    auto stored = co_await std::move(op);
    if (!stored) {
        spdlog::warn("group '{}': offset commit failed: {}", group_id, stored.err().message);
        for (auto& t : response.topics)
            for (auto& p : t.partitions)
                if (p.error_code == 0) p.error_code = code(errc::coordinator_not_available);
    }
    co_return response;
}

kafka::offset_fetch_response_data::offset_fetch_response_group coordinator::fetch_offsets(
    const std::string& group_id,
    const std::optional<std::vector<kafka::offset_fetch_request_data::offset_fetch_request_topics>>&
        topics) const {
    kafka::offset_fetch_response_data::offset_fetch_response_group out;
    out.group_id = group_id;
    const group_data* g = find(group_id);
    using topic_result = kafka::offset_fetch_response_data::offset_fetch_response_topics;
    using partition_result = kafka::offset_fetch_response_data::offset_fetch_response_partitions;
    auto entry = [&](int32_t partition, const committed_offset* c) {
        partition_result p;
        p.partition_index = partition;
        p.committed_offset = c ? c->value.offset : -1;
        p.committed_leader_epoch = c ? c->value.leader_epoch : -1;
        p.metadata = c ? c->value.metadata : "";
        return p;
    };
    if (topics) {
        for (const auto& t : *topics) {
            topic_result rt;
            rt.name = t.name;
            for (int32_t partition : t.partition_indexes) {
                const committed_offset* c = nullptr;
                if (g) {
                    auto it = g->offsets.find({t.name, partition});
                    if (it != g->offsets.end()) c = &it->second;
                }
                rt.partitions.push_back(entry(partition, c));
            }
            out.topics.push_back(std::move(rt));
        }
    } else if (g) {
        for (const auto& [key, c] : g->offsets) {
            if (out.topics.empty() || out.topics.back().name != key.first) {
                topic_result rt;
                rt.name = key.first;
                out.topics.push_back(std::move(rt));
            }
            out.topics.back().partitions.push_back(entry(key.second, &c));
        }
    }
    return out;
}

std::vector<kafka::list_groups_response_data::listed_group>
coordinator::list(const std::vector<std::string>& states,
                  const std::vector<std::string>& types) const {
    std::vector<kafka::list_groups_response_data::listed_group> out;
    auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        return s;
    };
    std::set<std::string> wanted_states, wanted_types;
    for (const auto& s : states)
        wanted_states.insert(lower(s));
    for (const auto& t : types)
        wanted_types.insert(lower(t));
    for (const auto& [id, g] : _groups) {
        std::string state(state_name(g->state));
        if (!wanted_states.empty() && !wanted_states.contains(lower(state))) continue;
        if (!wanted_types.empty() && !wanted_types.contains("classic")) continue;
        kafka::list_groups_response_data::listed_group lg;
        lg.group_id = id;
        lg.protocol_type = g->protocol_type;
        lg.group_state = std::move(state);
        lg.group_type = "classic";
        out.push_back(std::move(lg));
    }
    return out;
}

kafka::describe_groups_response_data::described_group
coordinator::describe(const std::string& group_id, int16_t version) const {
    kafka::describe_groups_response_data::described_group d;
    d.group_id = group_id;
    const group_data* g = find(group_id);
    if (!g) {
        d.group_state = "Dead";
        if (version >= 6) {
            d.error_code = code(errc::group_id_not_found);
        }
        return d;
    }
    d.group_state = std::string(state_name(g->state));
    d.protocol_type = g->protocol_type;
    // Members and the protocol are shown only once the group has settled on them.
    if (g->state == group_state::stable || g->state == group_state::completing_rebalance)
        d.protocol_data = g->protocol.value_or("");
    for (const auto& id : g->join_order) {
        const auto& m = g->members.at(id);
        kafka::describe_groups_response_data::described_group_member dm;
        dm.member_id = m.id;
        dm.group_instance_id = m.instance_id;
        dm.client_id = m.client_id;
        dm.client_host = m.client_host;
        if (g->state == group_state::stable || g->state == group_state::completing_rebalance) {
            if (g->protocol)
                if (const bytes* md = m.metadata_for(*g->protocol)) dm.member_metadata = *md;
            if (g->state == group_state::stable) dm.member_assignment = m.assignment;
        }
        d.members.push_back(std::move(dm));
    }
    return d;
}

asio_awaitable<int16_t> coordinator::delete_group(std::string group_id) {
    if (group_id.empty()) co_return code(errc::invalid_group_id);
    group_data* g = find(group_id);
    if (!g) co_return code(errc::group_id_not_found);
    if (g->state != group_state::empty) co_return code(errc::non_empty_group);
    std::vector<record> records;
    for (const auto& [key, _] : g->offsets)
        records.emplace_back(encode_key(offset_key{group_id, key.first, key.second}), std::nullopt);
    records.emplace_back(encode_key(group_key{group_id}), std::nullopt);
    const int32_t index = g->offsets_partition;
    erase_group(group_id);
    auto op = store(index, std::move(records));
    auto stored = co_await std::move(op);
    if (!stored) {
        spdlog::warn("group '{}': deleting it failed: {}", group_id, stored.err().message);
        co_return code(errc::coordinator_not_available);
    }
    spdlog::info("group '{}': deleted", group_id);
    co_return code(errc::none);
}

asio_awaitable<kafka::offset_delete_response_data>
coordinator::delete_offsets(kafka::offset_delete_request_data req) {
    kafka::offset_delete_response_data response;
    group_data* g = find(req.group_id);
    if (req.group_id.empty()) {
        response.error_code = code(errc::invalid_group_id);
        co_return response;
    }
    if (!g) {
        response.error_code = code(errc::group_id_not_found);
        co_return response;
    }
    // Kafka refuses to delete offsets of topics that a live consumer group subscribes to.
    std::optional<std::vector<std::string>> subscribed;
    if (g->state != group_state::empty) {
        subscribed = g->subscribed_topics();
        if (!subscribed) {
            response.error_code = code(errc::non_empty_group);
            co_return response;
        }
    }
    std::vector<record> records;
    for (const auto& t : req.topics) {
        kafka::offset_delete_response_data::offset_delete_response_topic rt;
        rt.name = t.name;
        bool in_use = subscribed && std::find(subscribed->begin(), subscribed->end(), t.name) !=
                                        subscribed->end();
        for (const auto& p : t.partitions) {
            kafka::offset_delete_response_data::offset_delete_response_partition rp;
            rp.partition_index = p.partition_index;
            if (in_use) {
                rp.error_code = code(errc::group_subscribed_to_topic);
            } else if (g->offsets.erase({t.name, p.partition_index})) {
                records.emplace_back(encode_key(offset_key{g->id, t.name, p.partition_index}),
                                     std::nullopt);
            }
            rt.partitions.push_back(rp);
        }
        response.topics.push_back(std::move(rt));
    }
    if (records.empty()) co_return response;
    const std::string group_id = g->id;
    auto op = store(g->offsets_partition, std::move(records));
    auto stored = co_await std::move(op);
    if (!stored) {
        spdlog::warn("group '{}': deleting offsets failed: {}", group_id, stored.err().message);
        response.error_code = code(errc::coordinator_not_available);
    }
    co_return response;
}

void coordinator::expire_offsets(int64_t now_ms) {
    const int64_t retention = _config.offsets_retention_ms;
    std::vector<std::string> ids;
    for (const auto& [id, _] : _groups)
        ids.push_back(id);
    for (const auto& id : ids) {
        group_data& g = *find(id);
        // Kafka (KIP-211): a group's offsets expire once it has been empty for the retention
        // period; offsets of a group without membership expire one by one, a retention period
        // after their commit; and so do those of topics a consumer group no longer
        // subscribes to.
        std::optional<std::vector<std::string>> subscribed;
        if (g.state == group_state::stable) subscribed = g.subscribed_topics();
        std::vector<record> records;
        for (auto it = g.offsets.begin(); it != g.offsets.end();) {
            const auto& c = it->second;
            bool expired = false;
            if (c.expire_timestamp >= 0) {
                expired = now_ms >= c.expire_timestamp;
            } else if (g.state == group_state::empty) {
                int64_t since = g.protocol_type.empty()
                                    ? c.value.commit_timestamp
                                    : std::max(g.state_timestamp, c.value.commit_timestamp);
                expired = now_ms - since >= retention;
            } else if (subscribed && std::find(subscribed->begin(), subscribed->end(),
                                               it->first.first) == subscribed->end()) {
                expired = now_ms - c.value.commit_timestamp >= retention;
            }
            if (expired) {
                records.emplace_back(
                    encode_key(offset_key{g.id, it->first.first, it->first.second}), std::nullopt);
                it = g.offsets.erase(it);
            } else {
                ++it;
            }
        }
        bool gone = g.state == group_state::empty && g.offsets.empty();
        if (records.empty() && !gone) continue;
        spdlog::info("group '{}': {} committed offsets expired{}", id, records.size(),
                     gone ? "; the group is removed" : "");
        const int32_t index = g.offsets_partition;
        if (gone) {
            records.emplace_back(encode_key(group_key{id}), std::nullopt);
            erase_group(id);
        }
        store_later(index, std::move(records), "expiring offsets");
    }
}

void coordinator::forget_topic(const std::string& topic) {
    std::map<int32_t, std::vector<record>> tombstones;
    for (auto& [id, g] : _groups)
        for (auto it = g->offsets.lower_bound({topic, std::numeric_limits<int32_t>::min()});
             it != g->offsets.end() && it->first.first == topic;) {
            tombstones[g->offsets_partition].emplace_back(
                encode_key(offset_key{id, topic, it->first.second}), std::nullopt);
            it = g->offsets.erase(it);
        }
    for (auto& [index, records] : tombstones) {
        spdlog::info("offsets partition {}: {} offsets of deleted topic '{}' removed", index,
                     records.size(), topic);
        store_later(index, std::move(records), "removing the offsets of a deleted topic");
    }
}

std::vector<committed_entry> coordinator::committed() const {
    std::vector<committed_entry> out;
    for (const auto& [id, g] : _groups)
        for (const auto& [key, c] : g->offsets)
            out.push_back({id, key.first, key.second, c.value.offset});
    return out;
}

} // namespace spate::group
