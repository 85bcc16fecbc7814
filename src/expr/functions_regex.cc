// Regular expressions (RE2 syntax): regexp_like and the ~ operators, Flink's regexp_extract,
// Postgres' regexp_replace. A constant pattern is compiled once, when the expression is bound
// (a bad one is a bind error); a pattern computed per row is compiled per row.

#include "expr/binder_support.h"
#include "expr/functions_internal.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <memory>

namespace spate::expr {

namespace {

/// A compiled pattern and its flags. Immutable; shared by the evaluators of one expression.
struct regex_state {
    std::unique_ptr<RE2> re;
    bool global = false;
};

// Compiles `pattern` with Postgres-style `flags` ("g", "i", "gi"); an error message otherwise.
std::shared_ptr<regex_state> compile(std::string_view pattern, std::string_view flags,
                                     bool case_insensitive, std::string& why) {
    auto s = std::make_shared<regex_state>();
    RE2::Options opt;
    opt.set_log_errors(false);
    opt.set_case_sensitive(!case_insensitive);
    for (char f : flags) {
        if (f == 'g')
            s->global = true;
        else if (f == 'i')
            opt.set_case_sensitive(false);
        else if (f == 'c')
            opt.set_case_sensitive(true);
        else {
            why = fmt::format("invalid regular expression option: \"{}\"", f);
            return nullptr;
        }
    }
    s->re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), opt);
    if (!s->re->ok()) {
        why = fmt::format("invalid regular expression: {}", s->re->error());
        return nullptr;
    }
    return s;
}

std::string_view sv(re2::StringPiece p) {
    return {p.data(), p.size()};
}

// How each function finds its pattern and flags among its arguments.
struct shape {
    size_t pattern_arg;
    int flags_arg; // -1: none
    bool case_insensitive;
};

template <shape S>
std::shared_ptr<const void> prepare(std::span<const bound_expr_ptr> args) {
    const bound_expr& p = *args[S.pattern_arg];
    if (p.kind != expr_kind::constant || p.constant.is_null()) return nullptr;
    std::string_view flags;
    if (S.flags_arg >= 0 && static_cast<size_t>(S.flags_arg) < args.size()) {
        const bound_expr& f = *args[static_cast<size_t>(S.flags_arg)];
        if (f.kind != expr_kind::constant || f.constant.is_null()) return nullptr;
        flags = f.constant.as_string();
    }
    std::string why;
    auto s = compile(p.constant.as_string(), flags, S.case_insensitive, why);
    if (!s) {
        bool option = why.starts_with("invalid regular expression option");
        throw bind_error(
            std::string(option ? sqlstate::invalid_parameter : sqlstate::invalid_regex), why);
    }
    return s;
}

// The pattern of row i: the prepared one, or compiled for the row (an error when bad).
template <shape S>
const regex_state* regex_of(const kernel_call& c, size_t i, std::shared_ptr<regex_state>& tmp) {
    if (c.state) return static_cast<const regex_state*>(c.state);
    std::string_view flags;
    if (S.flags_arg >= 0 && static_cast<size_t>(S.flags_arg) < c.args.size())
        flags = c.strs(static_cast<size_t>(S.flags_arg))[i].view();
    std::string why;
    tmp = compile(c.strs(S.pattern_arg)[i].view(), flags, S.case_insensitive, why);
    if (!tmp)
        c.fail(i,
               why.starts_with("invalid regular expression option") ? sqlstate::invalid_parameter
                                                                    : sqlstate::invalid_regex,
               why);
    return tmp.get();
}

template <shape S, bool negate>
void like_fn(const kernel_call& c) {
    std::shared_ptr<regex_state> tmp;
    for (size_t i = 0; i < c.rows; ++i) {
        c.out->bools()[i] = 0;
        if (!c.row_valid(i)) continue;
        const regex_state* r = regex_of<S>(c, i, tmp);
        if (!r) continue;
        std::string_view s = c.strs(0)[i].view();
        bool m = RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *r->re);
        c.out->bools()[i] = m != negate;
    }
}

