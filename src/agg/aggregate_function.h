#pragma once

#include "columnar/batch.h"
#include "columnar/column.h"
#include "columnar/data_type.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace spate::agg {

/// What finalize() reports: ok, or the SQL error the result hit (SQLSTATE 22003 "bigint out of
/// range" for a sum that no longer fits, 22003 for a percentile outside [0, 1]). Plain value;
/// the strings are static.
struct [[nodiscard]] eval_status {
    const char* sqlstate = nullptr; ///< null when ok
    const char* message = nullptr;

    bool ok() const { return sqlstate == nullptr; }
    static eval_status success() { return {}; }
};

/// One resolved aggregate (e.g. sum(bigint)). Its state is a fixed-size block the operator
/// keeps per group in its own arena (aligned to state_align); functions that need more memory
/// (distinct sets, min/max under retraction, sketches) keep a pointer to heap memory in the
/// block and free it in destroy().
///
/// A plain description, immutable once resolved and shareable between threads; each state block
/// is used by one thread at a time (the operator's).
struct aggregate_function {
    std::string name; ///< lower case: "sum"
    std::vector<columnar::data_type> arg_types;
    columnar::data_type result_type;
    bool distinct = false;
    bool retractable = false; ///< may take change::retract rows
    uint32_t state_size = 0, state_align = 8;
    /// Makes a state for an empty group. Never fails, never allocates.
    void (*init)(std::byte* state, const aggregate_function&) = nullptr;
    /// Frees what the state holds; null when there is nothing to free. The block itself is the
    /// operator's.
    void (*destroy)(std::byte* state) = nullptr;
    /// For i in [0, n): adds (or, when changes[rows[i]] is change::retract, removes) row rows[i]
    /// of the argument columns to the state states[i]. `changes` is indexed like the argument
    /// columns (a batch's changes) and may be null (all inserts); `rows` may be null (row i).
    /// Rows whose argument is NULL are skipped. A retraction on a function that is not
    /// retractable, or of a value never added, is a programmer error.
    void (*update)(std::byte* const* states, const columnar::column* const* args,
                   const uint32_t* rows, const columnar::change* changes, size_t n,
                   const aggregate_function&) = nullptr;
    /// Merges `src` into `dst` (two-phase aggregation across shards); `src` is unchanged. Null
    /// when not supported (the DISTINCT forms).
    void (*merge)(std::byte* dst, const std::byte* src, const aggregate_function&) = nullptr;
    /// Appends the current result to `out` (a column of result_type): NULL for an empty group
    /// except count's 0. When the result cannot be made it appends NULL and returns the error,
    /// which the operator turns into a SQL error.
    eval_status (*finalize)(const std::byte* state, columnar::column& out,
                            const aggregate_function&) = nullptr;
    /// Heap bytes held beyond state_size (state-size metrics); null when always 0.
    size_t (*heap_bytes)(const std::byte* state) = nullptr;
    /// Number of non-NULL input rows currently counted (inserts minus retractions; all rows for
    /// count(*)): a group whose count drops to 0 has no input left. Null when not tracked.
    int64_t (*row_count)(const std::byte* state, const aggregate_function&) = nullptr;

    /// For the DISTINCT forms: the aggregate applied to each distinct value. Null otherwise.
    std::shared_ptr<const aggregate_function> inner;
    /// A constant of the function (the scale factor of avg(decimal)); 0 when unused.
    int64_t param = 0;
};

/// A query-ending binding error: the aggregate does not exist or does not take these argument
/// types. Carries Postgres' SQLSTATE; the SQL layer turns it into an ErrorResponse. Thrown by
/// resolve_aggregate on the binding thread and caught there.
class bind_error : public std::runtime_error {
public:
    bind_error(std::string sqlstate, std::string message, std::string hint = {})
        : std::runtime_error(message), sqlstate(std::move(sqlstate)), message(std::move(message)),
          hint(std::move(hint)) {}

    std::string sqlstate; ///< "42883", "42804", "42725"
    std::string message;
    std::string hint; ///< may be empty
};

/// Whether the rows an aggregate will see can contain retractions. With append_only input,
/// min and max keep only the current extreme instead of a multiset of every value.
enum class input_kind : uint8_t { changelog, append_only };

/// Resolves `name(args)` (name case-insensitive; `distinct` for count(DISTINCT x) etc.). For
/// count(*) `args` is empty. Throws bind_error: 42883 for an unknown aggregate (with similar
/// names as the hint) or no form taking these types, 42725 for an untyped NULL argument where
/// the type matters, 0A000 for DISTINCT with no argument.
aggregate_function resolve_aggregate(std::string_view name,
                                     std::span<const columnar::data_type> args, bool distinct,
                                     input_kind input = input_kind::changelog);
/// Whether `name` (case-insensitive) is an aggregate function.
bool is_aggregate_name(std::string_view name);
/// Every aggregate name, sorted.
std::vector<std::string> aggregate_names();

} // namespace spate::agg
