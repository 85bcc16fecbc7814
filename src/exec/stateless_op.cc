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

void stateless_op::push(columnar::batch b) {
    if (b.rows == 0) return;
    columnar::batch in;
    if (_predicate) {
        _errors.clear();
        _predicate->evaluate_predicate(b, _errors, _selected);
        if (!_errors.empty()) {
            for (const auto& e : _errors.all())
                _rejects->invalid(b, e.row, e.sqlstate, e.message);
        }
        if (_selected.empty()) return;
        in = _selected.size() == b.rows ? std::move(b) : b.gather(_selected);
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
        reject(in, _errors, keep);
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
