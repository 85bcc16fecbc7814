#pragma once

// Helpers for the agg tests: columns from literal lists, and one group's state driven through an
// aggregate_function the way an operator drives it.

#include "agg/aggregate_function.h"
#include "columnar/value.h"

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace spate::agg::test {

using columnar::change;
using columnar::column;
using columnar::column_ptr;
using columnar::data_type;
using columnar::type_id;
using columnar::value;

inline column_ptr ints(std::vector<std::optional<int64_t>> v, data_type t = type_id::int64) {
    auto c = std::make_shared<column>(t);
    for (auto& x : v)
        x ? c->push_i64(*x) : c->push_null();
    return c;
}
inline column_ptr doubles(std::vector<std::optional<double>> v) {
    auto c = std::make_shared<column>(type_id::float64);
    for (auto& x : v)
        x ? c->push_f64(*x) : c->push_null();
    return c;
}
inline column_ptr strings(std::vector<std::optional<std::string>> v) {
    auto c = std::make_shared<column>(type_id::varchar);
    for (auto& x : v)
        x ? c->push_string(*x) : c->push_null();
    return c;
}
inline column_ptr bools(std::vector<std::optional<bool>> v) {
    auto c = std::make_shared<column>(type_id::boolean);
    for (auto& x : v)
        x ? c->push_bool(*x) : c->push_null();
    return c;
}
/// A column of `n` copies of `p` (a percentile argument).
inline column_ptr repeat_f64(double p, size_t n) {
    auto c = std::make_shared<column>(type_id::float64);
    for (size_t i = 0; i < n; ++i)
        c->push_f64(p);
    return c;
}

/// One group's state of `f`, in an aligned block, destroyed with the holder.
class group {
public:
    explicit group(const aggregate_function& f) : _f(f) {
        size_t size =
            (std::max<size_t>(f.state_size, 1) + f.state_align - 1) / f.state_align * f.state_align;
        _p = static_cast<std::byte*>(std::aligned_alloc(f.state_align, size));
        f.init(_p, f);
    }
    group(const group&) = delete;
    ~group() {
        if (_f.destroy) _f.destroy(_p);
        std::free(_p);
    }

    /// Adds (or retracts, per `changes`) every row of the argument columns.
    void update(const std::vector<column_ptr>& args, const std::vector<change>& changes = {},
                const std::vector<uint32_t>& rows = {}) {
        std::vector<const column*> a;
        for (auto& c : args)
            a.push_back(c.get());
        size_t n = rows.empty() ? (args.empty() ? changes.size() : args[0]->size()) : rows.size();
        std::vector<std::byte*> states(n, _p);
        _f.update(states.data(), a.data(), rows.empty() ? nullptr : rows.data(),
                  changes.empty() ? nullptr : changes.data(), n, _f);
    }
    /// Retracts every row.
    void retract(const std::vector<column_ptr>& args) {
        update(args, std::vector<change>(args[0]->size(), change::retract));
    }
    /// count(*) over n rows.
    void update_star(size_t n, change c = change::insert) {
        std::vector<std::byte*> states(n, _p);
        std::vector<change> ch(n, c);
        _f.update(states.data(), nullptr, nullptr, ch.data(), n, _f);
    }
    void merge_from(const group& other) { _f.merge(_p, other._p, _f); }

    /// The result; `status` gets finalize's status.
    value result(eval_status* status = nullptr) const {
        column out(_f.result_type);
        eval_status st = _f.finalize(_p, out, _f);
        if (status) *status = st;
        return columnar::value_at(out, 0);
    }
    int64_t rows() const { return _f.row_count(_p, _f); }
    size_t heap() const { return _f.heap_bytes ? _f.heap_bytes(_p) : 0; }

private:
    aggregate_function _f;
    std::byte* _p;
};

inline aggregate_function resolve(std::string_view name, std::vector<data_type> args,
                                  bool distinct = false, input_kind input = input_kind::changelog) {
    return resolve_aggregate(name, args, distinct, input);
}

} // namespace spate::agg::test
