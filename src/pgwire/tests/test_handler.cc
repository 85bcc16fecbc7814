#include "test_handler.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace spate::pgwire::testing {

namespace {

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> words(std::string_view s) {
    std::istringstream in{std::string(s)};
    std::vector<std::string> out;
    std::string w;
    while (in >> w)
        out.push_back(w);
    return out;
}

/// The highest $n in the text.
size_t param_count(std::string_view sql) {
    size_t n = 0;
    for (size_t i = 0; i + 1 < sql.size(); ++i)
        if (sql[i] == '$' && std::isdigit(static_cast<unsigned char>(sql[i + 1])))
            n = std::max<size_t>(n, static_cast<size_t>(std::atoi(sql.data() + i + 1)));
    return n;
}

std::vector<column_desc> row_columns() {
    auto col = [](std::string name, uint32_t t) {
        return column_desc{std::move(name), t, type_len(t)};
    };
    return {col("id", oid::int8),       col("name", oid::text),    col("score", oid::float8),
            col("ok", oid::bool_),      col("ts", oid::timestamp), col("amount", oid::numeric),
            col("span", oid::interval), col("nothing", oid::text)};
}

pg_result<query_result> rows(int64_t n) {
    query_result r;
    r.columns = row_columns();
    for (int64_t i = 0; i < n; ++i)
        r.rows.push_back(
            {cell{i}, cell{fmt::format("row {}", i)}, cell{static_cast<double>(i) * 1.5 + 0.1},
             cell{i % 2 == 0},
             cell{timestamp_ms{1704164645123 + i * 1000}}, // 2024-01-02 03:04:05.123
             cell{numeric_value{i * 100 + 5, 2}},
             cell{interval_value{static_cast<int32_t>(i), static_cast<int32_t>(i), i * 1500000}},
             cell{}});
    r.command_tag = fmt::format("SELECT {}", n);
    return r;
}

class test_handler : public session_handler {
public:
    pg_result<std::vector<std::string>> split(std::string_view sql) override {
        std::vector<std::string> out;
        std::string cur;
        char quote = 0;
        size_t quote_at = 0;
        for (size_t i = 0; i < sql.size(); ++i) {
            char c = sql[i];
            if (quote) {
                if (c == quote) quote = 0;
                cur += c;
            } else if (c == '\'' || c == '"') {
                quote = c;
                quote_at = i;
                cur += c;
            } else if (c == ';') {
                out.push_back(cur);
                cur.clear();
            } else {
                cur += c;
            }
        }
        if (quote) {
            pg_error e{"42601", "unterminated quoted string"};
            e.position = static_cast<int32_t>(quote_at + 1);
            return e;
        }
        if (cur.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(cur);
        return out;
    }

    boost::asio::awaitable<pg_result<statement_info>>
    describe(std::string sql, std::vector<uint32_t> hints) override {
        co_return describe_now(sql, hints);
    }

    boost::asio::awaitable<pg_result<query_result>> execute(std::string sql,
                                                            std::vector<cell> params) override {
        auto w = words(sql);
        if (w.size() == 2 && upper(w[0]) == "SLEEP") {
            auto ex = co_await boost::asio::this_coro::executor;
            boost::asio::steady_timer t(ex, std::chrono::milliseconds(std::atoi(w[1].c_str())));
            co_await t.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
            query_result r;
            r.command_tag = "SLEEP";
            co_return r;
        }
        if (w.size() == 1 && upper(w[0]) == "THROW") throw std::runtime_error("test handler threw");
        co_return execute_now(sql, std::move(params));
    }

private:
    pg_result<statement_info> describe_now(const std::string& sql,
                                           const std::vector<uint32_t>& hints) {
        auto w = words(sql);
        statement_info info;
        if (!w.empty() && upper(w[0]) == "ECHO") {
            for (size_t i = 0; i < param_count(sql); ++i) {
                uint32_t t = i < hints.size() && hints[i] != 0 ? hints[i] : oid::text;
                info.param_oids.push_back(t);
                info.columns.push_back({fmt::format("p{}", i + 1), t, type_len(t)});
            }
            info.returns_rows = true;
            return info;
        }
        if (w.size() == 3 && upper(w[0]) == "SELECT" && upper(w[2]) == "ROWS") {
            info.columns = row_columns();
            info.returns_rows = true;
            return info;
        }
        if (!w.empty() && upper(w[0]) == "FLOATS") {
            for (auto n : {"one", "tenth", "big", "tiny", "inf", "ninf", "nan", "negzero"})
                info.columns.push_back({n, oid::float8, 8});
            info.returns_rows = true;
            return info;
        }
        if (!w.empty() &&
            (upper(w[0]) == "FAIL" || upper(w[0]) == "CREATE" || upper(w[0]) == "SLEEP"))
            return info;
        pg_error e{"42601", fmt::format("syntax error at or near \"{}\"", w.empty() ? "" : w[0])};
        e.position = 1;
        return e;
    }

    pg_result<query_result> execute_now(const std::string& sql, std::vector<cell> params) {
        auto w = words(sql);
        auto info = describe_now(sql, {});
        if (auto* e = std::get_if<pg_error>(&info)) return *e;
        auto first = upper(w[0]);
        if (first == "SELECT") {
            auto n = std::atoll(w[1].c_str());
            return rows(n);
        }
        if (first == "ECHO") {
            query_result r;
            r.columns = std::get<statement_info>(info).columns;
            // The columns take the types the parameters were decoded as.
            for (size_t i = 0; i < r.columns.size() && i < params.size(); ++i) {
                auto& c = r.columns[i];
                switch (params[i].index()) {
                case 1: c.type_oid = oid::bool_; break;
                case 2:
                    if (c.type_oid != oid::int2 && c.type_oid != oid::int4) c.type_oid = oid::int8;
                    break;
                case 3:
                    if (c.type_oid != oid::float4) c.type_oid = oid::float8;
                    break;
                case 5:
                    if (c.type_oid != oid::timestamptz && c.type_oid != oid::date)
                        c.type_oid = oid::timestamp;
                    break;
                case 6: c.type_oid = oid::interval; break;
                case 7: c.type_oid = oid::numeric; break;
                default: break;
                }
                c.type_len = type_len(c.type_oid);
            }
            r.rows.push_back(std::move(params));
            r.rows.back().resize(r.columns.size());
            r.command_tag = "SELECT 1";
            return r;
        }
        if (first == "FLOATS") {
            query_result r;
            r.columns = std::get<statement_info>(info).columns;
            r.rows.push_back({cell{1.0}, cell{0.1}, cell{1e20}, cell{1e-5},
                              cell{std::numeric_limits<double>::infinity()},
                              cell{-std::numeric_limits<double>::infinity()},
                              cell{std::numeric_limits<double>::quiet_NaN()}, cell{-0.0}});
            r.command_tag = "SELECT 1";
            return r;
        }
        if (first == "FAIL") {
            pg_error e{w.size() > 1 ? w[1] : "XX000", "test failure requested"};
            e.detail = "the test handler fails on request";
            e.hint = "do not ask it to fail";
            e.position = 3;
            return e;
        }
        if (first == "CREATE") {
            query_result r;
            r.command_tag = "CREATE THING";
            r.notices.push_back(fmt::format("created {}", w.size() > 2 ? w[2] : "?"));
            return r;
        }
        pg_error e{"42601", "syntax error"};
        e.position = 1;
        return e;
    }
};

} // namespace

std::unique_ptr<session_handler> make_test_handler(const session_info&) {
    return std::make_unique<test_handler>();
}

std::vector<relation_info> test_relations() {
    return {
        {"orders",
         'r',
         "source",
         {{"id", oid::int8, "bigint", true},
          {"customer", oid::text, "text", false},
          {"amount", oid::numeric, "numeric(10,2)", false},
          {"created", oid::timestamp, "timestamp without time zone", false}}},
        {"order_totals",
         'm',
         "materialized view",
         {{"customer", oid::text, "text", false}, {"total", oid::numeric, "numeric", false}}},
        {"recent_orders", 'v', "view", {{"id", oid::int8, "bigint", false}}},
    };
}

} // namespace spate::pgwire::testing
