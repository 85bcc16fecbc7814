#include "app/kafka_producer_internal.h"

#include <fmt/format.h>

namespace spate::app::kafka_detail {

namespace {

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* state = static_cast<delivery_state*>(opaque);
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++state->delivered;
        return;
    }
    if (state->failed++ == 0)
        state->first_error =
            fmt::format("delivery to {} failed: {}", m->rkt ? rd_kafka_topic_name(m->rkt) : "?",
                        rd_kafka_err2str(m->err));
}

} // namespace

result<kafka_handle> new_producer(const std::vector<std::pair<std::string, std::string>>& settings,
                                  delivery_state& state) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char errstr[512];
    for (const auto& [key, value] : settings) {
        if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) !=
            RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            return error::make(errc::invalid_config, "librdkafka {}={}: {}", key, value, errstr);
        }
    }
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, &state);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        return error::make(errc::invalid_config, "cannot create a Kafka producer: {}", errstr);
    }
    return kafka_handle(rk, &rd_kafka_destroy);
}

} // namespace spate::app::kafka_detail
