#include "exec/row_compare.h"

namespace spate::exec {

namespace {

template <typename T>
int three_way(T p, T q) {
    return p < q ? -1 : p > q ? 1 : 0;
}

} // namespace

int compare_values(const columnar::column& x, size_t a, const columnar::column& y, size_t b) {
    bool na = x.is_null(a), nb = y.is_null(b);
    if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
    switch (x.physical()) {
    case columnar::physical_type::boolean: return three_way<int>(x.bools()[a], y.bools()[b]);
    case columnar::physical_type::i64: return three_way(x.i64()[a], y.i64()[b]);
    case columnar::physical_type::f64: {
        // Postgres sorts NaN above every other number, and NaN equal to NaN.
        double p = x.f64()[a], q = y.f64()[b];
        bool pn = p != p, qn = q != q;
        if (pn || qn) return pn == qn ? 0 : (pn ? 1 : -1);
        return three_way(p, q);
    }
    case columnar::physical_type::str:
        return three_way(x.strs()[a].view().compare(y.strs()[b].view()), 0);
    }
    return 0;
}

int compare_sort_key(const columnar::column& x, size_t a, const columnar::column& y, size_t b,
                     bool descending, bool nulls_first) {
    bool na = x.is_null(a), nb = y.is_null(b);
    if (na || nb) {
        if (na == nb) return 0;
        return na == nulls_first ? -1 : 1;
    }
    int r = compare_values(x, a, y, b);
    return descending ? -r : r;
}

} // namespace spate::exec
