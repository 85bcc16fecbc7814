// The Prometheus text of /metrics: its format, and its values on a small setup (a broker and
// an engine run in-process).

#include "app/metrics_text.h"
#include "broker/tests/broker_test_support.h"
#include "model/batch_builder.h"
#include "stream/engine.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

using namespace spate;
using namespace std::chrono_literals;

namespace {

/// One sample line taken apart.
struct parsed_sample {
    std::string name;
    std::map<std::string, std::string> labels;
    std::string value;
};

/// Parses Prometheus text 0.0.4 strictly enough for the test: every line is a HELP or TYPE
/// comment or a sample `name{labels} value`; a family's TYPE comes before its samples and
/// once; label values are quoted with \\, \" and \n escapes. What breaks these rules goes to
/// `errors`.
std::vector<parsed_sample> parse(const std::string& text, std::vector<std::string>& errors) {
    std::vector<parsed_sample> out;
    std::map<std::string, std::string> types;
    std::set<std::string> sampled;
    std::istringstream in(text);
    std::string line;
    const std::regex name_re("[a-zA-Z_:][a-zA-Z0-9_:]*");
    const std::regex value_re(R"([-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|[-+]?Inf|NaN)");
    auto fail = [&](std::string what) { errors.push_back(what + ": " + line); };
    if (!text.empty() && text.back() != '\n') errors.push_back("no newline at the end");
    while (std::getline(in, line)) {
        if (line.starts_with("# HELP ")) continue;
        if (line.starts_with("# TYPE ")) {
            std::istringstream t(line.substr(7));
            std::string name, type;
            t >> name >> type;
            if (!std::regex_match(name, name_re)) fail("bad name");
            if (type != "counter" && type != "gauge" && type != "histogram") fail("bad type");
            if (types.contains(name)) fail("TYPE twice");
            if (sampled.contains(name)) fail("TYPE after samples");
            types[name] = type;
            continue;
        }
        if (line.empty() || line[0] == '#') {
            fail("unexpected line");
            continue;
        }
        parsed_sample s;
        size_t i = 0;
        while (i < line.size() && line[i] != '{' && line[i] != ' ')
            ++i;
        s.name = line.substr(0, i);
        if (!std::regex_match(s.name, name_re)) fail("bad name");
        if (i < line.size() && line[i] == '{') {
            ++i;
            while (i < line.size() && line[i] != '}') {
                size_t eq = line.find('=', i);
                if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') {
                    fail("label value not quoted");
                    i = std::string::npos;
                    break;
                }
                std::string label = line.substr(i, eq - i);
                if (!std::regex_match(label, name_re)) fail("bad label name");
                std::string value;
                size_t k = eq + 2;
                for (; k < line.size() && line[k] != '"'; ++k) {
                    if (line[k] == '\\' && k + 1 < line.size()) {
                        ++k;
                        if (line[k] != '\\' && line[k] != '"' && line[k] != 'n') fail("bad escape");
                        value += line[k] == 'n' ? '\n' : line[k];
                    } else {
                        value += line[k];
                    }
                }
                if (k >= line.size()) {
                    fail("unterminated label value");
                    i = std::string::npos;
                    break;
                }
                s.labels[label] = value;
                i = k + 1;
                if (i < line.size() && line[i] == ',') ++i;
            }
            if (i == std::string::npos) continue;
            ++i; // '}'
        }
        if (i >= line.size() || line[i] != ' ') {
            fail("no value");
            continue;
        }
        s.value = line.substr(i + 1);
        if (!std::regex_match(s.value, value_re)) fail("bad value");
        // The family: the name itself, or a histogram's name before _bucket/_sum/_count.
        std::string family = s.name;
        for (const char* suffix : {"_bucket", "_sum", "_count"})
            if (!types.contains(family) && family.ends_with(suffix))
                family = family.substr(0, family.size() - std::strlen(suffix));
        if (!types.contains(family)) fail("no TYPE before");
        sampled.insert(family);
        out.push_back(std::move(s));
    }
    return out;
}

/// parse(), failing the test on any error.
std::vector<parsed_sample> parse(const std::string& text) {
    std::vector<std::string> errors;
    auto out = parse(text, errors);
    for (const auto& e : errors)
        ADD_FAILURE() << e;
    return out;
}

/// The errors parse() finds in `text`.
std::vector<std::string> errors_of(const std::string& text) {
    std::vector<std::string> errors;
    parse(text, errors);
    return errors;
}

