#include "app/config_file.h"

#include <fmt/format.h>
#include <toml++/toml.h>

namespace spate::app {

CLI::Validator config_file_validator() {
    return CLI::Validator(
        [](std::string& path) -> std::string {
            try {
                auto table = toml::parse_file(path);
                for (const auto& [key, value] : table) {
                    if (key.str() != "server" || !value.is_table())
                        return fmt::format("{}: '{}' is not a setting; put settings under a "
                                           "[server] table",
                                           path, key.str());
                }
            } catch (const toml::parse_error& e) {
                return fmt::format("{}:{}:{}: {}", path, e.source().begin.line,
                                   e.source().begin.column, e.description());
            }
            return {};
        },
        "TOML", "config file");
}

} // namespace spate::app
