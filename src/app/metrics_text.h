#pragma once

#include "base/latency_histogram.h"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spate::broker {
class kafka_broker;
}
namespace spate::stream {
class engine;
}

namespace spate::app {

/// A label of a sample: name and (unescaped) value.
using metric_label = std::pair<std::string_view, std::string_view>;

/// `v` escaped as a label value of the Prometheus text format: backslash, double quote and
/// newline become \\, \" and \n.
std::string escape_label_value(std::string_view v);

/// Builds Prometheus text format 0.0.4: metric families, each a HELP and a TYPE line followed
/// by its samples. The caller writes each family's samples together, after family(). Used on
/// one thread.
class metrics_writer {
public:
    /// Starts family `name` of `type` ("counter", "gauge", "histogram"). A family started
    /// twice gets its HELP and TYPE lines once (its samples must still follow at once).
    void family(std::string_view name, std::string_view type, std::string_view help);
    /// One sample line: `name{labels} value` (integers exactly, others in shortest form).
    void sample(std::string_view name, std::initializer_list<metric_label> labels, uint64_t value);
    void sample(std::string_view name, std::initializer_list<metric_label> labels, double value);
    void sample(std::string_view name, const std::vector<metric_label>& labels,
                std::string_view value_text);
    /// The samples of histogram `name` (in seconds) for `h`: cumulative `_bucket{le=..}` lines
    /// up to +Inf, then `_sum` and `_count`. Call family(name, "histogram", ..) first.
    void histogram(std::string_view name, std::initializer_list<metric_label> labels,
                   const latency_histogram& h);
    /// Text already in the format (complete families), appended as it is.
    void raw(std::string_view text) { _out += text; }

    const std::string& text() const { return _out; }
    std::string take() { return std::move(_out); }

private:
    std::string _out;
    std::set<std::string, std::less<>> _families;
};

/// Adds further families (the HTTP server's own request latencies) to the text.
using metrics_extra = std::function<void(metrics_writer&)>;

/// Everything spate measures, as Prometheus text: topic traffic and partition end offsets,
/// consumer group lag, pipeline and operator counters, watermark lag, and Kafka request
/// latencies by API; then whatever `extra` adds. Runs on shard 0 (the engine's home).
boost::asio::awaitable<std::string>
render_metrics(broker::kafka_broker& broker, stream::engine& engine, metrics_extra extra = {});

} // namespace spate::app
