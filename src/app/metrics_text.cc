#include "app/metrics_text.h"

#include "broker/advertised_apis.h"
#include "broker/broker.h"
#include "broker/consumer_lag.h"
#include "stream/engine.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <iterator>

namespace spate::app {

std::string escape_label_value(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

void metrics_writer::family(std::string_view name, std::string_view type, std::string_view help) {
    if (_families.contains(name)) return;
    _families.emplace(name);
    fmt::format_to(std::back_inserter(_out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name,
                   type);
}

void metrics_writer::sample(std::string_view name, const std::vector<metric_label>& labels,
                            std::string_view value_text) {
    _out += name;
    if (!labels.empty()) {
        _out += '{';
        for (size_t i = 0; i < labels.size(); ++i) {
            if (i) _out += ',';
            _out += labels[i].first;
            _out += "=\"";
            _out += escape_label_value(labels[i].second);
            _out += '"';
        }
        _out += '}';
    }
    _out += ' ';
    _out += value_text;
    _out += '\n';
}

void metrics_writer::sample(std::string_view name, std::initializer_list<metric_label> labels,
                            uint64_t value) {
    sample(name, std::vector<metric_label>(labels), fmt::format("{}", value));
}

void metrics_writer::sample(std::string_view name, std::initializer_list<metric_label> labels,
                            double value) {
    std::string text;
    if (std::isnan(value))
        text = "NaN";
    else if (std::isinf(value))
        text = value > 0 ? "+Inf" : "-Inf";
    else
        text = fmt::format("{}", value);
    sample(name, std::vector<metric_label>(labels), text);
}

void metrics_writer::histogram(std::string_view name, std::initializer_list<metric_label> labels,
                               const latency_histogram& h) {
    const std::string bucket = std::string(name) + "_bucket";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < latency_histogram::buckets; ++i) {
        cumulative += h.bucket_count(i);
        std::vector<metric_label> l(labels);
        std::string le = i < latency_histogram::finite_buckets
                             ? fmt::format("{}", double(latency_histogram::upper_bound_ns(i)) / 1e9)
                             : std::string("+Inf");
        l.emplace_back("le", le);
        sample(bucket, l, fmt::format("{}", cumulative));
    }
    sample(std::string(name) + "_sum", std::vector<metric_label>(labels),
           fmt::format("{}", double(h.sum_ns()) / 1e9));
    // The count as the buckets add up, so that +Inf and _count agree in one scrape.
    sample(std::string(name) + "_count", std::vector<metric_label>(labels),
           fmt::format("{}", cumulative));
}

namespace {

void topic_metrics(metrics_writer& w, const std::vector<broker::topic_traffic>& topics) {
    struct counter {
        const char* name;
        const char* help;
        uint64_t broker::topic_counters::*field;
    };
    const counter counters[] = {
        {"spate_topic_records_in_total",
         "Records appended to the topic (Kafka producers, SQL sinks, COPY FROM).",
         &broker::topic_counters::records_in},
        {"spate_topic_bytes_in_total", "Bytes of record batches appended to the topic.",
         &broker::topic_counters::bytes_in},
        {"spate_topic_records_out_total", "Records returned from the topic by Kafka fetches.",
         &broker::topic_counters::records_out},
        {"spate_topic_bytes_out_total", "Bytes of record batches returned by Kafka fetches.",
         &broker::topic_counters::bytes_out},
    };
    for (const auto& c : counters) {
        w.family(c.name, "counter", c.help);
        for (const auto& t : topics)
            w.sample(c.name, {{"topic", t.name}}, t.counters.*c.field);
    }
    w.family("spate_partition_start_offset", "gauge",
             "The first readable offset of the partition.");
    for (const auto& t : topics)
        for (const auto& p : t.partitions)
            w.sample("spate_partition_start_offset",
                     {{"topic", t.name}, {"partition", std::to_string(p.partition)}},
                     uint64_t(std::max<int64_t>(0, p.start_offset)));
    w.family("spate_partition_end_offset", "gauge",
             "The partition's end offset (high watermark): the offset of the next record.");
    for (const auto& t : topics)
        for (const auto& p : t.partitions)
            w.sample("spate_partition_end_offset",
                     {{"topic", t.name}, {"partition", std::to_string(p.partition)}},
                     uint64_t(std::max<int64_t>(0, p.end_offset)));
}

void lag_metrics(metrics_writer& w, const std::vector<broker::lag_entry>& lag) {
    w.family("spate_consumer_group_committed_offset", "gauge",
             "The offset the consumer group committed for the partition.");
    for (const auto& e : lag)
        w.sample(
            "spate_consumer_group_committed_offset",
            {{"group", e.group}, {"topic", e.topic}, {"partition", std::to_string(e.partition)}},
            uint64_t(std::max<int64_t>(0, e.committed)));
    w.family("spate_consumer_group_lag", "gauge",
             "Records between the group's committed offset and the partition's end offset.");
    for (const auto& e : lag)
        w.sample(
            "spate_consumer_group_lag",
            {{"group", e.group}, {"topic", e.topic}, {"partition", std::to_string(e.partition)}},
            uint64_t(e.lag));
}

void pipeline_metrics(metrics_writer& w, const std::vector<stream::pipeline_info>& pipelines,
                      int64_t now_ms) {
    struct counter {
        const char* name;
        const char* type;
        const char* help;
        uint64_t (*get)(const stream::pipeline_info&);
    };
    const counter counters[] = {
        {"spate_pipeline_records_in_total", "counter",
         "Records the pipeline read from its sources.",
         [](const stream::pipeline_info& p) { return p.records_in; }},
        {"spate_pipeline_rows_out_total", "counter",
         "Rows that reached the view, or records the sink wrote.",
         [](const stream::pipeline_info& p) { return p.rows_out; }},
        {"spate_pipeline_invalid_records_total", "counter",
         "Records or rows rejected to the dead-letter topic.",
         [](const stream::pipeline_info& p) { return p.invalid; }},
        {"spate_pipeline_late_records_total", "counter",
         "Rows behind the watermark, sent to the late-events topic.",
         [](const stream::pipeline_info& p) { return p.late; }},
        {"spate_pipeline_state_bytes", "gauge",
         "Memory the pipeline's operators and result keep, in bytes.",
         [](const stream::pipeline_info& p) { return uint64_t(p.state_bytes); }},
    };
    for (const auto& c : counters) {
        w.family(c.name, c.type, c.help);
        for (const auto& p : pipelines)
            w.sample(c.name, {{"pipeline", p.name}}, c.get(p));
    }
    w.family("spate_pipeline_watermark_lag_seconds", "gauge",
             "Wall-clock time now minus the pipeline's event-time watermark (pipelines with one).");
    for (const auto& p : pipelines)
        if (p.graph.watermark_ms)
            w.sample("spate_pipeline_watermark_lag_seconds", {{"pipeline", p.name}},
                     double(now_ms - *p.graph.watermark_ms) / 1000.0);

    struct op_counter {
        const char* name;
        const char* type;
        const char* help;
        uint64_t (*get)(const stream::operator_info&);
    };
    const op_counter op_counters[] = {
        {"spate_operator_rows_in_total", "counter",
         "Rows that reached the operator (a source reader: records read), on every shard.",
         [](const stream::operator_info& o) { return o.rows_in; }},
        {"spate_operator_rows_out_total", "counter", "Rows the operator sent on, on every shard.",
         [](const stream::operator_info& o) { return o.rows_out; }},
        {"spate_operator_state_bytes", "gauge", "Memory the operator keeps, on every shard.",
         [](const stream::operator_info& o) { return uint64_t(o.state_bytes); }},
    };
    for (const auto& c : op_counters) {
        w.family(c.name, c.type, c.help);
        for (const auto& p : pipelines)
            for (const auto& o : p.graph.operators) {
                auto id = std::to_string(o.id);
                w.sample(c.name,
                         {{"pipeline", p.name},
                          {"operator", id},
                          {"kind", o.kind},
                          {"description", o.description}},
                         c.get(o));
            }
    }
}

void request_metrics(metrics_writer& w, broker::kafka_broker& broker) {
    const char* name = "spate_kafka_request_duration_seconds";
    w.family(name, "histogram", "Time to serve a Kafka request, from its header to its response.");
    for (int16_t key = 0; key <= broker::kafka_broker::max_api_key; ++key) {
        const auto* h = broker.request_latency(key);
        if (!h || h->count() == 0) continue;
        std::string api(broker::api_name(key));
        if (api.empty()) api = std::to_string(key);
        w.histogram(name, {{"api", api}}, *h);
    }
}

} // namespace

boost::asio::awaitable<std::string> render_metrics(broker::kafka_broker& broker,
                                                   stream::engine& engine, metrics_extra extra) {
    auto t = broker.topic_traffic();
    auto topics = co_await std::move(t);
    auto l = broker::consumer_lag(broker);
    auto lag = co_await std::move(l);
    auto p = engine.pipelines_info();
    auto pipelines = co_await std::move(p);
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    metrics_writer w;
    topic_metrics(w, topics);
    lag_metrics(w, lag);
    pipeline_metrics(w, pipelines, now_ms);
    request_metrics(w, broker);
    if (extra) extra(w);
    co_return w.take();
}

} // namespace spate::app
