#include "broker/broker_config.h"

#include <charconv>

namespace spate::broker {

result<host_port> parse_host_port(std::string_view text) {
    auto bad = [&](std::string_view why) {
        return error::make(errc::invalid_config, "'{}' is not a host:port address: {}", text, why);
    };
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("the port is missing");
    std::string_view host = text.substr(0, colon);
    std::string_view port_text = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    else if (host.find(':') != std::string_view::npos)
        return bad("write an IPv6 host in brackets, as in [::1]:9092");
    if (host.empty()) return bad("the host is empty");
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535)
        return bad("the port must be a number from 0 to 65535");
    return host_port{std::string(host), static_cast<uint16_t>(port)};
}

} // namespace spate::broker
