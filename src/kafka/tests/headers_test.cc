// Request header v0-v2, response header v0-v1, and which header version each API uses.

#include "kafka/protocol/headers.h"
#include "kafka/tests/test_support.h"

#include <gtest/gtest.h>

namespace spate::kafka {
namespace {

using test::encoded;
using test::from_hex;

TEST(headers, request_header_version_follows_kafka) {
    // Flexible request versions use header v2, the others v1.
    EXPECT_EQ(request_header_version(0, 8), 1);            // Produce v8
    EXPECT_EQ(request_header_version(0, 9), 2);            // Produce v9: first flexible
    EXPECT_EQ(request_header_version(18, 2), 1);           // ApiVersions v2
    EXPECT_EQ(request_header_version(18, 3), 2);           // ApiVersions v3
    EXPECT_EQ(request_header_version(18, 9), 2);           // a newer ApiVersions than spate knows
    EXPECT_EQ(request_header_version(47, 0), 1);           // OffsetDelete: never flexible
    EXPECT_EQ(request_header_version(60, 0), 2);           // DescribeCluster: always flexible
    EXPECT_EQ(request_header_version(7, 0), std::nullopt); // ControlledShutdown: not served
    EXPECT_EQ(request_header_version(999, 0), std::nullopt);
}

TEST(headers, response_header_version_follows_kafka) {
    EXPECT_EQ(response_header_version(0, 8), 0);
    EXPECT_EQ(response_header_version(0, 9), 1);
    EXPECT_EQ(response_header_version(1, 12), 1); // Fetch v12
    // ApiVersions responses always use header v0, even in flexible versions.
    for (int16_t v = 0; v <= 4; ++v)
        EXPECT_EQ(response_header_version(18, v), 0);
    EXPECT_EQ(response_header_version(47, 0), 0);
    EXPECT_EQ(response_header_version(60, 1), 1);
    EXPECT_EQ(response_header_version(7, 0), std::nullopt);
}

TEST(headers, every_served_api_is_in_the_table_with_its_generated_versions) {
    EXPECT_EQ(served_apis.size(), 26u);
    for_each_message_type([&]<typename T>() {
        if constexpr (requires { T::api_key; }) {
            const api_info* api = find_api(T::api_key);
            ASSERT_NE(api, nullptr) << T::spec_name;
            EXPECT_EQ(api->min_version, T::lowest_supported_version);
            EXPECT_EQ(api->max_version, T::highest_supported_version);
            EXPECT_EQ(api->flexible_from, T::flexible_versions_start);
        }
    });
    EXPECT_EQ(find_api(static_cast<int16_t>(api_key::produce))->name, "Produce");
    EXPECT_EQ(find_api(static_cast<int16_t>(api_key::describe_cluster))->max_version, 1);
}

TEST(headers, request_header_v0_v1_v2_encodings) {
    request_header_data h{3, 4, 7, "cli", {}};
    EXPECT_EQ(encoded(h, 0), from_hex("0003"
                                      "0004"
                                      "00000007"));
    EXPECT_EQ(encoded(h, 1), from_hex("0003"
                                      "0004"
                                      "00000007"
                                      "0003636c69"));
    // v2: the client id keeps its int16 length (the spec's "flexibleVersions": "none"), then
    // an empty tagged-field section.
    EXPECT_EQ(encoded(h, 2), from_hex("0003"
                                      "0004"
                                      "00000007"
                                      "0003636c69"
                                      "00"));
    h.client_id.reset();
    EXPECT_EQ(encoded(h, 1), from_hex("0003"
                                      "0004"
                                      "00000007"
                                      "ffff"));
}

TEST(headers, reads_the_header_version_the_request_implies) {
    // Produce v9 (flexible): header v2 with a null client id and an unknown tagged field.
    auto bytes = from_hex("0000"
                          "0009"
                          "0000002a"
                          "ffff"
                          "01"
                          "0501"
                          "ab"
                          "beef");
    reader rd(bytes);
    auto h = read_request_header(rd);
    ASSERT_TRUE(h) << h.err().to_string();
    EXPECT_EQ(h->version, 2);
    EXPECT_EQ(h->data.correlation_id, 42);
    EXPECT_FALSE(h->data.client_id.has_value());
    ASSERT_EQ(h->data.unknown_tagged_fields.size(), 1u);
    EXPECT_EQ(h->data.unknown_tagged_fields[0].tag, 5u);
    EXPECT_EQ(rd.remaining(), 2u); // the body

    // Produce v8: header v1, so the byte after the client id is the body.
    bytes = from_hex("0000"
                     "0008"
                     "0000002a"
                     "0001"
                     "78"
                     "01");
    reader rd1(bytes);
    h = read_request_header(rd1);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->version, 1);
    EXPECT_EQ(h->data.client_id, "x");
    EXPECT_EQ(rd1.remaining(), 1u);
}

TEST(headers, bad_request_headers_are_refused_and_leave_the_reader_alone) {
    auto unknown = from_hex("0007"
                            "0000"
                            "00000001");
    reader rd(unknown);
    auto h = read_request_header(rd);
    ASSERT_FALSE(h);
    EXPECT_EQ(h.err().code, errc::corrupt_message);
    EXPECT_NE(h.err().message.find("API key 7 is not served"), std::string::npos);
    EXPECT_EQ(rd.position(), 0u);

    auto cut = from_hex("0000"
                        "0009"
                        "0000002a"
                        "0005"
                        "61");
    reader rd2(cut);
    h = read_request_header(rd2);
    ASSERT_FALSE(h);
    EXPECT_NE(h.err().message.find("RequestHeader v2, ClientId"), std::string::npos)
        << h.err().message;
    EXPECT_EQ(rd2.position(), 0u);
}

TEST(headers, response_headers) {
    std::vector<std::byte> out;
    writer w(out);
    write_response_header(w, 0, 9, 42); // Produce v9: header v1
    EXPECT_EQ(out, from_hex("0000002a"
                            "00"));
    out.clear();
    write_response_header(w, 18, 3, 42); // ApiVersions v3: header v0
    EXPECT_EQ(out, from_hex("0000002a"));
    out.clear();
    write_response_header(w, 0, 8, 42);
    EXPECT_EQ(out, from_hex("0000002a"));
}

} // namespace
} // namespace spate::kafka
