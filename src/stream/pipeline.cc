#include "stream/pipeline.h"

#include "broker/broker.h"
#include "exec/row_key.h"
#include "format/encoder.h"
#include "log/partition.h"
#include "runtime/event.h"
#include "runtime/invoke.h"
#include "runtime/shard_set.h"
#include "runtime/when_all.h"
#include "stream/record_walk.h"
#include "stream/source_stage.h"
#include "stream/topic_writer.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <functional>

namespace spate::stream {

namespace asio = boost::asio;
using exec::event_time;

namespace {

/// The combined watermark of a stage's inputs: the minimum over inputs that are not idle.
class watermark_merger {
public:
    explicit watermark_merger(size_t inputs)
        : _marks(inputs, exec::no_watermark), _idle(inputs, false) {}

    /// Records input `i`'s news; returns the combined watermark when it moved forward.
    std::optional<event_time> update(uint32_t i, std::optional<event_time> wm, bool idle) {
        if (i >= _marks.size()) return std::nullopt;
        if (wm) _marks[i] = std::max(_marks[i], *wm);
        _idle[i] = idle;
        event_time low = exec::end_of_input;
        bool any = false;
        for (size_t k = 0; k < _marks.size(); ++k) {
            if (_idle[k]) continue;
            any = true;
            low = std::min(low, _marks[k]);
        }
        _all_idle = !any;
        if (!any || low <= _combined) return std::nullopt;
        _combined = low;
        return low;
    }
    event_time combined() const { return _combined; }
    /// Every input is idle (none holds the watermark back).
    bool all_idle() const { return _all_idle; }

private:
    bool _all_idle = false;
    std::vector<event_time> _marks;
    std::vector<bool> _idle;
    event_time _combined = exec::no_watermark;
};

/// The rows of a sink, as JSON records appended to its topic (this shard's share of its
/// partitions). A changelog's rows carry "_change": "insert" or "retract".
class sink_writer final : public exec::output {
public:
    sink_writer(pipeline& p, broker::kafka_broker& broker, const pipeline_output& out,
                unsigned shard, const plan::dataflow& flow)
        : _p(p), _broker(broker), _out(out), _shard(shard), _changelog(flow.changelog),
          _encoder(out.column_names, visible_types(flow)) {}

    void push(columnar::batch b) override {
        if (b.rows == 0 || _out.topic_partitions.empty()) return;
        // Rows made while re-reading what was read before a restart were written then.
        if (_p.replaying()) return;
        // (Views keep theirs: a view's rows are rebuilt from the start.)
        // Only the visible columns are written.
        columnar::batch v;
        v.rows = b.rows;
        v.changes = b.changes;
        for (size_t c = 0; c < _visible.size(); ++c)
            v.columns.push_back(b.columns[_visible[c]]);
        std::vector<dead_letters::pending> records;
        records.reserve(b.rows);
        std::string s;
        for (size_t r = 0; r < v.rows; ++r) {
            s.clear();
            _encoder.encode(v, r, s);
            if (_changelog && s.size() >= 2)
                s.insert(s.size() - 1, v.change_at(r) == columnar::change::retract
                                           ? ",\"_change\":\"retract\""
                                           : ",\"_change\":\"insert\"");
            records.push_back({_out.topic, std::string(), s});
        }
        _rows += b.rows;
        const auto& ref = _out.topic_partitions[_shard % _out.topic_partitions.size()];
        append_records(_broker, ref, records);
    }
    void watermark(event_time) override {}
    uint64_t rows() const { return _rows; }
    void set_visible(std::vector<uint32_t> v) { _visible = std::move(v); }

private:
    static std::vector<columnar::data_type> visible_types(const plan::dataflow& flow) {
        std::vector<columnar::data_type> t;
        for (const auto& c : flow.output)
            if (!c.hidden) t.push_back(c.type);
        return t;
    }

    pipeline& _p;
    broker::kafka_broker& _broker;
    const pipeline_output& _out;
    unsigned _shard;
    bool _changelog;
    format::json_encoder _encoder;
    std::vector<uint32_t> _visible;
    uint64_t _rows = 0;
};

/// Drops what it gets (the source validation's output).
class discard_output final : public exec::output {
public:
    void push(columnar::batch) override {}
    void watermark(event_time) override {}
};

} // namespace

/// Sends rows to the shards that own their keys, and watermarks to every shard, for one stage
/// of a pipeline. Owned by the sender (a reader, or a shard part); used on its thread.
class exchange_out final : public exec::output {
public:
    exchange_out(pipeline& p, size_t target, int port, uint32_t channel, std::vector<uint32_t> keys)
        : _p(p), _stage(target), _port(port), _channel(channel), _keys(std::move(keys)),
          _pending(p.shard_count()) {}

    void push(columnar::batch b) override;
    void watermark(event_time wm) override { _wm = wm; }
    void set_idle(bool idle) {
        _idle = idle;
        _idle_changed = true;
    }
    /// Sends what is pending and returns when every shard has processed it.
    asio::awaitable<void> flush_and_wait();
    /// Sends what is pending without waiting; `done` runs on `home` (the caller's shard) once
    /// every shard has processed it (at once when there was nothing to send).
    void send(asio::any_io_executor home, std::function<void()> done);
    /// Sends what is pending without waiting.
    void flush();

private:
    bool has_news() const;

