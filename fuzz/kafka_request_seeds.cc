// Writes synthetic seeds for kafka_request_fuzzer: for every served API, a request in its
// highest version with every field that version has filled in (the round-trip tests' populator,
// with unknown tagged fields in flexible versions), after the request header that version takes.
// A Produce request carries a valid uncompressed record batch in each partition. The captured
// client requests in the corpus come from tools/kafka_golden_vectors.py --corpus.
//
//   build-fuzz/fuzz/kafka_request_seeds fuzz/corpus/kafka_request
//
// Writes spate_<api>_v<version> files (a frame body each: no 4-byte size) and prints their names.
// Deterministic: re-running it gives the same bytes.

#include "kafka/generated/messages.h"
#include "kafka/protocol/wire.h"
#include "kafka/tests/test_support.h"

#include "model/batch_builder.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <string>
#include <type_traits>
#include <vector>

namespace spate::kafka {
namespace {

/// "OffsetForLeaderEpochRequest" -> "offset_for_leader_epoch".
std::string snake_case(std::string_view spec_name) {
    spec_name.remove_suffix(std::string_view("Request").size());
    std::string out;
    for (char c : spec_name) {
        if (std::isupper(static_cast<unsigned char>(c))) {
            if (!out.empty()) out += '_';
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else {
            out += c;
        }
    }
    return out;
}

std::vector<std::byte> valid_batch() {
    model::batch_builder builder;
    builder.add("key", "value", model::timestamp_ms(1'700'000'000'000));
    builder.add(std::nullopt, "second", model::timestamp_ms(1'700'000'000'005));
    return builder.build();
}

template <typename T>
std::vector<std::byte> seed() {
    const int16_t version = T::highest_supported_version;
    T body = test::populated<T>(version);
    if constexpr (std::is_same_v<T, produce_request_data>) {
        for (auto& topic : body.topic_data) {
            for (auto& partition : topic.partition_data)
                partition.records = valid_batch();
        }
    }
    request_header_data header;
    header.request_api_key = T::api_key;
    header.request_api_version = version;
    header.correlation_id = 7;
    header.client_id = "spate-seed";
    std::vector<std::byte> out;
    writer w(out);
    header.encode(w, request_header_version(T::api_key, version).value());
    body.encode(w, version);
    return out;
}

} // namespace
} // namespace spate::kafka

int main(int argc, char** argv) {
    using namespace spate::kafka;
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    bool ok = true;
    for_each_message_type([&]<typename T>() {
        if constexpr (requires { T::api_key; } && T::spec_name.ends_with("Request")) {
            auto name =
                fmt::format("spate_{}_v{}", snake_case(T::spec_name), T::highest_supported_version);
            auto bytes = seed<T>();
            std::ofstream f(dir + "/" + name, std::ios::binary | std::ios::trunc);
            f.write(reinterpret_cast<const char*>(bytes.data()),
                    static_cast<std::streamsize>(bytes.size()));
            if (!f) {
                std::fprintf(stderr, "kafka_request_seeds: cannot write %s/%s\n", dir.c_str(),
                             name.c_str());
                ok = false;
                return;
            }
            std::printf("%s (%zu bytes)\n", name.c_str(), bytes.size());
        }
    });
    return ok ? 0 : 1;
}
