#include "files/format_parser_internal.h"

#include "format/json_decoder.h"

#include <charconv>
#include <cstring>

#include <fmt/format.h>
#include <simdjson.h>

namespace spate::files::detail {

namespace {

/// NDJSON (one object per line, blank lines skipped) or one top-level array of objects (the
/// whole file in one chunk), decoded by format's json_decoder into the projected columns.
/// Owned by one chunk_parser.
class json_parser final : public format_parser {
public:
    json_parser(const file_table& table, std::vector<uint32_t> projection)
        : format_parser(table, std::move(projection)), _decoder(decoder_fields()) {
        for (uint32_t o = 0; o < _projection.size(); ++o)
            if (int(_projection[o]) == filename_column()) _filename_out = int(o);
    }

    result<void> parse(const chunk& c, columnar::batch& out, parse_stats& stats) override {
        _records.clear();
        if (c.json_array) {
            auto r = split_array(c);
            if (!r) return bad_record(std::move(r).err().message, out, stats);
        } else {
            split_lines(c.bytes);
        }
        // The decoder fills the projected columns other than filename, in place.
        _view.columns.clear();
        for (uint32_t o = 0; o < _projection.size(); ++o)
            if (int(o) != _filename_out) _view.columns.push_back(out.columns[o]);
        _view.rows = out.rows;
        _errors.clear();
        size_t added = _decoder.decode(_records, _view, _errors);
        if (_filename_out >= 0) {
            columnar::column& fc = *out.columns[size_t(_filename_out)];
            columnar::string_ref fname = fc.heap().add(_table.files[c.file]);
            for (size_t k = 0; k < added; ++k)
                fc.push_string_ref(fname);
        }
        out.rows += added;
        stats.rows += added;
        _view.columns.clear(); // keep no reference to the caller's columns
        for (const format::record_error& e : _errors) {
            auto r = bad_record(message(c, _records[e.index], e.reason), out, stats);
            if (!r) return r;
        }
        return ok();
    }

private:
    std::vector<format::field_spec> decoder_fields() const {
        std::vector<format::field_spec> fields;
        for (uint32_t i : _projection)
            if (int(i) != filename_column()) fields.push_back(_table.columns[i]);
        return fields;
    }

    void split_lines(std::string_view s) {
        size_t pos = 0;
        while (pos < s.size()) {
            size_t nl = s.find('\n', pos);
            size_t stop = nl == std::string_view::npos ? s.size() : nl;
            std::string_view line = s.substr(pos, stop - pos);
            size_t k = 0;
            while (k < line.size() && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r'))
                ++k;
            if (k < line.size()) _records.push_back(line);
            pos = stop + 1;
        }
    }

    /// The elements of a top-level array, as views into the chunk's bytes.
    result<void> split_array(const chunk& c) {
        _padded = simdjson::padded_string(c.bytes);
        namespace od = simdjson::ondemand;
        od::document doc;
        auto where_error = [&](simdjson::error_code e, const char* at) {
            size_t pos = at ? size_t(at - _padded.data()) : 0;
            return error{errc::invalid_request,
                         fmt::format("{}: not valid JSON: {}", where(c, pos, true),
                                     simdjson::error_message(e))};
        };
        if (auto e = _parser.iterate(_padded).get(doc)) return where_error(e, nullptr);
        od::array arr;
        if (auto e = doc.get_array().get(arr)) return where_error(e, nullptr);
        size_t index = 0;
        for (auto el : arr) {
            od::value v;
            if (auto e = el.get(v)) return where_error(e, nullptr);
            od::object obj;
            if (v.get_object().get(obj) != simdjson::SUCCESS) {
                return error{errc::invalid_request,
                             fmt::format("{}: element {} of the array is not a JSON object",
                                         _table.files[c.file], index)};
            }
            std::string_view raw;
            if (auto e = obj.raw_json().get(raw)) return where_error(e, nullptr);
            // The view points into the padded copy; point it at the same bytes of the chunk.
            size_t off = size_t(raw.data() - _padded.data());
            _records.push_back(std::string_view(c.bytes).substr(off, raw.size()));
            ++index;
        }
        return ok();
    }

    /// `path:line:col: reason` for a record's error; the column from " at byte N" when the
    /// reason ends with it.
    std::string message(const chunk& c, std::string_view record, std::string_view reason) const {
        size_t start = size_t(record.data() - c.bytes.data());
        size_t at = reason.rfind(" at byte ");
        if (at != std::string_view::npos) {
            std::string_view num = reason.substr(at + 9);
            size_t n = 0;
            auto r = std::from_chars(num.data(), num.data() + num.size(), n);
            if (r.ec == std::errc() && r.ptr == num.data() + num.size() && n <= record.size())
                return fmt::format("{}: {}", where(c, start + n, true), reason.substr(0, at));
        }
        return fmt::format("{}: {}", where(c, start, false), reason);
    }

    format::json_decoder _decoder;
    int _filename_out = -1;
    std::vector<std::string_view> _records;
    std::vector<format::record_error> _errors;
    columnar::batch _view;
    simdjson::padded_string _padded;
    simdjson::ondemand::parser _parser;
};

} // namespace

std::unique_ptr<format_parser> make_json_parser(const file_table& table,
                                                std::vector<uint32_t> projection) {
    return std::make_unique<json_parser>(table, std::move(projection));
}

} // namespace spate::files::detail
