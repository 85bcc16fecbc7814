#include "exec/join_op.h"

#include "exec/join_state.h"
#include "exec/row_key.h"
#include "expr/evaluator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <limits>

namespace spate::exec {

namespace {

using columnar::change;

bool left_preserved(join_kind k) {
    return k == join_kind::left || k == join_kind::full;
}
bool right_preserved(join_kind k) {
    return k == join_kind::right || k == join_kind::full;
}

const char* kind_name(join_kind k) {
    switch (k) {
    case join_kind::inner: return "inner";
    case join_kind::left: return "left";
    case join_kind::right: return "right";
    case join_kind::full: return "full";
    }
    return "?";
}

/// The columns a side keeps in its state: keep ∪ keys ∪ time, in first-seen order.
std::vector<uint32_t> needed_columns(const join_side& s) {
    std::vector<uint32_t> out;
    auto add = [&](uint32_t c) {
        if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    };
    for (uint32_t c : s.keep)
        add(c);
    for (uint32_t c : s.keys)
        add(c);
    if (s.time) add(*s.time);
    return out;
}

} // namespace

bool join_emits_changelog(const join_config& c) {
    if (c.lookup) return c.left.changelog;
    if (c.left.changelog || c.right.changelog) return true;
    // Without a time bound a padded row is sent at once and retracted when a partner comes.
    return (left_preserved(c.kind) && !c.left.time) || (right_preserved(c.kind) && !c.right.time);
}

/// The join's state and logic; join_op forwards to it. Same thread as the join_op.
class join_op::impl {
public:
    impl(join_op& owner, row_sink* rejects, join_config config);
    void set_input_rejects(row_sink* left, row_sink* right) {
        _input_rejects[0] = left;
        _input_rejects[1] = right;
    }

    void push(int side, columnar::batch b);
    void watermark(int side, event_time wm);
    size_t state_bytes() const { return _state[0].memory_bytes() + _state[1].memory_bytes(); }
    std::string describe() const;
    size_t rows(int side) const { return _state[side].rows(); }
    uint64_t ignored_retractions() const { return _ignored_retractions; }

    /// The right input, as an output the upstream pipeline feeds.
    class right_input final : public output {
    public:
        explicit right_input(impl& j) : _join(j) {}
        void push(columnar::batch b) override { _join.push(1, std::move(b)); }
        void watermark(event_time wm) override { _join.watermark(1, wm); }

    private:
        impl& _join;
    };
    right_input& right() { return _right; }

private:
    /// What happens to one input row in phase two.
    enum class row_kind : uint8_t { skip, null_key, probe };

    const join_side& side(int s) const { return s == 0 ? _config.left : _config.right; }
    bool preserved(int s) const {
        return s == 0 ? left_preserved(_config.kind) : right_preserved(_config.kind);
    }
    /// Whether side `s`'s padded rows wait for the row to expire (time-bounded side).
    bool deferred(int s) const { return side(s).time.has_value(); }
    /// Whether side `s` keeps its rows (a lookup join's left rows are matched and forgotten).
    bool stores(int s) const { return !(_config.lookup && s == 0); }
    /// Whether rows of side `s` produce output (a lookup join's right rows only update state).
    bool emits(int s) const { return !(_config.lookup && s == 1); }
    /// Whether rows of side `s` count as partners of the other side's stored rows.
    bool counts_partners(int) const { return !_config.lookup; }

    /// Classifies the rows of `b` (side `s`) and finds each probing row's candidates.
    void classify(int s, const columnar::batch& b);
    /// Builds the candidate pairs of the probing rows and evaluates the residual over them.
    void evaluate_candidates(int s, const columnar::batch& b);

    // Output rows.
    void begin_output();
    void add_change(change c);
    void append_pair(uint32_t candidate, change c);
    /// Row `row` of input batch `b` of side `s`, the other side's columns NULL.
    void append_padded_input(int s, const columnar::batch& b, uint32_t row, change c);
    /// The stored row `slot` of side `s`, the other side's columns NULL.
    void append_padded_stored(int s, uint32_t slot, change c);
    void flush_output();

    /// Drops side `s`'s rows that the other side's watermark has passed; a preserved
    /// time-bounded row leaving without partner sends its padded row.
    void expire(int s);
    /// Where input `s`'s late rows and rows without event time go.
    row_sink* input_rejects(int s) const {
        return _input_rejects[s] ? _input_rejects[s] : _rejects;
    }

