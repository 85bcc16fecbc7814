// The topic routes of the HTTP API: GET /api/topics, POST and GET /api/topics/{topic}/records.

#include "app/http_json_internal.h"
#include "app/http_records_internal.h"
#include "app/http_routes_internal.h"
#include "base/varint.h"
#include "broker/broker.h"
#include "group/coordinator.h"
#include "model/batch_builder.h"
#include "model/compression.h"
#include "model/key_partitioner.h"
#include "model/record_batch.h"
#include "runtime/invoke.h"
#include "runtime/shard_set.h"
#include "runtime/when_all.h"

#include <fmt/format.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <variant>

namespace spate::app {

namespace asio = boost::asio;
using json = nlohmann::ordered_json;

namespace {

/// Batches are cut at this size, well under Kafka's default max.message.bytes (1 MiB).
constexpr size_t batch_cut_bytes = 512 << 10;
/// Most records one GET of records returns.
constexpr size_t max_read_limit = 1000;

/// A request's error: its status, code and message.
struct api_error {
    unsigned status;
    std::string code;
    std::string message;
    http::response to_response() const { return http::json_error(status, code, message); }
};

// ---- POST /api/topics/{topic}/records ----

/// One batch of a produce request, for one partition, and the offset it got.
struct pending_batch {
    size_t partition = 0;
    std::shared_ptr<std::vector<std::byte>> bytes;
    int64_t base_offset = -1;
};

/// Turns a produce request's records into batches per partition, remembering where each
/// record went so that its offset can be given back in input order. Single-threaded value.
class produce_plan {
public:
    produce_plan(const broker::topic_entry& topic, int64_t now, size_t round_robin)
        : _topic(topic), _now(now), _round_robin(round_robin), _open(topic.partitions.size()) {}

    /// Adds one record; an error says what is wrong with it.
    std::optional<record_error> add(posted_record& rec);
    /// Cuts the batches still open; call once, after the last add().
    void finish() {
        for (size_t p = 0; p < _open.size(); ++p)
            cut(p);
    }

    std::vector<pending_batch>& batches() { return _batches; }
    size_t record_count() const { return _where.size(); }
    /// The partition and offset record `i` got, once every batch has its base offset.
    std::pair<size_t, int64_t> placed(size_t i) const {
        auto [batch, index] = _where[i];
        return {_batches[batch].partition, _batches[batch].base_offset + index};
    }

private:
    struct open_batch {
        model::batch_builder builder;
        size_t bytes = 0;
        int32_t count = 0;
        size_t slot = 0; ///< the index its batch will have in _batches
    };
    void cut(size_t p);
    std::optional<record_error> pick_partition(const posted_record& rec, size_t& out);

