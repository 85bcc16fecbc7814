#include "columnar/value.h"

#include "columnar/text_format.h"

namespace spate::columnar {

std::string value::to_string() const {
    if (is_null()) return "NULL";
    std::string out;
    switch (type.id) {
    case type_id::boolean: return as_bool() ? "t" : "f";
    case type_id::int32:
    case type_id::int64: return std::to_string(as_i64());
    case type_id::decimal: append_decimal_text(as_i64(), type.scale, out); return out;
    case type_id::timestamp: append_timestamp_text(as_i64(), out); return out;
    case type_id::interval: append_interval_text(as_i64(), out); return out;
    case type_id::float64: append_double_text(as_f64(), out); return out;
    case type_id::varchar:
    case type_id::json: return as_string();
    case type_id::null: return "NULL";
    }
    return out;
}

value value_at(const column& c, size_t row) {
    if (c.is_null(row)) return value::null(c.type());
    switch (c.physical()) {
    case physical_type::boolean: return {c.type(), c.bools()[row] != 0};
    case physical_type::i64: return {c.type(), c.i64()[row]};
    case physical_type::f64: return {c.type(), c.f64()[row]};
    case physical_type::str: return {c.type(), std::string(c.strs()[row].view())};
    }
    return value::null(c.type());
}

void append_value(column& c, const value& v) {
    if (v.is_null()) {
        c.push_null();
        return;
    }
    switch (c.physical()) {
    case physical_type::boolean: c.push_bool(v.as_bool()); break;
    case physical_type::i64: c.push_i64(v.as_i64()); break;
    case physical_type::f64: c.push_f64(v.as_f64()); break;
    case physical_type::str: c.push_string(v.as_string()); break;
    }
}

} // namespace spate::columnar
