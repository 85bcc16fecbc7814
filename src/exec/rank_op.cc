#include "exec/rank_op.h"

#include "exec/row_compare.h"
#include "exec/row_key.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <map>
#include <set>
#include <unordered_map>

namespace spate::exec {

namespace {

/// An input row looked up among held rows by its ORDER BY values alone.
struct probe {
    const columnar::batch* b;
    uint32_t row;
};

/// The rows a rank_op holds, by id: one slot per row in columnar storage (strings copied into
/// the storage's own heaps), reused through a free list, with the row's arrival number.
///
/// Owned by its rank_op (one shard's thread).
class row_store {
public:
    row_store(const std::vector<columnar::data_type>& types, const std::vector<rank_order>& order)
        : _types(types), _order(order), _rows(columnar::batch::with_types(types)) {
        for (const auto& t : types)
            if (t.physical() == columnar::physical_type::str) _has_strings = true;
    }

    /// Copies row `row` of `b` (the store's types) into a slot; returns its id.
    uint32_t add(const columnar::batch& b, uint32_t row, uint64_t seq) {
        uint32_t id;
        if (!_free.empty()) {
            id = _free.back();
            _free.pop_back();
        } else {
            id = uint32_t(_rows.rows++);
            for (auto& c : _rows.columns)
                c->resize(_rows.rows);
            _seq.resize(_rows.rows);
        }
        for (size_t c = 0; c < _rows.columns.size(); ++c)
            _rows.columns[c]->set_from(id, *b.columns[c], row);
        _seq[id] = seq;
        ++_live;
        ++_writes;
        return id;
    }
    /// The slot of `id` may be reused.
    void release(uint32_t id) {
        assert(_live > 0);
        _free.push_back(id);
        --_live;
    }

    /// Rows `a` and `b` by the ORDER BY keys, then by arrival.
    int compare(uint32_t a, uint32_t b) const {
        for (const auto& k : _order) {
            const auto& c = *_rows.columns[k.column];
            int r = compare_sort_key(c, a, c, b, k.descending, k.nulls_first);
            if (r) return r;
        }
        return _seq[a] < _seq[b] ? -1 : _seq[a] > _seq[b] ? 1 : 0;
    }
    /// An input row against held row `id`, by the ORDER BY keys only.
    int compare(const probe& p, uint32_t id) const {
        for (const auto& k : _order) {
            int r = compare_sort_key(*p.b->columns[k.column], p.row, *_rows.columns[k.column], id,
                                     k.descending, k.nulls_first);
            if (r) return r;
        }
        return 0;
    }
    /// Whether every column of row `row` of `b` equals (NULL equal to NULL) held row `id`.
    bool same_values(const columnar::batch& b, uint32_t row, uint32_t id) const {
        for (size_t c = 0; c < _rows.columns.size(); ++c)
            if (compare_values(*b.columns[c], row, *_rows.columns[c], id) != 0) return false;
        return true;
    }

    const columnar::batch& rows() const { return _rows; }
    size_t live() const { return _live; }
    size_t memory_bytes() const {
        return _rows.memory_bytes() + _seq.capacity() * sizeof(uint64_t) +
               _free.capacity() * sizeof(uint32_t);
    }

    /// Whether overwritten strings now take enough of the heaps to be worth copying the live
    /// rows into fresh storage.
    bool wants_compaction() const { return _has_strings && _writes > 2 * _live + 4096; }
    /// Copies the rows `live` (every id still held) into fresh storage, dropping the strings of
    /// released rows. Ids do not change. Batches already sent keep the old heaps alive.
    void compact(std::span<const uint32_t> live) {
        columnar::batch fresh = columnar::batch::with_types(_types);
        fresh.rows = _rows.rows;
        for (auto& c : fresh.columns)
            c->resize(fresh.rows);
        for (size_t c = 0; c < fresh.columns.size(); ++c)
            for (uint32_t id : live)
                fresh.columns[c]->set_from(id, *_rows.columns[c], id);
        _rows = std::move(fresh);
        _writes = _live;
    }

private:
    std::vector<columnar::data_type> _types;
    std::vector<rank_order> _order;
    columnar::batch _rows;
    std::vector<uint64_t> _seq;
    std::vector<uint32_t> _free;
    size_t _live = 0;
    size_t _writes = 0;
    bool _has_strings = false;
};

/// Orders the ids of one partition's rows by rank (first is row number 1). Looks up input rows
/// by their ORDER BY values: equal_range on a probe gives the held rows tying with it.
struct rank_less {
    using is_transparent = void;
    const row_store* store;
    bool operator()(uint32_t a, uint32_t b) const { return store->compare(a, b) < 0; }
    bool operator()(const probe& p, uint32_t id) const { return store->compare(p, id) < 0; }
    bool operator()(uint32_t id, const probe& p) const { return store->compare(p, id) > 0; }
};

using ranked_rows = std::set<uint32_t, rank_less>;

/// One partition's rows, best first, and the batch that last touched it.
struct partition {
    explicit partition(const row_store* store) : rows(rank_less{store}) {}
    ranked_rows rows;
    uint32_t touched = 0;
};

using partition_map = std::unordered_map<std::string, partition, key_hash, std::equal_to<>>;

/// Rough bytes of a node-based container's node beyond its payload.
constexpr size_t node_overhead = 48;

} // namespace

/// The state and the work of a rank_op; the operator forwards to it.
class rank_op::impl {
public:
    impl(row_sink* rejects, rank_config config)
        : _rejects(rejects), _config(std::move(config)), _store(_config.types, _config.order) {
        assert(_config.limit >= 1);
#ifndef NDEBUG
        for (const auto& k : _config.order)
            assert(k.column < _config.types.size());
        for (uint32_t k : _config.partition_keys)
            assert(k < _config.types.size());
#endif
        assert(!_config.window_end_key || *_config.window_end_key < _config.partition_keys.size());
    }

