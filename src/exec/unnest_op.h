#pragma once

#include "exec/operator.h"
#include "expr/bound_expr.h"
#include "expr/evaluator.h"
#include "expr/row_errors.h"

#include <memory>
#include <string>
#include <vector>

namespace re2 {
class RE2;
}

namespace spate::exec {

/// UNNEST of a string split into pieces (`unnest(string_to_array(line, ' '))`,
/// `regexp_split_to_table(line, '\s+')`): each input row is sent once per piece, with the piece
/// appended as a last varchar column. A NULL string gives no row; an empty one no row with a
/// plain separator (an empty array, as in Postgres) and one empty piece with a pattern. A
/// NULL plain separator splits into characters; an empty one keeps the string whole.
/// Pieces point into the input's strings (no copy). When the text is `lower(x)` (ASCII letters,
/// as expr's lower), x is lowered straight into the pieces' own buffer, eight bytes at a time,
/// instead of into a column of its own.
///
/// Owned by one shard's part of a pipeline or one worker of a bounded query.
class unnest_op final : public op {
public:
    unnest_op(output* next, row_sink* rejects, expr::bound_expr_ptr text,
              expr::bound_expr_ptr separator, bool regex);
    ~unnest_op() override;

    void push(columnar::batch b) override;
    void watermark(event_time wm) override { _next->watermark(wm); }
    std::string describe() const override;

private:
    /// Appends the pieces of `s` to `pieces` (as offsets into s); false when the pattern is bad.
    void split_plain(std::string_view s, const columnar::column& sep, size_t row);
    bool split_regex(std::string_view s, std::string_view pattern, std::string& why);

    /// The text whose pieces are sent: row `row` of `text`, or (with _lower) its ASCII-lowered
    /// copy in `pieces`' heap.
    std::string_view text_of(const columnar::column& text, size_t row, columnar::column& pieces);

    row_sink* _rejects;
    expr::bound_expr_ptr _text_expr, _sep_expr;
    /// The text expression is lower(x): _text evaluates x and push() lowers it.
    bool _lower = false;
    expr::evaluator _text, _sep;
    bool _regex;
    std::unique_ptr<re2::RE2> _re;
    std::string _re_pattern;
    expr::row_errors _errors;
    std::vector<std::string_view> _pieces;
    std::vector<uint32_t> _rows;
    /// Pieces per input row in the last batch, to size the next one's output at once.
    double _pieces_per_row = 1;
};

} // namespace spate::exec
