#include "stream/bounded_graph.h"

namespace spate::stream {

bounded_graph::bounded_graph(const plan::dataflow& d) : _flow(d), _graph(d) {
    if (d.changelog) {
        std::vector<columnar::data_type> types;
        for (const auto& c : d.output)
            types.push_back(c.type);
        _table = std::make_unique<exec::row_table>(types);
    }
    for (size_t leaf : _graph.leaves) {
        const auto& src = _graph.segments[leaf].flow->source;
        _letters.push_back(std::make_unique<dead_letters>(
            src ? src->name : std::string(), src ? src->topic : std::string(), "", ""));
    }
    _chains.resize(_graph.segments.size());
    std::vector<uint8_t> built(_graph.segments.size(), 0);
    for (size_t k = 0; k < _graph.segments.size(); ++k)
        build(k, built);
}

void bounded_graph::build(size_t k, std::vector<uint8_t>& built) {
    if (built[k]) return;
    built[k] = 1;
    const auto& seg = _graph.segments[k];
    exec::output* out = nullptr;
    if (seg.target < 0) {
        out = _table ? static_cast<exec::output*>(_table.get()) : &_plain;
    } else {
        // The target first, so that its inputs exist.
        build(size_t(seg.target), built);
        out = _chains[size_t(seg.target)].entry(seg.target_port);
    }
    std::vector<dead_letters*> letters;
    for (auto& l : _letters)
        letters.push_back(l.get());
    _chains[k] = build_segment_chain(_graph, k, out, letters, /*bounded=*/true);
}

void bounded_graph::finish() {
    for (size_t i = 0; i < leaf_count(); ++i)
        leaf_entry(i)->watermark(exec::end_of_input);
}

std::vector<columnar::batch> bounded_graph::take() {
    if (_table) return {_table->snapshot()};
    return std::move(_plain.batches());
}

} // namespace spate::stream
