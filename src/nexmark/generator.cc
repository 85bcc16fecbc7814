#include "nexmark/generator.h"

#include "nexmark/random_internal.h"
#include "nexmark/tables_internal.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace spate::nexmark {
namespace {

using detail::counter_rng;

constexpr int64_t person_id_lead = 10;
constexpr int64_t auction_id_lead = 10;
constexpr int64_t hot_id_block = 100; // hot entities are multiples of 100
constexpr uint64_t max_item_name = 20;
constexpr uint64_t max_description = 100;
constexpr uint64_t max_email_user = 7;
constexpr uint64_t max_email_domain = 5;

// Appends strings to a generator's scratch buffer and returns views of them; lives for one
// event on the generator's thread.
class scratch_writer {
public:
    scratch_writer(char* base, size_t capacity) : _base(base), _capacity(capacity) {}

    char* begin() { return _base + _pos; }
    void put(char c) {
        assert(_pos < _capacity);
        _base[_pos++] = c;
    }
    void put(std::string_view s) {
        assert(_pos + s.size() <= _capacity);
        std::copy(s.begin(), s.end(), _base + _pos);
        _pos += s.size();
    }
    std::string_view since(const char* start) const {
        return {start, static_cast<size_t>(_base + _pos - start)};
    }
    // Drops trailing spaces written since `start` and returns the rest without leading ones.
    std::string_view trimmed_since(const char* start) {
        while (_base + _pos > start && _base[_pos - 1] == ' ')
            --_pos;
        std::string_view s = since(start);
        while (!s.empty() && s.front() == ' ')
            s.remove_prefix(1);
        return s;
    }

private:
    char* _base;
    size_t _capacity;
    size_t _pos = 0;
};

// Lowercase letters and about 1/13 spaces, 3..max_len long before trimming. Four characters come
// from each 64-bit draw.
std::string_view random_string(counter_rng& rng, scratch_writer& w, uint64_t max_len) {
    uint64_t len = 3 + rng.below(max_len - 2);
    char* start = w.begin();
    uint64_t bits = 0;
    for (uint64_t i = 0; i < len; ++i) {
        if ((i & 3) == 0) bits = rng.next();
        uint32_t v = static_cast<uint32_t>(bits & 0xffff);
        bits >>= 16;
        w.put(v % 13 == 0 ? ' ' : static_cast<char>('a' + (v / 13) % 26));
    }
    return w.trimmed_since(start);
}

// A slice of the shared pool making an event of `current` bytes weigh `average` on average
// (uniform within +-20% of what is missing).
std::string_view next_extra(counter_rng& rng, int64_t current, int64_t average) {
    if (current >= average) return {};
    int64_t missing = average - current;
    auto delta = static_cast<int64_t>(std::llround(static_cast<double>(missing) * 0.2));
    int64_t size = missing - delta;
    if (delta > 0) size += static_cast<int64_t>(rng.below(static_cast<uint64_t>(2 * delta)));
    const std::string& pool = detail::tables().extra_pool;
    size = std::min<int64_t>(size, static_cast<int64_t>(pool.size()));
    uint64_t offset = rng.below(pool.size() - static_cast<uint64_t>(size) + 1);
    return std::string_view(pool).substr(offset, static_cast<size_t>(size));
}

// round(10^(6u) * 100) for uniform u: 100 .. 1e8 cents, log-uniform.
int64_t next_price(counter_rng& rng) {
    return std::llround(std::exp(rng.unit() * 6.0 * 2.302585092994046) * 100.0);
}

int64_t next_base0_person_id(const generator_config& c, counter_rng& rng, uint64_t event_id) {
    int64_t num_people = last_base0_person_id(c, event_id) + 1;
    int64_t active = std::min<int64_t>(num_people, c.num_active_people);
    active = std::max<int64_t>(active, 0);
    auto n = static_cast<int64_t>(rng.below(static_cast<uint64_t>(active + person_id_lead)));
    return num_people - active + n;
}

int64_t next_base0_auction_id(const generator_config& c, counter_rng& rng, uint64_t event_id) {
    int64_t max_auction = last_base0_auction_id(c, event_id);
    int64_t min_auction = std::max<int64_t>(max_auction - c.num_in_flight_auctions, 0);
    uint64_t span = static_cast<uint64_t>(std::max<int64_t>(max_auction - min_auction + 1, 0));
    return min_auction + static_cast<int64_t>(rng.below(span + auction_id_lead));
}

void put_4_digits(scratch_writer& w, uint64_t v) {
    w.put(static_cast<char>('0' + v / 1000));
    w.put(static_cast<char>('0' + v / 100 % 10));
    w.put(static_cast<char>('0' + v / 10 % 10));
    w.put(static_cast<char>('0' + v % 10));
}

} // namespace

event_kind kind_of(const generator_config& c, uint64_t event_id) {
    uint64_t rem = event_id % c.total_proportion();
    if (rem < c.person_proportion) return event_kind::person;
    if (rem < uint64_t{c.person_proportion} + c.auction_proportion) return event_kind::auction;
    return event_kind::bid;
}

int64_t timestamp_of(const generator_config& c, uint64_t event_id) {
    auto n = static_cast<double>(event_id - c.first_event_id);
    return c.base_time_ms + static_cast<int64_t>(std::floor(n * 1000.0 / c.event_rate_per_s));
}

int64_t last_base0_person_id(const generator_config& c, uint64_t event_id) {
    auto epoch = static_cast<int64_t>(event_id / c.total_proportion());
    auto offset = static_cast<int64_t>(event_id % c.total_proportion());
    offset = std::min<int64_t>(offset, int64_t{c.person_proportion} - 1);
    return epoch * c.person_proportion + offset;
}

