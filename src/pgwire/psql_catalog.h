#pragma once

// Answers to the catalog queries psql 15 sends for its \d family, computed from the engine's
// relation list. Recognition is by the distinctive text of each query (psql's queries are
// fixed strings with the user's pattern and relation oids filled in); anything not
// recognised is left to the engine.

#include "pgwire/session_handler.h"
#include "pgwire/types.h"

#include <optional>
#include <string_view>
#include <vector>

namespace spate::pgwire {

/// The oid psql sees for the i-th relation of the list (sorted by name): 16384 + i.
inline constexpr uint32_t first_relation_oid = 16384;

/// When `sql` is one of psql's \d, \dt, \dv, \dm, \d NAME (and \l) catalog queries, its
/// result from `relations`; nullopt otherwise. Pure: no state, safe on any thread.
std::optional<query_result> answer_psql_catalog(std::string_view sql,
                                                std::vector<relation_info> relations);

/// Cheap test whether `sql` could be a catalog query at all (mentions pg_catalog), so the
/// relation list is only fetched for those.
bool mentions_catalog(std::string_view sql);

} // namespace spate::pgwire