// regexp_extract(s, pattern [, group]): group 0 (the default) is the whole match; NULL when
// nothing matches or the group does not exist.
void extract_fn(const kernel_call& c) {
    constexpr shape S{1, -1, false};
    std::shared_ptr<regex_state> tmp;
    c.out->borrow_strings(*c.args[0]);
    re2::StringPiece groups[16];
    for (size_t i = 0; i < c.rows; ++i) {
        if (!c.row_valid(i)) continue;
        const regex_state* r = regex_of<S>(c, i, tmp);
        if (!r) continue;
        int64_t g = c.args.size() > 2 ? c.i64(2)[i] : 0;
        if (g < 0 || g > r->re->NumberOfCapturingGroups() || g >= 16) {
            c.out->set_null(i);
            continue;
        }
        std::string_view s = c.strs(0)[i].view();
        re2::StringPiece text(s.data(), s.size());
        if (!r->re->Match(text, 0, text.size(), RE2::UNANCHORED, groups, static_cast<int>(g) + 1) ||
            groups[g].data() == nullptr) {
            c.out->set_null(i);
            continue;
        }
        std::string_view m = sv(groups[g]);
        c.out->strs()[i] = {m.data(), static_cast<uint32_t>(m.size())};
    }
}

// Postgres' replacement text: \1..\9 groups, \& the whole match, \\ a backslash. RE2 wants
// \0 for the whole match.
std::string rewrite_of(std::string_view r) {
    std::string out;
    for (size_t k = 0; k < r.size(); ++k) {
        if (r[k] == '\\' && k + 1 < r.size()) {
            char n = r[k + 1];
            if (n == '&')
                out += "\\0";
            else if (std::isdigit(static_cast<unsigned char>(n)))
                out += '\\', out += n;
            else if (n == '\\')
                out += "\\\\";
            else
                out += "\\\\", out += n;
            ++k;
        } else if (r[k] == '\\') {
            out += "\\\\";
        } else {
            out += r[k];
        }
    }
    return out;
}

void replace_fn(const kernel_call& c) {
    constexpr shape S{1, 3, false};
    std::shared_ptr<regex_state> tmp;
    std::string buf, rewrite, last_repl;
    bool have_rewrite = false;
    for (size_t i = 0; i < c.rows; ++i) {
        if (!c.row_valid(i)) continue;
        const regex_state* r = regex_of<S>(c, i, tmp);
        if (!r) continue;
        buf.assign(c.strs(0)[i].view());
        std::string_view repl = c.strs(2)[i].view();
        if (!have_rewrite || repl != last_repl) { // a constant replacement converts once
            rewrite = rewrite_of(repl);
            last_repl.assign(repl);
            have_rewrite = true;
        }
        if (r->global)
            RE2::GlobalReplace(&buf, *r->re, rewrite);
        else
            RE2::Replace(&buf, *r->re, rewrite);
        put_string(c, i, buf);
    }
}

} // namespace

void register_regex(function_registry& r) {
    const type_id S = type_id::varchar, B = type_id::boolean, I = type_id::int32;
    auto add = [&](const char* name, std::initializer_list<type_id> p, type_id res, kernel_fn k,
                   prepare_fn prep, bool op = false, std::string doc = {}) {
        function_overload f = make_fn(name, p, res, k, std::move(doc));
        f.prepare = prep;
        f.is_operator = op;
        r.add(std::move(f));
    };
    constexpr shape plain{1, -1, false}, ci{1, -1, true}, flagged{1, 2, false};
    add("regexp_like", {S, S}, B, like_fn<plain, false>, prepare<plain>);
    add("regexp_like", {S, S, S}, B, like_fn<flagged, false>, prepare<flagged>);
    add("~", {S, S}, B, like_fn<plain, false>, prepare<plain>, true);
    add("~*", {S, S}, B, like_fn<ci, false>, prepare<ci>, true);
    add("!~", {S, S}, B, like_fn<plain, true>, prepare<plain>, true);
    add("!~*", {S, S}, B, like_fn<ci, true>, prepare<ci>, true);
    add("regexp_extract", {S, S}, S, extract_fn, prepare<plain>, false,
        "regexp_extract(varchar, pattern varchar [, group integer]) -> varchar (group 0 = whole "
        "match, the default; NULL when no match)");
    add("regexp_extract", {S, S, I}, S, extract_fn, prepare<plain>, false,
        "regexp_extract(varchar, pattern varchar [, group integer]) -> varchar (group 0 = whole "
        "match, the default; NULL when no match)");
    constexpr shape rep{1, 3, false};
    add("regexp_replace", {S, S, S}, S, replace_fn, prepare<rep>);
    add("regexp_replace", {S, S, S, S}, S, replace_fn, prepare<rep>, false,
        "regexp_replace(varchar, pattern, replacement [, flags 'g'/'i']) -> varchar");
}

} // namespace spate::expr
