#include "pgwire/wire.h"

#include <gtest/gtest.h>

namespace spate::pgwire {
namespace {

std::string be32(uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
            static_cast<char>(v)};
}
std::string be16(uint16_t v) {
    return {static_cast<char>(v >> 8), static_cast<char>(v)};
}

TEST(message_writer, frames_with_length_including_itself) {
    message_writer w;
    write_command_complete(w, "SELECT 1");
    EXPECT_EQ(w.data(), std::string("C") + be32(13) + std::string("SELECT 1\0", 9));
    w.clear();
    write_ready_for_query(w, 'T');
    EXPECT_EQ(w.data(), std::string("Z") + be32(5) + "T");
}

TEST(message_writer, row_description_and_data_row) {
    message_writer w;
    std::vector<column_desc> cols = {{"a", oid::int8, 8}, {"b", oid::text, -1}};
    write_row_description(w, cols, {1});
    const auto& d = w.data();
    ASSERT_EQ(d[0], 'T');
    EXPECT_EQ(d.substr(5, 2), be16(2));
    EXPECT_EQ(d.substr(7, 2), std::string("a\0", 2));
    // table oid, column number, type oid, len, mod, format
    EXPECT_EQ(d.substr(9, 18), be32(0) + be16(0) + be32(20) + be16(8) + be32(0xffffffff) + be16(1));
    w.clear();
    ASSERT_TRUE(write_data_row(w, {cell{int64_t{5}}, cell{}}, cols, {1, 0}));
    EXPECT_EQ(w.data(), std::string("D") + be32(4 + 2 + 4 + 8 + 4) + be16(2) + be32(8) +
                            std::string(7, '\0') + "\5" + be32(0xffffffff));
    w.clear();
    // A text value in a binary int8 column cannot be sent: nothing is written.
    EXPECT_FALSE(write_data_row(w, {cell{std::string("x")}, cell{}}, cols, {1}));
    EXPECT_EQ(w.size(), 0u);
}

TEST(message_writer, error_fields) {
    message_writer w;
    pg_error e{"42601", "bad", "detail", "", 7};
    write_error(w, e);
    std::string expect = std::string("SERROR\0VERROR\0C42601\0Mbad\0Ddetail\0P7\0\0", 38);
    EXPECT_EQ(w.data(), std::string("E") + be32(4 + static_cast<uint32_t>(expect.size())) + expect);
}

TEST(parse_startup, reads_parameters_and_special_codes) {
    std::string body = be32(196608) + std::string("user\0bob\0database\0d\0\0", 21);
    auto p = parse_startup(body);
    ASSERT_TRUE(std::holds_alternative<startup_packet>(p));
    const auto& s = std::get<startup_packet>(p);
    ASSERT_EQ(s.params.size(), 2u);
    EXPECT_EQ(s.params[0], (std::pair<std::string, std::string>{"user", "bob"}));
    auto ssl = parse_startup(be32(ssl_request_code));
    EXPECT_EQ(std::get<startup_packet>(ssl).what, startup_packet::kind::ssl);
    auto cancel = parse_startup(be32(cancel_request_code) + be32(7) + be32(9));
    EXPECT_EQ(std::get<startup_packet>(cancel).cancel_pid, 7);
    EXPECT_EQ(std::get<startup_packet>(cancel).cancel_secret, 9);
}

TEST(parse_startup, rejects_malformed_packets) {
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_startup("ab")));
    EXPECT_TRUE(
        std::holds_alternative<std::string>(parse_startup(be32(cancel_request_code) + be32(1))));
    EXPECT_TRUE(std::holds_alternative<std::string>(
        parse_startup(be32(196608) + std::string("user\0bob", 8))));
    EXPECT_TRUE(std::holds_alternative<std::string>(
        parse_startup(be32(196608) + std::string("user\0", 5))));
    EXPECT_TRUE(std::holds_alternative<std::string>(
        parse_startup(be32(196608) + std::string("\0junk", 5))));
}

TEST(parse_frontend, bind_with_nulls_and_formats) {
    std::string body = std::string("p\0s\0", 4) + be16(1) + be16(1) + be16(2) + be32(3) + "abc" +
                       be32(0xffffffff) + be16(1) + be16(0);
    auto b = parse_bind(body);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->portal, "p");
    EXPECT_EQ(b->statement, "s");
    EXPECT_EQ(b->param_formats, std::vector<int16_t>{1});
    ASSERT_EQ(b->params.size(), 2u);
    EXPECT_EQ(*b->params[0], "abc");
    EXPECT_FALSE(b->params[1].has_value());
    EXPECT_EQ(b->result_formats, std::vector<int16_t>{0});
}

TEST(parse_frontend, rejects_truncated_or_overlong_bodies) {
    // Parameter length past the end, negative counts, trailing bytes, missing NULs.
    EXPECT_FALSE(parse_bind(std::string("\0\0", 2) + be16(0) + be16(1) + be32(10) + "ab"));
    EXPECT_FALSE(parse_bind(std::string("\0\0", 2) + be16(0xffff)));
    EXPECT_FALSE(parse_bind(std::string("\0\0", 2) + be16(0) + be16(0) + be16(0) + "x"));
    EXPECT_FALSE(parse_bind(std::string("\0\0", 2) + be16(0) + be16(1) + be32(0xfffffffe)));
    EXPECT_FALSE(parse_parse(std::string("n\0SELECT", 8)));
    EXPECT_FALSE(parse_parse(std::string("n\0q\0", 4) + be16(2) + be32(23)));
    EXPECT_TRUE(parse_parse(std::string("n\0q\0", 4) + be16(1) + be32(23)).has_value());
    EXPECT_FALSE(parse_execute(std::string("p\0", 2) + be16(1)));
    EXPECT_FALSE(parse_describe(std::string("Xname\0", 6)));
    EXPECT_FALSE(parse_describe(std::string("S", 1)));
    EXPECT_EQ(parse_describe(std::string("Pp\0", 3))->what, 'P');
}

TEST(format_of, zero_one_or_per_column) {
    EXPECT_EQ(format_of({}, 3), 0);
    EXPECT_EQ(format_of({1}, 3), 1);
    EXPECT_EQ(format_of({0, 1}, 1), 1);
}

} // namespace
} // namespace spate::pgwire
