#include "files/infer_internal.h"

#include "files/values_internal.h"

namespace spate::files::detail {

using columnar::type_id;

void text_column_stats::observe(std::string_view text) {
    ++values;
    if (can_bool) {
        bool b;
        can_bool = fast_bool(text, b);
    }
    if (can_int) {
        int64_t i;
        can_int = fast_i64(text, i);
    }
    if (can_double && !can_int) {
        double d;
        can_double = fast_f64(text, d);
    }
    if (can_timestamp) {
        int64_t t;
        // Bare numbers are not timestamps, though parse_timestamp is lenient about them.
        can_timestamp = text.size() >= 10 && text[4] == '-' && fast_timestamp(text, t);
    }
}

columnar::data_type text_column_stats::type() const {
    if (values == 0) return type_id::varchar;
    if (can_bool) return type_id::boolean;
    if (can_int) return type_id::int64;
    if (can_double) return type_id::float64;
    if (can_timestamp) return type_id::timestamp;
    return type_id::varchar;
}

columnar::data_type json_column_stats::type() const {
    if (values == 0) return type_id::varchar;
    if (seen_nested) return type_id::json;
    bool numbers = seen_int || seen_double;
    if (seen_string) {
        if (!numbers && !seen_bool && strings_are_timestamps) return type_id::timestamp;
        return type_id::varchar;
    }
    if (seen_bool && numbers) return type_id::varchar;
    if (seen_bool) return type_id::boolean;
    if (seen_double) return type_id::float64;
    return type_id::int64;
}

} // namespace spate::files::detail
