#pragma once

#include "columnar/value.h"
#include "plan/catalog_types.h"
#include "plan/dataflow.h"
#include "sql/ast.h"

#include <string_view>
#include <vector>

namespace spate::plan {

/// How a query is planned.
struct bind_options {
    /// Values of $1, $2, ... (already typed by the protocol layer); a parameter past the end is
    /// an untyped NULL (when a statement is only described).
    std::vector<columnar::value> params;
    /// A materialized view or sink (runs forever; no ORDER BY / LIMIT) rather than a bounded
    /// SELECT.
    bool continuous = false;
};

/// Plans a query into a dataflow over the catalog's sources and views. Throws sql::sql_error
/// with the position of the offending part: 42P01 unknown relation, 42703 unknown column (with
/// the names that come close), 42803 grouping errors, 42883 unknown functions, 0A000 what
/// spate does not do yet (joins, subquery expressions, window functions).
dataflow plan_query(const sql::query& q, const catalog_reader& catalog, const bind_options& opt);

/// Keeps only the columns a window table function's rows are used for, before the window
/// repeats each row (HOP repeats it size / slide times): a projection step in front of it.
void prune_before_window(dataflow& d);

/// Reads from files only the columns the first step after the file uses (a file parsed into
/// fewer columns is cheaper): sets file_columns and remaps that step.
void prune_file_columns(dataflow& d);

/// Keeps in a join's state and output only the columns the step after it (its SELECT list or
/// the aggregate's inputs) and its residual condition read.
void prune_join_columns(dataflow& d);

/// Checks a CREATE SOURCE and turns it into a source definition (types, NOT NULL, CHECK,
/// WATERMARK, WITH options). Throws sql::sql_error. `sql_text` is kept as the definition.
source_def plan_source(const sql::create_source_statement& s, std::string_view sql_text);

/// A SQL type name as spate's type; throws sql::sql_error (0A000 / 42704) for unsupported ones.
columnar::data_type resolve_type(const sql::type_name& t);

/// The option keys CREATE SOURCE accepts (for hints).
const std::vector<std::string>& source_option_names();

/// The closest of `candidates` to `name` by edit distance, if close enough to be a likely typo.
std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string>& candidates);

} // namespace spate::plan