const parsed_sample* find(const std::vector<parsed_sample>& all, const std::string& name,
                          const std::map<std::string, std::string>& labels) {
    for (const auto& s : all) {
        if (s.name != name) continue;
        bool match = true;
        for (const auto& [k, v] : labels)
            if (!s.labels.contains(k) || s.labels.at(k) != v) match = false;
        if (match) return &s;
    }
    return nullptr;
}

std::string value_of(const std::vector<parsed_sample>& all, const std::string& name,
                     const std::map<std::string, std::string>& labels) {
    const auto* s = find(all, name, labels);
    return s ? s->value : "(missing)";
}

TEST(metrics_writer, escapes_label_values_and_writes_each_family_once) {
    EXPECT_EQ(app::escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    app::metrics_writer w;
    w.family("x_total", "counter", "Things.");
    w.sample("x_total", {{"name", "we\"ird\\\n"}}, uint64_t(3));
    w.family("x_total", "counter", "Things.");
    w.sample("x_total", {{"name", "plain"}}, uint64_t(4));
    w.family("y", "gauge", "A ratio.");
    w.sample("y", {}, 0.25);
    w.sample("y", {{"k", "inf"}}, std::numeric_limits<double>::infinity());
    auto samples = parse(w.text());
    ASSERT_EQ(samples.size(), 4u) << w.text();
    EXPECT_EQ(samples[0].labels.at("name"), "we\"ird\\\n");
    EXPECT_EQ(samples[1].value, "4");
    EXPECT_EQ(samples[2].value, "0.25");
    EXPECT_EQ(samples[3].value, "+Inf");
    // The parser itself rejects what is not the format.
    EXPECT_FALSE(errors_of("x 1\n").empty()) << "no TYPE";
    EXPECT_FALSE(errors_of("# TYPE x counter\nx{a=b} 1\n").empty()) << "unquoted label";
    EXPECT_FALSE(errors_of("# TYPE x counter\nx{a=\"b} 1\n").empty()) << "unterminated";
    EXPECT_FALSE(errors_of("# TYPE x counter\nx one\n").empty()) << "bad value";
    EXPECT_FALSE(errors_of("# TYPE x counter\n# TYPE x gauge\n").empty()) << "TYPE twice";
    EXPECT_FALSE(errors_of("# TYPE y gauge\ny 1\n# TYPE x counter\nx 1\n# TYPE y gauge\n").empty())
        << "TYPE after samples";
    EXPECT_TRUE(errors_of("# TYPE x counter\nx{a=\"\\\"\"} 1\n").empty());
}

TEST(metrics_writer, histograms_are_cumulative_in_seconds) {
    latency_histogram h;
    h.record(500);           // <= 1 µs
    h.record(3000);          // <= 4 µs
    h.record(int64_t(1e11)); // 100 s: +Inf only
    app::metrics_writer w;
    w.family("lat_seconds", "histogram", "Latency.");
    w.histogram("lat_seconds", {{"api", "Produce"}}, h);
    auto s = parse(w.text());
    EXPECT_EQ(value_of(s, "lat_seconds_bucket", {{"api", "Produce"}, {"le", "1e-06"}}), "1");
    EXPECT_EQ(value_of(s, "lat_seconds_bucket", {{"le", "2e-06"}}), "1");
    EXPECT_EQ(value_of(s, "lat_seconds_bucket", {{"le", "4e-06"}}), "2");
    EXPECT_EQ(value_of(s, "lat_seconds_bucket", {{"le", "+Inf"}}), "3");
    EXPECT_EQ(value_of(s, "lat_seconds_count", {{"api", "Produce"}}), "3");
    EXPECT_NEAR(std::stod(value_of(s, "lat_seconds_sum", {})), 100.0000035, 1e-6);
}

TEST(render_metrics, gives_topic_group_pipeline_and_request_figures) {
    broker::testing::temp_dir dir;
    broker::testing::running_broker rb;
    broker::testing::client c(rb.port());
    auto engine = std::make_unique<stream::engine>(rb.broker(), dir.path());
    ASSERT_TRUE(rb.run(engine->start()));

    kafka::create_topics_request_data create;
    kafka::create_topics_request_data::creatable_topic topic;
    topic.name = "ev";
    topic.num_partitions = 1;
    topic.replication_factor = 1;
    create.topics.push_back(topic);
    ASSERT_TRUE(c.call(create, 7));
    rb.run(engine->execute("CREATE SOURCE ev (k TEXT NOT NULL, v BIGINT, ts TIMESTAMP, "
                           "WATERMARK FOR ts AS ts)",
                           {}));
    rb.run(engine->execute(
        "CREATE MATERIALIZED VIEW per_k AS SELECT k, count(*) AS n FROM ev GROUP BY k", {}));

    model::batch_builder b;
    for (auto v : {R"({"k":"a","v":1,"ts":"2024-01-01 00:00:00"})",
                   R"({"k":"b","v":1,"ts":"2024-01-01 00:00:01"})", "bad"})
        b.add(std::nullopt, std::string_view(v), model::timestamp_ms(1'700'000'000'000));
    auto batch = b.build();
    kafka::produce_request_data produce;
    produce.acks = -1;
    produce.timeout_ms = 5000;
    kafka::produce_request_data::topic_produce_data td;
    td.name = "ev";
    kafka::produce_request_data::partition_produce_data pd;
    pd.index = 0;
    pd.records = batch;
    td.partition_data.push_back(pd);
    produce.topic_data.push_back(td);
    ASSERT_TRUE(c.call(produce, 9));

    kafka::offset_commit_request_data commit;
    commit.group_id = "dash\"board";
    commit.generation_id_or_member_epoch = -1;
    kafka::offset_commit_request_data::offset_commit_request_topic ct;
    ct.name = "ev";
    ct.partitions.push_back({0, 1, -1, -1, "", {}});
    commit.topics.push_back(ct);
    ASSERT_TRUE(c.call(commit, 8));

    // Wait until the view has both groups.
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline &&
           rb.run(engine->execute("SELECT * FROM per_k", {})).rows.rows < 2)
        std::this_thread::sleep_for(20ms);

    bool extra_called = false;
    auto text = rb.run(app::render_metrics(rb.broker(), *engine, [&](app::metrics_writer& w) {
        extra_called = true;
        w.family("spate_http_requests_total", "counter", "HTTP requests.");
        w.sample("spate_http_requests_total", {{"path", "/metrics"}}, uint64_t(1));
    }));
    EXPECT_TRUE(extra_called);
    auto s = parse(text);
    EXPECT_EQ(value_of(s, "spate_topic_records_in_total", {{"topic", "ev"}}), "3") << text;
    EXPECT_EQ(value_of(s, "spate_topic_bytes_in_total", {{"topic", "ev"}}),
              std::to_string(batch.size()));
    EXPECT_EQ(value_of(s, "spate_topic_records_out_total", {{"topic", "ev"}}), "0");
    EXPECT_EQ(value_of(s, "spate_partition_end_offset", {{"topic", "ev"}, {"partition", "0"}}),
              "3");
    EXPECT_EQ(value_of(s, "spate_consumer_group_lag",
                       {{"group", "dash\"board"}, {"topic", "ev"}, {"partition", "0"}}),
              "2");
    EXPECT_EQ(value_of(s, "spate_pipeline_records_in_total", {{"pipeline", "per_k"}}), "3");
    EXPECT_EQ(value_of(s, "spate_pipeline_invalid_records_total", {{"pipeline", "per_k"}}), "1");
    EXPECT_EQ(value_of(s, "spate_pipeline_late_records_total", {{"pipeline", "per_k"}}), "0");
    EXPECT_EQ(value_of(s, "spate_operator_rows_in_total",
                       {{"pipeline", "per_k"}, {"operator", "0"}, {"kind", "source"}}),
              "3");
    // The watermark is 2024-01-01 00:00:01, long ago.
    double lag =
        std::stod(value_of(s, "spate_pipeline_watermark_lag_seconds", {{"pipeline", "per_k"}}));
    EXPECT_GT(lag, 3600.0 * 24 * 300);
    EXPECT_TRUE(find(s, "spate_pipeline_state_bytes", {{"pipeline", "per_k"}}));
    EXPECT_TRUE(find(s, "spate_operator_state_bytes", {{"pipeline", "per_k"}}));
    EXPECT_TRUE(find(s, "spate_kafka_request_duration_seconds_bucket",
                     {{"api", "Produce"}, {"le", "+Inf"}}));
    EXPECT_EQ(value_of(s, "spate_kafka_request_duration_seconds_count", {{"api", "OffsetCommit"}}),
              "1");
    EXPECT_EQ(value_of(s, "spate_http_requests_total", {{"path", "/metrics"}}), "1");
    rb.run(engine->stop());
}

} // namespace
