#include "format/csv_decoder.h"

#include "format/cell_internal.h"

#include <cassert>

#include <fmt/format.h>

namespace spate::format {

using detail::cell;
using detail::clip;

csv_decoder::csv_decoder(std::vector<field_spec> fields, csv_options options)
    : _fields(std::move(fields)), _options(std::move(options)), _cells(_fields.size()) {}

csv_decoder::~csv_decoder() = default;

bool csv_decoder::decode_one(std::string_view record, std::string& why) {
    if (record.ends_with('\n')) record.remove_suffix(1);
    if (record.ends_with('\r')) record.remove_suffix(1);
    // Quoted text is copied here without its quotes; reserving the record's size up front keeps
    // the views into it valid while the row is built.
    _unquoted.clear();
    _unquoted.reserve(record.size());
    const char delim = _options.delimiter, quote = _options.quote;
    size_t count = 0, pos = 0;
    const size_t n = record.size();
    auto field_name = [&](size_t i) -> std::string_view {
        return i < _fields.size() ? std::string_view(_fields[i].name) : std::string_view();
    };
    while (true) {
        std::string_view text;
        bool quoted = false;
        if (pos < n && record[pos] == quote) {
            quoted = true;
            size_t start = _unquoted.size();
            size_t open = pos++;
            while (true) {
                if (pos >= n) {
                    why = fmt::format("field {} (\"{}\"): the quote at byte {} is never closed",
                                      count + 1, clip(field_name(count)), open);
                    return false;
                }
                char c = record[pos++];
                if (c != quote) {
                    _unquoted.push_back(c);
                } else if (pos < n && record[pos] == quote) {
                    _unquoted.push_back(quote);
                    ++pos;
                } else {
                    break;
                }
            }
            if (pos < n && record[pos] != delim) {
                why = fmt::format("field {} (\"{}\"): unexpected character after the closing "
                                  "quote at byte {}",
                                  count + 1, clip(field_name(count)), pos);
                return false;
            }
            text = std::string_view(_unquoted).substr(start);
        } else {
            size_t start = pos;
            while (pos < n && record[pos] != delim) {
                char c = record[pos];
                if (c == '\n' || c == '\r') {
                    why = fmt::format("a record holds one CSV line, but there is a line break at "
                                      "byte {}",
                                      pos);
                    return false;
                }
                if (c == quote) {
                    why = fmt::format("field {} (\"{}\"): a quote inside an unquoted field at "
                                      "byte {}",
                                      count + 1, clip(field_name(count)), pos);
                    return false;
                }
                ++pos;
            }
            text = record.substr(start, pos - start);
        }
        if (count < _fields.size()) {
            cell& c = _cells[count];
            c = cell{};
            const field_spec& f = _fields[count];
            if (!quoted && text == _options.null_string) {
                c.st = cell::state::null;
            } else if (!detail::text_to_cell(f.type, text, f.name, false, c, why)) {
                return false;
            }
        }
        ++count;
        if (pos >= n) break;
        ++pos; // the delimiter
    }
    if (count != _fields.size()) {
        why = fmt::format("expected {} fields, got {}", _fields.size(), count);
        return false;
    }
    return true;
}

size_t csv_decoder::decode(std::span<const std::string_view> records, columnar::batch& out,
                           std::vector<record_error>& errors) {
    assert(out.columns.size() == _fields.size());
    for (auto& c : out.columns)
        c->reserve(c->size() + records.size());
    size_t added = 0;
    for (size_t i = 0; i < records.size(); ++i) {
        if (!decode_one(records[i], _why)) {
            errors.push_back(record_error{uint32_t(i), _why});
            continue;
        }
        detail::push_row(_cells, out);
        ++added;
    }
    return added;
}

} // namespace spate::format
