// Comparison operators = <> < <= > >= for every type. Strings compare bytewise (C collation);
// doubles order NaN above every number and equal to itself, as Postgres.

#include "expr/functions_internal.h"

#include <cmath>
#include <cstring>

namespace spate::expr {

namespace {

// -1, 0 or 1 for each physical form.
inline int cmp(int64_t a, int64_t b) {
    return (a > b) - (a < b);
}
inline int cmp(uint8_t a, uint8_t b) {
    return (a > b) - (a < b);
}
inline int cmp(double a, double b) {
    bool na = std::isnan(a), nb = std::isnan(b);
    if (na || nb) return na - nb;
    return (a > b) - (a < b);
}
inline int cmp(columnar::string_ref a, columnar::string_ref b) {
    int c = a.view().compare(b.view());
    return (c > 0) - (c < 0);
}

enum class rel { eq, ne, lt, le, gt, ge };

template <rel R>
inline uint8_t holds(int c) {
    switch (R) {
    case rel::eq: return c == 0;
    case rel::ne: return c != 0;
    case rel::lt: return c < 0;
    case rel::le: return c <= 0;
    case rel::gt: return c > 0;
    case rel::ge: return c >= 0;
    }
    return 0;
}

template <typename T>
const T* data_of(const columnar::column& c) {
    if constexpr (std::is_same_v<T, int64_t>)
        return c.i64();
    else if constexpr (std::is_same_v<T, double>)
        return c.f64();
    else if constexpr (std::is_same_v<T, uint8_t>)
        return c.bools();
    else
        return c.strs();
}

template <rel R, typename T>
void compare(const kernel_call& c) {
    const T* a = data_of<T>(*c.args[0]);
    const T* b = data_of<T>(*c.args[1]);
    uint8_t* out = c.out->bools();
    if constexpr (std::is_same_v<T, int64_t>) {
        // Plain comparisons so the loop vectorizes.
        for (size_t i = 0; i < c.rows; ++i) {
            switch (R) {
            case rel::eq: out[i] = a[i] == b[i]; break;
            case rel::ne: out[i] = a[i] != b[i]; break;
            case rel::lt: out[i] = a[i] < b[i]; break;
            case rel::le: out[i] = a[i] <= b[i]; break;
            case rel::gt: out[i] = a[i] > b[i]; break;
            case rel::ge: out[i] = a[i] >= b[i]; break;
            }
        }
    } else if constexpr (std::is_same_v<T, columnar::string_ref> &&
                         (R == rel::eq || R == rel::ne)) {
        // Equality needs no ordering: lengths first, then the bytes.
        for (size_t i = 0; i < c.rows; ++i) {
            bool eq = a[i].size == b[i].size &&
                      (a[i].size == 0 || std::memcmp(a[i].data, b[i].data, a[i].size) == 0);
            out[i] = (R == rel::eq) == eq;
        }
    } else {
        for (size_t i = 0; i < c.rows; ++i)
            out[i] = holds<R>(cmp(a[i], b[i]));
    }
}

template <rel R>
void add_rel(function_registry& r, const char* name) {
    const type_id B = type_id::boolean;
    for (type_id t : {type_id::boolean, type_id::int32, type_id::int64, type_id::decimal,
                      type_id::float64, type_id::varchar, type_id::timestamp, type_id::interval}) {
        kernel_fn k = nullptr;
        switch (columnar::data_type(t).physical()) {
        case columnar::physical_type::boolean: k = compare<R, uint8_t>; break;
        case columnar::physical_type::i64: k = compare<R, int64_t>; break;
        case columnar::physical_type::f64: k = compare<R, double>; break;
        case columnar::physical_type::str: k = compare<R, columnar::string_ref>; break;
        }
        function_overload f = make_fn(name, {t, t}, B, k);
        f.is_operator = true;
        r.add(std::move(f));
    }
}

} // namespace

void register_compare(function_registry& r) {
    add_rel<rel::eq>(r, "=");
    add_rel<rel::ne>(r, "<>");
    add_rel<rel::ne>(r, "!=");
    add_rel<rel::lt>(r, "<");
    add_rel<rel::le>(r, "<=");
    add_rel<rel::gt>(r, ">");
    add_rel<rel::ge>(r, ">=");
}

} // namespace spate::expr
