#pragma once

#include <string_view>

namespace spate::app {

/// "spate 0.1.0 (abc1234)": the release and the commit it was built from.
std::string_view version_string();

} // namespace spate::app
