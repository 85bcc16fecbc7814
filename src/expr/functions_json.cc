// JSON access on type json (the document's text): -> and ->> by key or index, #> and #>> by
// path, json_typeof. Each document is parsed once per call with simdjson.

#include "expr/functions_internal.h"
#include "expr/json_internal.h"

#include <fmt/format.h>

#include <charconv>
#include <vector>

namespace spate::expr {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Steps one level into `e` by a key or, for arrays, an index written as text.
bool step_text(element& e, std::string_view key) {
    if (e.type() == element_type::OBJECT) {
        auto r = e.get_object().at_key(key);
        if (r.error()) return false;
        e = r.value();
        return true;
    }
    if (e.type() == element_type::ARRAY) {
        int64_t idx = 0;
        auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), idx);
        if (ec != std::errc() || p != key.data() + key.size()) return false;
        auto arr = e.get_array().value();
        int64_t n = static_cast<int64_t>(arr.size());
        if (idx < 0) idx += n;
        if (idx < 0 || idx >= n) return false;
        e = arr.at(static_cast<size_t>(idx)).value();
        return true;
    }
    return false;
}

bool step_index(element& e, int64_t idx) {
    if (e.type() != element_type::ARRAY) return false;
    auto arr = e.get_array().value();
    int64_t n = static_cast<int64_t>(arr.size());
    if (idx < 0) idx += n;
    if (idx < 0 || idx >= n) return false;
    e = arr.at(static_cast<size_t>(idx)).value();
    return true;
}

// Writes `e` as json text or, for ->>, as text (strings unquoted, null -> SQL NULL).
void emit(const kernel_call& c, size_t i, const element& e, bool as_text) {
    if (as_text) {
        if (e.type() == element_type::NULL_VALUE) return c.out->set_null(i);
        if (e.type() == element_type::STRING) return put_string(c, i, e.get_string().value());
    }
    put_string(c, i, simdjson::minify(e));
}

bool parse_doc(const kernel_call& c, size_t i, json_reader& reader, element& out) {
    auto doc = reader.parse(c.strs(0)[i].view());
    if (doc.error()) {
        c.fail(i, sqlstate::invalid_text,
               fmt::format("invalid input syntax for type json: \"{}\"", c.strs(0)[i].view()));
        return false;
    }
    out = doc.value();
    return true;
}

template <bool as_text, bool by_index>
void get_fn(const kernel_call& c) {
    json_reader reader;
    for (size_t i = 0; i < c.rows; ++i) {
        if (!c.row_valid(i)) continue;
        element e;
        if (!parse_doc(c, i, reader, e)) continue;
        bool found = by_index ? step_index(e, c.i64(1)[i]) : step_text(e, c.strs(1)[i].view());
        if (!found)
            c.out->set_null(i);
        else
            emit(c, i, e, as_text);
    }
}

// A Postgres text-array path: '{a,b,0}' (or a bare 'a').
std::vector<std::string_view> path_of(std::string_view p) {
    std::vector<std::string_view> out;
    if (p.size() >= 2 && p.front() == '{' && p.back() == '}') p = p.substr(1, p.size() - 2);
    if (p.empty()) return out;
    size_t at = 0;
    while (true) {
        size_t k = p.find(',', at);
        std::string_view part = p.substr(at, k == std::string_view::npos ? p.npos : k - at);
        while (!part.empty() && part.front() == ' ')
            part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ')
            part.remove_suffix(1);
        if (part.size() >= 2 && part.front() == '"' && part.back() == '"')
            part = part.substr(1, part.size() - 2);
        out.push_back(part);
        if (k == std::string_view::npos) break;
        at = k + 1;
    }
    return out;
}

template <bool as_text>
void path_fn(const kernel_call& c) {
    json_reader reader;
    for (size_t i = 0; i < c.rows; ++i) {
        if (!c.row_valid(i)) continue;
        element e;
        if (!parse_doc(c, i, reader, e)) continue;
        bool found = true;
        for (std::string_view k : path_of(c.strs(1)[i].view()))
            if (!(found = step_text(e, k))) break;
        if (!found)
            c.out->set_null(i);
        else
            emit(c, i, e, as_text);
    }
}

void typeof_fn(const kernel_call& c) {
    json_reader reader;
    for (size_t i = 0; i < c.rows; ++i) {
        if (!c.row_valid(i)) continue;
        element e;
        if (!parse_doc(c, i, reader, e)) continue;
        const char* t = "null";
        switch (e.type()) {
        case element_type::OBJECT: t = "object"; break;
        case element_type::ARRAY: t = "array"; break;
        case element_type::STRING: t = "string"; break;
        case element_type::INT64:
        case element_type::UINT64:
        case element_type::DOUBLE: t = "number"; break;
        case element_type::BOOL: t = "boolean"; break;
        case element_type::NULL_VALUE: t = "null"; break;
        }
        put_string(c, i, t);
    }
}

} // namespace

void register_json(function_registry& r) {
    const type_id J = type_id::json, S = type_id::varchar, I = type_id::int32;
    auto op = [&](const char* n, std::initializer_list<type_id> p, type_id res, kernel_fn k) {
        function_overload f = make_fn(n, p, res, k);
        f.is_operator = true;
        r.add(std::move(f));
    };
    op("->", {J, S}, J, get_fn<false, false>);
    op("->", {J, I}, J, get_fn<false, true>);
    op("->>", {J, S}, S, get_fn<true, false>);
    op("->>", {J, I}, S, get_fn<true, true>);
    op("#>", {J, S}, J, path_fn<false>);
    op("#>>", {J, S}, S, path_fn<true>);
    r.add(make_fn("json_typeof", {J}, S, typeof_fn));
}

} // namespace spate::expr
