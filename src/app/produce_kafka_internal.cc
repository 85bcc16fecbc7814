#include "app/produce_kafka_internal.h"

#include <fmt/format.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace spate::app::produce_detail {

result<kafka_handle> make_producer(const produce_options& opts, delivery_state& state) {
    const std::string timeout_ms = std::to_string(int64_t{opts.timeout_s} * 1000);
    const std::vector<std::pair<std::string, std::string>> settings = {
        {"bootstrap.servers", opts.bootstrap_server},
        {"acks", "all"},
        {"enable.idempotence", "true"},
        // Java's default partitioner, so a key lands where a Java producer would put it.
        {"partitioner", "murmur2_random"},
        {"linger.ms", "5"},
        {"queue.buffering.max.messages", "1000000"},
        {"queue.buffering.max.kbytes", "1048576"},
        {"message.timeout.ms", timeout_ms},
        {"socket.timeout.ms", timeout_ms},
        {"socket.connection.setup.timeout.ms", timeout_ms},
        {"allow.auto.create.topics", "false"},
        // Connection failures end in our own message; librdkafka would repeat each one.
        {"log_level", "2"},
    };
    return kafka_detail::new_producer(settings, state);
}

// Whether the cluster knows `topic`, from the metadata of all topics (asking for one topic by
// name could make a broker create it).
result<bool> topic_exists(rd_kafka_t* rk, const produce_options& opts) {
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, nullptr, &md, opts.timeout_s * 1000);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        return error::make(errc::request_timed_out, "cannot get metadata from {}: {}",
                           opts.bootstrap_server, rd_kafka_err2str(err));
    bool found = false;
    for (int i = 0; i < md->topic_cnt; ++i)
        if (opts.topic == md->topics[i].topic && md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR)
            found = true;
    rd_kafka_metadata_destroy(md);
    return found;
}

result<void> create_topic(rd_kafka_t* rk, const produce_options& opts) {
    char errstr[512];
    rd_kafka_NewTopic_t* t = rd_kafka_NewTopic_new(opts.topic.c_str(), opts.create_topic_partitions,
                                                   -1, errstr, sizeof errstr);
    if (!t) return error::make(errc::invalid_topic_exception, "topic {}: {}", opts.topic, errstr);
    rd_kafka_AdminOptions_t* options =
        rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_request_timeout(options, opts.timeout_s * 1000, errstr,
                                              sizeof errstr);
    rd_kafka_AdminOptions_set_operation_timeout(options, opts.timeout_s * 1000, errstr,
                                                sizeof errstr);
    rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &t, 1, options, queue);
    rd_kafka_NewTopic_destroy(t);
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, opts.timeout_s * 1000 + 5'000);
    rd_kafka_queue_destroy(queue);
    if (!ev)
        return error::make(errc::request_timed_out, "creating topic {} at {} timed out", opts.topic,
                           opts.bootstrap_server);
    std::unique_ptr<rd_kafka_event_t, decltype(&rd_kafka_event_destroy)> guard(
        ev, &rd_kafka_event_destroy);
    if (rd_kafka_event_error(ev))
        return error::make(errc::unknown_server_error, "creating topic {}: {}", opts.topic,
                           rd_kafka_event_error_string(ev));
    size_t n = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    for (size_t i = 0; i < n; ++i) {
        rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
            continue;
        const char* msg = rd_kafka_topic_result_error_string(results[i]);
        return error::make(errc::unknown_server_error, "creating topic {}: {}", opts.topic,
                           msg ? msg : rd_kafka_err2str(err));
    }
    return ok();
}

// Hands one record to librdkafka, waiting while its queue is full; delivery reports are served
// here too.
result<void> send_one(rd_kafka_t* rk, rd_kafka_topic_t* topic, std::string_view key, bool has_key,
                      std::string_view value) {
    // An empty line is an empty value, not a null one (librdkafka sends a null pointer as null).
    const char* value_bytes = value.data() ? value.data() : "";
    for (;;) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            rk, RD_KAFKA_V_RKT(topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY(has_key ? key.data() : nullptr, has_key ? key.size() : 0),
            RD_KAFKA_V_VALUE(const_cast<char*>(value_bytes), value.size()), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return ok();
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            return error::make(errc::unknown_server_error, "cannot produce to {}: {}",
                               rd_kafka_topic_name(topic), rd_kafka_err2str(err));
        rd_kafka_poll(rk, 10);
    }
}

} // namespace spate::app::produce_detail
