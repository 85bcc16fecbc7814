#pragma once

#include "nexmark/model.h"

#include <array>
#include <cstdint>

namespace spate::nexmark {

/// What to generate: the Nexmark model's parameters with the reference defaults. The same config
/// always gives the same events.
struct generator_config {
    uint64_t seed = 1;
    /// The id of the first event of the sequence (the reference starts at 1). Kinds, entity ids
    /// and timestamps are functions of the event id.
    uint64_t first_event_id = 1;
    /// Event time of the first event, ms since the Unix epoch; fixed so output is deterministic.
    int64_t base_time_ms = 1'700'000'000'000;
    /// Event time advances 1e6 / rate microseconds per event, however fast events are made.
    double event_rate_per_s = 10'000;
    uint32_t person_proportion = 1;
    uint32_t auction_proportion = 3;
    uint32_t bid_proportion = 46;
    /// 1 - 1/ratio of the choices go to the "hot" entity.
    uint32_t hot_auction_ratio = 2;
    uint32_t hot_sellers_ratio = 4;
    uint32_t hot_bidders_ratio = 4;
    uint32_t hot_channels_ratio = 2;
    /// How many recent auctions and people random bids and sellers choose from.
    uint32_t num_in_flight_auctions = 100;
    uint32_t num_active_people = 1000;
    /// Average model sizes (model_size_bytes) that `extra` pads events to.
    uint32_t avg_person_bytes = 200;
    uint32_t avg_auction_bytes = 500;
    uint32_t avg_bid_bytes = 100;
    /// The reference adds the first person id twice to a bid's bidder, so bidders are person
    /// ids + 1000; true keeps that, false makes bidders real person ids.
    bool reference_bidder_offset = true;

    /// The sum of the three proportions (50 by default).
    uint64_t total_proportion() const {
        return uint64_t{person_proportion} + auction_proportion + bid_proportion;
    }
};

/// The first person and auction ids and category, as in the reference.
inline constexpr int64_t first_person_id = 1000;
inline constexpr int64_t first_auction_id = 1000;
inline constexpr int64_t first_category_id = 10;
inline constexpr int64_t num_categories = 5;

/// The kind of event `event_id` is under `config`'s proportions.
event_kind kind_of(const generator_config& config, uint64_t event_id);
/// The event time of `event_id`: base_time + (event_id - first_event_id) * 1e3 / rate, in ms,
/// rounded down.
int64_t timestamp_of(const generator_config& config, uint64_t event_id);
/// The id of the last person created at or before `event_id`, counted from 0 (may be -1 before
/// the first).
int64_t last_base0_person_id(const generator_config& config, uint64_t event_id);
/// The id of the last auction created at or before `event_id`, counted from 0 (may be -1).
int64_t last_base0_auction_id(const generator_config& config, uint64_t event_id);

/// Makes the Nexmark event sequence, one event per next(). Event i depends only on the config
/// and i (its randomness comes from a counter-based hash of (seed, i)), so generators started at
/// different event ids produce disjoint parts of one sequence, in parallel if wanted. No heap
/// allocation after construction. Owned by one thread; distinct generators are independent.
class generator {
public:
    /// Starts at config.first_event_id.
    explicit generator(const generator_config& config);
    /// Starts at `start_event_id` (>= config.first_event_id): the events are exactly those a
    /// generator started at first_event_id makes from that id on.
    generator(const generator_config& config, uint64_t start_event_id);

    generator(const generator&) = delete;
    generator& operator=(const generator&) = delete;

    /// Makes the next event. The reference and its string views stay valid until the next call
    /// (or the generator's destruction).
    const event& next();
    /// The id of the event the next call to next() makes.
    uint64_t next_event_id() const { return _next_id; }
    const generator_config& config() const { return _config; }

private:
    void make_person(uint64_t id, int64_t ts);
    void make_auction(uint64_t id, int64_t ts);
    void make_bid(uint64_t id, int64_t ts);

    generator_config _config;
    uint64_t _next_id;
    uint64_t _num_events_for_auctions; // events during which num_in_flight_auctions are made
    event _event;
    std::array<char, 512> _scratch{}; // this event's generated strings
};

} // namespace spate::nexmark
