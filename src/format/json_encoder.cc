#include "format/encoder.h"

#include "columnar/text_format.h"
#include "format/text_out_internal.h"

#include <cassert>
#include <cmath>

namespace spate::format {

using columnar::type_id;

json_encoder::json_encoder(std::vector<std::string> names, std::vector<columnar::data_type> types)
    : _types(std::move(types)) {
    assert(names.size() == _types.size());
    _keys.reserve(names.size());
    for (size_t i = 0; i < names.size(); ++i) {
        std::string k = i == 0 ? "{" : ",";
        detail::append_json_string(names[i], k);
        k.push_back(':');
        _keys.push_back(std::move(k));
    }
}

void json_encoder::encode(const columnar::batch& b, size_t row, std::string& out) const {
    assert(b.columns.size() == _types.size() && row < b.rows);
    if (_keys.empty()) {
        out.append("{}");
        return;
    }
    for (size_t c = 0; c < _keys.size(); ++c) {
        out.append(_keys[c]);
        const columnar::column& col = *b.columns[c];
        if (col.is_null(row)) {
            out.append("null");
            continue;
        }
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
                out.append("null");
            break;
        }
        case type_id::timestamp:
            out.push_back('"');
            detail::append_timestamp_millis(col.i64()[row], out);
            out.push_back('"');
            break;
        case type_id::interval:
            out.push_back('"');
            columnar::append_interval_text(col.i64()[row], out);
            out.push_back('"');
            break;
        case type_id::varchar: detail::append_json_string(col.strs()[row].view(), out); break;
        case type_id::json: {
            std::string_view raw = col.strs()[row].view();
            if (raw.empty())
                out.append("null");
            else
                out.append(raw);
            break;
        }
        case type_id::null: out.append("null"); break;
        }
    }
    out.push_back('}');
}

void json_encoder::encode_batch(const columnar::batch& b, std::vector<std::string>& out) const {
    out.resize(b.rows);
    for (size_t r = 0; r < b.rows; ++r) {
        out[r].clear();
        encode(b, r, out[r]);
    }
}

} // namespace spate::format
