#pragma once

// Test helper of the exec tests: an output and row_sink that records everything an operator
// sends on and rejects.

#include "columnar/value.h"
#include "exec/operator.h"

#include <string>
#include <vector>

namespace spate::exec::test_support {

/// Collects what an operator sends on and rejects, and the order of batches and watermarks.
struct capture final : output, row_sink {
    std::vector<columnar::batch> batches;
    std::vector<event_time> marks;
    std::vector<std::string> events;       ///< "batch" or "wm N", in order
    std::vector<std::string> invalid_rows; ///< "row: message"
    std::vector<int64_t> late_windows;     ///< the window end (or time) of each late row

    void push(columnar::batch b) override {
        events.push_back("batch");
        batches.push_back(std::move(b));
    }
    void watermark(event_time wm) override {
        events.push_back("wm " + std::to_string(wm));
        marks.push_back(wm);
    }
    void invalid(const columnar::batch&, uint32_t row, std::string_view,
                 std::string_view m) override {
        invalid_rows.push_back(std::to_string(row) + ": " + std::string(m));
    }
    void late(const columnar::batch&, uint32_t, event_time window_end, event_time) override {
        late_windows.push_back(window_end);
    }

    /// Row `r` of `b` as text, columns separated by "|".
    static std::string row_text(const columnar::batch& b, size_t r) {
        std::string s;
        for (size_t c = 0; c < b.columns.size(); ++c)
            s += (c ? "|" : "") + columnar::value_at(*b.columns[c], r).to_string();
        return s;
    }
    /// Rows of batch `i` as text, "-" before retractions.
    std::vector<std::string> rows_of(size_t i) const {
        std::vector<std::string> out;
        const auto& b = batches.at(i);
        for (size_t r = 0; r < b.rows; ++r)
            out.push_back((b.change_at(r) == columnar::change::retract ? "-" : "") +
                          row_text(b, r));
        return out;
    }
    /// Every row sent, as text, "-" before retractions.
    std::vector<std::string> rows() const {
        std::vector<std::string> out;
        for (size_t i = 0; i < batches.size(); ++i)
            for (auto& s : rows_of(i))
                out.push_back(std::move(s));
        return out;
    }
};

} // namespace spate::exec::test_support
