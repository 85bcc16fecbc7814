#include "expr/function_registry.h"

#include <algorithm>

namespace spate::expr {

function_registry::function_registry() {
    register_arith(*this);
    register_compare(*this);
    register_string(*this);
    register_datetime(*this);
    register_math(*this);
    register_json(*this);
    register_regex(*this);
}

const function_registry& function_registry::instance() {
    static const function_registry r;
    return r;
}

function_overload& function_registry::add(function_overload f) {
    _all.push_back(std::make_unique<function_overload>(std::move(f)));
    function_overload* p = _all.back().get();
    auto it = std::find_if(_by_name.begin(), _by_name.end(),
                           [&](const auto& e) { return e.first == p->name; });
    if (it == _by_name.end()) {
        _by_name.emplace_back(p->name, std::vector<const function_overload*>{});
        it = _by_name.end() - 1;
    }
    it->second.push_back(p);
    return *p;
}

std::span<const function_overload* const>
function_registry::lookup(std::string_view lower_name) const {
    for (const auto& e : _by_name)
        if (e.first == lower_name) return e.second;
    return {};
}

std::vector<std::string> function_registry::names() const {
    std::vector<std::string> out;
    for (const auto& e : _by_name)
        if (!e.second.front()->is_operator) out.push_back(e.first);
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace spate::expr
