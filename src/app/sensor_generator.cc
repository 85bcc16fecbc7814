#include "app/sensor_generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

namespace spate::app {

sensor_generator::sensor_generator(int devices, uint64_t seed) : _rng(seed) {
    std::uniform_real_distribution<double> base_temperature(18.0, 26.0);
    std::uniform_real_distribution<double> base_humidity(35.0, 65.0);
    for (int i = 1; i <= devices; ++i)
        _devices.push_back(
            {fmt::format("sensor-{:02}", i), base_temperature(_rng), base_humidity(_rng)});
}

std::string iso_utc(int64_t ms) {
    std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm t{};
    gmtime_r(&seconds, &t);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", t.tm_year + 1900, t.tm_mon + 1,
                       t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, ms % 1000);
}

sensor_record sensor_generator::next(int64_t now_ms) {
    device& d = _devices[_next_device];
    _next_device = (_next_device + 1) % _devices.size();

    // A slow random walk, pulled back towards a comfortable range.
    std::normal_distribution<double> step(0.0, 0.15);
    d.temperature += step(_rng) - (d.temperature - 22.0) * 0.01;
    d.humidity = std::clamp(d.humidity + step(_rng) * 2 - (d.humidity - 50.0) * 0.01, 5.0, 95.0);
    std::uniform_int_distribution<int> percent(0, 9999);
    int roll = percent(_rng);
    if (d.hot_left == 0 && roll < 20) d.hot_left = 8 + roll % 8; // an overheating spell starts

    sensor_record r;
    r.key = d.name;
    double temperature = d.temperature;
    if (d.hot_left > 0) {
        --d.hot_left;
        temperature = std::max(temperature, 22.0) + 14.0 + (roll % 50) / 10.0;
        r.what = sensor_record::kind::hot;
    }
    int64_t ts = now_ms;
    if (roll >= 9900) {
        r.what = sensor_record::kind::invalid;
        r.value = invalid_value(d, now_ms);
        return r;
    }
    if (roll >= 9830 && roll < 9900) {
        r.what = sensor_record::kind::late;
        ts = now_ms - 60'000;
    }
    r.value = fmt::format(R"({{"device":"{}","temperature":{:.2f},"humidity":{:.1f},"ts":"{}"}})",
                          d.name, temperature, d.humidity, iso_utc(ts));
    return r;
}

std::string sensor_generator::invalid_value(const device& d, int64_t now_ms) {
    std::uniform_int_distribution<int> which(0, 3);
    switch (which(_rng)) {
    case 0: // humidity out of its range: breaks the CHECK
        return fmt::format(R"({{"device":"{}","temperature":{:.2f},"humidity":140.0,"ts":"{}"}})",
                           d.name, d.temperature, iso_utc(now_ms));
    case 1: // a broken sensor sends text for a number
        return fmt::format(R"({{"device":"{}","temperature":"ERR","humidity":{:.1f},"ts":"{}"}})",
                           d.name, d.humidity, iso_utc(now_ms));
    case 2: // no device: breaks NOT NULL
        return fmt::format(R"({{"temperature":{:.2f},"humidity":{:.1f},"ts":"{}"}})", d.temperature,
                           d.humidity, iso_utc(now_ms));
    default: // cut off mid-record
        return fmt::format(R"({{"device":"{}","temperature":{:.2f},"hum)", d.name, d.temperature);
    }
}

} // namespace spate::app
