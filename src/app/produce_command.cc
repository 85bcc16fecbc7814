#include "app/produce_command.h"

#include "app/produce_kafka_internal.h"

#include "base/result.h"
#include "columnar/batch.h"
#include "columnar/text_format.h"
#include "files/files.h"
#include "format/encoder.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

namespace spate::app {
namespace {

using steady = std::chrono::steady_clock;
using namespace produce_detail;

bool ends_with(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// ---- reading the input

result<files::read_options> read_options_of(const produce_options& opts) {
    files::read_options ro;
    std::string format = opts.format.empty() ? format_of_name(opts.pattern) : opts.format;
    if (format == "csv")
        ro.format = files::file_format::csv;
    else if (format == "json")
        ro.format = files::file_format::json;
    else if (format == "text")
        ro.format = files::file_format::text;
    else
        return error::make(errc::invalid_config, "unknown --format {} (csv, json or text)", format);
    if (opts.value_format == "raw" && ro.format != files::file_format::text)
        return error::make(errc::invalid_config,
                           "--value-format raw is only for text files (this is read as {})",
                           format);
    ro.header = opts.header;
    if (opts.delimiter == "\\t" || opts.delimiter == "tab")
        ro.delimiter = '\t';
    else if (opts.delimiter.size() == 1)
        ro.delimiter = opts.delimiter[0];
    else if (!opts.delimiter.empty())
        return error::make(errc::invalid_config,
                           "--delimiter must be one character (or \\t), not '{}'", opts.delimiter);
    else if (ends_with(opts.pattern, ".tsv") || ends_with(opts.pattern, ".tsv.gz"))
        ro.delimiter = '\t';
    ro.ignore_errors = opts.ignore_errors;
    return ro;
}

// Parses every record of `table` once, keeping nothing: the check before anything is sent.
result<void> check_all(const files::file_table& table) {
    files::chunk_reader reader(table);
    std::vector<uint32_t> projection(table.columns.size());
    for (uint32_t i = 0; i < projection.size(); ++i)
        projection[i] = i;
    files::chunk_parser parser(table, projection);
    auto types = parser.output_types();
    files::parse_stats stats;
    for (;;) {
        auto c = reader.next();
        if (!c) return std::move(c).err();
        if (!*c) return ok();
        auto out = columnar::batch::with_types(types);
        if (auto r = parser.parse(**c, out, stats); !r) return r;
    }
}

// Appends the text of row `row` of `col` to `out` (the record key); false when it is NULL.
bool append_key_text(const columnar::column& col, size_t row, std::string& out) {
    if (col.is_null(row)) return false;
    char buf[32];
    switch (col.type().id) {
    case columnar::type_id::boolean: out += col.bools()[row] ? "true" : "false"; break;
    case columnar::type_id::int32:
    case columnar::type_id::int64: {
        auto end = std::to_chars(buf, buf + sizeof buf, col.i64()[row]).ptr;
        out.append(buf, end);
        break;
    }
    case columnar::type_id::float64: columnar::append_double_text(col.f64()[row], out); break;
    case columnar::type_id::decimal:
        columnar::append_decimal_text(col.i64()[row], col.type().scale, out);
        break;
    case columnar::type_id::timestamp: columnar::append_timestamp_text(col.i64()[row], out); break;
    case columnar::type_id::interval: columnar::append_interval_text(col.i64()[row], out); break;
    case columnar::type_id::varchar:
    case columnar::type_id::json: out += col.strs()[row].view(); break;
    case columnar::type_id::null: return false;
    }
    return true;
}

// Turns the rows of one parsed batch into record values, as --value-format says.
class value_writer {
public:
    value_writer(const files::file_table& table, std::string_view value_format)
        : _raw(value_format == "raw") {
        std::vector<std::string> names;
        std::vector<columnar::data_type> types;
        for (const auto& c : table.columns) {
            names.push_back(c.name);
            types.push_back(c.type);
        }
        if (value_format == "csv") {
            _csv.emplace(std::move(names), std::move(types)); // comma-separated, whatever the input
        } else {
            _json.emplace(std::move(names), std::move(types));
        }
    }

    /// The value of row `row` of `b` (valid until the next call).
    std::string_view value(const columnar::batch& b, size_t row) {
        if (_raw) {
            const auto& col = *b.columns[0];
            return col.is_null(row) ? std::string_view() : col.strs()[row].view();
        }
        _buf.clear();
        if (_csv)
            _csv->encode(b, row, _buf);
        else
            _json->encode(b, row, _buf);
        return _buf;
    }

private:
    bool _raw;
    std::optional<format::json_encoder> _json;
    std::optional<format::csv_encoder> _csv;
    std::string _buf;
};

struct produce_totals {
    uint64_t records = 0;
    uint64_t skipped = 0;
    std::string first_skipped;
};

result<produce_totals> produce_all(const produce_options& opts, const files::file_table& table,
                                   std::optional<uint32_t> key_index, double& seconds) {
    delivery_state state;
    auto producer = make_producer(opts, state);
    if (!producer) return std::move(producer).err();
    rd_kafka_t* rk = producer->get();

    auto exists = topic_exists(rk, opts);
    if (!exists) return std::move(exists).err();
    if (!*exists) {
        if (opts.create_topic_partitions <= 0)
            return error::make(errc::unknown_topic_or_partition,
                               "topic {} does not exist at {} (give --create-topic-partitions N "
                               "to create it)",
                               opts.topic, opts.bootstrap_server);
        if (auto r = create_topic(rk, opts); !r) return std::move(r).err();
    }
    topic_handle topic(rd_kafka_topic_new(rk, opts.topic.c_str(), nullptr),
                       &rd_kafka_topic_destroy);

    auto start = steady::now();
    files::chunk_reader reader(table);
    std::vector<uint32_t> projection(table.columns.size());
    for (uint32_t i = 0; i < projection.size(); ++i)
        projection[i] = i;
    files::chunk_parser parser(table, projection);
    auto types = parser.output_types();
    value_writer values(table, opts.value_format);
    files::parse_stats stats;
    produce_totals totals;
    std::string key;
    for (;;) {
        auto c = reader.next();
        if (!c) return std::move(c).err();
        if (!*c) break;
        auto b = columnar::batch::with_types(types);
        if (auto r = parser.parse(**c, b, stats); !r) return std::move(r).err();
        for (size_t row = 0; row < b.rows && state.failed == 0; ++row) {
            key.clear();
            bool has_key = key_index && append_key_text(*b.columns[*key_index], row, key);
            auto r = send_one(rk, topic.get(), key, has_key, values.value(b, row));
            if (!r) return std::move(r).err();
            if ((++totals.records & 1023) == 0) rd_kafka_poll(rk, 0);
        }
        if (state.failed > 0) break;
    }
    // Every message ends in a delivery report within message.timeout.ms; the margin covers the
    // last reports' way back.
    auto deadline = steady::now() + std::chrono::seconds(opts.timeout_s + 10);
    while (rd_kafka_outq_len(rk) > 0 && steady::now() < deadline)
        rd_kafka_flush(rk, 100);
    seconds = std::chrono::duration<double>(steady::now() - start).count();
    if (state.failed > 0)
        return error::make(errc::unknown_server_error,
                           "{} of {} records not stored in {} at {}: {}", state.failed,
                           totals.records, opts.topic, opts.bootstrap_server, state.first_error);
    if (rd_kafka_outq_len(rk) > 0 || state.delivered != totals.records)
        return error::make(errc::request_timed_out, "{} of {} records unacknowledged after {} s",
                           totals.records - state.delivered, totals.records, opts.timeout_s + 10);
    totals.skipped = stats.skipped;
    totals.first_skipped = stats.first_skipped;
    return totals;
}

} // namespace

std::string format_of_name(const std::string& name) {
    std::string_view s = name;
    for (std::string_view z : {".gz", ".zst", ".zstd"})
        if (ends_with(s, z)) {
            s.remove_suffix(z.size());
            break;
        }
    if (ends_with(s, ".csv") || ends_with(s, ".tsv")) return "csv";
    if (ends_with(s, ".json") || ends_with(s, ".ndjson") || ends_with(s, ".jsonl")) return "json";
    return "text";
}

int run_produce(const produce_options& opts) {
    auto fail = [](const error& e) {
        std::fprintf(stderr, "spate produce: %s\n", e.message.c_str());
        return 1;
    };
    auto ro = read_options_of(opts);
    if (!ro) {
        std::fprintf(stderr, "spate produce: %s\n", ro.err().message.c_str());
        return 2;
    }
    auto table = files::open_table(opts.pattern, *ro);
    if (!table) return fail(table.err());
    std::optional<uint32_t> key_index;
    if (!opts.key_column.empty()) {
        std::string names;
        for (uint32_t i = 0; i < table->columns.size(); ++i) {
            if (table->columns[i].name == opts.key_column) key_index = i;
            names += (i ? ", " : "") + table->columns[i].name;
        }
        if (!key_index) {
            std::fprintf(stderr, "spate produce: --key %s is not a column of %s (columns: %s)\n",
                         opts.key_column.c_str(), opts.pattern.c_str(), names.c_str());
            return 2;
        }
    }
    if (!opts.ignore_errors)
        if (auto r = check_all(*table); !r) return fail(r.err());
    double seconds = 0;
    auto r = produce_all(opts, *table, key_index, seconds);
    if (!r) return fail(r.err());
    if (r->skipped > 0)
        std::fprintf(stderr, "skipped %llu bad rows; first: %s\n",
                     static_cast<unsigned long long>(r->skipped), r->first_skipped.c_str());
    double rate = seconds > 0 ? static_cast<double>(r->records) / seconds : 0;
    std::fprintf(stderr, "produced %llu records to %s in %.3f s (%.0f records/s)\n",
                 static_cast<unsigned long long>(r->records), opts.topic.c_str(), seconds, rate);
    return 0;
}

void add_produce_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<produce_options>();
    auto* cmd = app.add_subcommand(
        "produce", "Load a file (CSV, NDJSON/JSON, text; globs, gzip/zstd) into a Kafka topic, "
                   "one record per row");
    cmd->add_option("file", opts->pattern, "File or glob to read")->required();
    cmd->add_option("--topic", opts->topic, "Topic to produce to")->required();
    cmd->add_option("--bootstrap-server", opts->bootstrap_server, "Kafka address")
        ->type_name("HOST:PORT")
        ->capture_default_str();
    cmd->add_option("--key", opts->key_column,
                    "Column whose text is the record key (NULL: no key); default: no key")
        ->type_name("COLUMN");
    cmd->add_option("--format", opts->format, "Input format; default: from the extension")
        ->check(CLI::IsMember({"csv", "json", "text"}));
    cmd->add_option_function<std::string>(
           "--header", [opts](const std::string& v) { opts->header = v == "true"; },
           "CSV: whether the first line names the columns; default: detect")
        ->check(CLI::IsMember({"true", "false"}));
    cmd->add_option("--delimiter", opts->delimiter,
                    "CSV field delimiter: one character, or \\t (default , and tab for .tsv)");
    cmd->add_option("--value-format", opts->value_format,
                    "Record values: json object, csv line, or raw (the text line as is; text "
                    "files only)")
        ->check(CLI::IsMember({"json", "csv", "raw"}))
        ->capture_default_str();
    cmd->add_flag("--ignore-errors", opts->ignore_errors,
                  "Skip bad rows (and count them) instead of stopping before sending anything");
    cmd->add_option("--create-topic-partitions", opts->create_topic_partitions,
                    "Create the topic with N partitions if it does not exist")
        ->type_name("N")
        ->check(CLI::Range(1, 100'000));
    cmd->add_option("--timeout-s", opts->timeout_s,
                    "Give up on connecting, topic creation and each undelivered record after "
                    "this long")
        ->check(CLI::Range(1, 3'600))
        ->capture_default_str();
    cmd->callback([opts, &exit_code] { exit_code = run_produce(*opts); });
}

} // namespace spate::app
