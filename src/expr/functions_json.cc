#include "expr/functions_internal.h"
namespace spate::expr { void register_json(function_registry&) {} }
