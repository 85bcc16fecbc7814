#include "pgwire/psql_catalog.h"

namespace spate::pgwire {

bool mentions_catalog(std::string_view sql) {
    return sql.find("pg_catalog") != std::string_view::npos;
}

std::optional<query_result> answer_psql_catalog(std::string_view, std::vector<relation_info>) {
    return std::nullopt;
}

} // namespace spate::pgwire
