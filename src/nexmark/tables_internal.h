#pragma once

// Internal to the nexmark module: the fixed word lists and the tables built once per process.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spate::nexmark::detail {

inline constexpr std::array<std::string_view, 11> first_names = {
    "Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"};
inline constexpr std::array<std::string_view, 9> last_names = {
    "Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"};
inline constexpr std::array<std::string_view, 10> us_cities = {
    "Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland",
    "Bend",    "Redmond",     "Seattle",       "Kent",  "Cheyenne"};
inline constexpr std::array<std::string_view, 6> us_states = {"AZ", "CA", "ID", "OR", "WA", "WY"};
inline constexpr std::array<std::string_view, 4> hot_channels = {"Google", "Facebook", "Baidu",
                                                                 "Apple"};
inline constexpr uint32_t num_channels = 10'000;
inline constexpr size_t extra_pool_bytes = size_t{1} << 20;

/// Immutable tables shared by every generator of the process: built on first use (thread-safe),
/// never changed after, independent of any seed.
struct shared_tables {
    /// 1 MiB of random lowercase letters; `extra` fields are slices of it.
    std::string extra_pool;
    /// The url of each hot channel.
    std::array<std::string, hot_channels.size()> hot_urls;
    /// "channel-<i>" and its url for i < num_channels; 90% of the urls end with
    /// "&channel_id=<abs(bit-reversed i)>".
    std::vector<std::string> channel_names;
    std::vector<std::string> channel_urls;
};

const shared_tables& tables();

} // namespace spate::nexmark::detail
