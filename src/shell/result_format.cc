#include "shell/result_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <vector>

namespace spate::shell {

result<output_format> parse_output_format(std::string_view text) {
    if (text == "table") return output_format::table;
    if (text == "csv") return output_format::csv;
    if (text == "json") return output_format::json;
    return error::make(errc::invalid_config, "unknown output format '{}' (table, csv or json)",
                       text);
}

std::string_view format_name(output_format format) {
    switch (format) {
    case output_format::table: return "table";
    case output_format::csv: return "csv";
    case output_format::json: return "json";
    }
    return "table";
}

value_kind kind_of_type_oid(uint32_t oid) {
    switch (oid) {
    case 16: return value_kind::boolean; // bool
    case 20:                             // int8
    case 21:                             // int2
    case 23:                             // int4
    case 26:                             // oid
    case 700:                            // float4
    case 701:                            // float8
    case 1700:                           // numeric
        return value_kind::number;
    default: return value_kind::text;
    }
}

size_t display_width(std::string_view utf8) {
    size_t width = 0;
    for (char c : utf8)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
    return width;
}

namespace {

void pad(std::string& out, size_t n) {
    out.append(n, ' ');
}

// The display width of the widest line of `v`.
size_t widest_line(std::string_view v) {
    size_t widest = 0;
    for (;;) {
        auto nl = v.find('\n');
        widest = std::max(widest, display_width(v.substr(0, nl)));
        if (nl == std::string_view::npos) return widest;
        v.remove_prefix(nl + 1);
    }
}

void trim_trailing_spaces(std::string& out, size_t line_start) {
    while (out.size() > line_start && out.back() == ' ')
        out.pop_back();
}

} // namespace

void write_table(const tabular& t, std::string& out) {
    const size_t columns = t.column_count();
    const size_t rows = t.row_count();
    if (columns > 0) {
        std::vector<size_t> widths(columns);
        for (size_t c = 0; c < columns; ++c) {
            widths[c] = display_width(t.column_name(c));
            for (size_t r = 0; r < rows; ++r)
                widths[c] = std::max(widths[c], widest_line(t.value(r, c)));
        }
        size_t line_start = out.size();
        for (size_t c = 0; c < columns; ++c) {
            if (c > 0) out += '|';
            auto name = t.column_name(c);
            size_t space = widths[c] - display_width(name);
            pad(out, 1 + space / 2);
            out += name;
            pad(out, space - space / 2 + 1);
        }
        trim_trailing_spaces(out, line_start);
        out += '\n';
        for (size_t c = 0; c < columns; ++c) {
            if (c > 0) out += '+';
            out.append(widths[c] + 2, '-');
        }
        out += '\n';
        // A value with newlines takes several lines, each but its last ending in '+', as
        // psql shows them; `rest` holds what is left of each value of the row.
        std::vector<std::string_view> rest(columns);
        for (size_t r = 0; r < rows; ++r) {
            for (size_t c = 0; c < columns; ++c)
                rest[c] = t.value(r, c);
            bool more = true;
            while (more) {
                more = false;
                line_start = out.size();
                for (size_t c = 0; c < columns; ++c) {
                    if (c > 0) out += '|';
                    auto nl = rest[c].find('\n');
                    auto v = rest[c].substr(0, nl);
                    bool continues = nl != std::string_view::npos;
                    rest[c] = continues ? rest[c].substr(nl + 1) : std::string_view();
                    more = more || continues;
                    size_t space = widths[c] - display_width(v);
                    out += ' ';
                    if (t.column_kind(c) == value_kind::number) {
                        pad(out, space);
                        out += v;
                    } else {
                        out += v;
                        pad(out, space);
                    }
                    out += continues ? '+' : ' ';
                }
                trim_trailing_spaces(out, line_start);
                out += '\n';
            }
        }
    }
    fmt::format_to(std::back_inserter(out), "({} {})\n", rows, rows == 1 ? "row" : "rows");
}

namespace {

void append_csv_field(std::string_view v, std::string& out) {
    bool quote = v.empty() || v.find_first_of(",\"\r\n") != std::string_view::npos;
    if (!quote) {
        out += v;
        return;
    }
    out += '"';
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

} // namespace

void write_csv(const tabular& t, std::string& out) {
    const size_t columns = t.column_count();
    for (size_t c = 0; c < columns; ++c) {
        if (c > 0) out += ',';
        append_csv_field(t.column_name(c), out);
    }
    out += '\n';
    for (size_t r = 0; r < t.row_count(); ++r) {
        for (size_t c = 0; c < columns; ++c) {
            if (c > 0) out += ',';
            if (!t.is_null(r, c)) append_csv_field(t.value(r, c), out);
        }
        out += '\n';
    }
}

void append_json_string(std::string_view text, std::string& out) {
    out += '"';
    for (char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
                fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
            else
                out += c;
        }
    }
    out += '"';
}

bool is_json_number(std::string_view s) {
    size_t i = 0;
    auto digit = [&](size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
    if (i < s.size() && s[i] == '-') ++i;
    if (!digit(i)) return false;
    if (s[i] == '0') {
        ++i;
    } else {
        while (digit(i))
            ++i;
    }
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (!digit(i)) return false;
        while (digit(i))
            ++i;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (!digit(i)) return false;
        while (digit(i))
            ++i;
    }
    return i == s.size();
}

void write_json(const tabular& t, std::string& out) {
    const size_t columns = t.column_count();
    for (size_t r = 0; r < t.row_count(); ++r) {
        out += '{';
        for (size_t c = 0; c < columns; ++c) {
            if (c > 0) out += ',';
            append_json_string(t.column_name(c), out);
            out += ':';
            auto v = t.value(r, c);
            if (t.is_null(r, c)) {
                out += "null";
            } else if (t.column_kind(c) == value_kind::number && is_json_number(v)) {
                out += v;
            } else if (t.column_kind(c) == value_kind::boolean && (v == "t" || v == "f")) {
                out += v == "t" ? "true" : "false";
            } else {
                append_json_string(v, out);
            }
        }
        out += "}\n";
    }
}

void write_result(const tabular& t, output_format format, std::string& out) {
    switch (format) {
    case output_format::table: write_table(t, out); break;
    case output_format::csv: write_csv(t, out); break;
    case output_format::json: write_json(t, out); break;
    }
}

} // namespace spate::shell