    void push(output& next, const columnar::batch& b) {
        if (b.rows == 0) return;
        assert(b.columns.size() == _config.types.size());
        if (_config.window_end_key)
            push_windowed(b);
        else
            push_unwindowed(next, b);
    }

    void watermark(output& next, event_time wm) {
        if (!_config.window_end_key) {
            next.watermark(wm);
            return;
        }
        if (wm <= _watermark) return;
        _watermark = wm;
        while (!_windows.empty() && _windows.begin()->first <= wm) {
            emit_window(next, _windows.begin()->second);
            _windows.erase(_windows.begin());
        }
        next.watermark(wm);
    }

    size_t state_bytes() const {
        size_t n = _store.memory_bytes() + _store.live() * (sizeof(uint32_t) + node_overhead);
        auto count = [&](const partition_map& m) {
            n += m.bucket_count() * sizeof(void*);
            for (const auto& [key, p] : m)
                n += key.capacity() + sizeof(std::string) + sizeof(partition) + node_overhead;
        };
        count(_parts);
        for (const auto& [end, m] : _windows) {
            n += node_overhead;
            count(m);
        }
        return n;
    }

    std::string describe() const {
        auto plural = [](size_t n, const char* what) {
            return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s");
        };
        std::string how = _config.window_end_key ? "emitted per window"
                          : _config.changelog_input
                              ? "emitted as a changelog, keeping every input row"
                              : "emitted as a changelog";
        return fmt::format("top {} per partition of {} by {}{}, {}, {}, {}", _config.limit,
                           plural(_config.partition_keys.size(), "key"),
                           plural(_config.order.size(), "key"),
                           _config.emit_row_number ? " with row numbers" : "",
                           plural(partitions(), "partition"), plural(_store.live(), "row"), how);
    }

    size_t partitions() const {
        size_t n = _parts.size();
        for (const auto& [end, m] : _windows)
            n += m.size();
        return n;
    }

    uint64_t unmatched_retractions() const {
        return _unmatched;
    }

private:
    /// A partition touched by the current batch and where its previous top rows are kept in
    /// _before.
    struct touched_partition {
        partition* part;
        const std::string* key;
        size_t before_begin;
        size_t before_end;
    };

    /// Adds row `r` of `b` to `p`. With `bounded`, only the first `limit` rows are kept, and a
    /// row pushed out goes to `dropped` (the caller releases it).
    void insert_row(partition& p, const columnar::batch& b, uint32_t r, bool bounded,
                    std::vector<uint32_t>& dropped) {
        if (bounded && p.rows.size() >= size_t(_config.limit)) {
            // The new row arrived after every held row, so it beats the last only with
            // strictly better ORDER BY values.
            if (_store.compare(probe{&b, r}, *std::prev(p.rows.end())) >= 0) return;
            p.rows.insert(_store.add(b, r, _seq++));
            auto last = std::prev(p.rows.end());
            dropped.push_back(*last);
            p.rows.erase(last);
            return;
        }
        p.rows.insert(p.rows.end(), _store.add(b, r, _seq++));
    }

    /// Removes from `p` a row equal to row `r` of `b` (the last ranked among equals). False
    /// when `p` holds none.
    bool remove_row(partition& p, const columnar::batch& b, uint32_t r, uint32_t& removed) {
        auto [lo, hi] = p.rows.equal_range(probe{&b, r});
        for (auto it = hi; it != lo;) {
            --it;
            if (_store.same_values(b, r, *it)) {
                removed = *it;
                p.rows.erase(it);
                return true;
            }
        }
        return false;
    }

