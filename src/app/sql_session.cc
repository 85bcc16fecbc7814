#include "app/sql_session.h"

#include "broker/broker.h"
#include "columnar/text_format.h"
#include "runtime/invoke.h"
#include "sql/parser.h"
#include "sql/sql_error.h"
#include "stream/engine.h"

#include <spdlog/spdlog.h>

namespace spate::app {

namespace asio = boost::asio;
using columnar::type_id;

namespace {

/// A column's Postgres type: its OID, size and modifier, and format_type()'s name for it.
struct pg_type {
    uint32_t oid;
    int16_t len;
    int32_t mod;
    std::string name;
};

pg_type pg_type_of(const columnar::data_type& t) {
    switch (t.id) {
    case type_id::boolean: return {pgwire::oid::bool_, 1, -1, "boolean"};
    case type_id::int32: return {pgwire::oid::int4, 4, -1, "integer"};
    case type_id::int64: return {pgwire::oid::int8, 8, -1, "bigint"};
    case type_id::float64: return {pgwire::oid::float8, 8, -1, "double precision"};
    case type_id::decimal:
        return {pgwire::oid::numeric, -1, ((int32_t(t.precision) << 16) | t.scale) + 4,
                "numeric(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")"};
    case type_id::timestamp:
        return {pgwire::oid::timestamp, 8, -1, "timestamp(3) without time zone"};
    case type_id::interval: return {pgwire::oid::interval, 16, -1, "interval"};
    case type_id::json: return {pgwire::oid::json, -1, -1, "json"};
    case type_id::varchar:
    case type_id::null: return {pgwire::oid::text, -1, -1, "text"};
    }
    return {pgwire::oid::text, -1, -1, "text"};
}

std::vector<pgwire::column_desc> describe_columns(const std::vector<plan::column_info>& cols) {
    std::vector<pgwire::column_desc> out;
    for (const auto& c : cols) {
        auto t = pg_type_of(c.type);
        out.push_back({c.name, t.oid, t.len, t.mod});
    }
    return out;
}

pgwire::cell cell_at(const columnar::column& c, size_t row) {
    if (c.is_null(row)) return std::monostate{};
    switch (c.type().id) {
    case type_id::boolean: return c.bools()[row] != 0;
    case type_id::int32:
    case type_id::int64: return c.i64()[row];
    case type_id::float64: return c.f64()[row];
    case type_id::decimal: return pgwire::numeric_value{c.i64()[row], c.type().scale};
    case type_id::timestamp: return pgwire::timestamp_ms{c.i64()[row]};
    case type_id::interval: {
        int64_t ms = c.i64()[row];
        int64_t days = ms / 86'400'000;
        return pgwire::interval_value{0, int32_t(days), (ms - days * 86'400'000) * 1000};
    }
    case type_id::varchar:
    case type_id::json:
    case type_id::null: return std::string(c.strs()[row].view());
    }
    return std::monostate{};
}

columnar::value value_of(const pgwire::cell& c) {
    using columnar::value;
    return std::visit(
        [](const auto& v) -> value {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>)
                return value::null();
            else if constexpr (std::is_same_v<T, bool>)
                return value::boolean(v);
            else if constexpr (std::is_same_v<T, int64_t>)
                return value::int64(v);
            else if constexpr (std::is_same_v<T, double>)
                return value::float64(v);
            else if constexpr (std::is_same_v<T, std::string>)
                return value::string(v);
            else if constexpr (std::is_same_v<T, pgwire::timestamp_ms>)
                return value::int64(v.ms_since_unix_epoch, type_id::timestamp);
            else if constexpr (std::is_same_v<T, pgwire::interval_value>)
                return value::int64(int64_t(v.days) * 86'400'000 + v.micros / 1000,
                                    type_id::interval);
            else {
                // numeric: within 18 digits it is a decimal, else a double.
                __int128 u = v.unscaled;
                int scale = v.scale;
                while (scale > 18 || u > 999'999'999'999'999'999 || u < -999'999'999'999'999'999) {
                    if (scale == 0) return value::float64(double(v.unscaled));
                    u /= 10;
                    --scale;
                }
                return value::int64(int64_t(u), columnar::data_type::decimal(18, uint8_t(scale)));
            }
        },
        c);
}

/// The 1-based character position of byte `offset` in `sql`.
int32_t char_position(std::string_view sql, uint32_t offset) {
    int32_t chars = 0;
    for (size_t i = 0; i < offset && i < sql.size(); ++i)
        if ((static_cast<unsigned char>(sql[i]) & 0xC0) != 0x80) ++chars;
    return chars + 1;
}

pgwire::pg_error to_pg(const sql::sql_error& e, std::string_view sql, bool positioned) {
    pgwire::pg_error p;
    p.sqlstate = e.sqlstate;
    p.message = e.message;
    p.hint = e.hint;
    if (positioned) p.position = char_position(sql, e.pos.offset);
    return p;
}

/// Errors from the binder carry a position when they point into the statement; a default
/// position (offset 0, line 1, column 1) on an error that is not about the first token is
/// left out by the engine passing {} — the first token's errors still point at it.
bool has_position(const sql::sql_error& e) {
    return !(e.pos == sql::source_pos{}) || e.sqlstate == "42601";
}

class sql_session final : public pgwire::session_handler {
public:
    sql_session(broker::kafka_broker& broker, stream::engine& engine, relation_directory& relations,
                int32_t pid)
        : _broker(broker), _engine(engine), _relations(relations), _pid(pid) {}

