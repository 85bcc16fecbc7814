#include "pgwire/session_statements.h"

#include <gtest/gtest.h>

namespace spate::pgwire {
namespace {

session_info who() {
    return {"alice", "db", "tool", "peer"};
}

std::string tag(const std::optional<session_outcome>& o) {
    EXPECT_TRUE(o.has_value());
    if (!o || is_error(o->result)) return "<error>";
    return std::get<query_result>(o->result).command_tag;
}

std::string sqlstate(const std::optional<session_outcome>& o) {
    EXPECT_TRUE(o.has_value());
    if (!o || !is_error(o->result)) return "<ok>";
    return std::get<pg_error>(o->result).sqlstate;
}

std::string shown(session_state& s, std::string_view sql) {
    auto o = s.try_run(sql);
    if (!o || is_error(o->result)) return "<error>";
    const auto& r = std::get<query_result>(o->result);
    return std::get<std::string>(r.rows.at(0).at(0));
}

TEST(leading_keywords, skip_comments_and_case) {
    EXPECT_EQ(leading_keywords("  /* c */ -- x\n begin work;", 2),
              (std::vector<std::string>{"BEGIN", "WORK"}));
    EXPECT_TRUE(leading_keywords("  ;", 1).empty());
}

TEST(session_state, reports_startup_parameters) {
    session_state s(who(), {{"statement_timeout", "5"}, {"client_encoding", "SQL_ASCII"}});
    auto r = s.reported();
    auto find = [&](std::string_view n) {
        for (auto& [k, v] : r)
            if (k == n) return v;
        return std::string("<none>");
    };
    EXPECT_EQ(find("server_version"), "15.0 (spate 0.1.0)");
    EXPECT_EQ(find("client_encoding"), "UTF8");
    EXPECT_EQ(find("application_name"), "tool");
    EXPECT_EQ(find("session_authorization"), "alice");
    EXPECT_EQ(find("DateStyle"), "ISO, MDY");
    EXPECT_EQ(s.get("statement_timeout"), "5");
}

TEST(session_state, set_show_reset) {
    session_state s(who());
    EXPECT_EQ(tag(s.try_run("SET search_path TO a, 'b'")), "SET");
    EXPECT_EQ(shown(s, "show search_path"), "a, b");
    EXPECT_EQ(tag(s.try_run("set local statement_timeout = 10;")), "SET");
    EXPECT_EQ(shown(s, "SHOW statement_timeout"), "10");
    EXPECT_EQ(tag(s.try_run("RESET statement_timeout")), "RESET");
    EXPECT_EQ(shown(s, "SHOW statement_timeout"), "0");
    auto o = s.try_run("SET application_name = 'x'");
    ASSERT_EQ(o->changed.size(), 1u);
    EXPECT_EQ(o->changed[0].first, "application_name");
    EXPECT_EQ(tag(s.try_run("SET application_name TO DEFAULT")), "SET");
    EXPECT_EQ(shown(s, "SHOW application_name"), "tool");
    EXPECT_EQ(tag(s.try_run("SET TIME ZONE 'UTC'")), "SET");
    EXPECT_EQ(tag(s.try_run("SET NAMES 'UTF8'")), "SET");
    EXPECT_EQ(tag(s.try_run("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")), "SET");
    EXPECT_EQ(tag(s.try_run("RESET ALL")), "RESET");
}

TEST(session_state, refuses_bad_settings) {
    session_state s(who());
    EXPECT_EQ(sqlstate(s.try_run("SHOW nope")), "42704");
    EXPECT_EQ(sqlstate(s.try_run("SET nope = 1")), "42704");
    EXPECT_EQ(sqlstate(s.try_run("SET client_encoding = 'LATIN1'")), "0A000");
    EXPECT_EQ(sqlstate(s.try_run("SET TIME ZONE 'America/New_York'")), "22023");
    EXPECT_EQ(sqlstate(s.try_run("SET server_version = '9'")), "55P02");
    EXPECT_EQ(sqlstate(s.try_run("SET statement_timeout")), "42601");
    EXPECT_EQ(sqlstate(s.try_run("SET statement_timeout = ")), "42601");
    EXPECT_EQ(sqlstate(s.try_run("SET a = 'unterminated")), "42601");
    EXPECT_EQ(sqlstate(s.try_run("SHOW")), "42601");
    EXPECT_EQ(sqlstate(s.try_run("DISCARD PLANS")), "0A000");
}

TEST(session_state, transaction_status_follows_postgres) {
    session_state s(who());
    EXPECT_EQ(s.tx_status(), 'I');
    EXPECT_EQ(tag(s.try_run("begin")), "BEGIN");
    EXPECT_EQ(s.tx_status(), 'T');
    auto again = s.try_run("START TRANSACTION");
    EXPECT_EQ(std::get<query_result>(again->result).notices.size(), 1u);
    s.on_error();
    EXPECT_EQ(s.tx_status(), 'E');
    EXPECT_TRUE(s.refuse_in_failed_block("SELECT 1").has_value());
    EXPECT_EQ(s.refuse_in_failed_block("SELECT 1")->sqlstate, "25P02");
    EXPECT_FALSE(s.refuse_in_failed_block("rollback").has_value());
    EXPECT_EQ(tag(s.try_run("ROLLBACK TO SAVEPOINT a")), "ROLLBACK");
    EXPECT_EQ(s.tx_status(), 'T');
    s.on_error();
    EXPECT_EQ(tag(s.try_run("COMMIT")), "ROLLBACK");
    EXPECT_EQ(s.tx_status(), 'I');
    s.on_error(); // outside a block an error changes nothing
    EXPECT_EQ(s.tx_status(), 'I');
    auto none = s.try_run("END");
    EXPECT_EQ(tag(none), "COMMIT");
    EXPECT_EQ(std::get<query_result>(none->result).notices.size(), 1u);
    EXPECT_EQ(sqlstate(s.try_run("SAVEPOINT x")), "25P01");
}

TEST(session_state, deallocate_and_discard) {
    session_state s(who());
    auto d = s.try_run("DEALLOCATE PREPARE \"MyStmt\"");
    EXPECT_EQ(d->what, session_outcome::action::deallocate);
    EXPECT_EQ(d->target, "MyStmt");
    EXPECT_EQ(s.try_run("deallocate Foo")->target, "foo");
    EXPECT_EQ(s.try_run("DEALLOCATE ALL")->what, session_outcome::action::deallocate_all);
    EXPECT_EQ(s.try_run("DISCARD ALL")->what, session_outcome::action::discard_all);
    EXPECT_EQ(sqlstate(s.try_run("DEALLOCATE")), "42601");
}

TEST(session_state, leaves_other_statements_to_the_engine) {
    session_state s(who());
    EXPECT_FALSE(s.try_run("SELECT 1").has_value());
    EXPECT_FALSE(s.try_run("CREATE SOURCE x").has_value());
    EXPECT_FALSE(s.try_run("START STREAMING").has_value());
    EXPECT_FALSE(s.try_run("").has_value());
    EXPECT_FALSE(s.try_run("'SET'").has_value());
}

} // namespace
} // namespace spate::pgwire