    /// Finds the partition of row `r`, creating it unless `create` is false (then nullptr
    /// when absent). The pointer stays valid until the partition is erased.
    std::pair<partition*, const std::string*>
    find_partition(partition_map& m, const columnar::batch& b, uint32_t r, bool create) {
        encode_row_key(b, _config.partition_keys, r, _key);
        auto it = m.find(std::string_view(_key));
        if (it == m.end()) {
            if (!create) return {nullptr, nullptr};
            it = m.emplace(_key, partition(&_store)).first;
        }
        return {&it->second, &it->first};
    }

    void push_unwindowed(output& next, const columnar::batch& b) {
        if (++_batch_number == 0) {
            // Wrapped: no partition may keep a mark equal to a future batch number.
            for (auto& [key, p] : _parts)
                p.touched = 0;
            _batch_number = 1;
        }
        bool bounded = !_config.changelog_input;
        _touched.clear();
        _before.clear();
        _dropped.clear();
        for (uint32_t r = 0; r < b.rows; ++r) {
            bool retract = b.change_at(r) == columnar::change::retract;
            auto [p, key] = find_partition(_parts, b, r, !retract);
            if (!p) {
                ++_unmatched;
                continue;
            }
            if (p->touched != _batch_number) {
                p->touched = _batch_number;
                size_t begin = _before.size();
                take_top(*p, _before);
                _touched.push_back({p, key, begin, _before.size()});
            }
            if (retract) {
                uint32_t removed;
                if (remove_row(*p, b, r, removed))
                    _dropped.push_back(removed);
                else
                    ++_unmatched;
            } else {
                insert_row(*p, b, r, bounded, _dropped);
            }
        }
        _out_ids.clear();
        _out_numbers.clear();
        _out_changes.clear();
        for (const auto& t : _touched)
            diff(std::span(_before).subspan(t.before_begin, t.before_end - t.before_begin),
                 *t.part);
        if (!_out_ids.empty()) {
            columnar::batch out = gather_out();
            out.changes = _out_changes;
            next.push(std::move(out));
        }
        // Only now may dropped rows' slots be reused: the snapshots above referred to them.
        for (uint32_t id : _dropped)
            _store.release(id);
        for (const auto& t : _touched)
            if (t.part->rows.empty()) {
                _erase_key = *t.key;
                _parts.erase(_erase_key);
            }
        maybe_compact();
    }

    /// Appends the ids of the first `limit` rows of `p`, best first.
    void take_top(const partition& p, std::vector<uint32_t>& out) const {
        size_t n = 0;
        for (auto it = p.rows.begin(); it != p.rows.end() && n < size_t(_config.limit); ++it, ++n)
            out.push_back(*it);
    }

    /// Appends to the output the changes taking a partition from the top rows `before` to its
    /// top rows now: retractions of rows that left or were renumbered, then insertions of the
    /// rows that came or were renumbered. Row number n is position n-1 of each list.
    void diff(std::span<const uint32_t> before, const partition& p) {
        _after.clear();
        take_top(p, _after);
        auto index = [](std::span<const uint32_t> ids,
                        std::vector<std::pair<uint32_t, uint32_t>>& by_id) {
            by_id.clear();
            for (uint32_t i = 0; i < ids.size(); ++i)
                by_id.push_back({ids[i], i});
            std::sort(by_id.begin(), by_id.end());
        };
        auto position = [](const std::vector<std::pair<uint32_t, uint32_t>>& by_id,
                           uint32_t id) -> int64_t {
            auto it =
                std::lower_bound(by_id.begin(), by_id.end(), std::pair<uint32_t, uint32_t>{id, 0});
            return it != by_id.end() && it->first == id ? int64_t(it->second) : -1;
        };
        index(before, _before_by_id);
        index(_after, _after_by_id);
        bool numbered = _config.emit_row_number;
        for (uint32_t i = 0; i < before.size(); ++i) {
            int64_t j = position(_after_by_id, before[i]);
            if (j >= 0 && (!numbered || j == int64_t(i))) continue;
            add_out(before[i], i + 1, columnar::change::retract);
        }
        for (uint32_t j = 0; j < _after.size(); ++j) {
            int64_t i = position(_before_by_id, _after[j]);
            if (i >= 0 && (!numbered || i == int64_t(j))) continue;
            add_out(_after[j], j + 1, columnar::change::insert);
        }
    }

