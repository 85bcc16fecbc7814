#pragma once

// The statements the protocol layer answers itself, without the SQL engine: SET, SHOW, RESET,
// transaction control, DISCARD ALL and DEALLOCATE.

#include "pgwire/session_handler.h"
#include "pgwire/types.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spate::pgwire {

/// What the connection must do besides sending a session statement's result.
struct session_outcome {
    pg_result<query_result> result;
    enum class action { none, deallocate, deallocate_all, discard_all } what = action::none;
    std::string target; ///< the prepared statement DEALLOCATE names
    /// Reported parameters whose value changed: sent as ParameterStatus.
    std::vector<std::pair<std::string, std::string>> changed;
};

/// A session's settings (the parameter map SET/SHOW work on) and transaction status. spate
/// applies each statement at once; the transaction status only mirrors what Postgres would
/// report ('I' idle, 'T' in a block, 'E' in a failed block), so that clients that wrap their
/// work in BEGIN/COMMIT (psycopg2) behave. Owned by one connection, on its shard.
class session_state {
public:
    /// Defaults, with the startup packet's parameters (user, database, application_name,
    /// options are applied where known; others are ignored).
    explicit session_state(const session_info& who,
                           const std::vector<std::pair<std::string, std::string>>& startup = {});

    /// The parameters sent as ParameterStatus after authentication (display name, value).
    std::vector<std::pair<std::string, std::string>> reported() const;
    /// 'I', 'T' or 'E' for ReadyForQuery.
    char tx_status() const { return _tx; }

    /// When `sql` is a session statement, runs it and returns its outcome; nullopt otherwise
    /// (the statement goes to the engine).
    std::optional<session_outcome> try_run(std::string_view sql);
    /// In a failed block every statement but ROLLBACK/ABORT/COMMIT/END (and ROLLBACK TO) is
    /// refused: returns the 25P02 error for `sql`, or nullopt if it may run.
    std::optional<pg_error> refuse_in_failed_block(std::string_view sql) const;
    /// A statement failed: inside a block the block becomes failed.
    void on_error() {
        if (_tx == 'T') _tx = 'E';
    }
    /// The current value of a setting (any case), nullopt if there is none.
    std::optional<std::string> get(std::string_view name) const;

private:
    struct setting {
        std::string display; ///< the name as SHOW's column and ParameterStatus print it
        std::string value;
        std::string default_value;
        bool reported = false;
    };
    pg_result<query_result> set(std::string name, std::string value,
                                std::vector<std::pair<std::string, std::string>>& changed);
    pg_result<query_result> show(const std::string& name) const;

    std::map<std::string, setting> _settings; ///< by lower-case name
    char _tx = 'I';
};

/// The leading keywords of a statement, upper-cased, skipping whitespace and comments
/// ("  /* x */ begin;" -> {"BEGIN"}); at most `n` of them. Exposed for the catalog matcher.
std::vector<std::string> leading_keywords(std::string_view sql, size_t n);

} // namespace spate::pgwire
