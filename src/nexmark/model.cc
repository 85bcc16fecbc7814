#include "nexmark/model.h"

namespace spate::nexmark {

int64_t model_size_bytes(const person& p) {
    return static_cast<int64_t>(8 + p.name.size() + p.email_address.size() + p.credit_card.size() +
                                p.city.size() + p.state.size() + p.extra.size());
}

int64_t model_size_bytes(const auction& a) {
    return static_cast<int64_t>(8 + a.item_name.size() + a.description.size() + 5 * 8 +
                                a.extra.size());
}

int64_t model_size_bytes(const bid& b) {
    return static_cast<int64_t>(4 * 8 + b.extra.size());
}

} // namespace spate::nexmark