    pgwire::pg_result<std::vector<std::string>> split(std::string_view sql) override {
        try {
            std::vector<std::string> out;
            for (auto s : sql::split_statements(sql))
                out.emplace_back(s);
            return out;
        } catch (const sql::sql_error& e) {
            return to_pg(e, sql, true);
        }
    }

    asio::awaitable<pgwire::pg_result<pgwire::statement_info>>
    describe(std::string sql, std::vector<uint32_t> param_hints) override {
        stream::engine* engine = &_engine;
        auto op = runtime::invoke_on(_broker.executor(engine->home()),
                                     [engine, sql, hints = std::move(param_hints)]()
                                         -> pgwire::pg_result<pgwire::statement_info> {
                                         try {
                                             auto d = engine->describe(sql);
                                             pgwire::statement_info info;
                                             info.returns_rows = d.returns_rows;
                                             info.columns = describe_columns(d.columns);
                                             // Parameters the client did not type are taken as
                                             // text.
                                             info.param_oids = hints;
                                             for (auto& o : info.param_oids)
                                                 if (o == 0) o = pgwire::oid::text;
                                             size_t n = count_parameters(sql);
                                             while (info.param_oids.size() < n)
                                                 info.param_oids.push_back(pgwire::oid::text);
                                             return info;
                                         } catch (const sql::sql_error& e) {
                                             return to_pg(e, sql, has_position(e));
                                         }
                                     });
        co_return co_await std::move(op);
    }

    asio::awaitable<pgwire::pg_result<pgwire::query_result>>
    execute(std::string sql, std::vector<pgwire::cell> params) override {
        std::vector<columnar::value> values;
        for (const auto& p : params)
            values.push_back(value_of(p));
        stream::engine* engine = &_engine;
        relation_directory* relations = &_relations;
        auto control = std::make_shared<stream::query_control>();
        control->session = _pid;
        _running = control;
        auto op = runtime::invoke_on(
            _broker.executor(engine->home()),
            [engine, relations, sql, values = std::move(values),
             control]() -> asio::awaitable<pgwire::pg_result<pgwire::query_result>> {
                try {
                    auto run = engine->execute(sql, values, control);
                    auto r = co_await std::move(run);
                    publish_relations(*engine, *relations);
                    co_return convert(std::move(r));
                } catch (const sql::sql_error& e) {
                    co_return to_pg(e, sql, has_position(e));
                }
            });
        auto r = co_await std::move(op);
        _running.reset();
        co_return r;
    }

    void cancel() override {
        if (_running) _running->cancelled = true;
    }

private:
    static pgwire::query_result convert(stream::statement_result r) {
        pgwire::query_result q;
        q.command_tag = r.tag;
        q.notices = std::move(r.notices);
        if (!r.returns_rows) return q;
        q.columns = describe_columns(r.columns);
        q.rows.reserve(r.rows.rows);
        for (size_t row = 0; row < r.rows.rows; ++row) {
            std::vector<pgwire::cell> cells;
            cells.reserve(r.rows.columns.size());
            for (const auto& c : r.rows.columns)
                cells.push_back(cell_at(*c, row));
            q.rows.push_back(std::move(cells));
        }
        return q;
    }

    /// The highest $n in `sql` (outside strings), so Describe can report every parameter.
    static size_t count_parameters(std::string_view sql) {
        size_t highest = 0;
        bool in_string = false;
        for (size_t i = 0; i < sql.size(); ++i) {
            char c = sql[i];
            if (c == '\'') in_string = !in_string;
            if (in_string || c != '$') continue;
            size_t n = 0, j = i + 1;
            while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9')
                n = n * 10 + size_t(sql[j++] - '0');
            highest = std::max(highest, n);
        }
        return highest;
    }

    broker::kafka_broker& _broker;
    stream::engine& _engine;
    relation_directory& _relations;
    int32_t _pid;
    /// The statement running now, which a cancel request stops.
    std::shared_ptr<stream::query_control> _running;
};

} // namespace

void publish_relations(stream::engine& engine, relation_directory& relations) {
    std::vector<pgwire::relation_info> out;
    for (const auto& r : engine.relations()) {
        pgwire::relation_info info;
        info.name = r.name;
        info.kind = r.kind == stream::object_kind::view ? 'm' : 'r';
        info.kind_name = stream::object_kind_name(r.kind);
        for (const auto& c : r.columns) {
            if (c.hidden) continue;
            auto t = pg_type_of(c.type);
            info.columns.push_back({c.name, t.oid, t.name, c.not_null});
        }
        out.push_back(std::move(info));
    }
    relations.set(std::move(out));
}

pgwire::handler_factory sql_session_factory(broker::kafka_broker& broker, stream::engine& engine,
                                            relation_directory& relations) {
    return [&broker, &engine, &relations](const pgwire::session_info& who) {
        return std::make_unique<sql_session>(broker, engine, relations, who.pid);
    };
}

} // namespace spate::app