    void add_out(uint32_t id, int64_t number, columnar::change c) {
        _out_ids.push_back(id);
        _out_numbers.push_back(number);
        _out_changes.push_back(c);
    }

    /// The rows _out_ids of the store, with _out_numbers appended when wanted.
    columnar::batch gather_out() const {
        columnar::batch out = _store.rows().gather(_out_ids);
        if (_config.emit_row_number) {
            auto numbers =
                std::make_shared<columnar::column>(columnar::type_id::int64, _out_numbers.size());
            for (int64_t n : _out_numbers)
                numbers->push_i64(n);
            out.columns.push_back(std::move(numbers));
        }
        out.rows = _out_ids.size();
        return out;
    }

    void push_windowed(const columnar::batch& b) {
        const columnar::column& ends = *b.columns[_config.partition_keys[*_config.window_end_key]];
        partition_map* window = nullptr;
        int64_t window_end = 0;
        _dropped.clear();
        for (uint32_t r = 0; r < b.rows; ++r) {
            if (ends.is_null(r)) {
                _rejects->invalid(b, r, "22004", "window end is NULL");
                continue;
            }
            int64_t end = ends.i64()[r];
            if (end <= _watermark) {
                _rejects->late(b, r, end, _watermark);
                continue;
            }
            if (!window || end != window_end) {
                window = &_windows[end];
                window_end = end;
            }
            bool retract = b.change_at(r) == columnar::change::retract;
            auto [p, key] = find_partition(*window, b, r, !retract);
            if (!p) {
                ++_unmatched;
                continue;
            }
            uint32_t removed;
            if (!retract)
                insert_row(*p, b, r, true, _dropped);
            else if (remove_row(*p, b, r, removed))
                _dropped.push_back(removed);
            else
                ++_unmatched;
            if (p->rows.empty()) {
                _erase_key = *key;
                window->erase(_erase_key);
            }
        }
        for (uint32_t id : _dropped)
            _store.release(id);
        _dropped.clear();
        maybe_compact();
    }

    /// Sends every partition's rows of one window, numbered, and releases them.
    void emit_window(output& next, partition_map& window) {
        _out_ids.clear();
        _out_numbers.clear();
        for (const auto& [key, p] : window) {
            int64_t n = 0;
            for (uint32_t id : p.rows) {
                _out_ids.push_back(id);
                _out_numbers.push_back(++n);
            }
        }
        if (_out_ids.empty()) return;
        columnar::batch out = gather_out();
        for (uint32_t id : _out_ids)
            _store.release(id);
        next.push(std::move(out));
    }

    void maybe_compact() {
        if (!_store.wants_compaction()) return;
        std::vector<uint32_t> live;
        live.reserve(_store.live());
        auto collect = [&](const partition_map& m) {
            for (const auto& [key, p] : m)
                live.insert(live.end(), p.rows.begin(), p.rows.end());
        };
        collect(_parts);
        for (const auto& [end, m] : _windows)
            collect(m);
        _store.compact(live);
    }

    row_sink* _rejects;
    rank_config _config;
    row_store _store;
    partition_map _parts;                      ///< unwindowed
    std::map<int64_t, partition_map> _windows; ///< windowed, by window end
    event_time _watermark = no_watermark;
    uint64_t _seq = 0;
    uint32_t _batch_number = 0;
    uint64_t _unmatched = 0;
    // Scratch, reused between batches.
    std::string _key;
    std::string _erase_key;
    std::vector<touched_partition> _touched;
    std::vector<uint32_t> _before;
    std::vector<uint32_t> _after;
    std::vector<std::pair<uint32_t, uint32_t>> _before_by_id;
    std::vector<std::pair<uint32_t, uint32_t>> _after_by_id;
    std::vector<uint32_t> _dropped;
    std::vector<uint32_t> _out_ids;
    std::vector<int64_t> _out_numbers;
    std::vector<columnar::change> _out_changes;
};

rank_op::rank_op(output* next, row_sink* rejects, rank_config config)
    : op(next), _impl(std::make_unique<impl>(rejects, std::move(config))) {}

rank_op::~rank_op() = default;

void rank_op::push(columnar::batch b) {
    _impl->push(*_next, b);
}

void rank_op::watermark(event_time wm) {
    _impl->watermark(*_next, wm);
}

size_t rank_op::state_bytes() const {
    return _impl->state_bytes();
}

std::string rank_op::describe() const {
    return _impl->describe();
}

size_t rank_op::partitions() const {
    return _impl->partitions();
}

uint64_t rank_op::unmatched_retractions() const {
    return _impl->unmatched_retractions();
}

} // namespace spate::exec
