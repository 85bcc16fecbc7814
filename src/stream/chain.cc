#include "stream/chain.h"

#include "exec/aggregate_op.h"
#include "exec/join_op.h"
#include "exec/rank_op.h"
#include "exec/session_aggregate_op.h"
#include "exec/stateless_op.h"
#include "exec/unnest_op.h"
#include "exec/window_assign_op.h"

namespace spate::stream {

size_t op_chain::state_bytes() const {
    size_t n = 0;
    for (const auto& o : ops)
        n += o->state_bytes();
    return n;
}

void count_rows(op_chain& chain, segment_counts& counts) {
    const size_t n = chain.ops.size();
    if (counts.out.size() != n) counts.out.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
        exec::output* next = i + 1 < n ? chain.ops[i + 1].get() : chain.tail;
        auto c = std::make_unique<counting_output>(next, &counts.out[i]);
        chain.ops[i]->set_next(c.get());
        chain.counters.push_back(std::move(c));
    }
    auto in =
        std::make_unique<counting_output>(n ? chain.ops.front().get() : chain.tail, &counts.in[0]);
    chain.counted_entry = in.get();
    chain.counters.push_back(std::move(in));
    if (chain.right) {
        auto right = std::make_unique<counting_output>(chain.right, &counts.in[1]);
        chain.right = right.get();
        chain.counters.push_back(std::move(right));
    }
}

namespace {

/// The origin columns after a step whose input had `in`.
origin_columns origin_after(const plan::step& st, origin_columns in) {
    if (const auto* s = std::get_if<plan::stateless_step>(&st)) {
        if (s->projections.empty()) return in;
        origin_columns out;
        for (uint32_t i = 0; i < s->projections.size(); ++i) {
            const auto& e = *s->projections[i];
            if (e.kind != expr::expr_kind::column_ref) continue;
            if (in.partition && e.column_index == *in.partition && e.column_name == "_partition")
                out.partition = i;
            if (in.offset && e.column_index == *in.offset && e.column_name == "_offset")
                out.offset = i;
        }
        return out;
    }
    if (std::holds_alternative<plan::window_step>(st) ||
        std::holds_alternative<plan::unnest_step>(st))
        return in;
    return {};
}

} // namespace

origin_columns origin_before(const plan::dataflow& d, size_t index, origin_columns input) {
    origin_columns o = input;
    for (size_t i = 0; i < index && i < d.steps.size(); ++i)
        o = origin_after(d.steps[i], o);
    return o;
}

origin_columns origin_of(const plan::source_def* source) {
    if (!source) return {};
    return {uint32_t(source->columns.size()), uint32_t(source->columns.size() + 1)};
}

op_chain build_segment_chain(const flow_graph& g, size_t k, exec::output* out,
                             const std::vector<dead_letters*>& letters, bool bounded) {
    const auto& seg = g.segments[k];
    const auto* src = g.segments[g.leaves[seg.letters_leaf]].flow->source.get();
    origin_columns origin = origin_before(*seg.flow, seg.begin, origin_of(src));
    dead_letters* right_letters = nullptr;
    origin_columns right_origin;
    if (seg.feeder[1] >= 0) {
        const auto& right = g.segments[size_t(seg.feeder[1])];
        const auto* right_src = g.segments[g.leaves[right.letters_leaf]].flow->source.get();
        right_letters = letters[right.letters_leaf];
        right_origin = origin_before(*right.flow, right.end, origin_of(right_src));
    }
    return build_chain(*seg.flow, seg.begin, seg.end, out, letters[seg.letters_leaf], origin,
                       bounded, right_letters, right_origin);
}

op_chain build_chain(const plan::dataflow& d, size_t begin, size_t end, exec::output* out,
                     dead_letters* letters, origin_columns origin, bool bounded,
                     dead_letters* right_letters, origin_columns right_origin) {
    op_chain chain;
    chain.tail = out;
    // Built back to front, so each operator knows the next.
    std::vector<origin_columns> origins;
    origin_columns o = origin;
    for (size_t i = begin; i < end; ++i) {
        origins.push_back(o);
        o = origin_after(d.steps[i], o);
    }
    exec::output* next = out;
    std::vector<exec::op_ptr> reversed;
    for (size_t i = end; i-- > begin;) {
        const auto& oi = origins[i - begin];
        // A join reports rows of either input and pairs, each laid out differently: without
        // their origin.
        bool join = std::holds_alternative<plan::join_step>(d.steps[i]);
        auto sink = join ? std::make_unique<origin_row_sink>(letters, std::nullopt, std::nullopt,
                                                             /*join=*/true)
                         : std::make_unique<origin_row_sink>(letters, oi.partition, oi.offset);
        exec::op_ptr op;
        if (const auto* s = std::get_if<plan::stateless_step>(&d.steps[i])) {
            op = std::make_unique<exec::stateless_op>(next, sink.get(), s->predicate,
                                                      s->projections);
        } else if (const auto* u = std::get_if<plan::unnest_step>(&d.steps[i])) {
            op = std::make_unique<exec::unnest_op>(next, sink.get(), u->text, u->separator,
                                                   u->regex);
        } else if (const auto* w = std::get_if<plan::window_step>(&d.steps[i])) {
            op = std::make_unique<exec::window_assign_op>(next, sink.get(), w->time_column,
                                                          w->size_ms, w->slide_ms, w->offset_ms,
                                                          w->session);
        } else if (const auto* j = std::get_if<plan::join_step>(&d.steps[i])) {
            auto join = std::make_unique<exec::join_op>(next, sink.get(), j->config);
            // Late rows of each input name their own source and record.
            auto left_sink =
                std::make_unique<origin_row_sink>(letters, oi.partition, oi.offset, true);
            auto right_sink = std::make_unique<origin_row_sink>(
                right_letters && i == begin ? right_letters : letters, right_origin.partition,
                right_origin.offset, true);
            join->set_input_rejects(left_sink.get(), right_sink.get());
            chain.sinks.push_back(std::move(left_sink));
            chain.sinks.push_back(std::move(right_sink));
            if (i == begin) chain.right = &join->right();
            op = std::move(join);
        } else if (const auto* r = std::get_if<plan::rank_step>(&d.steps[i])) {
            op = std::make_unique<exec::rank_op>(next, sink.get(), r->config);
        } else {
            const auto& a = std::get<plan::aggregate_step>(d.steps[i]);
            if (a.session) {
                exec::session_config sc;
                sc.keys = a.config.keys;
                sc.key_types = a.config.key_types;
                sc.calls = a.config.calls;
                sc.start_key = a.session_start_key;
                sc.end_key = a.session_end_key;
                op = std::make_unique<exec::session_aggregate_op>(next, sink.get(), std::move(sc));
                next = op.get();
                reversed.push_back(std::move(op));
                chain.sinks.push_back(std::move(sink));
                continue;
            }
            exec::aggregate_config cfg = a.config;
            cfg.global_row_on_end = bounded && a.global;
            cfg.emit_at_end = bounded;
            op = std::make_unique<exec::aggregate_op>(next, sink.get(), std::move(cfg));
        }
        next = op.get();
        reversed.push_back(std::move(op));
        chain.sinks.push_back(std::move(sink));
    }
    for (size_t i = reversed.size(); i-- > 0;)
        chain.ops.push_back(std::move(reversed[i]));
    return chain;
}

} // namespace spate::stream
