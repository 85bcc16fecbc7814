#include "stream/flow_graph.h"

namespace spate::stream {

namespace {

/// Cuts `f` into segments (the last feeding `target`), then its joins' right inputs.
void add_flow(flow_graph& g, const plan::dataflow& f, int target, int port,
              std::vector<uint32_t> keys) {
    std::vector<size_t> cuts{0};
    for (size_t i = 0; i < f.steps.size(); ++i)
        if (plan::is_exchange_step(f.steps[i])) cuts.push_back(i);
    const size_t first = g.segments.size();
    const size_t leaf_index = g.leaves.size();
    g.leaves.push_back(first);
    for (size_t k = 0; k < cuts.size(); ++k) {
        segment s;
        s.flow = &f;
        s.begin = cuts[k];
        s.end = k + 1 < cuts.size() ? cuts[k + 1] : f.steps.size();
        s.leaf = k == 0;
        s.leaf_index = leaf_index;
        s.letters_leaf = leaf_index;
        if (k + 1 < cuts.size()) {
            s.target = int(first + k + 1);
            s.target_port = 0;
            s.exchange_keys = plan::exchange_keys_of(f.steps[cuts[k + 1]], 0);
        } else {
            s.target = target;
            s.target_port = port;
            s.exchange_keys = keys;
        }
        if (k > 0) s.feeder[0] = int(first + k - 1);
        g.segments.push_back(std::move(s));
    }
    // The last segment of f feeds `target`.
    const size_t last = first + cuts.size() - 1;
    if (target >= 0) g.segments[size_t(target)].feeder[port] = int(last);
    for (size_t k = 1; k < cuts.size(); ++k)
        if (const auto* j = std::get_if<plan::join_step>(&f.steps[cuts[k]]))
            add_flow(g, *j->right, int(first + k), 1, plan::exchange_keys_of(f.steps[cuts[k]], 1));
}

} // namespace

flow_graph::flow_graph(const plan::dataflow& d) {
    add_flow(*this, d, -1, 0, {});
}

} // namespace spate::stream
