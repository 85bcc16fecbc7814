// Files as tables: FROM 'data.csv' and read_csv / read_json / read_text with their options.

#include "base/ascii.h"
#include "files/files.h"
#include "plan/binder_internal.h"
#include "sql/parser.h"

#include <fmt/format.h>

#include <algorithm>

namespace spate::plan::detail {

namespace {

bool ends_with(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

/// The format a path's extension names (compression suffixes looked through).
files::file_format format_of_path(std::string_view path, bool& tab) {
    std::string p = ascii_lower(std::string(path));
    for (const char* z : {".gz", ".gzip", ".zst", ".zstd"})
        if (ends_with(p, z)) p.resize(p.size() - std::string_view(z).size());
    tab = ends_with(p, ".tsv") || ends_with(p, ".tab");
    if (ends_with(p, ".json") || ends_with(p, ".ndjson") || ends_with(p, ".jsonl"))
        return files::file_format::json;
    if (ends_with(p, ".txt") || ends_with(p, ".text") || ends_with(p, ".log") ||
        ends_with(p, ".md"))
        return files::file_format::text;
    return files::file_format::csv;
}

char one_char(const file_arg& a) {
    const std::string& s = a.value.as_string();
    if (s == "\\t") return '\t';
    if (s.size() != 1)
        fail("22023", fmt::format("{} must be one character, not '{}'", a.name, s), a.pos);
    return s[0];
}

/// `a bigint, b decimal(10,2), "Name" text` as fields.
std::vector<format::field_spec> parse_columns(const file_arg& a) {
    const std::string& text = a.value.as_string();
    std::vector<format::field_spec> out;
    size_t depth = 0, start = 0;
    auto one = [&](std::string_view piece) {
        size_t b = piece.find_first_not_of(" \t\n");
        if (b == std::string_view::npos)
            fail("22023", fmt::format("{} has an empty column definition", a.name), a.pos);
        piece = piece.substr(b);
        std::string name;
        size_t rest = 0;
        if (piece[0] == '"') {
            size_t e = piece.find('"', 1);
            if (e == std::string_view::npos)
                fail("22023", fmt::format("{}: unterminated quoted name", a.name), a.pos);
            name = std::string(piece.substr(1, e - 1));
            rest = e + 1;
        } else {
            rest = piece.find_first_of(" \t\n");
            if (rest == std::string_view::npos)
                fail("22023",
                     fmt::format("{}: column \"{}\" has no type (write 'name type, ...')", a.name,
                                 piece),
                     a.pos);
            name = ascii_lower(std::string(piece.substr(0, rest)));
        }
        std::string type(piece.substr(rest));
        try {
            auto e = sql::parse_expression("CAST(NULL AS " + type + ")");
            if (e->kind != sql::expr_kind::cast) throw sql::sql_error("42601", "not a type", {});
            out.push_back({name, resolve_type(e->as<sql::cast_expr>().type)});
        } catch (const sql::sql_error& err) {
            fail("22023",
                 fmt::format("{}: column \"{}\" has a bad type \"{}\": {}", a.name, name, type,
                             err.what()),
                 a.pos);
        }
    };
    for (size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || (text[i] == ',' && depth == 0)) {
            one(std::string_view(text).substr(start, i - start));
            start = i + 1;
        } else if (text[i] == '(') {
            ++depth;
        } else if (text[i] == ')' && depth) {
            --depth;
        }
    }
    return out;
}

void apply_option(files::read_options& o, const file_arg& a) {
    const auto& n = a.name;
    auto want = [&](columnar::type_id t, const char* what) {
        if (a.value.is_null() || a.value.type.id != t)
            fail("22023", fmt::format("{} must be {}", n, what), a.pos);
    };
    auto want_text = [&] {
        if (a.value.is_null() || !a.value.type.is_string())
            fail("22023", fmt::format("{} must be a string", n), a.pos);
    };
    auto want_count = [&]() -> int64_t {
        if (a.value.is_null() || !a.value.type.is_integer() || a.value.as_i64() < 0)
            fail("22023", fmt::format("{} must be a whole number >= 0", n), a.pos);
        return a.value.as_i64();
    };
    bool csv = o.format == files::file_format::csv;
    auto csv_only = [&] {
        if (!csv) fail("42883", fmt::format("{} is an option of read_csv only", n), a.pos);
    };
    if (n == "header") {
        csv_only();
        want(columnar::type_id::boolean, "true or false");
        o.header = a.value.as_bool();
    } else if (n == "delim" || n == "delimiter" || n == "sep") {
        csv_only();
        want_text();
        o.delimiter = one_char(a);
    } else if (n == "quote") {
        csv_only();
        want_text();
        o.quote = one_char(a);
    } else if (n == "nullstr" || n == "null") {
        csv_only();
        want_text();
        o.null_string = a.value.as_string();
    } else if (n == "skip") {
        if (o.format == files::file_format::json)
            fail("42883", "skip is an option of read_csv and read_text", a.pos);
        o.skip = uint64_t(want_count());
    } else if (n == "ignore_errors") {
        want(columnar::type_id::boolean, "true or false");
        o.ignore_errors = a.value.as_bool();
    } else if (n == "sample_size") {
        int64_t v = want_count();
        if (v == 0) fail("22023", "sample_size must be at least 1", a.pos);
        o.sample_rows = size_t(v);
    } else if (n == "all_varchar") {
        want(columnar::type_id::boolean, "true or false");
        o.all_varchar = a.value.as_bool();
    } else if (n == "filename") {
        want(columnar::type_id::boolean, "true or false");
        o.filename = a.value.as_bool();
    } else if (n == "columns") {
        want_text();
        o.columns = parse_columns(a);
    } else if (n == "types" || n == "dtypes") {
        want_text();
        o.types = parse_columns(a);
    } else if (n == "compression") {
        want_text();
        std::string c = ascii_lower(a.value.as_string());
        if (c != "auto" && c != "gzip" && c != "zstd" && c != "none")
            fail("22023", "compression must be 'auto', 'gzip', 'zstd' or 'none'", a.pos,
                 "Compressed files are recognised by their first bytes whatever this says.");
    } else if (n == "format") {
        if (o.format != files::file_format::json)
            fail("42883", "format is an option of read_json only", a.pos);
        want_text();
        std::string f = ascii_lower(a.value.as_string());
        if (f != "auto" && f != "newline_delimited" && f != "array")
            fail("22023", "format must be 'auto', 'newline_delimited' or 'array'", a.pos);
    } else {
        static const std::vector<std::string> known = {
            "header",  "delim",       "quote",    "nullstr", "skip",        "ignore_errors",
            "columns", "sample_size", "filename", "types",   "all_varchar", "compression"};
        auto close = closest_name(n, known);
        fail("42883", fmt::format("unknown option \"{}\" for reading files", n), a.pos,
             close ? fmt::format("Perhaps you meant \"{}\".", *close)
                   : "Options: header, delim, quote, nullstr, skip, ignore_errors, columns, "
                     "types, sample_size, all_varchar, filename, compression.");
    }
}

} // namespace

bool is_file_function(std::string_view name) {
    return name == "read_csv" || name == "read_csv_auto" || name == "read_json" ||
           name == "read_json_auto" || name == "read_ndjson" || name == "read_text";
}

std::shared_ptr<const files::file_table> open_file_table(std::string_view function,
                                                         const std::string& path,
                                                         const std::vector<file_arg>& args,
                                                         sql::source_pos pos) {
    files::read_options o;
    bool tab = false;
    if (function.empty()) {
        o.format = format_of_path(path, tab);
        if (tab) o.delimiter = '\t';
    } else if (function.starts_with("read_csv")) {
        o.format = files::file_format::csv;
        (void)format_of_path(path, tab);
        if (tab) o.delimiter = '\t';
    } else if (function == "read_text") {
        o.format = files::file_format::text;
    } else {
        o.format = files::file_format::json;
    }
    for (const auto& a : args)
        apply_option(o, a);
    auto t = files::open_table(path, std::move(o));
    if (!t) {
        const std::string& m = t.err().message;
        bool missing = m.find("no file matches") != std::string::npos ||
                       m.find("No such file") != std::string::npos;
        fail(missing ? "58P01" : "22P04", m, pos);
    }
    return std::make_shared<const files::file_table>(std::move(t).value());
}

} // namespace spate::plan::detail
