#include "exec/aggregate_op.h"

#include <fmt/format.h>

#include <algorithm>

namespace spate::exec {

aggregate_op::aggregate_op(output* next, row_sink* rejects, aggregate_config config)
    : op(next), _rejects(rejects), _config(std::move(config)) {
    if (!_config.window_end_key)
        _groups = std::make_unique<group_table>(_config.calls, _config.key_types);
}

aggregate_op::~aggregate_op() = default;

void aggregate_op::update(group_table& t, const columnar::batch& b, std::span<const uint32_t> rows,
                          std::span<const uint32_t> groups) {
    const columnar::change* changes = b.changes.empty() ? nullptr : b.changes.data();
    for (size_t c = 0; c < _config.calls.size(); ++c) {
        const aggregate_call& call = _config.calls[c];
        _sel.clear();
        _states.clear();
        const columnar::column* filter = call.filter ? b.columns[*call.filter].get() : nullptr;
        for (size_t i = 0; i < rows.size(); ++i) {
            uint32_t r = rows[i];
            if (filter && (filter->is_null(r) || !filter->bools()[r])) continue;
            _sel.push_back(r);
            _states.push_back(t.state(groups[i], c));
        }
        if (_sel.empty()) continue;
        _args.clear();
        for (uint32_t a : call.args)
            _args.push_back(b.columns[a].get());
        call.fn->update(_states.data(), _args.data(), _sel.data(), changes, _sel.size(), *call.fn);
    }
}

void aggregate_op::push(columnar::batch b) {
    if (b.rows == 0) return;
    if (_config.window_end_key)
        push_windowed(b);
    else
        push_unwindowed(b);
}

void aggregate_op::push_windowed(const columnar::batch& b) {
    const columnar::column& end_col = *b.columns[_config.keys[*_config.window_end_key]];
    const int64_t* ends = end_col.i64();
    hash_rows(b, _config.keys, _hashes);
    // Rows grouped by window, in input order within each window.
    std::map<int64_t, std::vector<uint32_t>> by_window;
    for (uint32_t r = 0; r < b.rows; ++r) {
        if (ends[r] <= _watermark) {
            _rejects->late(b, r, ends[r], _watermark);
            continue;
        }
        by_window[ends[r]].push_back(r);
    }
    for (auto& [end, rows] : by_window) {
        auto& slot = _windows[end];
        if (!slot) slot = std::make_unique<group_table>(_config.calls, _config.key_types);
        if (_config.early_updates) {
            // Each open window's groups are sent as they change; closing sends nothing more.
            push_changelog(*slot, b, rows);
            continue;
        }
        _row_groups.resize(rows.size());
        for (size_t i = 0; i < rows.size(); ++i) {
            bool added;
            _row_groups[i] = slot->find_or_add(b, _config.keys, rows[i], _hashes[rows[i]], added);
            slot->rows(_row_groups[i]) += 1;
        }
        update(*slot, b, rows, _row_groups);
    }
}

void aggregate_op::push_unwindowed(const columnar::batch& b) {
    if (_config.emit_at_end && _config.keys.empty()) {
        // One group (no GROUP BY): every row is its.
        bool added;
        uint32_t g = _groups->find_or_add(b, {}, 0, added);
        int64_t n = 0;
        for (uint32_t r = 0; r < b.rows; ++r)
            n += b.change_at(r) == columnar::change::retract ? -1 : 1;
        _groups->rows(g) += n;
        _rows.resize(b.rows);
        for (uint32_t r = 0; r < b.rows; ++r)
            _rows[r] = r;
        _row_groups.assign(b.rows, g);
        update(*_groups, b, _rows, _row_groups);
        return;
    }
    hash_rows(b, _config.keys, _hashes);
    _rows.resize(b.rows);
    for (uint32_t r = 0; r < b.rows; ++r)
        _rows[r] = r;
    if (_config.emit_at_end)
        accumulate(*_groups, b);
    else
        push_changelog(*_groups, b, _rows);
}

void aggregate_op::accumulate(group_table& t, const columnar::batch& b) {
    _row_groups.resize(b.rows);
    bool added;
    // Probes miss the cache on big tables: the index slot of the row `ahead` rows on is
    // fetched while this one is looked up, and each group's block (its row count and states)
    // is fetched when its group is found and counted `lag` rows later.
    constexpr uint32_t ahead = 8, lag = 8;
    const bool inserts = b.changes.empty();
    auto count = [&](uint32_t r) {
        t.rows(_row_groups[r]) += inserts || b.changes[r] != columnar::change::retract ? 1 : -1;
    };
    for (uint32_t r = 0; r < b.rows; ++r) {
        if (r + ahead < b.rows) t.prefetch(_hashes[r + ahead]);
        const uint32_t g = t.find_or_add(b, _config.keys, r, _hashes[r], added);
        _row_groups[r] = g;
        t.prefetch_group(g);
        if (r >= lag) count(r - lag);
    }
    for (uint32_t r = b.rows > lag ? uint32_t(b.rows) - lag : 0; r < b.rows; ++r)
        count(r);
    update(t, b, _rows, _row_groups);
}

void aggregate_op::push_changelog(group_table& t, const columnar::batch& b,
                                  std::span<const uint32_t> rows) {
    _row_groups.resize(rows.size());
    std::vector<uint32_t> touched;
    ++_batch_number;
    columnar::batch retracts = t.result_batch();
    for (uint32_t i = 0; i < rows.size(); ++i) {
        uint32_t r = rows[i];
        bool added;
        uint32_t g = t.find_or_add(b, _config.keys, r, _hashes[r], added);
        _row_groups[i] = g;
        if (g >= _touch_mark.size()) _touch_mark.resize(g + 1, 0);
        bool first_touch = added || _touch_mark[g] != _batch_number;
        _touch_mark[g] = _batch_number;
        if (first_touch && !added) {
            // Retract what downstream has, before the update changes it.
            if (t.emitted(g)) (void)t.append_result(g, retracts);
        }
        if (first_touch) touched.push_back(g);
        t.rows(g) += b.change_at(r) == columnar::change::retract ? -1 : 1;
    }
    update(t, b, rows, _row_groups);
    columnar::batch inserts = t.result_batch();
    // Whether each touched group had a row downstream before this batch.
    std::vector<bool> had_row(touched.size());
    for (size_t k = 0; k < touched.size(); ++k) {
        uint32_t g = touched[k];
        had_row[k] = t.emitted(g);
        if (t.rows(g) <= 0) {
            t.remove(g);
            continue;
        }
        auto status = t.append_result(g, inserts);
        if (!status.ok()) report(status, inserts, uint32_t(inserts.rows - 1));
        t.emitted(g) = 1;
    }
    // retracts holds rows in the order of `touched` restricted to groups emitted before; drop
    // a retract/insert pair that would cancel out (the group's result did not change).
    columnar::batch out = t.result_batch();
    std::string a, c;
    std::vector<uint32_t> all_cols(retracts.columns.size());
    for (uint32_t i = 0; i < all_cols.size(); ++i)
        all_cols[i] = i;
    // Map each emitted-before group to its retract row and, if still live, its insert row.
    size_t ri = 0, ii = 0;
    std::vector<uint32_t> keep_retract, keep_insert;
    for (size_t k = 0; k < touched.size(); ++k) {
        uint32_t g = touched[k];
        bool had = had_row[k];
        bool has = t.rows(g) > 0 && t.emitted(g);
        // A removed group's slot may have been reused by a later group of this batch only via
        // find_or_add, which does not happen here, so `has` is accurate.
        int64_t r_row = had ? int64_t(ri++) : -1;
        int64_t i_row = has ? int64_t(ii++) : -1;
        if (r_row >= 0 && i_row >= 0) {
            encode_row_key(retracts, all_cols, size_t(r_row), a);
            encode_row_key(inserts, all_cols, size_t(i_row), c);
            if (a == c) continue;
        }
        if (r_row >= 0) keep_retract.push_back(uint32_t(r_row));
        if (i_row >= 0) keep_insert.push_back(uint32_t(i_row));
    }
    if (!keep_retract.empty()) {
        columnar::batch r = retracts.gather(keep_retract);
        r.changes.assign(r.rows, columnar::change::retract);
        out.append(r);
    }
    if (!keep_insert.empty()) {
        columnar::batch i = inserts.gather(keep_insert);
        if (!out.changes.empty()) i.changes.assign(i.rows, columnar::change::insert);
        out.append(i);
    }
    if (out.rows) _next->push(std::move(out));
}

void aggregate_op::report(const agg::eval_status& status, const columnar::batch& out,
                          uint32_t row) {
    // The row stays (with NULL for the failed aggregate); the error is the row_sink's: a bounded
    // query fails with it, a pipeline writes it to the dead-letter topic.
    _rejects->invalid(out, row, status.sqlstate,
                      status.message ? status.message : "aggregate failed");
}

void aggregate_op::emit_window(group_table& t) {
    columnar::batch out = t.result_batch();
    for (uint32_t g : t.groups()) {
        auto status = t.append_result(g, out);
        if (!status.ok()) report(status, out, uint32_t(out.rows - 1));
    }
    if (out.rows) _next->push(std::move(out));
}

void aggregate_op::watermark(event_time wm) {
    if (wm <= _watermark) return;
    _watermark = wm;
    if (wm == end_of_input && _config.global_row_on_end && _groups && _groups->size() == 0) {
        // One row of empty aggregates: a group made from a zero-column key.
        columnar::batch empty;
        empty.rows = 1;
        bool added;
        uint32_t g = _groups->find_or_add(empty, {}, 0, added);
        columnar::batch out = _groups->result_batch();
        (void)_groups->append_result(g, out);
        _groups->remove(g);
        _next->push(std::move(out));
    }
    if (wm == end_of_input && _config.emit_at_end && _groups) emit_all(*_groups);
    while (!_windows.empty() && _windows.begin()->first <= wm) {
        if (!_config.early_updates) emit_window(*_windows.begin()->second);
        _windows.erase(_windows.begin());
    }
    _next->watermark(wm);
}

void aggregate_op::emit_all(group_table& t) {
    // Groups whose rows were all retracted have no row.
    columnar::batch out = t.result_batch();
    for (uint32_t g : t.groups()) {
        if (t.rows(g) <= 0) continue;
        auto status = t.append_result(g, out);
        if (!status.ok()) report(status, out, uint32_t(out.rows - 1));
        if (out.rows >= 65536) {
            _next->push(std::move(out));
            out = t.result_batch();
        }
    }
    if (out.rows) _next->push(std::move(out));
}

bool aggregate_op::mergeable() const {
    if (_config.window_end_key || !_config.emit_at_end || !_groups) return false;
    for (const auto& c : _config.calls)
        if (!c.fn->merge) return false;
    return true;
}

void aggregate_op::finish_merged(std::span<const aggregate_op* const> all, unsigned part,
                                 unsigned parts) {
    group_table merged(_config.calls, _config.key_types);
    for (const auto* op : all)
        merged.merge_from(*op->_groups, part, parts);
    if (merged.size() == 0 && _config.global_row_on_end && part == 0) {
        // One row of empty aggregates, as over no input.
        columnar::batch empty;
        empty.rows = 1;
        bool added;
        uint32_t g = merged.find_or_add(empty, {}, 0, added);
        merged.rows(g) = 1;
    }
    emit_all(merged);
    _watermark = end_of_input;
    _next->watermark(end_of_input);
}

size_t aggregate_op::state_bytes() const {
    size_t n = _groups ? _groups->memory_bytes() : 0;
    for (const auto& [end, t] : _windows)
        n += t->memory_bytes();
    return n;
}

std::string aggregate_op::describe() const {
    std::string s = _config.window_end_key ? "WindowAggregate" : "HashAggregate";
    s += fmt::format(": {} key(s)", _config.keys.size());
    for (const auto& c : _config.calls)
        s += ", " + c.fn->name;
    s += _config.window_end_key ? " (emits each window once the watermark passes its end)"
         : _config.emit_at_end  ? " (emits every group at the end of input)"
                                : " (emits updates and retractions)";
    return s;
}

} // namespace spate::exec
