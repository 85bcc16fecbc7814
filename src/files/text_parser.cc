#include "files/format_parser_internal.h"

#include <cstring>

#include <simdjson.h>

namespace spate::files::detail {

namespace {

/// One row per line, one varchar column "line" (and maybe "filename"). Owned by one
/// chunk_parser.
class text_parser final : public format_parser {
public:
    text_parser(const file_table& table, std::vector<uint32_t> projection)
        : format_parser(table, std::move(projection)) {
        for (uint32_t o = 0; o < _projection.size(); ++o) {
            if (int(_projection[o]) == filename_column())
                _filename_out = int(o);
            else
                _line_out = int(o);
        }
    }

    result<void> parse(const chunk& c, columnar::batch& out, parse_stats& stats) override {
        const char* const begin = c.bytes.data();
        const char* const end = begin + c.bytes.size();
        // UTF-8 is checked for the whole chunk at once; lines are checked one by one only
        // when that fails.
        bool check = !simdjson::validate_utf8(begin, c.bytes.size());
        columnar::column* line_col =
            _line_out >= 0 ? out.columns[size_t(_line_out)].get() : nullptr;
        columnar::string_ref fname{};
        if (_filename_out >= 0)
            fname = out.columns[size_t(_filename_out)]->heap().add(_table.files[c.file]);
        const char* p = begin;
        while (p < end) {
            const char* nl = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
            const char* stop = nl ? nl : end;
            const char* next = nl ? nl + 1 : end;
            if (stop > p && stop[-1] == '\r') --stop;
            std::string_view line(p, size_t(stop - p));
            if (check && !simdjson::validate_utf8(line.data(), line.size())) {
                auto r =
                    bad_record(where(c, size_t(p - begin), false) + ": invalid UTF-8", out, stats);
                if (!r) return r;
                p = next;
                continue;
            }
            if (line_col) line_col->push_string(line);
            if (_filename_out >= 0) out.columns[size_t(_filename_out)]->push_string_ref(fname);
            ++out.rows;
            ++stats.rows;
            p = next;
        }
        return ok();
    }

private:
    int _line_out = -1;
    int _filename_out = -1;
};

} // namespace

std::unique_ptr<format_parser> make_text_parser(const file_table& table,
                                                std::vector<uint32_t> projection) {
    return std::make_unique<text_parser>(table, std::move(projection));
}

} // namespace spate::files::detail
