#pragma once

#include "shell/result_format.h"

#include <libpq-fe.h>

#include <vector>

namespace spate::shell {

/// A libpq query result (PGRES_TUPLES_OK, text format) seen as a `tabular`, without copying
/// it; column kinds come from the type OIDs (PQftype). Borrows the PGresult, which must
/// outlive it. Used by the thread that ran the query.
class pg_result_table final : public tabular {
public:
    explicit pg_result_table(const PGresult* res);

    size_t column_count() const override { return _kinds.size(); }
    size_t row_count() const override { return _rows; }
    std::string_view column_name(size_t column) const override;
    value_kind column_kind(size_t column) const override { return _kinds[column]; }
    bool is_null(size_t row, size_t column) const override;
    std::string_view value(size_t row, size_t column) const override;

private:
    const PGresult* _res;
    size_t _rows;
    std::vector<value_kind> _kinds;
};

} // namespace spate::shell
