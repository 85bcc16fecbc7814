#include "files/format_parser_internal.h"
#include "files/scan_internal.h"
#include "files/values_internal.h"

#include "format/cell_internal.h"

#include <cstring>

#include <emmintrin.h>

#include <fmt/format.h>
#include <simdjson.h>

namespace spate::files::detail {

namespace {

using columnar::type_id;

/// How a field of the file is turned into a value of an output column.
enum class sink : uint8_t { skip, i64, f64, boolean, timestamp, str, other };

/// The bulk CSV parser: walks a whole chunk once, field by field, converting only the
/// projected fields straight into the output columns. Owned by one chunk_parser.
class csv_parser final : public format_parser {
public:
    csv_parser(const file_table& table, std::vector<uint32_t> projection);
    result<void> parse(const chunk& c, columnar::batch& out, parse_stats& stats) override;

private:
    struct target {
        sink kind = sink::skip;
        uint32_t out = 0;    ///< output column index
        uint32_t column = 0; ///< table column index
    };
    /// Appends `text` to the target column; false with `_why` set when it does not convert.
    bool convert(const target& t, std::string_view text, bool quoted, columnar::column& col);
    /// Counts the records of a one-column chunk without quotes (count(*)): its non-blank lines.
    static uint64_t count_lines(std::string_view s);

