#pragma once

#include "columnar/data_type.h"
#include "expr/bound_expr.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spate::plan {

/// A column of a relation or of an intermediate result. Hidden columns (a source record's
/// partition and offset, carried for late and invalid rows) are not reachable by name and
/// never returned to a client.
struct column_info {
    std::string name;
    columnar::data_type type;
    bool not_null = false;
    bool hidden = false;
};
using schema = std::vector<column_info>;

/// A source: a topic read as a stream of rows of a declared shape. Immutable once created;
/// shared between shards.
struct source_def {
    std::string name;
    schema columns; ///< declared columns (no hidden ones)
    std::string topic;
    std::string format; ///< "json" or "csv"
    std::map<std::string, std::string> options;
    /// WATERMARK FOR column AS expr: the expression over the declared columns whose largest
    /// value so far is a partition's watermark; null when the source has none.
    std::optional<uint32_t> watermark_column;
    expr::bound_expr_ptr watermark;
    /// CHECK constraints (and their text, for the dead-letter reason).
    std::vector<std::pair<expr::bound_expr_ptr, std::string>> checks;
    /// Where invalid records go, and records behind the watermark.
    std::string dead_letter_topic;
    std::string late_topic;
    /// A partition without new records for this long stops holding the watermark back.
    int64_t idle_timeout_ms = 5000;
    std::string sql; ///< the CREATE statement as written
};

struct dataflow;

/// What a materialized view or sink looks like to a query: its name, columns and the dataflow
/// that keeps it (which a continuous query over the view runs as part of its own).
struct relation_shape {
    std::string name;
    schema columns;
    std::shared_ptr<const dataflow> flow;
};

/// What the binder may look up: sources and views by name. Implemented by the engine's
/// catalog; used on the thread that binds.
class catalog_reader {
public:
    virtual ~catalog_reader() = default;
    virtual std::shared_ptr<const source_def> find_source(const std::string& name) const = 0;
    /// A materialized view's columns, or null.
    virtual const relation_shape* find_view(const std::string& name) const = 0;
    /// Every relation name (for "did you mean" hints).
    virtual std::vector<std::string> relation_names() const = 0;
};

} // namespace spate::plan
