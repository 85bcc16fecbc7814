#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spate::expr {

/// One row that an expression could not compute: its index in the evaluated batch, the
/// Postgres SQLSTATE ("22012") and the message ("division by zero").
struct row_error {
    uint32_t row = 0;
    std::string sqlstate;
    std::string message;
};

/// The rows of one evaluation that failed. The evaluator records an error and makes that row's
/// result NULL; the caller decides what a failure means (a query fails on the first one, a
/// continuous pipeline sends the row to its dead-letter topic). Owned by the caller's thread.
class row_errors {
public:
    /// Records that `row` failed. Allocates only when a row fails.
    void add(uint32_t row, std::string_view sqlstate, std::string message) {
        _errors.push_back(row_error{row, std::string(sqlstate), std::move(message)});
    }
    bool empty() const { return _errors.empty(); }
    size_t size() const { return _errors.size(); }
    const std::vector<row_error>& all() const { return _errors; }
    /// The error of the lowest row, or nullptr when none failed.
    const row_error* first() const {
        const row_error* best = nullptr;
        for (const auto& e : _errors)
            if (!best || e.row < best->row) best = &e;
        return best;
    }
    void clear() { _errors.clear(); }
    /// Adds the errors of an evaluation over a subset of rows: `sub`'s row i is row map[i] here.
    void add_mapped(const row_errors& sub, std::span<const uint32_t> map) {
        for (const auto& e : sub._errors)
            _errors.push_back(row_error{map[e.row], e.sqlstate, e.message});
    }

private:
    std::vector<row_error> _errors;
};

} // namespace spate::expr
