#include "columnar/data_type.h"

#include <fmt/format.h>

namespace spate::columnar {

std::string data_type::to_string() const {
    switch (id) {
    case type_id::null: return "unknown";
    case type_id::boolean: return "boolean";
    case type_id::int32: return "integer";
    case type_id::int64: return "bigint";
    case type_id::float64: return "double precision";
    case type_id::decimal: return fmt::format("numeric({},{})", precision, scale);
    case type_id::varchar: return "varchar";
    case type_id::timestamp: return "timestamp(3)";
    case type_id::interval: return "interval";
    case type_id::json: return "json";
    }
    return "unknown";
}

} // namespace spate::columnar
