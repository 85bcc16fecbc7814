// Name resolution: which aggregates exist, and which form takes the given argument types.

#include "agg/functions_internal.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

namespace spate::agg {
namespace {

using columnar::data_type;
using columnar::type_id;

constexpr std::array<std::string_view, 19> names = {
    "approx_count_distinct",
    "approx_distinct",
    "approx_percentile",
    "avg",
    "bool_and",
    "bool_or",
    "count",
    "every",
    "max",
    "min",
    "percentile_approx",
    "stddev",
    "stddev_pop",
    "stddev_samp",
    "string_agg",
    "sum",
    "var_pop",
    "var_samp",
    "variance",
};

std::string lower(std::string_view s) {
    std::string r(s);
    for (char& c : r)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return r;
}

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string signature(std::string_view name, std::span<const data_type> args) {
    std::string s = fmt::format("{}(", name);
    for (size_t i = 0; i < args.size(); ++i)
        s += (i ? ", " : "") + args[i].to_string();
    return s + ")";
}

[[noreturn]] void unknown(std::string_view name, std::span<const data_type> args) {
    std::vector<std::string> close;
    for (std::string_view n : names) {
        bool similar = edit_distance(name, n) <= 2 ||
                       (name.size() >= 3 && n.find(name) != std::string_view::npos);
        if (similar) close.emplace_back(n);
    }
    std::string hint =
        close.empty()
            ? "No function matches the given name and argument types. You might need to add "
              "explicit type casts."
            : fmt::format("Perhaps you meant {}.", fmt::join(close, ", "));
    throw bind_error("42883", fmt::format("function {} does not exist", signature(name, args)),
                     hint);
}

aggregate_function resolve_plain(const std::string& n, std::span<const data_type> args,
                                 input_kind input) {
    using namespace detail;
    if (n == "count") {
        if (args.size() > 1) throw_no_form(n, args);
        return make_count(args);
    }
    size_t arity =
        (n == "approx_percentile" || n == "percentile_approx" || n == "string_agg") ? 2 : 1;
    if (args.size() != arity) throw_no_form(n, args);
    bool untyped_ok =
        n == "min" || n == "max" || n == "approx_count_distinct" || n == "approx_distinct";
    if (args[0].id == type_id::null && !untyped_ok)
        throw bind_error("42725", fmt::format("function {} is not unique", signature(n, args)),
                         "Could not choose a best candidate function. You might need to add "
                         "explicit type casts.");
    if (n == "sum") return make_sum(args[0]);
    if (n == "string_agg") return make_string_agg(args, input);
    if (n == "avg") return make_avg(args[0]);
    if (n == "min" || n == "max") return make_min_max(n == "max", args[0], input);
    if (n == "bool_and" || n == "every") return make_bool_agg(false, args[0]);
    if (n == "bool_or") return make_bool_agg(true, args[0]);
    if (n == "approx_count_distinct" || n == "approx_distinct")
        return make_approx_count_distinct(args[0]);
    if (n == "approx_percentile" || n == "percentile_approx") return make_approx_percentile(args);
    if (n == "variance" || n == "var_samp") return make_variance("var_samp", args[0]);
    if (n == "var_pop") return make_variance("var_pop", args[0]);
    if (n == "stddev" || n == "stddev_samp") return make_variance("stddev_samp", args[0]);
    return make_variance("stddev_pop", args[0]);
}

} // namespace

namespace detail {

void throw_no_form(std::string_view name, std::span<const data_type> args) {
    throw bind_error("42883", fmt::format("function {} does not exist", signature(name, args)),
                     "No function matches the given name and argument types. You might need "
                     "to add explicit type casts.");
}

} // namespace detail

bool is_aggregate_name(std::string_view name) {
    std::string n = lower(name);
    return std::find(names.begin(), names.end(), n) != names.end();
}

std::vector<std::string> aggregate_names() {
    return {names.begin(), names.end()};
}

aggregate_function resolve_aggregate(std::string_view name, std::span<const data_type> args,
                                     bool distinct, input_kind input) {
    std::string n = lower(name);
    if (!is_aggregate_name(n)) unknown(n, args);
    if (distinct && args.empty())
        throw bind_error("0A000", fmt::format("{}(DISTINCT *) is not supported", n));
    aggregate_function f = resolve_plain(n, args, input);
    // Duplicates change nothing for these: no set needed.
    bool duplicate_insensitive = n == "min" || n == "max" || n == "bool_and" || n == "bool_or" ||
                                 n == "every" || n == "approx_count_distinct" ||
                                 n == "approx_distinct";
    if (!distinct) return f;
    if (duplicate_insensitive) {
        f.distinct = true;
        return f;
    }
    return detail::make_distinct(std::move(f));
}

} // namespace spate::agg