    pipeline& _p;
    size_t _stage; ///< the segment fed
    int _port;
    uint32_t _channel;
    std::vector<uint32_t> _keys;
    std::vector<std::vector<columnar::batch>> _pending;
    std::optional<event_time> _wm;
    bool _idle = false;
    bool _idle_changed = false;
    exec::hash_split_scratch _split;
};

/// What graph_info() gathers from the shards, summed as it goes from one to the next.
struct part_report {
    struct op_report {
        std::string description; ///< as the shard with the largest state describes it
        size_t state_bytes = 0;
        size_t largest = 0;
        bool described = false;
    };
    std::vector<segment_counts> counts;      ///< per segment
    std::vector<std::vector<op_report>> ops; ///< per segment, per operator
    std::vector<uint64_t> leaf_records;      ///< per leaf
    std::vector<exec::event_time> final_wm;  ///< per shard
    uint64_t final_rows = 0;
    uint64_t sink_rows = 0;
    size_t table_bytes = 0;
};

/// One shard's share of a pipeline: the segments after each exchange, the watermarks of their
/// inputs, and the shard's part of the result (a view's rows or a sink's writer). Lives on its
/// shard; every call comes from that shard's thread.
class shard_part {
public:
    shard_part(pipeline& p, unsigned shard);

    /// Rows and a watermark from input `channel` of port `port` of segment `seg`.
    void receive(size_t seg, int port, uint32_t channel, std::vector<columnar::batch> batches,
                 std::optional<event_time> wm, bool idle);
    /// Where the last segment's rows go on this shard: the counter in front of the view's
    /// table (through the subscribers' tap), the sink's writer or the discard.
    exec::output* final_output() { return _final_counter.get(); }
    segment_counts& counts(size_t seg) { return _counts[seg]; }
    uint64_t& leaf_records(size_t leaf) { return _leaf_records[leaf]; }
    /// A reader running on this shard registers its chain for leaf segment `seg` while it
    /// runs (for the operators' state and descriptions).
    void add_reader_chain(size_t seg, const op_chain* c) { _reader_chains[seg].push_back(c); }
    void remove_reader_chain(size_t seg, const op_chain* c) { std::erase(_reader_chains[seg], c); }
    /// Adds this shard's counters to `r` (sized by the first shard).
    void add_report(part_report& r) const;
    /// Subscribes `ch` to this shard's changes of the view and returns its rows now (visible
    /// columns), in one step so that no change is missed or seen twice.
    columnar::batch subscribe(std::shared_ptr<subscription_channel> ch);
    /// The rejected rows of leaf `leaf`'s source.
    dead_letters& letters(size_t leaf) { return *_letters[leaf]; }
    void flush_all_letters() {
        for (auto& l : _letters) {
            if (_p.replaying())
                l->records().clear(); // written before the restart
            else
                flush_letters(_p.broker(), *l, _p.output().letter_topics);
        }
    }
    columnar::batch snapshot() const { return _table ? _table->snapshot() : columnar::batch{}; }
    void add_stats(pipeline_stats& s) const {
        for (const auto& l : _letters) {
            s.invalid += l->invalid_count();
            s.late += l->late_count();
        }
        for (const auto& c : _chains)
            s.state_bytes += c.state_bytes();
        if (_table) {
            s.state_bytes += _table->memory_bytes();
            s.result_rows += _table->rows();
        }
        if (_sink) s.rows_out += _sink->rows();
        s.records_in += records_in;
        s.output_rows += _final_rows;
    }

    void add_operator_stats(std::vector<operator_stats>& out) const {
        size_t i = 0;
        for (size_t seg = 0; seg < _chains.size(); ++seg)
            for (size_t pos = 0; pos < _chains[seg].ops.size(); ++pos) {
                const auto& op = *_chains[seg].ops[pos];
                if (i == out.size()) out.push_back({seg, pos, op.describe(), 0, 0});
                auto& o = out[i++];
                size_t bytes = op.state_bytes();
                o.state_bytes += bytes;
                if (bytes > o.largest_share) {
                    o.largest_share = bytes;
                    o.description = op.describe();
                }
            }
    }

    uint64_t records_in = 0;

private:
    /// Where segment `seg` sends its output on this shard.
    exec::output* output_of(size_t seg);

