#include "exec/window_assign_op.h"

#include <fmt/format.h>

namespace spate::exec {

window_assign_op::window_assign_op(output* next, row_sink* rejects, uint32_t time_column,
                                   int64_t size_ms, int64_t slide_ms, int64_t offset_ms,
                                   bool session)
    : op(next), _rejects(rejects), _time_column(time_column), _size(size_ms), _slide(slide_ms),
      _offset(offset_ms), _session(session) {}

void window_assign_op::push(columnar::batch b) {
    if (b.rows == 0) return;
    const columnar::column& time = *b.columns[_time_column];
    const int64_t* t = time.i64();
    _rows.clear();
    _starts.clear();
    for (uint32_t r = 0; r < b.rows; ++r) {
        if (time.is_null(r)) {
            _rejects->invalid(b, r, "22004", "the window's time column is NULL");
            continue;
        }
        if (_session) {
            _rows.push_back(r);
            _starts.push_back(t[r]);
            continue;
        }
        int64_t last = window_start_for(t[r], _slide, _offset);
        // Every window [s, s + size) with s <= t < s + size, oldest first.
        for (int64_t s = last - ((_size - 1) / _slide) * _slide; s <= last; s += _slide) {
            if (t[r] >= s + _size) continue;
            _rows.push_back(r);
            _starts.push_back(s);
        }
    }
    if (_rows.empty()) return;
    columnar::batch out =
        _rows.size() == b.rows && _slide == _size ? std::move(b) : b.gather(_rows);
    auto start = std::make_shared<columnar::column>(columnar::type_id::timestamp, _starts.size());
    auto end = std::make_shared<columnar::column>(columnar::type_id::timestamp, _starts.size());
    start->resize(_starts.size());
    end->resize(_starts.size());
    int64_t* ps = start->i64();
    int64_t* pe = end->i64();
    for (size_t i = 0; i < _starts.size(); ++i) {
        ps[i] = _starts[i];
        pe[i] = _starts[i] + _size;
    }
    out.columns.push_back(std::move(start));
    out.columns.push_back(std::move(end));
    _next->push(std::move(out));
}

std::string window_assign_op::describe() const {
    if (_session) return fmt::format("Session: column ${}, gap {} ms", _time_column + 1, _size);
    if (_size == _slide)
        return fmt::format("Tumble: column ${}, size {} ms", _time_column + 1, _size);
    return fmt::format("Hop: column ${}, size {} ms, slide {} ms", _time_column + 1, _size, _slide);
}

} // namespace spate::exec
