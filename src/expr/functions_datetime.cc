#include "expr/functions_internal.h"
namespace spate::expr { void register_datetime(function_registry&) {} }
