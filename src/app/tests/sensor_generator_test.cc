#include "app/demo.h"
#include "app/sensor_generator.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <set>

namespace spate::app {
namespace {

constexpr int64_t t0 = 1'795'000'000'000; // 2026-11-18T...

TEST(sensor_generator, iso_utc_formats_milliseconds) {
    EXPECT_EQ(iso_utc(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(iso_utc(1'700'000'000'123), "2023-11-14T22:13:20.123Z");
}

TEST(sensor_generator, same_seed_same_records_and_devices_take_turns) {
    sensor_generator a(5, 42), b(5, 42);
    for (int i = 0; i < 100; ++i) {
        auto ra = a.next(t0 + i), rb = b.next(t0 + i);
        EXPECT_EQ(ra.key, rb.key);
        EXPECT_EQ(ra.value, rb.value);
        EXPECT_EQ(ra.key, "sensor-0" + std::to_string(i % 5 + 1));
    }
}

TEST(sensor_generator, mix_of_readings_matches_what_the_demo_promises) {
    sensor_generator gen(20, 7);
    std::map<sensor_record::kind, int> kinds;
    simdjson::ondemand::parser parser;
    const int n = 200'000;
    for (int i = 0; i < n; ++i) {
        auto r = gen.next(t0 + i * 10);
        ++kinds[r.what];
        if (r.what == sensor_record::kind::invalid) continue;
        simdjson::padded_string json(r.value);
        auto doc = parser.iterate(json);
        std::string_view device = doc["device"].get_string().value();
        EXPECT_EQ(device, r.key);
        double temperature = doc["temperature"].get_double().value();
        double humidity = doc["humidity"].get_double().value();
        std::string_view ts = doc["ts"].get_string().value();
        EXPECT_GE(humidity, 0.0);
        EXPECT_LE(humidity, 100.0);
        if (r.what == sensor_record::kind::hot) {
            EXPECT_GT(temperature, 35.0) << r.value;
        } else if (r.what == sensor_record::kind::reading) {
            EXPECT_LT(temperature, 35.0) << r.value;
        }
        int64_t want = r.what == sensor_record::kind::late ? t0 + i * 10 - 60'000 : t0 + i * 10;
        EXPECT_EQ(ts, iso_utc(want));
    }
    // About 1% invalid, 0.7% late, a few percent hot.
    EXPECT_NEAR(kinds[sensor_record::kind::invalid], n / 100, n / 500);
    EXPECT_NEAR(kinds[sensor_record::kind::late], n * 7 / 1000, n / 500);
    EXPECT_GT(kinds[sensor_record::kind::hot], n / 200);
    EXPECT_LT(kinds[sensor_record::kind::hot], n / 10);
}

TEST(sensor_generator, invalid_records_really_break_the_source) {
    sensor_generator gen(3, 3);
    simdjson::ondemand::parser parser;
    std::set<std::string> faults;
    for (int i = 0; i < 100'000 && faults.size() < 4; ++i) {
        auto r = gen.next(t0);
        if (r.what != sensor_record::kind::invalid) continue;
        simdjson::padded_string json(r.value);
        simdjson::ondemand::document doc;
        if (parser.iterate(json).get(doc) != simdjson::SUCCESS) {
            faults.insert("not json");
            continue;
        }
        simdjson::ondemand::object obj;
        if (doc.get_object().get(obj)) {
            faults.insert("not json");
            continue;
        }
        std::string_view device;
        if (obj["device"].get_string().get(device) != simdjson::SUCCESS) {
            faults.insert(r.value.find("\"device\"") == std::string::npos ? "no device"
                                                                          : "not json");
            continue;
        }
        double temperature = 0;
        if (obj["temperature"].get_double().get(temperature) != simdjson::SUCCESS) {
            faults.insert(r.value.find("\"hum") != std::string::npos &&
                                  r.value.find("\"ts\"") == std::string::npos
                              ? "not json"
                              : "bad type");
            continue;
        }
        double humidity = 0;
        if (obj["humidity"].get_double().get(humidity) == simdjson::SUCCESS && humidity > 100)
            faults.insert("out of range");
    }
    EXPECT_EQ(faults, (std::set<std::string>{"bad type", "no device", "not json", "out of range"}));
}

TEST(sensor_generator, demo_statements_create_only_what_is_missing) {
    auto statements = demo_statements();
    ASSERT_EQ(statements.size(), 3u);
    for (const auto& s : statements)
        EXPECT_NE(s.find("IF NOT EXISTS"), std::string::npos) << s;
}

} // namespace
} // namespace spate::app
