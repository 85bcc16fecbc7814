// count(*) and count(x): a signed row counter, retractable and mergeable.

#include "agg/functions_internal.h"

namespace spate::agg::detail {
namespace {

using columnar::column;

void count_init(std::byte* s, const aggregate_function&) {
    as<int64_t>(s) = 0;
}

void count_update(std::byte* const* states, const column* const* args, const uint32_t* rows,
                  const columnar::change* changes, size_t n, const aggregate_function& f) {
    const column* arg = f.arg_types.empty() ? nullptr : args[0];
    for_each_row(states, arg, rows, changes, n,
                 [](std::byte* s, uint32_t, int64_t sign) { as<int64_t>(s) += sign; });
}

void count_merge(std::byte* dst, const std::byte* src, const aggregate_function&) {
    as<int64_t>(dst) += as<int64_t>(src);
}

eval_status count_finalize(const std::byte* s, column& out, const aggregate_function&) {
    out.push_i64(as<int64_t>(s));
    return eval_status::success();
}

int64_t count_rows(const std::byte* s, const aggregate_function&) {
    return as<int64_t>(s);
}

} // namespace

aggregate_function make_count(std::span<const columnar::data_type> args) {
    aggregate_function f;
    f.name = "count";
    f.arg_types.assign(args.begin(), args.end());
    f.result_type = columnar::type_id::int64;
    f.retractable = true;
    set_state<int64_t>(f);
    f.init = count_init;
    f.update = count_update;
    f.merge = count_merge;
    f.finalize = count_finalize;
    f.row_count = count_rows;
    return f;
}

} // namespace spate::agg::detail
