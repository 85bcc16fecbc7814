#include "exec/session_aggregate_op.h"

#include <fmt/format.h>

#include <algorithm>

namespace spate::exec {

session_aggregate_op::session_aggregate_op(output* next, row_sink* rejects, session_config config)
    : op(next), _rejects(rejects), _config(std::move(config)) {
    std::vector<columnar::data_type> other_types;
    for (size_t k = 0; k < _config.keys.size(); ++k) {
        if (k == _config.start_key || k == _config.end_key) continue;
        _other_keys.push_back(_config.keys[k]);
        _other_positions.push_back(k);
        other_types.push_back(_config.key_types[k]);
    }
    _keys = columnar::batch::with_types(other_types);
    size_t off = 0;
    for (const auto& c : _config.calls) {
        size_t align = std::max<size_t>(c.fn->state_align, 1);
        off = (off + align - 1) / align * align;
        _offsets.push_back(uint32_t(off));
        off += c.fn->state_size;
    }
    _block = std::max<size_t>(16, (off + 15) / 16 * 16);
}

session_aggregate_op::~session_aggregate_op() {
    for (auto& [key, k] : _by_key)
        for (auto& s : k.sessions)
            destroy_states(s.states.get());
}

std::unique_ptr<std::byte[]> session_aggregate_op::new_states() {
    auto p = std::make_unique_for_overwrite<std::byte[]>(_block);
    for (size_t c = 0; c < _config.calls.size(); ++c)
        _config.calls[c].fn->init(state(p.get(), c), *_config.calls[c].fn);
    return p;
}

void session_aggregate_op::destroy_states(std::byte* states) {
    for (size_t c = 0; c < _config.calls.size(); ++c)
        if (_config.calls[c].fn->destroy) _config.calls[c].fn->destroy(state(states, c));
}

session_aggregate_op::session& session_aggregate_op::place(key_sessions& k, int64_t start,
                                                           int64_t end) {
    auto& v = k.sessions;
    // Sessions are sorted by start and apart; those a window [start, end) touches are a run.
    size_t first = 0;
    while (first < v.size() && v[first].end < start)
        ++first;
    size_t last = first;
    while (last < v.size() && v[last].start <= end)
        ++last;
    if (first == last) {
        session s{start, end, new_states()};
        auto it = v.insert(v.begin() + long(first), std::move(s));
        ++_sessions;
        _by_end.emplace(end, std::pair(_key, start));
        return *it;
    }
    session& into = v[first];
    int64_t old_start = into.start, old_end = into.end;
    into.start = std::min(into.start, start);
    into.end = std::max(into.end, end);
    for (size_t i = first + 1; i < last; ++i) {
        for (size_t c = 0; c < _config.calls.size(); ++c)
            _config.calls[c].fn->merge(state(into.states.get(), c), state(v[i].states.get(), c),
                                       *_config.calls[c].fn);
        into.end = std::max(into.end, v[i].end);
        destroy_states(v[i].states.get());
        --_sessions;
    }
    v.erase(v.begin() + long(first) + 1, v.begin() + long(last));
    if (into.start != old_start || into.end != old_end)
        _by_end.emplace(into.end, std::pair(_key, into.start));
    return into;
}

void session_aggregate_op::push(columnar::batch b) {
    if (b.rows == 0) return;
    const int64_t* starts = b.columns[_config.keys[_config.start_key]]->i64();
    const int64_t* ends = b.columns[_config.keys[_config.end_key]]->i64();
    // First place every row (sessions grow and merge), then add the rows to the sessions they
    // ended up in, a batch per aggregate.
    std::vector<key_sessions*> row_keys(b.rows, nullptr);
    for (uint32_t r = 0; r < b.rows; ++r) {
        if (ends[r] <= _watermark) {
            _rejects->late(b, r, ends[r], _watermark);
            continue;
        }
        encode_row_key(b, _other_keys, r, _key);
        auto it = _by_key.find(std::string_view(_key));
        if (it == _by_key.end()) {
            key_sessions ks;
            if (!_free_rows.empty()) {
                ks.key_row = _free_rows.back();
                _free_rows.pop_back();
                for (size_t c = 0; c < _other_keys.size(); ++c)
                    _keys.columns[c]->set_from(ks.key_row, *b.columns[_other_keys[c]], r);
                _key_of_row[ks.key_row] = _key;
            } else {
                ks.key_row = uint32_t(_keys.rows);
                for (size_t c = 0; c < _other_keys.size(); ++c) {
                    const auto& src = *b.columns[_other_keys[c]];
                    auto& dst = *_keys.columns[c];
                    if (src.is_null(r))
                        dst.push_null();
                    else if (dst.physical() == columnar::physical_type::str)
                        dst.push_string(src.strs()[r].view());
                    else
                        dst.append_from(src, r);
                }
                _keys.rows++;
                _key_of_row.push_back(_key);
            }
            it = _by_key.emplace(_key, std::move(ks)).first;
        }
        place(it->second, starts[r], ends[r]);
        row_keys[r] = &it->second;
    }
    const columnar::change* changes = b.changes.empty() ? nullptr : b.changes.data();
    for (size_t c = 0; c < _config.calls.size(); ++c) {
        const aggregate_call& call = _config.calls[c];
        const columnar::column* filter = call.filter ? b.columns[*call.filter].get() : nullptr;
        _sel.clear();
        _states.clear();
        for (uint32_t r = 0; r < b.rows; ++r) {
            if (!row_keys[r]) continue;
            if (filter && (filter->is_null(r) || !filter->bools()[r])) continue;
            auto& v = row_keys[r]->sessions;
            auto s = std::upper_bound(v.begin(), v.end(), starts[r],
                                      [](int64_t t, const session& x) { return t < x.start; });
            --s; // the session with the last start at or before the row's
            _sel.push_back(r);
            _states.push_back(state(s->states.get(), c));
        }
        if (_sel.empty()) continue;
        _args.clear();
        for (uint32_t a : call.args)
            _args.push_back(b.columns[a].get());
        call.fn->update(_states.data(), _args.data(), _sel.data(), changes, _sel.size(), *call.fn);
    }
}

void session_aggregate_op::emit(const key_sessions& k, const session& s, columnar::batch& out) {
    size_t other = 0;
    for (size_t p = 0; p < _config.keys.size(); ++p) {
        if (p == _config.start_key)
            out.columns[p]->push_i64(s.start);
        else if (p == _config.end_key)
            out.columns[p]->push_i64(s.end);
        else
            out.columns[p]->append_from(*_keys.columns[other++], k.key_row);
    }
    agg::eval_status failed;
    for (size_t c = 0; c < _config.calls.size(); ++c) {
        auto st = _config.calls[c].fn->finalize(
            state(s.states.get(), c), *out.columns[_config.keys.size() + c], *_config.calls[c].fn);
        failed = st.ok() ? failed : st;
    }
    out.rows++;
    // The session stays (NULL for the failed aggregate); a bounded query fails with the error.
    if (!failed.ok())
        _rejects->invalid(out, uint32_t(out.rows - 1), failed.sqlstate,
                          failed.message ? failed.message : "aggregate failed");
}

void session_aggregate_op::watermark(event_time wm) {
    if (wm <= _watermark) return;
    _watermark = wm;
    std::vector<columnar::data_type> types = _config.key_types;
    for (const auto& c : _config.calls)
        types.push_back(c.fn->result_type);
    columnar::batch out = columnar::batch::with_types(types);
    while (!_by_end.empty() && _by_end.begin()->first <= wm) {
        auto [end, ref] = *_by_end.begin();
        _by_end.erase(_by_end.begin());
        auto it = _by_key.find(std::string_view(ref.first));
        if (it == _by_key.end()) continue;
        auto& v = it->second.sessions;
        auto s = std::find_if(v.begin(), v.end(), [&](const session& x) {
            return x.start == ref.second && x.end == end;
        });
        if (s == v.end()) continue; // stale: the session grew or merged since
        emit(it->second, *s, out);
        destroy_states(s->states.get());
        v.erase(s);
        --_sessions;
        if (v.empty()) {
            _free_rows.push_back(it->second.key_row);
            _by_key.erase(it);
        }
    }
    if (out.rows) _next->push(std::move(out));
    _next->watermark(wm);
}

size_t session_aggregate_op::state_bytes() const {
    return _sessions * (_block + sizeof(session)) + _keys.memory_bytes() + _by_key.size() * 64 +
           _by_end.size() * 64;
}

std::string session_aggregate_op::describe() const {
    std::string s = fmt::format("SessionAggregate: {} key(s)", _config.keys.size() - 2);
    for (const auto& c : _config.calls)
        s += ", " + c.fn->name;
    return s;
}

} // namespace spate::exec