    join_op& _owner;
    row_sink* _rejects;
    row_sink* _input_rejects[2] = {nullptr, nullptr}; ///< per input, when set
    join_config _config;
    bool _changelog;
    std::vector<columnar::data_type> _out_types;
    std::optional<expr::evaluator> _residual;
    join_state _state[2];
    event_time _watermark[2] = {no_watermark, no_watermark};
    event_time _forwarded = no_watermark;
    uint64_t _ignored_retractions = 0;
    right_input _right{*this};

    // Scratch, reused between batches.
    std::vector<row_kind> _kinds;
    std::string _keys;                ///< key bytes of every probing row, concatenated
    std::vector<uint32_t> _key_start; ///< row r's key is _keys[_key_start[r], _key_start[r+1])
    std::vector<event_time> _times;
    std::vector<uint32_t> _cand_start; ///< row r's candidates are [_cand_start[r], [r+1])
    std::vector<uint32_t> _cand_row;
    std::vector<uint32_t> _cand_slot;
    std::vector<uint8_t> _cand_pass;
    std::vector<uint32_t> _selected;
    expr::row_errors _errors;
    columnar::batch _candidates;
    columnar::batch _out;
    std::string _key;
};

join_op::impl::impl(join_op& owner, row_sink* rejects, join_config config)
    : _owner(owner), _rejects(rejects), _config(std::move(config)),
      _changelog(join_emits_changelog(_config)),
      _state{join_state(_config.left.types, needed_columns(_config.left), _config.left.keys,
                        _config.left.time),
             join_state(_config.right.types, needed_columns(_config.right), _config.right.keys,
                        _config.right.time)} {
    assert(_config.left.keys.size() == _config.right.keys.size());
    assert(!_config.lookup || _config.kind == join_kind::inner || _config.kind == join_kind::left);
    for (uint32_t c : _config.left.keep)
        _out_types.push_back(_config.left.types[c]);
    for (uint32_t c : _config.right.keep)
        _out_types.push_back(_config.right.types[c]);
    if (_config.residual) _residual.emplace(_config.residual);
}

void join_op::impl::classify(int s, const columnar::batch& b) {
    const join_side& me = side(s);
    _kinds.assign(b.rows, row_kind::probe);
    _keys.clear();
    _key_start.assign(b.rows + 1, 0);
    _times.assign(b.rows, 0);
    const columnar::column* time_col = me.time ? b.columns[*me.time].get() : nullptr;
    const columnar::column* expire_col =
        me.time && me.expire_column ? b.columns[*me.expire_column].get() : nullptr;
    for (uint32_t r = 0; r < b.rows; ++r) {
        _key_start[r] = uint32_t(_keys.size());
        if (time_col) {
            if (time_col->is_null(r)) {
                input_rejects(s)->invalid(b, r, "22004", "join input row has a NULL event time");
                _kinds[r] = row_kind::skip;
                continue;
            }
            _times[r] = time_col->i64()[r];
            if (_times[r] < _watermark[s]) {
                input_rejects(s)->late(b, r, _times[r], _watermark[s]);
                _kinds[r] = row_kind::skip;
                continue;
            }
            if (expire_col) // the time it is kept by, from here on
                _times[r] = expire_col->is_null(r) ? std::numeric_limits<event_time>::max()
                                                   : expire_col->i64()[r];
        }
        bool null_key = false;
        for (uint32_t k : me.keys)
            null_key = null_key || b.columns[k]->is_null(r);
        if (null_key) {
            _kinds[r] = row_kind::null_key;
            continue;
        }
        encode_row_key(b, me.keys, r, _key);
        _keys += _key;
    }
    _key_start[b.rows] = uint32_t(_keys.size());
}

void join_op::impl::evaluate_candidates(int s, const columnar::batch& b) {
    const join_state& other = _state[1 - s];
    _cand_start.assign(b.rows + 1, 0);
    _cand_row.clear();
    _cand_slot.clear();
    for (uint32_t r = 0; r < b.rows; ++r) {
        _cand_start[r] = uint32_t(_cand_row.size());
        if (_kinds[r] != row_kind::probe) continue;
        std::string_view key(_keys.data() + _key_start[r], _key_start[r + 1] - _key_start[r]);
        for (uint32_t slot : other.find(key)) {
            _cand_row.push_back(r);
            _cand_slot.push_back(slot);
        }
    }
    _cand_start[b.rows] = uint32_t(_cand_row.size());
    size_t n = _cand_row.size();
    _cand_pass.assign(n, 1);
    _candidates = columnar::batch::with_types(_out_types, n);
    _candidates.rows = n;
    if (n == 0) return;
    // The pairs in the output layout: the left side's kept columns, then the right side's.
    size_t out_col = 0;
    for (int part = 0; part < 2; ++part) {
        for (uint32_t c : side(part).keep) {
            columnar::column& dst = *_candidates.columns[out_col++];
            if (part == s)
                dst.gather_from(*b.columns[c], _cand_row);
            else
                dst.gather_from(other.column_of(c), _cand_slot);
        }
    }
    if (!_residual) return;
    _errors.clear();
    _residual->evaluate_predicate(_candidates, _errors, _selected);
    std::fill(_cand_pass.begin(), _cand_pass.end(), 0);
    for (uint32_t i : _selected)
        _cand_pass[i] = 1;
    if (!_errors.empty()) {
        std::vector<uint32_t> reported;
        for (const auto& e : _errors.all()) {
            _cand_pass[e.row] = 0;
            if (std::find(reported.begin(), reported.end(), e.row) != reported.end()) continue;
            reported.push_back(e.row);
            _rejects->invalid(_candidates, e.row, e.sqlstate, e.message);
        }
    }
}

void join_op::impl::begin_output() {
    _out = columnar::batch::with_types(_out_types);
}

void join_op::impl::add_change(change c) {
    assert(_changelog || c == change::insert);
    if (_changelog) _out.changes.push_back(c);
    ++_out.rows;
}

void join_op::impl::append_pair(uint32_t candidate, change c) {
    for (size_t i = 0; i < _out_types.size(); ++i)
        _out.columns[i]->append_from(*_candidates.columns[i], candidate);
    add_change(c);
}

void join_op::impl::append_padded_input(int s, const columnar::batch& b, uint32_t row, change c) {
    size_t out_col = 0;
    for (int part = 0; part < 2; ++part)
        for (uint32_t col : side(part).keep) {
            columnar::column& dst = *_out.columns[out_col++];
            if (part == s)
                dst.append_from(*b.columns[col], row);
            else
                dst.push_null();
        }
    add_change(c);
}

void join_op::impl::append_padded_stored(int s, uint32_t slot, change c) {
    size_t out_col = 0;
    for (int part = 0; part < 2; ++part)
        for (uint32_t col : side(part).keep) {
            columnar::column& dst = *_out.columns[out_col++];
            if (part == s)
                dst.append_from(_state[s].column_of(col), slot);
            else
                dst.push_null();
        }
    add_change(c);
}

void join_op::impl::flush_output() {
    if (_out.rows) _owner._next->push(std::move(_out));
    _out = columnar::batch{};
}

void join_op::impl::push(int s, columnar::batch b) {
    if (b.rows == 0) return;
    const int o = 1 - s;
    join_state& mine = _state[s];
    join_state& other = _state[o];
    const bool emit = emits(s);
    const bool pad_me = emit && preserved(s) && !deferred(s);
    const bool pad_other = counts_partners(s) && preserved(o) && !deferred(o);

    // Phase one: keys, late rows, candidate partners and the residual over all of them.
    classify(s, b);
    evaluate_candidates(s, b);

    // Phase two: the rows in order, against this side's state as it changes.
    begin_output();
    for (uint32_t r = 0; r < b.rows; ++r) {
        const change ch = b.change_at(r);
        if (_kinds[r] == row_kind::skip) continue;
        if (_kinds[r] == row_kind::null_key) {
            // Never matches and is not kept: a preserved side sends its padded row now.
            if (emit && preserved(s)) append_padded_input(s, b, r, ch);
            continue;
        }
        std::string_view key(_keys.data() + _key_start[r], _key_start[r + 1] - _key_start[r]);
        const uint32_t first = _cand_start[r], last = _cand_start[r + 1];
        int64_t partners = 0;
        for (uint32_t i = first; i < last; ++i)
            partners += _cand_pass[i];

        if (ch == change::insert) {
            if (emit) {
                for (uint32_t i = first; i < last; ++i)
                    if (_cand_pass[i]) append_pair(i, change::insert);
                if (pad_me && partners == 0) append_padded_input(s, b, r, change::insert);
            }
            if (counts_partners(s)) {
                for (uint32_t i = first; i < last; ++i) {
                    if (!_cand_pass[i]) continue;
                    int64_t& m = other.matches(_cand_slot[i]);
                    if (pad_other && m == 0)
                        append_padded_stored(o, _cand_slot[i], change::retract);
                    ++m;
                }
            }
            if (stores(s)) mine.insert(b, r, key, partners, _times[r]);
            continue;
        }

        // A retraction: of a stored row equal to it (a lookup's left rows are not stored).
        std::optional<uint32_t> slot;
        if (stores(s)) {
            slot = mine.find_equal(b, r, key);
            if (!slot) {
                ++_ignored_retractions;
                continue;
            }
        }
        if (emit) {
            for (uint32_t i = first; i < last; ++i)
                if (_cand_pass[i]) append_pair(i, change::retract);
            int64_t had = slot ? mine.matches(*slot) : partners;
            if (pad_me && had == 0) append_padded_input(s, b, r, change::retract);
        }
        if (counts_partners(s)) {
            for (uint32_t i = first; i < last; ++i) {
                if (!_cand_pass[i]) continue;
                int64_t& m = other.matches(_cand_slot[i]);
                --m;
                if (pad_other && m == 0) append_padded_stored(o, _cand_slot[i], change::insert);
            }
        }
        if (slot) mine.remove(*slot);
    }
    // Rows that arrived already past the other side's watermark leave at once.
    if (side(s).time) expire(s);
    flush_output();
}

void join_op::impl::expire(int s) {
    const join_side& me = side(s);
    if (!me.time || _watermark[1 - s] == no_watermark) return;
    join_state& st = _state[s];
    const bool pad = emits(s) && preserved(s);
    while (auto slot = st.next_expired(_watermark[1 - s], me.expire_after_ms)) {
        if (pad && st.matches(*slot) == 0) append_padded_stored(s, *slot, change::insert);
        st.remove(*slot);
    }
}

void join_op::impl::watermark(int s, event_time wm) {
    if (wm <= _watermark[s]) return;
    _watermark[s] = wm;
    begin_output();
    expire(1 - s);
    flush_output();
    // A lookup join's output follows its left input: the right one is a table to look rows up
    // in, whose time does not hold results back.
    if (_config.lookup) {
        if (_watermark[0] > _forwarded) {
            _forwarded = _watermark[0];
            _owner._next->watermark(_forwarded);
        }
        return;
    }
    if (_watermark[0] == no_watermark || _watermark[1] == no_watermark) return;
    event_time low = std::min(_watermark[0], _watermark[1]);
    if (low > _forwarded) {
        _forwarded = low;
        _owner._next->watermark(low);
    }
}

std::string join_op::impl::describe() const {
    std::string s = fmt::format("{}join {} on {} key{}", _config.lookup ? "lookup " : "",
                                kind_name(_config.kind), _config.left.keys.size(),
                                _config.left.keys.size() == 1 ? "" : "s");
    if (_config.residual) s += ", residual " + _config.residual->to_string();
    if (_config.lookup)
        s += fmt::format(", left rows not kept, right: {} rows", _state[1].rows());
    else
        s += fmt::format(", left: {} rows, right: {} rows", _state[0].rows(), _state[1].rows());
    for (int i = 0; i < 2; ++i)
        if (side(i).time)
            s += fmt::format(", {} rows expire {} ms after the {} watermark",
                             i == 0 ? "left" : "right", side(i).expire_after_ms,
                             i == 0 ? "right" : "left");
    s += _changelog ? ", emits a changelog" : ", append-only";
    return s;
}

join_op::join_op(output* next, row_sink* rejects, join_config config)
    : op(next), _impl(std::make_unique<impl>(*this, rejects, std::move(config))) {}

void join_op::set_input_rejects(row_sink* left, row_sink* right) {
    _impl->set_input_rejects(left, right);
}

join_op::~join_op() = default;

void join_op::push(columnar::batch b) {
    _impl->push(0, std::move(b));
}

void join_op::watermark(event_time wm) {
    _impl->watermark(0, wm);
}

output& join_op::right() {
    return _impl->right();
}

size_t join_op::state_bytes() const {
    return _impl->state_bytes();
}

std::string join_op::describe() const {
    return _impl->describe();
}

size_t join_op::left_rows() const {
    return _impl->rows(0);
}

size_t join_op::right_rows() const {
    return _impl->rows(1);
}

uint64_t join_op::ignored_retractions() const {
    return _impl->ignored_retractions();
}

} // namespace spate::exec
