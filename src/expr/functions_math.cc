#include "expr/functions_internal.h"
namespace spate::expr { void register_math(function_registry&) {} }