    pipeline& _p;
    unsigned _shard;
    std::vector<std::unique_ptr<dead_letters>> _letters; ///< per leaf
    std::unique_ptr<exec::row_table> _table;
    std::unique_ptr<view_tap> _tap; ///< views: in front of _table
    std::unique_ptr<sink_writer> _sink;
    discard_output _discard;
    std::vector<uint32_t> _visible; ///< the output's visible columns
    uint64_t _final_rows = 0;
    event_time _final_wm = exec::no_watermark;
    std::unique_ptr<counting_output> _final_counter;
    std::vector<segment_counts> _counts; ///< per segment
    std::vector<uint64_t> _leaf_records; ///< per leaf: records its readers here read
    std::vector<std::vector<const op_chain*>> _reader_chains; ///< per segment (leaves)
    /// Per segment (empty for leaves, which readers run).
    std::vector<op_chain> _chains;
    std::vector<std::unique_ptr<exchange_out>> _exchanges; ///< per segment: its output
    struct port_state {
        std::optional<watermark_merger> merger;
        event_time sent = exec::no_watermark;
    };
    std::vector<std::array<port_state, 2>> _ports; ///< per segment
};

void exchange_out::push(columnar::batch b) {
    exec::split_by_hash(std::move(b), _keys, _p.shard_count(), _split,
                        [this](unsigned shard, columnar::batch part) {
                            _pending[shard].push_back(std::move(part));
                        });
}

bool exchange_out::has_news() const {
    if (_wm || _idle_changed) return true;
    for (const auto& p : _pending)
        if (!p.empty()) return true;
    return false;
}

void exchange_out::flush() {
    if (!has_news()) return;
    auto self_pipeline = _p.shared_from_this();
    for (unsigned s = 0; s < _p.shard_count(); ++s) {
        auto batches = std::move(_pending[s]);
        _pending[s].clear();
        if (batches.empty() && !_wm && !_idle_changed) continue;
        asio::post(_p.broker().executor(s),
                   [pl = self_pipeline, s, stage = _stage, port = _port, ch = _channel,
                    batches = std::move(batches), wm = _wm, idle = _idle]() mutable {
                       if (pl->stopping() && batches.empty()) return;
                       pl->part(s).receive(stage, port, ch, std::move(batches), wm, idle);
                   });
    }
    _wm.reset();
    _idle_changed = false;
}

asio::awaitable<void> exchange_out::flush_and_wait() {
    if (!has_news()) co_return;
    auto pl = _p.shared_from_this();
    std::vector<asio::awaitable<bool>> sends;
    for (unsigned s = 0; s < _p.shard_count(); ++s) {
        auto batches = std::make_shared<std::vector<columnar::batch>>(std::move(_pending[s]));
        _pending[s].clear();
        if (batches->empty() && !_wm && !_idle_changed) continue;
        sends.push_back(runtime::invoke_on(
            _p.broker().executor(s),
            [pl, s, stage = _stage, port = _port, ch = _channel, batches, wm = _wm, idle = _idle] {
                pl->part(s).receive(stage, port, ch, std::move(*batches), wm, idle);
                return true;
            }));
    }
    _wm.reset();
    _idle_changed = false;
    auto all = runtime::when_all(std::move(sends));
    co_await std::move(all);
}

void exchange_out::send(asio::any_io_executor home, std::function<void()> done) {
    if (!has_news()) {
        done();
        return;
    }
    auto pl = _p.shared_from_this();
    auto remaining = std::make_shared<unsigned>(0);
    auto finished = std::make_shared<std::function<void()>>(std::move(done));
    std::vector<unsigned> targets;
    for (unsigned s = 0; s < _p.shard_count(); ++s)
        if (!_pending[s].empty() || _wm || _idle_changed) targets.push_back(s);
    *remaining = unsigned(targets.size());
    for (unsigned s : targets) {
        auto batches = std::move(_pending[s]);
        _pending[s].clear();
        asio::post(_p.broker().executor(s), [pl, s, stage = _stage, port = _port, ch = _channel,
                                             batches = std::move(batches), wm = _wm, idle = _idle,
                                             home, remaining, finished]() mutable {
            pl->part(s).receive(stage, port, ch, std::move(batches), wm, idle);
            asio::post(home, [remaining, finished] {
                if (--*remaining == 0) (*finished)();
            });
        });
    }
    _wm.reset();
    _idle_changed = false;
}

shard_part::shard_part(pipeline& p, unsigned shard) : _p(p), _shard(shard) {
    const auto& flow = p.flow();
    const auto& g = p.graph();
    bool validation = p.output().what == pipeline_output::kind::validate;
    for (size_t leaf : g.leaves) {
        const auto& src = g.segments[leaf].flow->source;
        auto l = std::make_unique<dead_letters>(
            src ? src->name : p.name(), src ? src->topic : std::string(),
            src ? src->dead_letter_topic : std::string(), src ? src->late_topic : std::string());
        l->set_write_source_errors(validation);
        if (!validation) l->set_pipeline(p.name());
        _letters.push_back(std::move(l));
    }
    std::vector<columnar::data_type> types;
    std::vector<uint32_t> visible;
    for (uint32_t i = 0; i < flow.output.size(); ++i) {
        types.push_back(flow.output[i].type);
        if (!flow.output[i].hidden) visible.push_back(i);
    }
    _visible = visible;
    exec::output* last = &_discard;
    if (p.output().what == pipeline_output::kind::view) {
        _table = std::make_unique<exec::row_table>(types);
        _tap = std::make_unique<view_tap>(_table.get(),
                                          change_builder(view_key_columns(flow), visible));
        last = _tap.get();
    } else if (p.output().what == pipeline_output::kind::sink) {
        _sink = std::make_unique<sink_writer>(p, p.broker(), p.output(), shard, flow);
        _sink->set_visible(visible);
        last = _sink.get();
    }
    _final_counter = std::make_unique<counting_output>(last, &_final_rows, &_final_wm);
    const size_t n = g.segments.size();
    _counts.resize(n);
    for (size_t k = 0; k < n; ++k)
        _counts[k].out.assign(g.segments[k].end - g.segments[k].begin, 0);
    _leaf_records.assign(g.leaves.size(), 0);
    _reader_chains.resize(n);
    _chains.resize(n);
    _exchanges.resize(n);
    _ports.resize(n);
    std::vector<dead_letters*> letters;
    for (auto& l : _letters)
        letters.push_back(l.get());
    for (size_t k = 0; k < n; ++k) {
        const auto& seg = g.segments[k];
        if (seg.leaf) continue;
        _chains[k] = build_segment_chain(g, k, output_of(k), letters, false);
        count_rows(_chains[k], _counts[k]);
        for (int port = 0; port < seg.ports(); ++port)
            _ports[k][size_t(port)].merger.emplace(p.inputs_from(seg.feeder[port]));
    }
}

exec::output* shard_part::output_of(size_t seg) {
    const auto& s = _p.graph().segments[seg];
    if (s.target < 0) return final_output();
    _exchanges[seg] = std::make_unique<exchange_out>(_p, size_t(s.target), s.target_port, _shard,
                                                     s.exchange_keys);
    return _exchanges[seg].get();
}

void shard_part::receive(size_t seg, int port, uint32_t channel,
                         std::vector<columnar::batch> batches, std::optional<event_time> wm,
                         bool idle) {
    if (seg >= _chains.size() || _p.graph().segments[seg].leaf) return;
    const auto& chain = _chains[seg];
    exec::output* entry = chain.entry(port);
    if (!entry) return;
    for (auto& b : batches)
        entry->push(std::move(b));
    auto& ports = _ports[seg];
    ports[size_t(port)].merger->update(channel, wm, idle);
    // Each input moves on with the minimum over its own inputs; a join input whose inputs are
    // all idle follows the other input.
    int n = _p.graph().segments[seg].ports();
    for (int q = 0; q < n; ++q) {
        auto& ps = ports[size_t(q)];
        event_time mark = ps.merger->combined();
        if (ps.merger->all_idle() && n == 2) mark = ports[size_t(1 - q)].merger->combined();
        if (mark > ps.sent) {
            ps.sent = mark;
            chain.entry(q)->watermark(mark);
        }
    }
    if (_exchanges[seg]) _exchanges[seg]->flush();
    flush_all_letters();
}

void shard_part::add_report(part_report& r) const {
    const size_t n = _counts.size();
    if (r.counts.empty()) {
        r.counts.resize(n);
        r.ops.resize(n);
        for (size_t k = 0; k < n; ++k) {
            r.counts[k].out.assign(_counts[k].out.size(), 0);
            r.ops[k].resize(_counts[k].out.size());
        }
        r.leaf_records.assign(_leaf_records.size(), 0);
    }
    for (size_t k = 0; k < n && k < r.counts.size(); ++k) {
        auto& c = r.counts[k];
        c.in[0] += _counts[k].in[0];
        c.in[1] += _counts[k].in[1];
        for (size_t i = 0; i < c.out.size() && i < _counts[k].out.size(); ++i)
            c.out[i] += _counts[k].out[i];
        // The chains of this segment on this shard: the part's own, or its readers'.
        std::vector<const op_chain*> chains = _reader_chains[k];
        if (!_chains[k].ops.empty()) chains.push_back(&_chains[k]);
        for (const auto* chain : chains)
            for (size_t i = 0; i < chain->ops.size() && i < r.ops[k].size(); ++i) {
                const auto& op = *chain->ops[i];
                auto& o = r.ops[k][i];
                size_t bytes = op.state_bytes();
                o.state_bytes += bytes;
                if (!o.described || bytes > o.largest) {
                    o.description = op.describe();
                    o.largest = bytes;
                    o.described = true;
                }
            }
    }
    for (size_t l = 0; l < _leaf_records.size() && l < r.leaf_records.size(); ++l)
        r.leaf_records[l] += _leaf_records[l];
    r.final_wm.push_back(_final_wm);
    r.final_rows += _final_rows;
    if (_sink) r.sink_rows += _sink->rows();
    if (_table) r.table_bytes += _table->memory_bytes();
}

columnar::batch shard_part::subscribe(std::shared_ptr<subscription_channel> ch) {
    columnar::batch out;
    if (!_tap || !_table) {
        ch->end(end_reason::dropped);
        return out;
    }
    _tap->add(std::move(ch));
    auto all = _table->snapshot();
    out.rows = all.rows;
    for (uint32_t c : _visible)
        out.columns.push_back(all.columns[c]);
    return out;
}

pipeline::pipeline(broker::kafka_broker& broker, std::string name, plan::dataflow flow,
                   pipeline_output output)
    : _broker(broker), _name(std::move(name)), _flow(std::move(flow)), _output(std::move(output)),
      _graph(std::make_unique<flow_graph>(_flow)) {}

size_t pipeline::inputs_from(int feeder) const {
    if (feeder < 0) return 0;
    const auto& seg = _graph->segments[size_t(feeder)];
    if (seg.leaf)
        return seg.leaf_index < _leaf_partitions.size() ? _leaf_partitions[seg.leaf_index] : 0;
    return shard_count();
}

pipeline::~pipeline() = default;

std::vector<int64_t> pipeline::positions() const {
    std::vector<int64_t> out;
    if (!_positions) return out;
    // A sink still re-reading has written everything up to where it read before.
    for (size_t i = 0; i < _readers.size(); ++i)
        out.push_back(std::max(_positions[i].load(), _replay_until[i]));
    return out;
}

asio::awaitable<void> pipeline::start(std::vector<int64_t> from) {
    // Each source's partitions, from the controller's table (this runs on its shard). A
    // source read by several leaves (a self-join) has one reader per partition for all.
    std::vector<std::pair<std::string, std::vector<size_t>>> by_source;
    for (size_t leaf : _graph->leaves) {
        const auto& src = _graph->segments[leaf].flow->source;
        const auto* t = src ? _broker.ctl().topics()->find(src->topic) : nullptr;
        _leaf_partitions.push_back(t ? t->partitions.size() : 0);
        if (!t) continue;
        auto it = std::find_if(by_source.begin(), by_source.end(),
                               [&](const auto& g) { return g.first == src->name; });
        if (it == by_source.end()) {
            by_source.push_back({src->name, {}});
            it = by_source.end() - 1;
        }
        it->second.push_back(leaf);
    }
    for (const auto& [name, leaves] : by_source) {
        const auto& src = _graph->segments[leaves[0]].flow->source;
        const auto* t = _broker.ctl().topics()->find(src->topic);
        for (size_t i = 0; i < t->partitions.size(); ++i)
            _readers.push_back({leaves, int32_t(i), t->partitions[i]});
    }
    _positions = std::make_unique<std::atomic<int64_t>[]>(_readers.size());
    _reader_wm = std::make_unique<std::atomic<int64_t>[]>(_readers.size());
    for (size_t i = 0; i < _readers.size(); ++i)
        _reader_wm[i].store(exec::no_watermark, std::memory_order_relaxed);
    _replay_until.assign(_readers.size(), -1);
    for (size_t i = 0; i < _readers.size(); ++i) {
        int64_t f = i < from.size() ? from[i] : -1;
        if (_output.what != pipeline_output::kind::validate) {
            // A view or sink rebuilds its state from the start; a sink writes only what comes
            // after, and neither writes dead letters or late records again.
            _replay_until[i] = f;
            if (f > 0) _replaying.fetch_add(1);
            f = -1;
        }
        _positions[i].store(f);
    }
    unsigned n = _broker.shards().size();
    _parts.resize(n);
    auto self = shared_from_this();
    for (unsigned s = 0; s < n; ++s) {
        auto op = runtime::invoke_on(_broker.executor(s),
                                     [self, s] { return std::make_shared<shard_part>(*self, s); });
        _parts[s] = co_await std::move(op);
    }
    for (size_t i = 0; i < _readers.size(); ++i) {
        _running_readers.fetch_add(1);
        asio::co_spawn(_broker.executor(_readers[i].ref.shard), read_partition(i),
                       [self](std::exception_ptr e) {
                           self->_running_readers.fetch_sub(1);
                           if (e) {
                               try {
                                   std::rethrow_exception(e);
                               } catch (const std::exception& x) {
                                   spdlog::error("pipeline {}: a reader failed: {}", self->_name,
                                                 x.what());
                               }
                           }
                       });
    }
    spdlog::info("pipeline {}: started over {} partition(s) on {} shard(s), {} stage(s)", _name,
                 _readers.size(), n, _graph->segments.size());
}

/// What one reader runs for one leaf segment: its steps, ending in the exchange to the next
/// segment or in the reader's shard's part of the result.
struct reader_branch {
    std::unique_ptr<exchange_out> exchange;
    op_chain chain;
};

std::vector<reader_branch> pipeline::make_branches(size_t reader) {
    const auto& r = _readers[reader];
    std::vector<reader_branch> branches;
    for (size_t seg_index : r.segments) {
        const segment& seg = _graph->segments[seg_index];
        const auto* source = seg.flow->source.get();
        reader_branch b;
        exec::output* out = _parts[r.ref.shard]->final_output();
        if (seg.target >= 0) {
            // Channels of the target are numbered by partition of this source.
            b.exchange = std::make_unique<exchange_out>(*this, size_t(seg.target), seg.target_port,
                                                        uint32_t(r.partition), seg.exchange_keys);
            out = b.exchange.get();
        }
        b.chain =
            build_chain(*seg.flow, 0, seg.end, out, &_parts[r.ref.shard]->letters(seg.leaf_index),
                        origin_of(source), false);
        count_rows(b.chain, _parts[r.ref.shard]->counts(seg_index));
        branches.push_back(std::move(b));
    }
    return branches;
}

asio::awaitable<void> pipeline::read_partition(size_t reader) {
    auto self = shared_from_this();
    auto ex = co_await asio::this_coro::executor;
    const auto ref = _readers[reader].ref;
    const size_t index = reader; // position in _positions and _replay_until
    unsigned shard = ref.shard;
    const segment& first = _graph->segments[_readers[reader].segments[0]];
    const auto& source = first.flow->source;
    source_stage stage(source, _readers[reader].partition);
    // Records that do not decode are this shard's part's to count and write, once.
    dead_letters& letters = _parts[shard]->letters(first.leaf_index);
    std::vector<reader_branch> branches = make_branches(reader);
    // The branches' chains are known to this shard's part while the reader runs.
    struct registration {
        shard_part& part;
        const std::vector<reader_branch>& branches;
        const std::vector<size_t>& segments;
        registration(shard_part& p, const std::vector<reader_branch>& b,
                     const std::vector<size_t>& s)
            : part(p), branches(b), segments(s) {
            for (size_t i = 0; i < branches.size(); ++i)
                part.add_reader_chain(segments[i], &branches[i].chain);
        }
        ~registration() {
            for (size_t i = 0; i < branches.size(); ++i)
                part.remove_reader_chain(segments[i], &branches[i].chain);
        }
    };
    registration registered(*_parts[shard], branches, _readers[reader].segments);
    int exchanges = 0;
    for (const auto& b : branches)
        if (b.exchange) ++exchanges;
    auto wake = std::make_shared<runtime::event>(ex);
    auto in_flight = std::make_shared<int>(0);
    // Up to a few chunks travel to the next shards while this reader reads on: reading and
    // the work after the exchange overlap, and memory stays bounded.
    const int max_sends_in_flight = 4 * std::max(exchanges, 1);
    int64_t from = std::max(ref.log->log_start_offset().value(), _positions[size_t(index)].load());
    auto last_data = std::chrono::steady_clock::now();
    bool replaying = _replay_until[size_t(index)] > 0;
    bool idle = false;
    event_time sent_wm = exec::no_watermark;
    std::vector<raw_record> records;
    std::vector<std::vector<std::byte>> scratch;
    while (!stopping()) {
        if (!replaying && self->replaying()) {
            // A sink's output is held back while any reader re-reads what it read before the
            // restart: records past that point wait until every reader is there, so that no
            // result involving them is made (and dropped) during the replay.
            auto waited =
                wake->wait_until(std::chrono::steady_clock::now() + std::chrono::milliseconds(10));
            co_await std::move(waited);
            continue;
        }
        auto bytes = ref.log->read_bytes(model::offset(from), 1 << 20);
        if (!bytes) {
            spdlog::error("pipeline {}: reading {} at {}: {}", _name, ref.log->name(), from,
                          bytes.err().to_string());
            co_return;
        }
        if (bytes->empty()) {
            if (from < ref.log->log_start_offset().value())
                from = ref.log->log_start_offset().value();
            _broker.state(shard).watch(ref.log.get(), {ex, wake});
            auto waited =
                wake->wait_until(std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
            co_await std::move(waited);
            auto idle_for = std::chrono::steady_clock::now() - last_data;
            if (!idle && source->idle_timeout_ms > 0 &&
                idle_for > std::chrono::milliseconds(source->idle_timeout_ms)) {
                idle = true;
                for (auto& b : branches) {
                    if (!b.exchange) continue;
                    b.exchange->set_idle(true);
                    auto f = b.exchange->flush_and_wait();
                    co_await std::move(f);
                }
            }
            continue;
        }
        records.clear();
        scratch.clear();
        auto next = walk_records(*bytes, from, records, scratch);
        if (!next) {
            spdlog::error("pipeline {}: {} at {}: {}", _name, ref.log->name(), from,
                          next.err().to_string());
            co_return;
        }
        int64_t chunk_end = *next;
        from = chunk_end;
        last_data = std::chrono::steady_clock::now();
        if (records.empty()) continue;
        _parts[shard]->records_in += records.size();
        for (size_t seg : _readers[reader].segments)
            _parts[shard]->leaf_records(_graph->segments[seg].leaf_index) += records.size();
        columnar::batch decoded = stage.process(records, letters);
        feed_branches(branches, std::move(decoded), stage.watermark(), sent_wm, idle);
        _reader_wm[index].store(sent_wm, std::memory_order_relaxed);
        idle = false;
        // The chunk that reaches where the reading stood before a restart ends the replay once
        // everything it carries has been processed (its output, too, was written before).
        bool ends_replay = replaying && chunk_end >= _replay_until[size_t(index)];
        if (exchanges > 0) {
            auto pending = std::make_shared<int>(exchanges);
            for (auto& b : branches) {
                if (!b.exchange) continue;
                ++*in_flight;
                b.exchange->send(ex, [self, ends_replay, in_flight, pending,
                                      w = std::weak_ptr<runtime::event>(wake)] {
                    --*in_flight;
                    if (--*pending == 0 && ends_replay) self->_replaying.fetch_sub(1);
                    if (auto e = w.lock()) e->notify();
                });
            }
            while (*in_flight >= max_sends_in_flight && !stopping()) {
                auto waited = wake->wait_until(std::chrono::steady_clock::now() +
                                               std::chrono::milliseconds(100));
                co_await std::move(waited);
            }
        }
        if (replaying)
            letters.records().clear(); // written before the restart
        else
            _parts[shard]->flush_all_letters();
        _positions[size_t(index)].store(chunk_end);
        if (ends_replay) {
            replaying = false;
            if (exchanges == 0) _replaying.fetch_sub(1);
        }
    }
    if (replaying) _replaying.fetch_sub(1);
}

void pipeline::feed_branches(std::vector<reader_branch>& branches, columnar::batch b, event_time wm,
                             event_time& sent_wm, bool was_idle) {
    for (size_t i = 0; i < branches.size(); ++i) {
        auto& br = branches[i];
        if (b.rows) {
            // Batches are not changed by the operators that read them: the last branch takes
            // it, the others share its columns.
            if (i + 1 == branches.size())
                br.chain.entry()->push(std::move(b));
            else
                br.chain.entry()->push(b);
        }
        if (was_idle && br.exchange) br.exchange->set_idle(false);
    }
    if (wm > sent_wm) {
        sent_wm = wm;
        for (auto& br : branches)
            br.chain.entry()->watermark(wm);
    }
}

asio::awaitable<void> pipeline::stop() {
    _stopping.store(true);
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer timer(ex);
    while (_running_readers.load() > 0) {
        timer.expires_after(std::chrono::milliseconds(10));
        co_await timer.async_wait(asio::use_awaitable);
    }
    // Messages between shards still in flight are processed before the parts go: one round
    // per stage through every shard.
    for (size_t round = 0; round <= _graph->segments.size(); ++round)
        for (unsigned s = 0; s < _parts.size(); ++s) {
            auto op = runtime::invoke_on(_broker.executor(s), [] { return true; });
            co_await std::move(op);
        }
    for (unsigned s = 0; s < _parts.size(); ++s) {
        auto part = std::move(_parts[s]);
        auto op = runtime::invoke_on(_broker.executor(s), [part]() mutable {
            part.reset();
            return true;
        });
        co_await std::move(op);
    }
    _parts.clear();
}

asio::awaitable<std::vector<columnar::batch>> pipeline::snapshot() {
    std::vector<columnar::batch> out;
    auto self = shared_from_this();
    for (unsigned s = 0; s < _parts.size(); ++s) {
        auto op = runtime::invoke_on(_broker.executor(s),
                                     [self, s] { return self->_parts[s]->snapshot(); });
        out.push_back(co_await std::move(op));
    }
    co_return out;
}

asio::awaitable<std::vector<operator_stats>> pipeline::operators() {
    std::vector<operator_stats> all;
    auto self = shared_from_this();
    for (unsigned s = 0; s < _parts.size(); ++s) {
        auto op = runtime::invoke_on(_broker.executor(s), [self, s, all] {
            auto mine = all;
            self->_parts[s]->add_operator_stats(mine);
            return mine;
        });
        all = co_await std::move(op);
    }
    co_return all;
}

asio::awaitable<pipeline_stats> pipeline::stats() {
    pipeline_stats total;
    auto self = shared_from_this();
    for (unsigned s = 0; s < _parts.size(); ++s) {
        auto op = runtime::invoke_on(_broker.executor(s), [self, s] {
            pipeline_stats st;
            self->_parts[s]->add_stats(st);
            return st;
        });
        auto st = co_await std::move(op);
        total.records_in += st.records_in;
        total.invalid += st.invalid;
        total.late += st.late;
        total.rows_out += st.rows_out;
        total.state_bytes += st.state_bytes;
        total.result_rows += st.result_rows;
        total.output_rows += st.output_rows;
    }
    co_return total;
}

namespace {

std::string exchange_description(const segment& seg) {
    if (seg.exchange_keys.empty()) return "exchange: every row to one shard";
    std::string s = "exchange by hash of column";
    s += seg.exchange_keys.size() > 1 ? "s " : " ";
    for (size_t i = 0; i < seg.exchange_keys.size(); ++i)
        s += (i ? ", " : "") + std::to_string(seg.exchange_keys[i]);
    return s;
}

/// The segments in an order where every segment comes after the ones feeding it.
void feeders_first(const flow_graph& g, size_t k, std::vector<size_t>& order) {
    for (int feeder : g.segments[k].feeder)
        if (feeder >= 0) feeders_first(g, size_t(feeder), order);
    order.push_back(k);
}

} // namespace

asio::awaitable<pipeline_graph_info> pipeline::graph_info() {
    part_report report;
    auto self = shared_from_this();
    for (unsigned s = 0; s < _parts.size(); ++s) {
        auto op = runtime::invoke_on(_broker.executor(s), [self, s, report] {
            auto mine = report;
            self->_parts[s]->add_report(mine);
            return mine;
        });
        report = co_await std::move(op);
    }
    pipeline_graph_info info;
    const auto& g = *_graph;
    const size_t n = g.segments.size();
    if (report.counts.size() != n) co_return info; // stopped
    size_t root = 0;
    for (size_t k = 0; k < n; ++k)
        if (g.segments[k].target < 0) root = k;
    std::vector<size_t> order;
    feeders_first(g, root, order);

    auto add = [&](size_t seg, std::string kind, std::string description) -> operator_info& {
        operator_info o;
        o.id = int(info.operators.size());
        o.segment = seg;
        o.kind = std::move(kind);
        o.description = std::move(description);
        info.operators.push_back(std::move(o));
        return info.operators.back();
    };
    // Source readers, one per leaf.
    std::vector<int> reader_id(g.leaves.size());
    for (size_t l = 0; l < g.leaves.size(); ++l) {
        size_t seg = g.leaves[l];
        const auto& src = g.segments[seg].flow->source;
        size_t parts = l < _leaf_partitions.size() ? _leaf_partitions[l] : 0;
        auto& o = add(seg, "source",
                      src ? fmt::format("read source {} (topic {}, {} partition(s))", src->name,
                                        src->topic, parts)
                          : std::string("read input"));
        o.rows_in = report.leaf_records[l];
        o.rows_out = report.counts[seg].in[0];
        reader_id[l] = o.id;
    }
    // Each segment's operators, then its exchange.
    std::vector<int> first_op(n, -1), exchange_id(n, -1);
    for (size_t k : order) {
        const auto& seg = g.segments[k];
        const auto& c = report.counts[k];
        for (size_t i = 0; i < c.out.size(); ++i) {
            const auto& r = report.ops[k][i];
            auto& o = add(k, "operator", r.description);
            o.rows_in = i == 0 ? c.in[0] + c.in[1] : c.out[i - 1];
            o.rows_out = c.out[i];
            o.state_bytes = r.state_bytes;
            if (i == 0) first_op[k] = o.id;
        }
        if (seg.target >= 0) {
            auto& o = add(k, "exchange", exchange_description(seg));
            o.rows_in = c.out.empty() ? c.in[0] : c.out.back();
            o.rows_out = report.counts[size_t(seg.target)].in[seg.target_port];
            exchange_id[k] = o.id;
        }
    }
    // The view, sink or discard.
    const char* kind = _output.what == pipeline_output::kind::view   ? "view"
                       : _output.what == pipeline_output::kind::sink ? "sink"
                                                                     : "discard";
    std::string description =
        _output.what == pipeline_output::kind::view   ? "materialized view " + _name
        : _output.what == pipeline_output::kind::sink ? "sink into topic " + _output.topic
                                                      : "valid records dropped (checked only)";
    auto& last = add(root, kind, std::move(description));
    last.rows_in = report.final_rows;
    last.rows_out = _output.what == pipeline_output::kind::sink   ? report.sink_rows
                    : _output.what == pipeline_output::kind::view ? report.final_rows
                                                                  : 0;
    last.state_bytes = report.table_bytes;
    const int final_id = last.id;

    // Edges: into each segment's first node, along its operators, out through its exchange.
    auto head = [&](size_t k) {
        if (first_op[k] >= 0) return first_op[k];
        if (exchange_id[k] >= 0) return exchange_id[k];
        return final_id;
    };
    for (size_t l = 0; l < g.leaves.size(); ++l)
        info.edges.emplace_back(reader_id[l], head(g.leaves[l]));
    for (size_t k : order) {
        const auto& seg = g.segments[k];
        size_t ops = report.counts[k].out.size();
        for (size_t i = 0; i + 1 < ops; ++i)
            info.edges.emplace_back(first_op[k] + int(i), first_op[k] + int(i + 1));
        int exit = exchange_id[k] >= 0 ? exchange_id[k] : final_id;
        if (ops > 0) info.edges.emplace_back(first_op[k] + int(ops - 1), exit);
        if (exchange_id[k] >= 0) info.edges.emplace_back(exchange_id[k], head(size_t(seg.target)));
    }

    // The watermark: the lowest of what reached the end on each shard or, when the readers
    // feed the end directly, of the readers.
    std::optional<int64_t> low;
    auto take = [&](int64_t wm) {
        if (wm == exec::no_watermark || wm == exec::end_of_input) return;
        low = low ? std::min(*low, wm) : wm;
    };
    if (g.segments[root].leaf) {
        for (size_t i = 0; i < _readers.size(); ++i)
            take(_reader_wm[i].load(std::memory_order_relaxed));
    } else {
        for (auto wm : report.final_wm)
            take(wm);
    }
    info.watermark_ms = low;
    co_return info;
}

asio::awaitable<std::unique_ptr<view_subscription>>
pipeline::subscribe(asio::any_io_executor home, size_t max_pending_rows,
                    std::vector<plan::column_info> columns) {
    auto ch = std::make_shared<subscription_channel>(home, max_pending_rows);
    std::vector<columnar::data_type> types;
    for (const auto& c : columns)
        types.push_back(c.type);
    auto rows = columnar::batch::with_types(types);
    auto self = shared_from_this();
    if (_output.what != pipeline_output::kind::view || _parts.empty()) ch->end(end_reason::dropped);
    for (unsigned s = 0; s < _parts.size() && ch->ended.load() == end_reason::none; ++s) {
        auto op = runtime::invoke_on(_broker.executor(s),
                                     [self, s, ch] { return self->_parts[s]->subscribe(ch); });
        auto part = co_await std::move(op);
        if (part.rows > 0 && part.columns.size() == rows.columns.size()) rows.append(part);
    }
    co_return std::make_unique<view_subscription>(std::move(ch), std::move(columns),
                                                  std::move(rows));
}

} // namespace spate::stream