    const broker::topic_entry& _topic;
    int64_t _now;
    size_t _round_robin;
    std::vector<open_batch> _open;
    std::vector<pending_batch> _batches;
    std::vector<std::pair<size_t, int32_t>> _where;
};

std::optional<record_error> produce_plan::pick_partition(const posted_record& rec, size_t& out) {
    const size_t n = _topic.partitions.size();
    if (rec.partition) {
        int64_t p = *rec.partition;
        if (p < 0 || p >= int64_t(n))
            return record_error{"UNKNOWN_TOPIC_OR_PARTITION",
                                fmt::format("partition {} does not exist (topic \"{}\" has {} "
                                            "partition{})",
                                            p, _topic.name, n, n == 1 ? "" : "s")};
        out = size_t(p);
    } else if (rec.key) {
        out = size_t(model::partition_for_key(*rec.key, int32_t(n)));
    } else {
        out = _round_robin++ % n;
    }
    return std::nullopt;
}

std::optional<record_error> produce_plan::add(posted_record& rec) {
    size_t p = 0;
    if (auto e = pick_partition(rec, p)) return e;
    std::vector<model::batch_builder::header> headers;
    headers.reserve(rec.headers.size());
    size_t header_bytes = 0;
    for (const auto& [name, value] : rec.headers) {
        headers.push_back({name, value});
        header_bytes += name.size() + value.size();
    }
    auto& open = _open[p];
    if (open.count == 0) {
        open.slot = _batches.size();
        _batches.push_back(pending_batch{p, nullptr, -1});
    }
    std::optional<std::string_view> k, v;
    if (rec.key) k = *rec.key;
    if (rec.value) v = *rec.value;
    open.builder.add(k, v, model::timestamp_ms(rec.timestamp.value_or(_now)), headers);
    _where.emplace_back(open.slot, open.count);
    ++open.count;
    open.bytes += (k ? k->size() : 0) + (v ? v->size() : 0) + 24 + header_bytes;
    if (open.bytes >= batch_cut_bytes) cut(p);
    return std::nullopt;
}

void produce_plan::cut(size_t p) {
    auto& open = _open[p];
    if (open.count == 0) return;
    _batches[open.slot].bytes = std::make_shared<std::vector<std::byte>>(open.builder.build());
    open.builder.reset();
    open.bytes = 0;
    open.count = 0;
}

/// Where the records of a body are: one JSON value per line, or one JSON array.
bool is_ndjson(const http::request& req) {
    auto type = req.media_type();
    if (type == "application/x-ndjson" || type == "application/ndjson" ||
        type == "application/jsonl" || type == "application/x-jsonlines")
        return true;
    if (type == "application/json") return false;
    auto first = req.body.find_first_not_of(" \t\r\n");
    return first == std::string::npos || req.body[first] != '[';
}

/// Reads the body's records into `plan`; an error names the line (NDJSON) or the element.
std::optional<api_error> read_records(const http::request& req, produce_plan& plan) {
    auto err = read_posted_records(req.body, is_ndjson(req),
                                   [&plan](posted_record& rec) { return plan.add(rec); });
    if (err) return api_error{400, std::move(err->code), std::move(err->message)};
    if (plan.record_count() == 0)
        return api_error{400, "INVALID_RECORD", "the body holds no records"};
    plan.finish();
    return std::nullopt;
}

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// Spreads keyless records of successive requests over the partitions.
std::atomic<size_t> next_round_robin{0};

/// What appending one partition's batches gave: their base offsets, in order, up to the first
/// failure (then `failure` says what it was).
struct append_outcome {
    size_t partition = 0;
    std::vector<int64_t> base_offsets;
    std::optional<error> failure;
};

/// Appends `batches` to one partition, in order, on its shard; answers once they are durable
/// (as the flush policy says) or one failed.
asio::awaitable<append_outcome>
append_batches(broker::kafka_broker& broker, std::string topic, size_t partition,
               broker::partition_ref ref,
               std::vector<std::shared_ptr<std::vector<std::byte>>> batches) {
    broker::kafka_broker* b = &broker;
    auto op = runtime::invoke_on(
        broker.executor(ref.shard),
        [b, topic = std::move(topic), partition, ref,
         batches = std::move(batches)]() -> asio::awaitable<append_outcome> {
            append_outcome out;
            out.partition = partition;
            for (const auto& data : batches) {
                auto append = ref.log->append_durable(*data);
                auto r = co_await std::move(append);
                if (!r) {
                    out.failure = std::move(r).err();
                    break;
                }
                out.base_offsets.push_back(r->base_offset.value());
                b->state(ref.shard).traffic().add_in(
                    topic, uint64_t(r->last_offset.value() - r->base_offset.value() + 1),
                    data->size());
            }
            if (!out.base_offsets.empty()) b->state(ref.shard).notify(ref.log.get());
            co_return out;
        });
    co_return co_await std::move(op);
}

api_error append_failed(const error& e, size_t partition, bool some_written) {
    unsigned status = 500;
    if (e.code == errc::message_too_large || e.code == errc::record_list_too_large)
        status = 413;
    else if (e.code == errc::corrupt_message || e.code == errc::invalid_record ||
             e.code == errc::invalid_timestamp)
        status = 400;
    return {status, std::string(errc_name(e.code)),
            fmt::format("partition {}: {}{}", partition, e.message,
                        some_written ? " (some records of the request were written)" : "")};
}

/// Gives each batch the base offset its partition's append returned; the first failure, if any.
std::optional<api_error> place_batches(const std::vector<append_outcome>& outcomes,
                                       std::vector<pending_batch>& batches) {
    size_t written = 0;
    const append_outcome* failed = nullptr;
    for (const auto& o : outcomes) {
        written += o.base_offsets.size();
        if (o.failure && !failed) failed = &o;
        size_t next = 0;
        for (auto& b : batches)
            if (b.partition == o.partition && next < o.base_offsets.size())
                b.base_offset = o.base_offsets[next++];
    }
    if (failed) return append_failed(*failed->failure, failed->partition, written > 0);
    return std::nullopt;
}

/// The topic named in the path, from this shard's copy of the topic table; a 404 if none.
std::variant<std::shared_ptr<const broker::topic_entry>, http::response>
find_topic(broker::kafka_broker& broker, const http::request& req) {
    std::string name(req.capture("topic").value_or(""));
    auto table = broker.local().topics();
    auto it = table->by_name.find(name);
    if (it == table->by_name.end() || it->second->partitions.empty())
        return http::json_error(404, "UNKNOWN_TOPIC_OR_PARTITION",
                                fmt::format("topic \"{}\" does not exist", name));
    return it->second;
}

asio::awaitable<http::response> post_records(const http_parts& parts, const http::request& req) {
    auto found = find_topic(parts.broker, req);
    if (auto* r = std::get_if<http::response>(&found)) co_return std::move(*r);
    auto topic = std::get<0>(found);
    if (topic->name == group::offsets_topic)
        co_return http::json_error(400, "INVALID_TOPIC_EXCEPTION",
                                   fmt::format("topic \"{}\" is the broker's own", topic->name));
    produce_plan plan(*topic, now_ms(), next_round_robin.fetch_add(1));
    if (auto e = read_records(req, plan)) co_return e->to_response();
    // The partitions are written concurrently; each partition's batches in input order.
    auto& batches = plan.batches();
    std::vector<std::vector<std::shared_ptr<std::vector<std::byte>>>> per_partition(
        topic->partitions.size());
    for (const auto& b : batches)
        per_partition[b.partition].push_back(b.bytes);
    std::vector<asio::awaitable<append_outcome>> appends;
    for (size_t p = 0; p < per_partition.size(); ++p)
        if (!per_partition[p].empty())
            appends.push_back(append_batches(parts.broker, topic->name, p, topic->partitions[p],
                                             std::move(per_partition[p])));
    auto all = runtime::when_all(std::move(appends));
    std::vector<append_outcome> outcomes = co_await std::move(all);
    if (auto e = place_batches(outcomes, batches)) co_return e->to_response();
    json offsets = json::array();
    for (size_t i = 0; i < plan.record_count(); ++i) {
        auto [p, offset] = plan.placed(i);
        offsets.push_back({{"partition", p}, {"offset", offset}});
    }
    co_return json_ok(json{{"offsets", std::move(offsets)}});
}

// ---- GET /api/topics ----

asio::awaitable<http::response> get_topics(const http_parts& parts) {
    auto op = parts.broker.topic_traffic();
    std::vector<broker::topic_traffic> traffic = co_await std::move(op);
    json topics = json::array();
    for (const auto& t : traffic) {
        json partitions = json::array();
        for (const auto& o : t.partitions)
            partitions.push_back({{"partition", o.partition},
                                  {"start_offset", o.start_offset},
                                  {"end_offset", o.end_offset}});
        topics.push_back({{"name", t.name},
                          {"internal", t.internal},
                          {"partitions", std::move(partitions)},
                          {"records_in", t.counters.records_in},
                          {"bytes_in", t.counters.bytes_in},
                          {"records_out", t.counters.records_out},
                          {"bytes_out", t.counters.bytes_out}});
    }
    co_return json_ok(json{{"topics", std::move(topics)}});
}

// ---- GET /api/topics/{topic}/records ----

/// A record read back, its bytes copied out of the log.
struct read_record {
    int64_t offset = 0;
    int64_t timestamp = 0;
    std::optional<std::string> key;
    std::optional<std::string> value;
    std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

struct read_page {
    std::vector<read_record> records;
    int64_t next_offset = 0;
    std::optional<error> failure; ///< set when the read failed
};

std::string as_string(std::span<const std::byte> s) {
    return {reinterpret_cast<const char*>(s.data()), s.size()};
}

/// Decodes a record's headers (varint-length name, varint-length value, -1 for null).
result<std::vector<std::pair<std::string, std::optional<std::string>>>>
decode_headers(std::span<const std::byte> in, int32_t count) {
    std::vector<std::pair<std::string, std::optional<std::string>>> out;
    auto bad = [] { return error::make(errc::corrupt_message, "a record header is malformed"); };
    for (int32_t i = 0; i < count; ++i) {
        auto name_len = read_zigzag(in, 5);
        if (!name_len || *name_len < 0 || size_t(*name_len) > in.size()) return bad();
        std::string name = as_string(in.first(size_t(*name_len)));
        in = in.subspan(size_t(*name_len));
        auto value_len = read_zigzag(in, 5);
        if (!value_len || *value_len < -1 || (*value_len > 0 && size_t(*value_len) > in.size()))
            return bad();
        std::optional<std::string> value;
        if (*value_len >= 0) {
            value = as_string(in.first(size_t(*value_len)));
            in = in.subspan(size_t(*value_len));
        }
        out.emplace_back(std::move(name), std::move(value));
    }
    return out;
}

/// Adds the records of the whole batches in `bytes` from offset `page.next_offset` on, until
/// `limit`; moves next_offset past what it took. False when the limit was reached.
result<bool> take_records(std::span<const std::byte> bytes, size_t limit, read_page& page) {
    while (bytes.size() >= model::batch_layout::header_size) {
        auto header = model::parse_batch_header(bytes);
        if (!header) return std::move(header).err();
        if (header->size_bytes() > bytes.size()) break;
        auto batch = bytes.first(header->size_bytes());
        bytes = bytes.subspan(header->size_bytes());
        if (header->is_control()) {
            page.next_offset = std::max(page.next_offset, header->next_offset().value());
            continue;
        }
        auto section = batch.subspan(model::batch_layout::header_size);
        std::vector<std::byte> inflated;
        if (header->codec() != model::compression::none) {
            auto d =
                model::decompress(header->codec(), section, model::max_decompressed_batch_bytes);
            if (!d) return std::move(d).err();
            inflated = std::move(*d);
            section = inflated;
        }
        model::record_reader reader(section);
        while (!reader.at_end()) {
            auto rec = reader.next();
            if (!rec) return std::move(rec).err();
            int64_t offset = header->base_offset.value() + rec->offset_delta;
            if (offset < page.next_offset) continue;
            if (page.records.size() >= limit) return false;
            read_record r;
            r.offset = offset;
            r.timestamp = header->base_timestamp.value() + rec->timestamp_delta;
            if (rec->key) r.key = as_string(*rec->key);
            if (rec->value) r.value = as_string(*rec->value);
            auto headers = decode_headers(rec->headers, rec->header_count);
            if (!headers) return std::move(headers).err();
            r.headers = std::move(*headers);
            page.records.push_back(std::move(r));
            page.next_offset = offset + 1;
        }
        page.next_offset = std::max(page.next_offset, header->next_offset().value());
    }
    return page.records.size() < limit;
}

/// Up to `limit` records of `p` from `from` on; on the partition's shard. Reading before the
/// log start starts at the log start; past the high watermark is OFFSET_OUT_OF_RANGE.
result<read_page> read_partition(const log::partition& p, int64_t from, size_t limit);

/// read_partition() as a plain value (what crosses shards must be default-constructible).
read_page read_partition_value(const log::partition& p, int64_t from, size_t limit) {
    auto r = read_partition(p, from, limit);
    if (r) return std::move(r).value();
    read_page failed;
    failed.failure = std::move(r).err();
    return failed;
}

result<read_page> read_partition(const log::partition& p, int64_t from, size_t limit) {
    read_page page;
    int64_t end = p.high_watermark().value();
    if (from > end)
        return error::make(errc::offset_out_of_range,
                           "offset {} is past the end of the partition ({})", from, end);
    page.next_offset = std::max(from, p.log_start_offset().value());
    while (page.records.size() < limit && page.next_offset < end) {
        auto bytes = p.read_bytes(model::offset(page.next_offset), 1 << 20);
        if (!bytes) return std::move(bytes).err();
        if (bytes->empty()) break;
        int64_t before = page.next_offset;
        auto more = take_records(*bytes, limit, page);
        if (!more) return std::move(more).err();
        if (!*more || page.next_offset == before) break;
    }
    return page;
}

/// The query parameter `name` as an integer in [min, max]; `fallback` when absent.
std::variant<int64_t, http::response> int_param(const http::request& req, std::string_view name,
                                                int64_t fallback, int64_t min, int64_t max) {
    auto text = req.query_param(name);
    if (!text) return fallback;
    int64_t v = 0;
    auto r = std::from_chars(text->data(), text->data() + text->size(), v);
    if (r.ec != std::errc{} || r.ptr != text->data() + text->size() || v < min || v > max)
        return http::json_error(400, "INVALID_REQUEST",
                                fmt::format("query parameter \"{}\" must be an integer from {} "
                                            "to {}, not \"{}\"",
                                            name, min, max, *text));
    return v;
}

void put_bytes(json& out, const char* field, const char* encoding_field,
               const std::optional<std::string>& bytes) {
    if (!bytes) {
        out[field] = nullptr;
    } else if (valid_utf8(*bytes)) {
        out[field] = *bytes;
    } else {
        out[field] = base64(*bytes);
        out[encoding_field] = "base64";
    }
}

json page_json(size_t partition, const read_page& page) {
    json records = json::array();
    for (const auto& r : page.records) {
        json rec = {{"partition", partition}, {"offset", r.offset}, {"timestamp", r.timestamp}};
        put_bytes(rec, "key", "key_encoding", r.key);
        put_bytes(rec, "value", "value_encoding", r.value);
        json headers = json::object();
        for (const auto& [name, value] : r.headers) {
            if (value)
                headers[name] = *value;
            else
                headers[name] = nullptr;
        }
        rec["headers"] = std::move(headers);
        records.push_back(std::move(rec));
    }
    return json{{"records", std::move(records)}, {"next_offset", page.next_offset}};
}

asio::awaitable<http::response> get_records(const http_parts& parts, const http::request& req) {
    auto found = find_topic(parts.broker, req);
    if (auto* r = std::get_if<http::response>(&found)) co_return std::move(*r);
    auto topic = std::get<0>(found);
    auto partition = int_param(req, "partition", 0, 0, std::numeric_limits<int32_t>::max());
    auto offset = int_param(req, "offset", 0, 0, std::numeric_limits<int64_t>::max());
    auto limit = int_param(req, "limit", 50, 1, int64_t(max_read_limit));
    for (auto* p : {&partition, &offset, &limit})
        if (auto* r = std::get_if<http::response>(p)) co_return std::move(*r);
    size_t p = size_t(std::get<0>(partition));
    if (p >= topic->partitions.size())
        co_return http::json_error(
            404, "UNKNOWN_TOPIC_OR_PARTITION",
            fmt::format("partition {} of topic \"{}\" does not exist", p, topic->name));
    auto ref = topic->partitions[p];
    int64_t from = std::get<0>(offset);
    size_t n = size_t(std::get<0>(limit));
    auto op = runtime::invoke_on(parts.broker.executor(ref.shard), [ref, from, n] {
        return read_partition_value(*ref.log, from, n);
    });
    read_page page = co_await std::move(op);
    if (page.failure) {
        unsigned status = page.failure->code == errc::offset_out_of_range ? 400 : 500;
        co_return http::json_error(status, errc_name(page.failure->code), page.failure->message);
    }
    co_return json_ok(page_json(p, page));
}

} // namespace

void register_topic_routes(http::router& r, const http_parts& parts) {
    const http_parts* p = &parts;
    r.add("GET", "/api/topics", [p](const http::request&) { return get_topics(*p); });
    r.add("POST", "/api/topics/{topic}/records",
          [p](const http::request& req) { return post_records(*p, req); });
    r.add("GET", "/api/topics/{topic}/records",
          [p](const http::request& req) { return get_records(*p, req); });
}

} // namespace spate::app
