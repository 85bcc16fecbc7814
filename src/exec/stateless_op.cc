#include "exec/stateless_op.h"

#include <algorithm>

namespace spate::exec {

stateless_op::stateless_op(output* next, row_sink* rejects, expr::bound_expr_ptr predicate,
                           std::vector<expr::bound_expr_ptr> projections)
    : op(next), _rejects(rejects), _predicate_expr(std::move(predicate)),
      _projection_exprs(std::move(projections)) {
    if (_predicate_expr) _predicate.emplace(_predicate_expr);
    _projections.reserve(_projection_exprs.size());
    for (const auto& p : _projection_exprs)
        _projections.emplace_back(p);
}

void stateless_op::reject(const columnar::batch& b, const expr::row_errors& errors,
                          std::vector<uint32_t>& rows) {
    std::vector<uint32_t> bad;
    for (const auto& e : errors.all()) {
        if (std::find(bad.begin(), bad.end(), e.row) != bad.end()) continue;
        bad.push_back(e.row);
        _rejects->invalid(b, e.row, e.sqlstate, e.message);
    }
    std::erase_if(rows,
                  [&](uint32_t r) { return std::find(bad.begin(), bad.end(), r) != bad.end(); });
}

namespace {

void mark_columns(const expr::bound_expr& e, std::vector<uint8_t>& read) {
    if (e.kind == expr::expr_kind::column_ref && e.column_index < read.size())
        read[e.column_index] = 1;
    for (const auto& a : e.args)
        mark_columns(*a, read);
}

} // namespace

columnar::batch stateless_op::gather_read(const columnar::batch& b) {
    if (_read.size() != b.columns.size()) {
        _read.assign(b.columns.size(), 0);
        for (const auto& p : _projection_exprs)
            mark_columns(*p, _read);
    }
    // The selected rows of the columns the projections read; the others stay behind, empty
    // (a filter before a narrow SELECT list does not copy the wide rows it drops).
    columnar::batch out;
    out.rows = _selected.size();
    out.columns.reserve(b.columns.size());
    for (size_t c = 0; c < b.columns.size(); ++c) {
        if (!_read[c]) {
            out.columns.push_back(std::make_shared<columnar::column>(b.columns[c]->type()));
            continue;
        }
        auto g = std::make_shared<columnar::column>(b.columns[c]->type(), _selected.size());
        g->gather_from(*b.columns[c], _selected);
        out.columns.push_back(std::move(g));
    }
    if (!b.changes.empty()) {
        out.changes.reserve(_selected.size());
        for (uint32_t r : _selected)
            out.changes.push_back(b.changes[r]);
    }
    return out;
}

void stateless_op::push(columnar::batch b) {
    if (b.rows == 0) return;
    columnar::batch in;
    bool narrowed = false; // `in` holds only the columns read, of the rows in _selected
    if (_predicate) {
        _errors.clear();
        _predicate->evaluate_predicate(b, _errors, _selected);
        if (!_errors.empty()) {
            for (const auto& e : _errors.all())
                _rejects->invalid(b, e.row, e.sqlstate, e.message);
        }
        if (_selected.empty()) return;
        if (_selected.size() == b.rows)
            in = std::move(b);
        else if (_projections.empty())
            in = b.gather(_selected);
        else {
            in = gather_read(b);
            narrowed = true;
        }
    } else {
        in = std::move(b);
    }
    if (_projections.empty()) {
        _next->push(std::move(in));
        return;
    }
    columnar::batch out;
    out.rows = in.rows;
    out.columns.reserve(_projections.size());
    _errors.clear();
    for (const auto& p : _projections)
        out.columns.push_back(p.evaluate(in, _errors));
    out.changes = std::move(in.changes);
    if (!_errors.empty()) {
        // Rows whose projection failed leave; the rest go on.
        std::vector<uint32_t> keep(out.rows);
        for (uint32_t i = 0; i < out.rows; ++i)
            keep[i] = i;
        if (narrowed) {
            // Reported from the whole input row (its origin columns may not be in `in`).
            expr::row_errors whole;
            for (const auto& e : _errors.all())
                whole.add(_selected[e.row], e.sqlstate, e.message);
            std::vector<uint32_t> bad;
            for (const auto& e : _errors.all())
                bad.push_back(e.row);
            reject(b, whole, _scratch_rows);
            std::erase_if(keep, [&](uint32_t r) {
                return std::find(bad.begin(), bad.end(), r) != bad.end();
            });
        } else {
            reject(in, _errors, keep);
        }
        if (keep.empty()) return;
        out = out.gather(keep);
    }
    _next->push(std::move(out));
}

std::string stateless_op::describe() const {
    std::string s;
    if (_predicate_expr) s = "Filter: " + _predicate_expr->to_string();
    if (!_projection_exprs.empty()) {
        if (!s.empty()) s += "; ";
        s += "Project: ";
        for (size_t i = 0; i < _projection_exprs.size(); ++i) {
            if (i) s += ", ";
            s += _projection_exprs[i]->to_string();
        }
    }
    return s;
}

} // namespace spate::exec
