// Pipeline counters, graphs, watermarks and view change subscriptions, on a broker and an
// engine run in-process over two shards.

#include "broker/tests/broker_test_support.h"
#include "columnar/value.h"
#include "model/batch_builder.h"
#include "sql/sql_error.h"
#include "stream/engine.h"
#include "stream/view_changes.h"

#include <gtest/gtest.h>

#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <thread>

using namespace spate;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

std::string row_text(const columnar::batch& b, size_t r) {
    std::string s;
    for (size_t c = 0; c < b.columns.size(); ++c) {
        if (c) s += "|";
        s += columnar::value_at(*b.columns[c], r).to_string();
    }
    return s;
}

std::vector<std::string> rows_text(const columnar::batch& b) {
    std::vector<std::string> out;
    for (size_t r = 0; r < b.rows; ++r)
        out.push_back(row_text(b, r));
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> changes_text(const stream::view_changes& c) {
    std::vector<std::string> out;
    for (size_t r = 0; r < c.rows.rows; ++r)
        out.push_back(std::string(stream::change_kind_name(c.kinds[r])) + " " +
                      row_text(c.rows, r));
    return out;
}

/// A broker and an engine over it, stopped in the right order.
class engine_fixture : public ::testing::Test {
protected:
    engine_fixture() : _client(_broker.port()) {
        _engine = std::make_unique<stream::engine>(_broker.broker(), _dir.path());
        auto started = _broker.run(_engine->start());
        if (!started) throw std::runtime_error(started.err().to_string());
    }
    ~engine_fixture() override {
        _subs.clear();
        _broker.run(_engine->stop());
        _engine.reset();
    }

    stream::statement_result sql(const std::string& text) {
        return _broker.run(_engine->execute(text, {}));
    }

    void create_topic(const std::string& name, int partitions) {
        kafka::create_topics_request_data create;
        kafka::create_topics_request_data::creatable_topic topic;
        topic.name = name;
        topic.num_partitions = partitions;
        topic.replication_factor = 1;
        create.topics.push_back(topic);
        ASSERT_TRUE(_client.call(create, 7));
    }

    void produce(const std::string& topic, const std::vector<std::string>& values) {
        model::batch_builder b;
        for (const auto& v : values)
            b.add(std::nullopt, std::string_view(v), model::timestamp_ms(1'700'000'000'000));
        kafka::produce_request_data produce;
        produce.acks = -1;
        produce.timeout_ms = 5000;
        kafka::produce_request_data::topic_produce_data td;
        td.name = topic;
        kafka::produce_request_data::partition_produce_data pd;
        pd.index = 0;
        pd.records = b.build();
        td.partition_data.push_back(pd);
        produce.topic_data.push_back(td);
        ASSERT_TRUE(_client.call(produce, 9));
    }

    /// Waits until `query` gives `rows` rows.
    bool wait_rows(const std::string& query, size_t rows) {
        auto deadline = std::chrono::steady_clock::now() + 20s;
        while (std::chrono::steady_clock::now() < deadline) {
            if (sql(query).rows.rows == rows) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }

    std::vector<stream::pipeline_info> infos() { return _broker.run(_engine->pipelines_info()); }

    const stream::pipeline_info* info_of(const std::vector<stream::pipeline_info>& all,
                                         const std::string& name) {
        for (const auto& p : all)
            if (p.name == name) return &p;
        return nullptr;
    }

    /// Subscribes on shard 1 (not the engine's).
    stream::view_subscription* subscribe(const std::string& view, size_t limit = 100000) {
        auto sub = _broker.run(_engine->subscribe_view(view, _broker.broker().executor(1), limit));
        _subs.push_back(std::move(sub));
        return _subs.back().get();
    }

    /// The next change batch of `sub` (run on shard 1), or std::nullopt when the stream ended;
    /// fails the test after 20 s.
    std::optional<stream::view_changes> next(stream::view_subscription* sub) {
        auto f = asio::co_spawn(_broker.broker().executor(1), sub->next(), asio::use_future);
        if (f.wait_for(20s) != std::future_status::ready) {
            ADD_FAILURE() << "no change within 20 s";
            sub->cancel();
            return std::nullopt;
        }
        return f.get();
    }

    broker::testing::temp_dir _dir;
    broker::testing::running_broker _broker;
    broker::testing::client _client;
    std::unique_ptr<stream::engine> _engine;
    std::vector<std::unique_ptr<stream::view_subscription>> _subs;
};

TEST_F(engine_fixture, a_grouped_view_reports_its_graph_counters_and_watermark) {
    create_topic("ev", 1);
    sql("CREATE SOURCE ev (k TEXT NOT NULL, v BIGINT, ts TIMESTAMP, "
        "WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)");
    sql("CREATE MATERIALIZED VIEW counts AS SELECT k, count(*) AS n, sum(v) AS total FROM ev "
        "GROUP BY k");
    auto before = infos();
    const auto* empty = info_of(before, "counts");
    ASSERT_NE(empty, nullptr);
    EXPECT_FALSE(empty->graph.watermark_ms) << "no watermark before the first record";
    produce("ev", {R"({"k":"a","v":1,"ts":"2024-01-01 00:00:01"})",
                   R"({"k":"b","v":2,"ts":"2024-01-01 00:00:02"})", "not json",
                   R"({"k":"a","v":3,"ts":"2024-01-01 00:00:05"})"});
    ASSERT_TRUE(wait_rows("SELECT * FROM counts", 2));

    auto all = infos();
    const auto* p = info_of(all, "counts");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->kind, "view");
    EXPECT_NE(p->sql.find("GROUP BY k"), std::string::npos);
    EXPECT_EQ(p->records_in, 4u);
    EXPECT_EQ(p->invalid, 1u);
    const auto& ops = p->graph.operators;
    ASSERT_GE(ops.size(), 4u);
    EXPECT_EQ(ops.front().kind, "source");
    EXPECT_EQ(ops.front().rows_in, 4u) << "records read";
    EXPECT_EQ(ops.front().rows_out, 3u) << "rows decoded";
    EXPECT_EQ(ops.back().kind, "view");
    // The aggregate after the exchange saw the three rows and keeps the groups.
    const stream::operator_info* agg = nullptr;
    const stream::operator_info* exchange = nullptr;
    for (const auto& o : ops) {
        if (o.kind == "exchange") exchange = &o;
        if (o.kind == "operator" && o.description.find("Aggregate") != std::string::npos) agg = &o;
    }
    ASSERT_NE(exchange, nullptr);
    ASSERT_NE(agg, nullptr) << ops[1].description;
    EXPECT_EQ(exchange->rows_in, 3u);
    EXPECT_EQ(exchange->rows_out, 3u);
    EXPECT_EQ(agg->rows_in, 3u);
    EXPECT_GT(agg->state_bytes, 0u);
    EXPECT_EQ(ops.back().rows_in, agg->rows_out);
    EXPECT_EQ(p->rows_out, ops.back().rows_in);
    // Ids are positions; every edge goes forward, and every node but the view feeds another.
    for (size_t i = 0; i < ops.size(); ++i)
        EXPECT_EQ(ops[i].id, int(i));
    std::vector<int> fan_out(ops.size(), 0);
    for (auto [from, to] : p->graph.edges) {
        EXPECT_LT(from, to);
        fan_out[size_t(from)]++;
    }
    for (size_t i = 0; i + 1 < ops.size(); ++i)
        EXPECT_EQ(fan_out[i], 1) << "node " << i;
    EXPECT_EQ(fan_out.back(), 0);
    ASSERT_TRUE(p->graph.watermark_ms);
    // 2024-01-01 00:00:05 less one second.
    EXPECT_EQ(*p->graph.watermark_ms, 1704067204000);
    // The source's validation pipeline is listed too.
    const auto* validation = info_of(all, "ev (validation)");
    ASSERT_NE(validation, nullptr);
    EXPECT_EQ(validation->kind, "validation");
    EXPECT_EQ(validation->graph.operators.back().kind, "discard");
}

TEST_F(engine_fixture, a_subscription_gets_the_rows_then_updates_inserts_and_the_end) {
    create_topic("ev", 1);
    sql("CREATE SOURCE ev (k TEXT NOT NULL, v BIGINT)");
    sql("CREATE MATERIALIZED VIEW counts AS SELECT k, sum(v) AS total FROM ev GROUP BY k");
    produce("ev", {R"({"k":"a","v":1})", R"({"k":"b","v":2})"});
    ASSERT_TRUE(wait_rows("SELECT * FROM counts", 2));

    auto* sub = subscribe("counts");
    ASSERT_EQ(sub->columns().size(), 2u);
    EXPECT_EQ(sub->columns()[1].name, "total");
    EXPECT_EQ(rows_text(sub->snapshot()), (std::vector<std::string>{"a|1", "b|2"}));

    produce("ev", {R"({"k":"a","v":10})"});
    auto c = next(sub);
    ASSERT_TRUE(c);
    EXPECT_EQ(changes_text(*c), (std::vector<std::string>{"update a|11"}));
    produce("ev", {R"({"k":"c","v":5})"});
    c = next(sub);
    ASSERT_TRUE(c);
    EXPECT_EQ(changes_text(*c), (std::vector<std::string>{"insert c|5"}));
    EXPECT_EQ(sub->reason(), stream::end_reason::none);

    // Unknown views and sinks are refused.
    EXPECT_THROW(subscribe("nope"), sql::sql_error);

    sql("DROP MATERIALIZED VIEW counts");
    c = next(sub);
    EXPECT_FALSE(c);
    EXPECT_EQ(sub->reason(), stream::end_reason::dropped);
}

TEST_F(engine_fixture, a_slow_subscriber_is_dropped_and_others_go_on) {
    create_topic("ev", 1);
    sql("CREATE SOURCE ev (k TEXT NOT NULL, v BIGINT)");
    sql("CREATE MATERIALIZED VIEW positive AS SELECT k, v FROM ev WHERE v > 0");
    auto* slow = subscribe("positive", 3);
    auto* fast = subscribe("positive");
    EXPECT_EQ(slow->snapshot().rows, 0u);
    for (int i = 1; i <= 5; ++i)
        produce("ev", {R"({"k":"x","v":)" + std::to_string(i) + "}"});
    produce("ev", {R"({"k":"neg","v":-1})"});
    size_t seen = 0;
    while (seen < 5) {
        auto c = next(fast);
        ASSERT_TRUE(c);
        for (auto k : c->kinds)
            EXPECT_EQ(k, stream::change_kind::insert);
        seen += c->rows.rows;
    }
    EXPECT_EQ(seen, 5u) << "the filtered row is no change";
    // The slow one got at most 3 rows before it was dropped.
    size_t slow_rows = 0;
    while (auto c = next(slow))
        slow_rows += c->rows.rows;
    EXPECT_EQ(slow->reason(), stream::end_reason::too_slow);
    EXPECT_LE(slow_rows, 3u);

    // A view straight over its source: the readers give its watermark (none here) and the
    // graph is source -> filter -> view.
    auto all = infos();
    const auto* p = info_of(all, "positive");
    ASSERT_NE(p, nullptr);
    ASSERT_EQ(p->graph.operators.size(), 3u);
    EXPECT_EQ(p->graph.operators[1].rows_in, 6u);
    EXPECT_EQ(p->graph.operators[1].rows_out, 5u);
    EXPECT_EQ(p->graph.edges, (std::vector<std::pair<int, int>>{{0, 1}, {1, 2}}));
    EXPECT_FALSE(p->graph.watermark_ms);
    fast->cancel();
    EXPECT_FALSE(next(fast));
    EXPECT_EQ(fast->reason(), stream::end_reason::cancelled);
}

TEST(change_builder, pairs_retractions_and_insertions_of_a_key) {
    using columnar::type_id;
    std::vector<columnar::data_type> types{type_id::varchar, type_id::int64, type_id::int64};
    auto b = columnar::batch::with_types(types);
    auto add = [&](std::string k, int64_t v, columnar::change ch) {
        b.columns[0]->push_string(k);
        b.columns[1]->push_i64(v);
        b.columns[2]->push_i64(99); // hidden
        b.changes.push_back(ch);
        b.rows++;
    };
    using columnar::change;
    add("a", 1, change::retract);
    add("b", 5, change::retract);
    add("a", 2, change::insert);
    add("c", 7, change::insert);
    stream::change_builder keyed(std::vector<uint32_t>{0}, {0, 1});
    auto c = keyed.build(b);
    EXPECT_EQ(changes_text(c),
              (std::vector<std::string>{"delete b|5", "update a|2", "insert c|7"}));
    ASSERT_EQ(c.rows.columns.size(), 2u) << "visible columns only";
    stream::change_builder unkeyed(std::nullopt, {0, 1});
    EXPECT_EQ(changes_text(unkeyed.build(b)),
              (std::vector<std::string>{"delete a|1", "delete b|5", "insert a|2", "insert c|7"}));
    // An insertion before the retraction of its key is not an update of it.
    auto r = columnar::batch::with_types(types);
    std::swap(b, r);
    add("a", 3, change::insert);
    add("a", 2, change::retract);
    EXPECT_EQ(changes_text(keyed.build(b)), (std::vector<std::string>{"insert a|3", "delete a|2"}));
    // Insert-only batches are insertions.
    auto plain = columnar::batch::with_types(types);
    std::swap(b, plain);
    add("z", 1, change::insert);
    b.changes.clear();
    EXPECT_EQ(changes_text(keyed.build(b)), (std::vector<std::string>{"insert z|1"}));
}

/// Keeps what reaches it.
class collect final : public exec::output {
public:
    void push(columnar::batch b) override { rows += b.rows; }
    void watermark(exec::event_time wm) override { last_wm = wm; }
    size_t rows = 0;
    exec::event_time last_wm = exec::no_watermark;
};

columnar::batch ints(std::vector<int64_t> values) {
    std::vector<columnar::data_type> types{columnar::type_id::int64};
    auto b = columnar::batch::with_types(types);
    for (auto v : values)
        b.columns[0]->push_i64(v);
    b.rows = values.size();
    return b;
}

TEST(view_tap, queues_changes_drops_slow_subscribers_and_ends_streams_when_destroyed) {
    asio::io_context home;
    collect table;
    auto tap = std::make_unique<stream::view_tap>(
        &table, stream::change_builder(std::nullopt, std::vector<uint32_t>{0}));
    auto fast = std::make_shared<stream::subscription_channel>(home.get_executor(), 100);
    auto slow = std::make_shared<stream::subscription_channel>(home.get_executor(), 3);
    auto gone = std::make_shared<stream::subscription_channel>(home.get_executor(), 100);
    tap->add(fast);
    tap->add(slow);
    tap->add(gone);
    EXPECT_EQ(tap->subscribers(), 3u);
    gone->end(stream::end_reason::cancelled); // the subscriber went away
    EXPECT_EQ(tap->subscribers(), 2u);
    tap->push(ints({1, 2}));
    tap->watermark(42);
    tap->push(ints({3, 4})); // slow: 4 rows pending > 3
    EXPECT_EQ(table.rows, 4u) << "the table gets every row";
    EXPECT_EQ(table.last_wm, 42);
    home.run();
    home.restart();
    EXPECT_EQ(fast->queue.size(), 2u);
    EXPECT_EQ(fast->pending_rows.load(), 4u);
    EXPECT_EQ(slow->ended.load(), stream::end_reason::too_slow);
    EXPECT_TRUE(slow->queue.empty()) << "a dropped subscriber's changes are let go";
    EXPECT_TRUE(gone->queue.empty());
    EXPECT_EQ(tap->subscribers(), 1u);
    // A subscription reads what was queued, then learns that the view went away.
    stream::view_subscription sub(fast, {}, columnar::batch{});
    tap.reset();
    std::vector<size_t> got;
    asio::co_spawn(
        home,
        [&]() -> asio::awaitable<void> {
            while (true) {
                auto op = sub.next();
                auto c = co_await std::move(op);
                if (!c) break;
                got.push_back(c->rows.rows);
            }
        },
        asio::detached);
    home.run();
    EXPECT_EQ(got, (std::vector<size_t>{2, 2}));
    EXPECT_EQ(sub.reason(), stream::end_reason::dropped);
    EXPECT_EQ(fast->pending_rows.load(), 0u);
}

} // namespace
