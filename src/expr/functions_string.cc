#include "expr/functions_internal.h"
namespace spate::expr { void register_string(function_registry&) {} }
