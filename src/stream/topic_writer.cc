#include "stream/topic_writer.h"

#include "broker/broker.h"
#include "log/partition.h"
#include "model/batch_builder.h"

#include <boost/asio/post.hpp>
#include <chrono>
#include <spdlog/spdlog.h>

namespace spate::stream {

void append_records(broker::kafka_broker& broker, const broker::partition_ref& ref,
                    const std::vector<dead_letters::pending>& records) {
    if (records.empty() || !ref.log) return;
    // Stamped with the time of writing: a record's own event time may be long past and would
    // put it in reach of time-based retention at once.
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    model::batch_builder builder;
    for (const auto& r : records)
        builder.add(r.key.empty() ? std::nullopt : std::optional<std::string_view>(r.key),
                    std::string_view(r.value), model::timestamp_ms(now));
    auto bytes = std::make_shared<std::vector<std::byte>>(builder.build());
    auto log = ref.log;
    unsigned shard = ref.shard;
    boost::asio::post(broker.executor(shard), [&broker, log, shard, bytes,
                                               topic = records.front().topic] {
        auto r = log->append(*bytes);
        if (!r) {
            spdlog::warn("sql: cannot append to {}: {}", log->name(), r.err().to_string());
            return;
        }
        broker.state(shard).traffic().add_in(
            topic, uint64_t(r->last_offset.value() - r->base_offset.value() + 1), bytes->size());
        // Readers see records once they are durable (flush policy `always`).
        log->when_durable(r->last_offset + 1, [&broker, log, shard](result<void> synced) {
            if (synced) broker.state(shard).notify(log.get());
        });
        broker.state(shard).notify(log.get());
    });
}

void flush_letters(broker::kafka_broker& broker, dead_letters& letters,
                   const std::map<std::string, std::vector<broker::partition_ref>>& topics) {
    auto& pending = letters.records();
    if (pending.empty()) return;
    std::map<std::string, std::vector<dead_letters::pending>> by_topic;
    for (auto& p : pending)
        by_topic[p.topic].push_back(std::move(p));
    pending.clear();
    for (auto& [topic, records] : by_topic) {
        auto it = topics.find(topic);
        if (it == topics.end() || it->second.empty()) {
            spdlog::warn("sql: topic {} is missing; {} record(s) for it dropped", topic,
                         records.size());
            continue;
        }
        append_records(broker, it->second[0], records);
    }
}

} // namespace spate::stream
