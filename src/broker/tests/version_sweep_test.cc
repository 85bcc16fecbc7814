// Every version of every API the broker advertises gets a response that decodes whole in that
// version: a broker started in-process on two shards, spoken to over TCP with the generated
// codec, one request per (API, version).

#include "broker/advertised_apis.h"
#include "broker/tests/broker_test_support.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

namespace spate::broker {
namespace {

using testing::client;
using testing::running_broker;

namespace asio = boost::asio;
using asio::ip::tcp;

TEST(version_sweep, every_advertised_version_of_every_api_is_answered_in_that_version) {
    running_broker broker;
    std::set<int16_t> covered;
    size_t calls = 0;
    kafka::for_each_message_type([&]<typename T>() {
        if constexpr (requires { T::api_key; }) {
            constexpr bool is_request = T::spec_name.ends_with("Request");
            if constexpr (is_request) {
                const auto* api = find_advertised_api(T::api_key);
                if (!api) return;
                covered.insert(T::api_key);
                for (int16_t v = api->min_version; v <= api->max_version; ++v) {
                    T request;
                    if constexpr (T::api_key == 0) request.acks = -1; // acks=0 has no response
                    client c(broker.port());
                    auto body = c.call(request, v);
                    ASSERT_TRUE(body) << T::spec_name << " v" << v << ": " << body.err().message;
                    // The matching response type decodes the whole body in the same version.
                    bool decoded = false;
                    kafka::for_each_message_type([&]<typename R>() {
                        if constexpr (requires { R::api_key; }) {
                            if constexpr (R::api_key == T::api_key &&
                                          R::spec_name.ends_with("Response")) {
                                R response;
                                kafka::reader rd(*body);
                                auto r = response.decode(rd, v);
                                EXPECT_TRUE(r) << R::spec_name << " v" << v << ": "
                                               << (r ? "" : r.err().message);
                                EXPECT_TRUE(rd.empty()) << R::spec_name << " v" << v << ": "
                                                        << rd.remaining() << " bytes left over";
                                decoded = true;
                            }
                        }
                    });
                    EXPECT_TRUE(decoded) << T::spec_name;
                    ++calls;
                }
            }
        }
    });
    EXPECT_EQ(covered.size(), advertised_apis().size()) << "an advertised API has no request type";
    size_t versions = 0;
    for (const auto& a : advertised_apis())
        versions += static_cast<size_t>(a.max_version - a.min_version + 1);
    EXPECT_EQ(calls, versions);
}

TEST(version_sweep, api_versions_in_a_version_from_the_future_is_answered_in_v0) {
    running_broker broker;
    kafka::api_versions_request_data request;
    // The codec writes versions up to 4: send v4's body under a header saying v99 (a v2
    // header, as for any flexible version); the server must not read the body.
    std::vector<std::byte> frame(4);
    kafka::writer w(frame);
    kafka::request_header_data header;
    header.request_api_key = kafka::api_versions_request_data::api_key;
    header.request_api_version = 99;
    header.correlation_id = 7;
    header.encode(w, 2);
    request.encode(w, 4);
    store_be<uint32_t>(frame.data(), static_cast<uint32_t>(frame.size() - 4));
    asio::io_context io;
    tcp::socket s(io);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), broker.port()));
    asio::write(s, asio::buffer(frame));
    std::array<std::byte, 4> size;
    asio::read(s, asio::buffer(size));
    std::vector<std::byte> body(load_be<uint32_t>(size.data()));
    asio::read(s, asio::buffer(body));
    kafka::reader rd(body);
    kafka::response_header_data response_header;
    ASSERT_TRUE(response_header.decode(rd, 0));
    EXPECT_EQ(response_header.correlation_id, 7);
    kafka::api_versions_response_data response;
    ASSERT_TRUE(response.decode(rd, 0));
    EXPECT_EQ(response.error_code, static_cast<int16_t>(errc::unsupported_version));
    EXPECT_EQ(response.api_keys.size(), advertised_apis().size());
}

} // namespace
} // namespace spate::broker
