#pragma once

#include <CLI/CLI.hpp>

namespace spate::app {

/// A CLI11 validator for --config: the file must be well-formed TOML whose settings all sit
/// in a [server] table. CLI11's own reader accepts malformed files silently; this one names the
/// file, line and column of the first mistake.
CLI::Validator config_file_validator();

} // namespace spate::app
