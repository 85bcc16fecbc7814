#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace spate::app {

/// One generated sensor record: the Kafka key (the device) and the JSON value, with what kind
/// of record the generator meant it to be.
struct sensor_record {
    enum class kind : uint8_t {
        reading, ///< a valid, on-time reading
        hot,     ///< a valid reading of a device that is overheating (above 35 degrees)
        invalid, ///< breaks the source's schema: not JSON, a bad type or out of range
        late,    ///< a valid reading whose event time is a minute behind the others
    };
    kind what = kind::reading;
    std::string key;
    std::string value;
};

/// The demo's IoT sensors: `devices` devices whose temperature and humidity wander slowly, one
/// of which now and then overheats for a few readings; about 1 record in 100 is invalid and 1
/// in 150 late. Deterministic for a seed. Values are JSON objects
/// {"device":"sensor-07","temperature":22.41,"humidity":48.2,"ts":"2026-11-24T18:50:01.123Z"}.
///
/// Owned by one thread (the demo's producer).
class sensor_generator {
public:
    explicit sensor_generator(int devices = 20, uint64_t seed = 1);

    /// The next record, stamped with event time `now_ms` (epoch milliseconds) unless late.
    sensor_record next(int64_t now_ms);

    int devices() const { return static_cast<int>(_devices.size()); }

private:
    struct device {
        std::string name;
        double temperature;
        double humidity;
        int hot_left = 0; ///< readings left in the current overheating spell
    };
    std::string invalid_value(const device& d, int64_t now_ms);

    std::vector<device> _devices;
    std::mt19937_64 _rng;
    size_t _next_device = 0;
};

/// `ms` since the epoch as ISO 8601 in UTC with milliseconds: 2026-11-24T18:50:01.123Z.
std::string iso_utc(int64_t ms);

} // namespace spate::app