    uint32_t _fields = 0;         ///< fields per record (columns without filename)
    std::vector<target> _targets; ///< one per field of the file
    int _filename_out = -1;       ///< output index of the filename column, or -1
    bool _has_strings = false;    ///< some projected field goes to a varchar/json column
    bool _count_only = false;
    bool _check_utf8 = false; ///< this chunk failed the whole-chunk UTF-8 check
    uint8_t _stop[256] = {};  ///< bytes ending an unquoted field
    std::string _scratch;     ///< a quoted field with its doubled quotes undone
    std::string _why;
};

csv_parser::csv_parser(const file_table& table, std::vector<uint32_t> projection)
    : format_parser(table, std::move(projection)) {
    _fields = uint32_t(table.columns.size() - (table.options.filename ? 1 : 0));
    _targets.resize(_fields);
    for (uint32_t o = 0; o < _projection.size(); ++o) {
        uint32_t i = _projection[o];
        if (int(i) == filename_column()) {
            _filename_out = int(o);
            continue;
        }
        target& t = _targets[i];
        t.out = o;
        t.column = i;
        switch (table.columns[i].type.id) {
        case type_id::int64: t.kind = sink::i64; break;
        case type_id::float64: t.kind = sink::f64; break;
        case type_id::boolean: t.kind = sink::boolean; break;
        case type_id::timestamp: t.kind = sink::timestamp; break;
        case type_id::varchar:
        case type_id::json:
            t.kind = sink::str;
            _has_strings = true;
            break;
        default: t.kind = sink::other; break;
        }
    }
    _count_only = _projection.empty();
    _stop[uint8_t(table.options.delimiter)] = 1;
    _stop[uint8_t('\n')] = 1;
}

bool csv_parser::convert(const target& t, std::string_view text, bool quoted,
                         columnar::column& col) {
    if (!quoted && text == _table.options.null_string) {
        col.push_null();
        return true;
    }
    switch (t.kind) {
    case sink::i64: {
        int64_t v;
        if (fast_i64(text, v)) {
            col.push_i64(v);
            return true;
        }
        break;
    }
    case sink::f64: {
        double v;
        if (fast_f64(text, v)) {
            col.push_f64(v);
            return true;
        }
        break;
    }
    case sink::boolean: {
        bool v;
        if (fast_bool(text, v)) {
            col.push_bool(v);
            return true;
        }
        break;
    }
    case sink::timestamp: {
        int64_t v;
        if (fast_timestamp(text, v)) {
            col.push_i64(v);
            return true;
        }
        break;
    }
    case sink::str:
        if (_check_utf8 && !simdjson::validate_utf8(text.data(), text.size())) {
            _why = "invalid UTF-8";
            return false;
        }
        col.push_string(text);
        return true;
    case sink::other:
    case sink::skip: break;
    }
    // The less common forms and types: format's conversions.
    format::detail::cell cell;
    const format::field_spec& spec = _table.columns[t.column];
    if (!format::detail::text_to_cell(spec.type, text, spec.name, false, cell, _why)) {
        _why = fmt::format(
            "\"{}{}\" is not {} {}", format::detail::clip(text),
            format::detail::clip(text).size() < text.size() ? "..." : "",
            spec.type.id == type_id::int32 || spec.type.id == type_id::interval ? "an" : "a",
            type_name(spec.type));
        _why += inferred_note(t.column);
        return false;
    }
    switch (col.physical()) {
    case columnar::physical_type::boolean: col.push_bool(cell.i != 0); break;
    case columnar::physical_type::i64: col.push_i64(cell.i); break;
    case columnar::physical_type::f64: col.push_f64(cell.d); break;
    case columnar::physical_type::str: col.push_string(cell.s); break;
    }
    return true;
}

uint64_t csv_parser::count_lines(std::string_view s) {
    if (s.empty()) return 0;
    // Without blank lines the records are the line breaks (and a last line without one).
    bool blank = s.front() == '\n' || s.starts_with("\r\n") || s == "\r" || s.ends_with("\n\r") ||
                 has_blank_line(s);
    if (!blank) return count_newlines(s) + (s.back() != '\n');
    uint64_t n = 0;
    const char* p = s.data();
    const char* end = p + s.size();
    while (p < end) {
        const char* nl = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
        const char* stop = nl ? nl : end;
        size_t len = size_t(stop - p);
        if (len > 1 || (len == 1 && *p != '\r')) ++n;
        p = nl ? nl + 1 : end;
    }
    return n;
}

result<void> csv_parser::parse(const chunk& c, columnar::batch& out, parse_stats& stats) {
    const read_options& o = _table.options;
    const char* const begin = c.bytes.data();
    const char* const end = begin + c.bytes.size();
    const char q = o.quote;
    const char delim = o.delimiter;
    const __m128i vdelim = _mm_set1_epi8(delim);
    const __m128i vnl = _mm_set1_epi8('\n');
    // count(*) of a one-column file without quotes only counts lines; with more columns every
    // record's field count is still checked (a ragged row is an error whatever is read).
    if (_count_only && _fields == 1 && _filename_out < 0 &&
        !std::memchr(begin, q, c.bytes.size())) {
        uint64_t n = count_lines(c.bytes);
        out.rows += n;
        stats.rows += n;
        return ok();
    }
    _check_utf8 = _has_strings && !simdjson::validate_utf8(begin, c.bytes.size());
    columnar::string_ref fname{};
    if (_filename_out >= 0)
        fname = out.columns[size_t(_filename_out)]->heap().add(_table.files[c.file]);

    const char* p = begin;
    while (p < end) {
        // Blank lines are skipped.
        if (*p == '\n') {
            ++p;
            continue;
        }
        if (*p == '\r' && (p + 1 == end || p[1] == '\n')) {
            p += p + 1 == end ? 1 : 2;
            continue;
        }
        const char* record = p;
        uint32_t f = 0;
        const char* bad_at = nullptr; // where the first bad field starts
        std::string bad_why;
        bool column_error = false;
        for (;;) {
            const char* fs = p;
            std::string_view text;
            bool quoted = false;
            if (p < end && *p == q) {
                quoted = true;
                const char* s = p + 1;
                bool doubled = false;
                const char* close = nullptr;
                for (;;) {
                    close = static_cast<const char*>(std::memchr(s, q, size_t(end - s)));
                    if (!close || close + 1 >= end || close[1] != q) break;
                    doubled = true;
                    s = close + 2;
                }
                if (!close) {
                    if (!bad_at) {
                        bad_at = fs;
                        bad_why = "unterminated quoted field";
                    }
                    p = end;
                    break;
                }
                text = std::string_view(fs + 1, size_t(close - fs - 1));
                if (doubled) {
                    _scratch.clear();
                    for (size_t i = 0; i < text.size(); ++i) {
                        _scratch.push_back(text[i]);
                        if (text[i] == q) ++i;
                    }
                    text = _scratch;
                }
                p = close + 1;
                if (p + 1 < end && *p == '\r' && p[1] == '\n') ++p;
                if (p < end && *p != delim && *p != '\n') {
                    if (!bad_at) {
                        bad_at = p;
                        bad_why = "unexpected text after a closing quote";
                    }
                    const char* nl =
                        static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
                    p = nl ? nl + 1 : end;
                    break;
                }
            } else {
                // 16 bytes at a time while they are there, then byte by byte.
                for (;;) {
                    if (p + 16 > end) {
                        while (p < end && !_stop[uint8_t(*p)])
                            ++p;
                        break;
                    }
                    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
                    unsigned m = unsigned(_mm_movemask_epi8(
                        _mm_or_si128(_mm_cmpeq_epi8(v, vdelim), _mm_cmpeq_epi8(v, vnl))));
                    if (m) {
                        p += __builtin_ctz(m);
                        break;
                    }
                    p += 16;
                }
                const char* fe = p;
                if (fe > fs && fe[-1] == '\r' && (p == end || *p == '\n')) --fe;
                text = std::string_view(fs, size_t(fe - fs));
            }
            if (f < _fields && !bad_at) {
                const target& t = _targets[f];
                if (t.kind != sink::skip && !convert(t, text, quoted, *out.columns[t.out])) {
                    bad_at = fs;
                    bad_why =
                        fmt::format(" (column \"{}\"): {}", _table.columns[t.column].name, _why);
                    column_error = true;
                }
            }
            ++f;
            if (p < end && *p == delim) {
                ++p;
                continue;
            }
            if (p < end) ++p; // the line break
            break;
        }
        if (bad_at || f != _fields) {
            std::string message;
            if (bad_at) {
                size_t pos = size_t(bad_at - begin);
                message = column_error ? where(c, pos, true) + bad_why
                                       : where(c, pos, true) + ": " + bad_why;
            } else {
                message = fmt::format("{}: expected {} fields, got {}",
                                      where(c, size_t(record - begin), false), _fields, f);
            }
            auto r = bad_record(std::move(message), out, stats);
            if (!r) return r;
            continue;
        }
        if (_filename_out >= 0) out.columns[size_t(_filename_out)]->push_string_ref(fname);
        ++out.rows;
        ++stats.rows;
    }
    return ok();
}

} // namespace

std::unique_ptr<format_parser> make_csv_parser(const file_table& table,
                                               std::vector<uint32_t> projection) {
    return std::make_unique<csv_parser>(table, std::move(projection));
}

} // namespace spate::files::detail
