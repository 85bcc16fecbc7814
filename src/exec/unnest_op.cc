#include "exec/unnest_op.h"

#include "expr/function_registry.h"

#include <re2/re2.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace spate::exec {

namespace {

/// Whether `e` is lower(x) of a text x (lower() maps ASCII letters only, as lower_ascii does).
bool is_lower_call(const expr::bound_expr& e) {
    return e.kind == expr::expr_kind::call && e.function && e.function->name == "lower" &&
           e.args.size() == 1 && e.args[0]->type.physical() == columnar::physical_type::str;
}

/// `n` bytes of `from` into `to` with ASCII 'A'..'Z' made lower case (other bytes, UTF-8
/// included, unchanged), eight at a time.
void lower_ascii(const char* from, size_t n, char* to) {
    const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        std::memcpy(&w, from + i, 8);
        const uint64_t low7 = w & ~high; // each byte below 0x80: no carry between bytes
        const uint64_t at_least_a = low7 + ones * (0x80 - 'A');
        const uint64_t above_z = low7 + ones * (0x80 - 'Z' - 1);
        const uint64_t upper = at_least_a & ~above_z & ~w & high;
        w |= upper >> 2; // 0x80 >> 2 is the case bit 0x20
        std::memcpy(to + i, &w, 8);
    }
    for (; i < n; ++i) {
        const char c = from[i];
        to[i] = c >= 'A' && c <= 'Z' ? char(c + ('a' - 'A')) : c;
    }
}

} // namespace

unnest_op::unnest_op(output* next, row_sink* rejects, expr::bound_expr_ptr text,
                     expr::bound_expr_ptr separator, bool regex)
    : op(next), _rejects(rejects), _text_expr(text), _sep_expr(separator),
      _lower(is_lower_call(*text)), _text(_lower ? text->args[0] : text), _sep(separator),
      _regex(regex) {}

std::string_view unnest_op::text_of(const columnar::column& text, size_t row,
                                    columnar::column& pieces) {
    std::string_view s = text.strs()[row].view();
    if (!_lower || s.empty()) return s;
    char* p = pieces.heap().allocate(s.size());
    lower_ascii(s.data(), s.size(), p);
    return {p, s.size()};
}

unnest_op::~unnest_op() = default;

void unnest_op::split_plain(std::string_view s, const columnar::column& sep, size_t row) {
    if (s.empty()) return;
    if (sep.is_null(row)) {
        // Into characters (UTF-8 sequences kept whole).
        for (size_t i = 0; i < s.size();) {
            size_t n = 1;
            auto c = static_cast<unsigned char>(s[i]);
            if (c >= 0xF0)
                n = 4;
            else if (c >= 0xE0)
                n = 3;
            else if (c >= 0xC0)
                n = 2;
            n = std::min(n, s.size() - i);
            _pieces.push_back(s.substr(i, n));
            i += n;
        }
        return;
    }
    std::string_view d = sep.strs()[row].view();
    if (d.empty()) {
        _pieces.push_back(s);
        return;
    }
    size_t from = 0;
    if (d.size() == 1) {
        // Pieces are short (words): eight bytes at a time beats a memchr call per piece.
        const char c = d[0];
        const uint64_t ones = 0x0101010101010101ULL, low7 = 0x7f7f7f7f7f7f7f7fULL;
        const uint64_t pattern = ones * static_cast<unsigned char>(c);
        size_t at = 0;
        for (; at + 8 <= s.size(); at += 8) {
            uint64_t w;
            std::memcpy(&w, s.data() + at, 8);
            const uint64_t x = w ^ pattern; // zero bytes where w holds c
            // 0x80 in exactly the bytes of x that are zero.
            uint64_t hits = ~(((x & low7) + low7) | x | low7);
            while (hits) {
                const size_t i = at + size_t(std::countr_zero(hits) >> 3);
                _pieces.push_back(s.substr(from, i - from));
                from = i + 1;
                hits &= hits - 1;
            }
        }
        for (; at < s.size(); ++at) {
            if (s[at] != c) continue;
            _pieces.push_back(s.substr(from, at - from));
            from = at + 1;
        }
    } else {
        for (size_t at; (at = s.find(d, from)) != std::string_view::npos; from = at + d.size())
            _pieces.push_back(s.substr(from, at - from));
    }
    _pieces.push_back(s.substr(from));
}

