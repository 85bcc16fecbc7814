#include "app/http_json_internal.h"

#include "columnar/text_format.h"

#include <cmath>

namespace spate::app {

using columnar::type_id;
using json = nlohmann::ordered_json;

namespace {

json cell_json(const columnar::column& c, size_t row) {
    if (c.is_null(row)) return nullptr;
    std::string text;
    switch (c.type().id) {
    case type_id::boolean: return c.bools()[row] != 0;
    case type_id::int32:
    case type_id::int64: return c.i64()[row];
    case type_id::float64: {
        double v = c.f64()[row];
        if (std::isfinite(v)) return v;
        columnar::append_double_text(v, text);
        return text;
    }
    case type_id::decimal: {
        // A JSON number keeps the digits as written: parse the decimal's text back.
        columnar::append_decimal_text(c.i64()[row], c.type().scale, text);
        return json::parse(text, nullptr, false);
    }
    case type_id::timestamp: columnar::append_timestamp_text(c.i64()[row], text); return text;
    case type_id::interval: columnar::append_interval_text(c.i64()[row], text); return text;
    case type_id::json: {
        auto sv = c.strs()[row].view();
        auto parsed = json::parse(sv.begin(), sv.end(), nullptr, false);
        if (parsed.is_discarded()) return std::string(sv);
        return parsed;
    }
    case type_id::varchar:
    case type_id::null: return std::string(c.strs()[row].view());
    }
    return nullptr;
}

} // namespace

std::string api_type_name(const columnar::data_type& t) {
    switch (t.id) {
    case type_id::boolean: return "boolean";
    case type_id::int32: return "integer";
    case type_id::int64: return "bigint";
    case type_id::float64: return "double precision";
    case type_id::decimal:
        return "numeric(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
    case type_id::timestamp: return "timestamp";
    case type_id::interval: return "interval";
    case type_id::json: return "json";
    case type_id::varchar:
    case type_id::null: return "text";
    }
    return "text";
}

json row_json(const columnar::batch& rows, size_t row, size_t width) {
    json cells = json::array();
    for (size_t i = 0; i < width; ++i)
        cells.push_back(cell_json(*rows.columns[i], row));
    return cells;
}

json rows_json(const std::vector<plan::column_info>& columns, const columnar::batch& rows) {
    json out = json::object();
    json names = json::array();
    json cells = json::array();
    for (const auto& c : columns)
        names.push_back({{"name", c.name}, {"type", api_type_name(c.type)}});
    size_t width = std::min(columns.size(), rows.columns.size());
    for (size_t row = 0; row < rows.rows; ++row)
        cells.push_back(row_json(rows, row, width));
    out["columns"] = std::move(names);
    out["rows"] = std::move(cells);
    return out;
}

json rows_json(const stream::statement_result& r) {
    if (r.returns_rows) return rows_json(r.columns, r.rows);
    return rows_json({}, columnar::batch{});
}

json statement_json(const stream::statement_result& r) {
    json out = rows_json(r);
    out["tag"] = r.tag;
    out["notices"] = r.notices;
    return out;
}

std::string dump(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

http::response json_ok(const json& j) {
    return http::response::json(200, dump(j));
}

bool valid_utf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        size_t n = c < 0x80             ? 1
                   : (c & 0xE0) == 0xC0 ? 2
                   : (c & 0xF0) == 0xE0 ? 3
                   : (c & 0xF8) == 0xF0 ? 4
                                        : 0;
        if (n == 0 || i + n > s.size()) return false;
        uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
        for (size_t k = 1; k < n; ++k) {
            auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (b & 0x3F);
        }
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return false;
        i += n;
    }
    return true;
}

std::string base64(std::string_view s) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((s.size() + 2) / 3 * 4);
    size_t i = 0;
    auto at = [&](size_t k) { return uint32_t(static_cast<unsigned char>(s[k])); };
    for (; i + 3 <= s.size(); i += 3) {
        uint32_t v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    if (s.size() - i == 1) {
        uint32_t v = at(i) << 16;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += "==";
    } else if (s.size() - i == 2) {
        uint32_t v = (at(i) << 16) | (at(i + 1) << 8);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

std::string quote_ident(std::string_view name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

} // namespace spate::app
