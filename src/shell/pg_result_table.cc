#include "shell/pg_result_table.h"

namespace spate::shell {

pg_result_table::pg_result_table(const PGresult* res)
    : _res(res), _rows(static_cast<size_t>(PQntuples(res))) {
    int columns = PQnfields(res);
    _kinds.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c)
        _kinds.push_back(kind_of_type_oid(PQftype(res, c)));
}

std::string_view pg_result_table::column_name(size_t column) const {
    const char* name = PQfname(_res, static_cast<int>(column));
    return name ? std::string_view(name) : std::string_view();
}

bool pg_result_table::is_null(size_t row, size_t column) const {
    return PQgetisnull(_res, static_cast<int>(row), static_cast<int>(column)) != 0;
}

std::string_view pg_result_table::value(size_t row, size_t column) const {
    int r = static_cast<int>(row);
    int c = static_cast<int>(column);
    return {PQgetvalue(_res, r, c), static_cast<size_t>(PQgetlength(_res, r, c))};
}

} // namespace spate::shell
