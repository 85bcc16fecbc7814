#include "stream/view_changes.h"

#include <boost/asio/post.hpp>

#include <unordered_map>

namespace spate::stream {

namespace asio = boost::asio;

const char* change_kind_name(change_kind k) {
    switch (k) {
    case change_kind::insert: return "insert";
    case change_kind::update: return "update";
    case change_kind::remove: return "delete";
    }
    return "insert";
}

void subscription_channel::end(end_reason why) {
    auto expected = end_reason::none;
    if (!ended.compare_exchange_strong(expected, why)) return;
    asio::post(home, [self = shared_from_this()] { self->wake.notify(); });
}

asio::awaitable<std::optional<view_changes>> view_subscription::next() {
    while (true) {
        auto why = _ch->ended.load();
        if (why == end_reason::cancelled || why == end_reason::too_slow) {
            _ch->queue.clear();
            co_return std::nullopt;
        }
        if (!_ch->queue.empty()) {
            auto c = std::move(_ch->queue.front());
            _ch->queue.pop_front();
            _ch->pending_rows.fetch_sub(c.rows.rows);
            co_return std::optional<view_changes>(std::move(c));
        }
        if (why != end_reason::none) co_return std::nullopt;
        auto waited = _ch->wake.wait();
        co_await std::move(waited);
    }
}

std::optional<std::vector<uint32_t>> view_key_columns(const plan::dataflow& d) {
    std::optional<std::vector<uint32_t>> key;
    for (const auto& st : d.steps) {
        if (const auto* a = std::get_if<plan::aggregate_step>(&st)) {
            // The output starts with the key values.
            std::vector<uint32_t> k(a->config.keys.size());
            for (uint32_t i = 0; i < k.size(); ++i)
                k[i] = i;
            key = std::move(k);
        } else if (const auto* s = std::get_if<plan::stateless_step>(&st)) {
            if (!key || s->projections.empty()) continue;
            std::vector<uint32_t> moved;
            for (uint32_t col : *key) {
                std::optional<uint32_t> at;
                for (uint32_t i = 0; i < s->projections.size() && !at; ++i) {
                    const auto& e = *s->projections[i];
                    if (e.kind == expr::expr_kind::column_ref && e.column_index == col) at = i;
                }
                if (!at) return std::nullopt; // a key column is not kept
                moved.push_back(*at);
            }
            key = std::move(moved);
        } else if (std::holds_alternative<plan::window_step>(st)) {
            continue; // appends columns
        } else {
            key.reset(); // a join, top-N or UNNEST: no key the plan knows of
        }
    }
    return key;
}

view_changes change_builder::build(const columnar::batch& b) {
    view_changes out;
    columnar::batch visible;
    visible.rows = b.rows;
    for (uint32_t c : _visible)
        visible.columns.push_back(b.columns[c]);
    if (b.all_inserts()) {
        out.rows = std::move(visible);
        out.kinds.assign(b.rows, change_kind::insert);
        return out;
    }
    std::vector<bool> paired(b.rows, false);
    out.kinds.reserve(b.rows);
    if (_key) {
        exec::hash_rows(b, *_key, _hashes);
        // Retractions not yet paired, by key hash.
        std::unordered_map<uint64_t, std::vector<uint32_t>> open;
        for (uint32_t r = 0; r < b.rows; ++r) {
            if (b.change_at(r) == columnar::change::retract) {
                open[_hashes[r]].push_back(r);
                continue;
            }
            auto it = open.find(_hashes[r]);
            if (it == open.end()) continue;
            auto& list = it->second;
            for (size_t i = 0; i < list.size(); ++i)
                if (exec::rows_equal(b, *_key, list[i], b, *_key, r)) {
                    paired[list[i]] = true; // the retraction is folded into this update
                    paired[r] = true;
                    list.erase(list.begin() + ptrdiff_t(i));
                    break;
                }
        }
    }
    _keep.clear();
    for (uint32_t r = 0; r < b.rows; ++r) {
        bool retract = b.change_at(r) == columnar::change::retract;
        if (retract && paired[r]) continue;
        _keep.push_back(r);
        out.kinds.push_back(retract     ? change_kind::remove
                            : paired[r] ? change_kind::update
                                        : change_kind::insert);
    }
    out.rows = _keep.size() == b.rows ? std::move(visible) : visible.gather(_keep);
    out.rows.changes.clear();
    return out;
}

view_tap::~view_tap() {
    for (auto& ch : _subscribers)
        ch->end(end_reason::dropped);
}

void view_tap::add(std::shared_ptr<subscription_channel> ch) {
    std::erase_if(_subscribers, [](const auto& c) { return c->ended.load() != end_reason::none; });
    _subscribers.push_back(std::move(ch));
}

size_t view_tap::subscribers() const {
    size_t n = 0;
    for (const auto& c : _subscribers)
        if (c->ended.load() == end_reason::none) ++n;
    return n;
}

void view_tap::push(columnar::batch b) {
    if (!_subscribers.empty() && b.rows > 0) {
        std::erase_if(_subscribers,
                      [](const auto& ch) { return ch->ended.load() != end_reason::none; });
        if (!_subscribers.empty()) {
            auto changes = std::make_shared<const view_changes>(_builder.build(b));
            const size_t n = changes->rows.rows;
            for (auto& ch : _subscribers) {
                size_t before = ch->pending_rows.fetch_add(n);
                if (before + n > ch->max_pending_rows) {
                    ch->end(end_reason::too_slow);
                    continue;
                }
                asio::post(ch->home, [ch, changes] {
                    if (ch->ended.load() == end_reason::none) {
                        ch->queue.push_back(*changes);
                        ch->wake.notify();
                    } else {
                        ch->pending_rows.fetch_sub(changes->rows.rows);
                    }
                });
            }
        }
    }
    _next->push(std::move(b));
}

} // namespace spate::stream
