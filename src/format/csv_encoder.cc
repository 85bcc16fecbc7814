#include "format/encoder.h"

#include "columnar/text_format.h"
#include "format/text_out_internal.h"

#include <cassert>
#include <cmath>

namespace spate::format {

using columnar::type_id;

csv_encoder::csv_encoder(std::vector<std::string> names, std::vector<columnar::data_type> types,
                         csv_options options)
    : _names(std::move(names)), _types(std::move(types)), _options(std::move(options)) {
    assert(_names.size() == _types.size());
}

namespace {

/// Appends `s` as one CSV field, quoted when it must be.
void append_field(std::string_view s, const csv_options& o, bool is_string, std::string& out) {
    bool quote = (is_string && (s.empty() || s == o.null_string));
    for (char c : s)
        if (c == o.delimiter || c == o.quote || c == '\n' || c == '\r') quote = true;
    if (!quote) {
        out.append(s);
        return;
    }
    out.push_back(o.quote);
    for (char c : s) {
        if (c == o.quote) out.push_back(o.quote);
        out.push_back(c);
    }
    out.push_back(o.quote);
}

/// Quotes the field that starts at out[start] (written by a number or time formatter) when it
/// holds a special character or reads as NULL.
void quote_tail(std::string& out, size_t start, const csv_options& o) {
    std::string_view s(out.data() + start, out.size() - start);
    bool quote = !o.null_string.empty() && s == o.null_string;
    for (char c : s)
        if (c == o.delimiter || c == o.quote || c == '\n' || c == '\r') quote = true;
    if (!quote) return;
    std::string copy(s);
    out.resize(start);
    append_field(copy, o, true, out);
}

} // namespace

void csv_encoder::encode(const columnar::batch& b, size_t row, std::string& out) const {
    assert(b.columns.size() == _types.size() && row < b.rows);
    for (size_t c = 0; c < _types.size(); ++c) {
        if (c) out.push_back(_options.delimiter);
        const columnar::column& col = *b.columns[c];
        if (col.is_null(row)) {
            out.append(_options.null_string);
            continue;
        }
        size_t start = out.size();
        switch (_types[c].id) {
        case type_id::boolean: out.append(col.bools()[row] ? "true" : "false"); break;
        case type_id::int32:
        case type_id::int64: detail::append_i64(col.i64()[row], out); break;
        case type_id::decimal:
            columnar::append_decimal_text(col.i64()[row], _types[c].scale, out);
            break;
        case type_id::float64: {
            double v = col.f64()[row];
            if (std::isfinite(v))
                detail::append_shortest_double(v, out);
            else
                columnar::append_double_text(v, out);
            break;
        }
        case type_id::timestamp: detail::append_timestamp_millis(col.i64()[row], out); break;
        case type_id::interval: columnar::append_interval_text(col.i64()[row], out); break;
        case type_id::varchar:
        case type_id::json: append_field(col.strs()[row].view(), _options, true, out); continue;
        case type_id::null: break;
        }
        quote_tail(out, start, _options);
    }
}

void csv_encoder::encode_batch(const columnar::batch& b, std::vector<std::string>& out) const {
    out.resize(b.rows);
    for (size_t r = 0; r < b.rows; ++r) {
        out[r].clear();
        encode(b, r, out[r]);
    }
}

std::string csv_encoder::header() const {
    std::string out;
    for (size_t c = 0; c < _names.size(); ++c) {
        if (c) out.push_back(_options.delimiter);
        append_field(_names[c], _options, true, out);
    }
    return out;
}

} // namespace spate::format
