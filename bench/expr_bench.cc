// Rows per second of the predicate `price * 0.908 > 1000 AND channel = 'Google'` over 1M rows
// in batches of 4096, price double precision (and numeric(10,2)) and channel varchar. Rows
// per second of the thread's CPU time (best of 5 rounds), so other load on the machine counts
// less.
// Usage: expr_bench [rows]

#include "columnar/batch.h"
#include "expr/binder_support.h"
#include "expr/evaluator.h"

#include <fmt/format.h>

#include <cstdlib>
#include <ctime>
#include <random>

using namespace spate;
using columnar::data_type;
using columnar::type_id;

namespace {

double run(const columnar::data_type& price_type, size_t total, size_t batch_rows) {
    std::mt19937_64 gen(42);
    std::uniform_int_distribution<int64_t> cents(0, 300'000);
    const char* channels[] = {"Google", "Bing", "Direct", "Newsletter"};
    std::vector<columnar::batch> batches;
    for (size_t done = 0; done < total; done += batch_rows) {
        size_t n = std::min(batch_rows, total - done);
        std::vector<data_type> types{price_type, type_id::varchar};
        auto b = columnar::batch::with_types(types, n);
        for (size_t i = 0; i < n; ++i) {
            int64_t c = cents(gen);
            if (price_type.id == type_id::float64)
                b.columns[0]->push_f64(double(c) / 100);
            else
                b.columns[0]->push_i64(c);
            b.columns[1]->push_string(channels[gen() % 4]);
        }
        b.rows = n;
        batches.push_back(std::move(b));
    }
    auto price = expr::make_column_ref(0, price_type, "price");
    auto channel = expr::make_column_ref(1, type_id::varchar, "channel");
    auto e = expr::make_and(
        expr::make_call(">",
                        {expr::make_call("*", {price, expr::make_constant(columnar::value::int64(
                                                          908, data_type::decimal(3, 3)))}),
                         expr::make_constant(columnar::value::int64(1000, type_id::int32))}),
        expr::make_call("=", {channel, expr::make_constant(columnar::value::string("Google"))}));
    expr::evaluator ev(e);
    std::vector<uint32_t> selected;
    size_t hits = 0;
    double best = 0;
    for (int round = 0; round < 5; ++round) {
        timespec t0, t1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
        hits = 0;
        for (const auto& b : batches) {
            expr::row_errors errors;
            ev.evaluate_predicate(b, errors, selected);
            hits += selected.size();
        }
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
        double s = double(t1.tv_sec - t0.tv_sec) + double(t1.tv_nsec - t0.tv_nsec) * 1e-9;
        best = std::max(best, double(total) / s);
    }
    fmt::print("{:<22} {:>12.0f} rows/CPU-s  ({} of {} rows selected)  {}\n",
               price_type.to_string(), best, hits, total, e->to_string());
    return best;
}

} // namespace

int main(int argc, char** argv) {
    size_t total = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
    run(type_id::float64, total, 4096);
    run(data_type::decimal(10, 2), total, 4096);
    return 0;
}
