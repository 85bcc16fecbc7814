#include "expr/functions_internal.h"
namespace spate::expr { void register_regex(function_registry&) {} }
