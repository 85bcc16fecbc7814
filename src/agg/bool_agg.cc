// bool_and (every) and bool_or: counts of true and false values, so both retract exactly.

#include "agg/functions_internal.h"

namespace spate::agg::detail {
namespace {

using columnar::column;

/// Numbers of true and false values counted.
struct bool_state {
    int64_t trues;
    int64_t falses;
};

void init(std::byte* s, const aggregate_function&) {
    new (s) bool_state{0, 0};
}

void update(std::byte* const* states, const column* const* args, const uint32_t* rows,
            const columnar::change* changes, size_t n, const aggregate_function&) {
    const uint8_t* v = args[0]->bools();
    for_each_row(states, args[0], rows, changes, n, [v](std::byte* s, uint32_t r, int64_t sign) {
        auto& st = as<bool_state>(s);
        (v[r] ? st.trues : st.falses) += sign;
    });
}

void merge(std::byte* dst, const std::byte* src, const aggregate_function&) {
    as<bool_state>(dst).trues += as<bool_state>(src).trues;
    as<bool_state>(dst).falses += as<bool_state>(src).falses;
}

eval_status finalize(const std::byte* s, column& out, const aggregate_function& f) {
    const auto& st = as<bool_state>(s);
    if (st.trues + st.falses <= 0)
        out.push_null();
    else if (f.param) // bool_or
        out.push_bool(st.trues > 0);
    else
        out.push_bool(st.falses == 0);
    return eval_status::success();
}

int64_t row_count(const std::byte* s, const aggregate_function&) {
    return as<bool_state>(s).trues + as<bool_state>(s).falses;
}

} // namespace

aggregate_function make_bool_agg(bool is_or, const columnar::data_type& arg) {
    const char* name = is_or ? "bool_or" : "bool_and";
    if (arg.id != columnar::type_id::boolean) throw_no_form(name, std::span(&arg, 1));
    aggregate_function f;
    f.name = name;
    f.arg_types = {arg};
    f.result_type = columnar::type_id::boolean;
    f.retractable = true;
    f.param = is_or ? 1 : 0;
    set_state<bool_state>(f);
    f.init = init;
    f.update = update;
    f.merge = merge;
    f.finalize = finalize;
    f.row_count = row_count;
    return f;
}

} // namespace spate::agg::detail
