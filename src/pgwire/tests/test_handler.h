#pragma once

// A TEST FIXTURE, not a feature: a session_handler that understands a handful of made-up
// statements so that real clients can exercise the protocol layer in tests.
//
//   SELECT <n> ROWS   n rows of (id int8, name text, score float8, ok bool, ts timestamp,
//                     amount numeric, span interval, nothing text NULL)
//   ECHO $1, $2, ...  one row with the parameters as columns, typed as the parameters
//   FAIL <sqlstate>   an error with that SQLSTATE at position 3, with detail and hint
//   CREATE THING <x>  "CREATE THING", with a notice
//   SLEEP <ms>        waits, then "SLEEP" (for cancel tests)
//   FLOATS            one row of special float8 values
//   THROW             throws (a handler bug: the session must end, the server go on)
//   anything else     42601 syntax error at position 1

#include "pgwire/session_handler.h"

#include <memory>

namespace spate::pgwire::testing {

std::unique_ptr<session_handler> make_test_handler(const session_info& who);
std::vector<relation_info> test_relations();

} // namespace spate::pgwire::testing
