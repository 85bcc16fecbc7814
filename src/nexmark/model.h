#pragma once

#include <cstdint>
#include <string_view>

namespace spate::nexmark {

/// The three kinds of Nexmark events, numbered as the reference's `event_type` column.
enum class event_kind : uint8_t { person = 0, auction = 1, bid = 2 };

/// A new user of the auction site. String fields view buffers owned by the generator that made
/// it, valid until its next call.
struct person {
    int64_t id = 0;
    std::string_view name;
    std::string_view email_address;
    std::string_view credit_card;
    std::string_view city;
    std::string_view state;
    int64_t date_time_ms = 0; // event time, ms since the Unix epoch (UTC)
    std::string_view extra;   // padding to the model's average size
};

/// An item put up for sale by a person (the seller). Views as in `person`.
struct auction {
    int64_t id = 0;
    std::string_view item_name;
    std::string_view description;
    int64_t initial_bid = 0;
    int64_t reserve = 0;
    int64_t date_time_ms = 0;
    int64_t expires_ms = 0; // always > date_time_ms
    int64_t seller = 0;
    int64_t category = 0;
    std::string_view extra;
};

/// A bid on an auction by a person (the bidder). Views as in `person`.
struct bid {
    int64_t auction = 0;
    int64_t bidder = 0;
    int64_t price = 0;
    std::string_view channel;
    std::string_view url;
    int64_t date_time_ms = 0;
    std::string_view extra;
};

/// One generated event: only the member named by `kind` is meaningful.
struct event {
    event_kind kind = event_kind::person;
    person p;
    auction a;
    bid b;
    uint64_t event_id = 0;

    /// The event time of the meaningful member.
    int64_t date_time_ms() const {
        switch (kind) {
        case event_kind::person: return p.date_time_ms;
        case event_kind::auction: return a.date_time_ms;
        case event_kind::bid: return b.date_time_ms;
        }
        return 0;
    }
};

/// How many events of each kind were made or written.
struct event_counts {
    uint64_t persons = 0;
    uint64_t auctions = 0;
    uint64_t bids = 0;

    void add(event_kind k) {
        switch (k) {
        case event_kind::person: ++persons; return;
        case event_kind::auction: ++auctions; return;
        case event_kind::bid: ++bids; return;
        }
    }
    uint64_t total() const { return persons + auctions + bids; }
    bool operator==(const event_counts&) const = default;
};

/// The model's size of an event in bytes, the quantity `extra` pads to the configured average:
/// 8 bytes per number and the length of each string, counted as the reference generator counts
/// (a person's and a bid's timestamps and a bid's channel and url are not counted).
int64_t model_size_bytes(const person& p);
int64_t model_size_bytes(const auction& a);
int64_t model_size_bytes(const bid& b);

} // namespace spate::nexmark
