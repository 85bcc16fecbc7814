#include "expr/tests/test_util.h"

#include "columnar/text_format.h"

#include <fmt/format.h>

namespace spate::expr::testing {

value ts(std::string_view t) {
    return value::int64(*columnar::parse_timestamp(t), type_id::timestamp);
}
value interval(std::string_view t) {
    return value::int64(*columnar::parse_interval(t), type_id::interval);
}

columnar::batch make_batch(const std::vector<data_type>& types,
                           const std::vector<std::vector<value>>& rows) {
    columnar::batch b = columnar::batch::with_types(types);
    for (const auto& r : rows)
        for (size_t c = 0; c < types.size(); ++c)
            columnar::append_value(*b.columns[c], r[c]);
    b.rows = rows.size();
    return b;
}

std::string text(const value& v) {
    return v.to_string();
}

std::vector<std::string> eval_rows(const bound_expr_ptr& e, const columnar::batch& b) {
    evaluator ev(e);
    row_errors errors;
    auto c = ev.evaluate(b, errors);
    std::vector<std::string> out;
    for (size_t i = 0; i < b.rows; ++i)
        out.push_back(text(columnar::value_at(*c, i)));
    for (const auto& err : errors.all())
        out[err.row] = fmt::format("ERROR {}: {}", err.sqlstate, err.message);
    return out;
}

columnar::batch one_row(const std::vector<value>& args, std::vector<bound_expr_ptr>& refs) {
    std::vector<data_type> types;
    for (size_t i = 0; i < args.size(); ++i) {
        types.push_back(args[i].type);
        refs.push_back(make_column_ref(static_cast<uint32_t>(i), args[i].type));
    }
    columnar::batch b = make_batch(types, {args});
    b.rows = 1;
    return b;
}

std::string run(std::string_view name, const std::vector<value>& args) {
    std::vector<bound_expr_ptr> refs;
    columnar::batch b = one_row(args, refs);
    try {
        return eval_rows(make_call(name, refs), b)[0];
    } catch (const bind_error& e) {
        return fmt::format("BIND {}: {}", e.sqlstate, e.message);
    }
}

std::string run_const(std::string_view name, const std::vector<value>& args) {
    std::vector<bound_expr_ptr> consts;
    for (const auto& a : args)
        consts.push_back(make_constant(a));
    columnar::batch b;
    b.rows = 1;
    try {
        return eval_rows(make_call(name, consts), b)[0];
    } catch (const bind_error& e) {
        return fmt::format("BIND {}: {}", e.sqlstate, e.message);
    }
}

std::string bind_failure(std::string_view name, const std::vector<bound_expr_ptr>& args) {
    try {
        make_call(name, args);
    } catch (const bind_error& e) {
        return fmt::format("{}: {} | {}", e.sqlstate, e.message, e.hint);
    }
    return "no error";
}

} // namespace spate::expr::testing