namespace {

bool is_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; // RE2's \s
}
bool is_word(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

/// Splits at runs of bytes `in_run` accepts: what RE2 does with `\s+` or `\W+` (bytes of
/// multi-byte UTF-8 characters are not word characters, so a run takes the whole character).
template <typename In>
void split_runs(std::string_view s, In in_run, std::vector<std::string_view>& pieces) {
    size_t from = 0, i = 0;
    while (i < s.size()) {
        if (!in_run(static_cast<unsigned char>(s[i]))) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < s.size() && in_run(static_cast<unsigned char>(s[j])))
            ++j;
        pieces.push_back(s.substr(from, i - from));
        from = i = j;
    }
    pieces.push_back(s.substr(from));
}

} // namespace

bool unnest_op::split_regex(std::string_view s, std::string_view pattern, std::string& why) {
    // The patterns of nearly every word count, without the regex engine.
    if (pattern == "\\s+") {
        split_runs(s, is_space, _pieces);
        return true;
    }
    if (pattern == "\\W+") {
        split_runs(
            s, [](unsigned char c) { return !is_word(c); }, _pieces);
        return true;
    }
    if (!_re || pattern != _re_pattern) {
        RE2::Options opt;
        opt.set_log_errors(false);
        _re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), opt);
        _re_pattern = std::string(pattern);
        if (!_re->ok()) {
            why = "invalid regular expression: " + _re->error();
            _re.reset();
            return false;
        }
    }
    // Postgres' regexp_split_to_table: pieces between matches; an empty match splits between
    // characters, and never at the very start or end.
    size_t from = 0, pos = 0;
    re2::StringPiece input(s.data(), s.size()), m;
    while (pos <= s.size()) {
        if (!_re->Match(input, pos, s.size(), RE2::UNANCHORED, &m, 1)) break;
        size_t start = size_t(m.data() - s.data());
        size_t len = m.size();
        if (len == 0) {
            if (start >= s.size()) break;
            if (start == from) {
                pos = start + 1;
                if (start == 0) continue;
            }
        }
        _pieces.push_back(s.substr(from, start - from));
        from = start + len;
        pos = len ? from : start + 1;
    }
    _pieces.push_back(s.substr(from));
    return true;
}

void unnest_op::push(columnar::batch b) {
    if (b.rows == 0) return;
    _errors.clear();
    columnar::column_ptr text = _text.evaluate(b, _errors);
    columnar::column_ptr sep = _sep.evaluate(b, _errors);
    for (const auto& e : _errors.all())
        _rejects->invalid(b, e.row, e.sqlstate, e.message);
    const size_t expected = size_t(double(b.rows) * _pieces_per_row * 1.1) + 16;
    auto piece_col = std::make_shared<columnar::column>(columnar::type_id::varchar, expected);
    if (!_lower) piece_col->borrow_strings(*text);
    _rows.clear();
    _rows.reserve(expected);
    std::string why;
    for (uint32_t r = 0; r < b.rows; ++r) {
        if (text->is_null(r)) continue;
        std::string_view s = text_of(*text, r, *piece_col);
        _pieces.clear();
        if (!_regex) {
            split_plain(s, *sep, r);
        } else if (sep->is_null(r)) {
            continue;
        } else if (!split_regex(s, sep->strs()[r].view(), why)) {
            _rejects->invalid(b, r, "2201B", why);
            continue;
        }
        for (auto p : _pieces) {
            piece_col->push_string_ref({p.data(), uint32_t(p.size())});
            _rows.push_back(r);
        }
    }
    _pieces_per_row = double(_rows.size()) / double(b.rows);
    if (_rows.empty()) return;
    columnar::batch out = b.gather(_rows);
    out.columns.push_back(std::move(piece_col));
    _next->push(std::move(out));
}

std::string unnest_op::describe() const {
    return (_regex ? "Unnest: regexp_split_to_table(" : "Unnest: string_to_array(") +
           _text_expr->to_string() + ", " + _sep_expr->to_string() + ")";
}

} // namespace spate::exec