int64_t last_base0_auction_id(const generator_config& c, uint64_t event_id) {
    auto epoch = static_cast<int64_t>(event_id / c.total_proportion());
    auto offset = static_cast<int64_t>(event_id % c.total_proportion());
    if (offset < c.person_proportion) {
        --epoch;
        offset = int64_t{c.auction_proportion} - 1;
    } else if (offset >= int64_t{c.person_proportion} + c.auction_proportion) {
        offset = int64_t{c.auction_proportion} - 1;
    } else {
        offset -= c.person_proportion;
    }
    return epoch * c.auction_proportion + offset;
}

generator::generator(const generator_config& config) : generator(config, config.first_event_id) {}

generator::generator(const generator_config& config, uint64_t start_event_id)
    : _config(config), _next_id(start_event_id),
      _num_events_for_auctions(uint64_t{config.num_in_flight_auctions} * config.total_proportion() /
                               std::max<uint32_t>(config.auction_proportion, 1)) {
    assert(config.person_proportion >= 1 && config.auction_proportion >= 1);
    assert(config.event_rate_per_s > 0);
    assert(start_event_id >= config.first_event_id);
    assert(config.hot_auction_ratio >= 1 && config.hot_sellers_ratio >= 1);
    assert(config.hot_bidders_ratio >= 1 && config.hot_channels_ratio >= 1);
    (void)detail::tables(); // build the shared tables now, not during the first event
}

const event& generator::next() {
    uint64_t id = _next_id++;
    int64_t ts = timestamp_of(_config, id);
    _event.event_id = id;
    _event.kind = kind_of(_config, id);
    switch (_event.kind) {
    case event_kind::person: make_person(id, ts); break;
    case event_kind::auction: make_auction(id, ts); break;
    case event_kind::bid: make_bid(id, ts); break;
    }
    return _event;
}

void generator::make_person(uint64_t id, int64_t ts) {
    counter_rng rng(_config.seed, id);
    scratch_writer w(_scratch.data(), _scratch.size());
    person& p = _event.p;
    p.id = last_base0_person_id(_config, id) + first_person_id;
    p.date_time_ms = ts;

    const char* start = w.begin();
    w.put(detail::first_names[rng.below(detail::first_names.size())]);
    w.put(' ');
    w.put(detail::last_names[rng.below(detail::last_names.size())]);
    p.name = w.since(start);

    start = w.begin();
    random_string(rng, w, max_email_user);
    w.put('@');
    random_string(rng, w, max_email_domain);
    w.put(".com");
    p.email_address = w.since(start);

    start = w.begin();
    for (int group = 0; group < 4; ++group) {
        if (group > 0) w.put(' ');
        put_4_digits(w, rng.below(10'000));
    }
    p.credit_card = w.since(start);

    p.city = detail::us_cities[rng.below(detail::us_cities.size())];
    p.state = detail::us_states[rng.below(detail::us_states.size())];
    p.extra = {};
    p.extra = next_extra(rng, model_size_bytes(p), _config.avg_person_bytes);
}

void generator::make_auction(uint64_t id, int64_t ts) {
    counter_rng rng(_config.seed, id);
    scratch_writer w(_scratch.data(), _scratch.size());
    auction& a = _event.a;
    a.id = last_base0_auction_id(_config, id) + first_auction_id;
    a.date_time_ms = ts;

    if (rng.below(_config.hot_sellers_ratio) > 0)
        a.seller = last_base0_person_id(_config, id) / hot_id_block * hot_id_block;
    else
        a.seller = next_base0_person_id(_config, rng, id);
    a.seller += first_person_id;
    a.category = first_category_id + static_cast<int64_t>(rng.below(num_categories));
    a.initial_bid = next_price(rng);
    a.reserve = a.initial_bid + next_price(rng);

    // Auctions last up to twice the event time in which num_in_flight_auctions are created.
    int64_t horizon = timestamp_of(_config, id + _num_events_for_auctions) - ts;
    a.expires_ms =
        ts + 1 +
        static_cast<int64_t>(rng.below(static_cast<uint64_t>(std::max<int64_t>(2 * horizon, 1))));

    a.item_name = random_string(rng, w, max_item_name);
    a.description = random_string(rng, w, max_description);
    a.extra = {};
    a.extra = next_extra(rng, model_size_bytes(a), _config.avg_auction_bytes);
}

void generator::make_bid(uint64_t id, int64_t ts) {
    counter_rng rng(_config.seed, id);
    bid& b = _event.b;
    b.date_time_ms = ts;

    if (rng.below(_config.hot_auction_ratio) > 0)
        b.auction = last_base0_auction_id(_config, id) / hot_id_block * hot_id_block;
    else
        b.auction = next_base0_auction_id(_config, rng, id);
    b.auction += first_auction_id;

    if (rng.below(_config.hot_bidders_ratio) > 0)
        b.bidder = last_base0_person_id(_config, id) / hot_id_block * hot_id_block + 1;
    else
        b.bidder = next_base0_person_id(_config, rng, id);
    b.bidder += first_person_id;
    if (_config.reference_bidder_offset) b.bidder += first_person_id;

    b.price = next_price(rng);
    const auto& t = detail::tables();
    if (rng.below(_config.hot_channels_ratio) > 0) {
        auto i = rng.below(detail::hot_channels.size());
        b.channel = detail::hot_channels[i];
        b.url = t.hot_urls[i];
    } else {
        auto i = rng.below(detail::num_channels);
        b.channel = t.channel_names[i];
        b.url = t.channel_urls[i];
    }
    b.extra = {};
    b.extra = next_extra(rng, model_size_bytes(b), _config.avg_bid_bytes);
}

} // namespace spate::nexmark
