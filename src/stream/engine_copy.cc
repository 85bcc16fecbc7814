// COPY: a query's rows to a CSV or JSON file, and a file's rows into a topic.

#include "base/ascii.h"
#include "broker/broker.h"
#include "files/files.h"
#include "format/encoder.h"
#include "io/file.h"
#include "log/partition.h"
#include "model/batch_builder.h"
#include "model/key_partitioner.h"
#include "plan/binder.h"
#include "runtime/invoke.h"
#include "sql/ast.h"
#include "sql/parser.h"
#include "sql/sql_error.h"
#include "stream/engine.h"

#include <fmt/format.h>

#include <chrono>

namespace spate::stream {

namespace asio = boost::asio;

namespace {

bool ends_with(const std::string& s, std::string_view tail) {
    return s.size() >= tail.size() && std::string_view(s).substr(s.size() - tail.size()) == tail;
}

copy_options parse_copy_options(const sql::copy_statement& c) {
    copy_options o;
    for (const auto& opt : c.options) {
        std::string k = ascii_lower(opt.key);
        auto text = [&] { return opt.value; };
        auto boolean = [&] {
            if (opt.kind != sql::option_value_kind::boolean)
                throw sql::sql_error("22023", fmt::format("{} takes true or false", k), opt.pos);
            return opt.value == "true";
        };
        if (k == "format") {
            o.format = ascii_lower(text());
            if (o.format != "csv" && o.format != "json" && o.format != "text")
                throw sql::sql_error(
                    "22023", fmt::format("COPY format \"{}\" is not csv, json or text", o.format),
                    opt.pos);
        } else if (k == "header") {
            o.header = boolean();
        } else if (k == "delimiter" || k == "delim") {
            std::string d = text() == "\\t" ? "\t" : text();
            if (d.size() != 1)
                throw sql::sql_error("22023", "the COPY delimiter must be one character", opt.pos);
            o.delimiter = d[0];
        } else if (k == "null") {
            o.null_string = text();
        } else if (k == "key") {
            if (c.to) throw sql::sql_error("22023", "KEY is an option of COPY FROM", opt.pos);
            o.key = text();
        } else if (k == "ignore_errors") {
            o.ignore_errors = boolean();
        } else {
            throw sql::sql_error(
                "42601", fmt::format("COPY option \"{}\" is not recognized", opt.key), opt.pos,
                "Options: FORMAT csv|json|text, HEADER, DELIMITER, NULL, KEY (COPY FROM), "
                "IGNORE_ERRORS (COPY FROM).");
        }
    }
    return o;
}

std::string format_of(const copy_options& o, const std::string& file) {
    if (!o.format.empty()) return o.format;
    std::string f = ascii_lower(file);
    for (const char* z : {".gz", ".zst"})
        if (ends_with(f, z)) f.resize(f.size() - std::string_view(z).size());
    if (ends_with(f, ".json") || ends_with(f, ".ndjson") || ends_with(f, ".jsonl")) return "json";
    if (ends_with(f, ".txt") || ends_with(f, ".log")) return "text";
    return "csv";
}

/// Records for one partition, built into batches under Kafka's default size.
struct partition_records {
    model::batch_builder builder;
    size_t bytes = 0;
    size_t count = 0;
};

} // namespace

asio::awaitable<statement_result> engine::copy(const sql::statement& s,
                                               const std::vector<columnar::value>& params,
                                               std::shared_ptr<query_control> control) {
    const auto& c = s.as<sql::copy_statement>();
    copy_options o = parse_copy_options(c);
    if (o.format.empty()) o.format = format_of(o, c.file);
    if (c.to) {
        auto op = copy_to(c, o, params, std::move(control));
        co_return co_await std::move(op);
    }
    auto op = copy_from(c, o, std::move(control));
    co_return co_await std::move(op);
}

asio::awaitable<statement_result> engine::copy_to(const sql::copy_statement& c,
                                                  const copy_options& o,
                                                  const std::vector<columnar::value>& params,
                                                  std::shared_ptr<query_control> control) {
    if (o.format == "text") throw sql::sql_error("0A000", "COPY TO writes csv or json", c.pos);
    sql::query_ptr from_name;
    const sql::query* q = c.body.get();
    if (!q) {
        std::string cols = "*";
        if (!c.columns.empty()) {
            cols.clear();
            for (const auto& col : c.columns)
                cols += (cols.empty() ? "" : ", ") + sql::quote_identifier(col);
        }
        from_name = sql::parse_query(
            fmt::format("SELECT {} FROM {}", cols, sql::quote_identifier(c.table.back())));
        q = from_name.get();
    }
    plan::bind_options opt;
    opt.params = params;
    plan::dataflow d = plan::plan_query(*q, _catalog, opt);
    auto op = run_bounded(d, std::move(control));
    statement_result rows = co_await std::move(op);
    std::vector<std::string> names;
    std::vector<columnar::data_type> types;
    for (const auto& col : rows.columns) {
        names.push_back(col.name);
        types.push_back(col.type);
    }
    // Only the visible columns are written.
    columnar::batch b = rows.rows;
    b.columns.resize(names.size());
    std::string out;
    std::vector<std::string> lines;
    if (o.format == "json") {
        format::json_encoder enc(names, types);
        enc.encode_batch(b, lines);
    } else {
        format::csv_options co;
        co.delimiter = o.delimiter;
        co.null_string = o.null_string;
        format::csv_encoder enc(names, types, co);
        if (o.header.value_or(true)) {
            out += enc.header();
            out += '\n';
        }
        enc.encode_batch(b, lines);
    }
    for (const auto& l : lines) {
        out += l;
        out += '\n';
    }
    auto w = io::write_file_atomically(
        c.file, std::span(reinterpret_cast<const std::byte*>(out.data()), out.size()));
    if (!w)
        throw sql::sql_error(
            "58030", fmt::format("could not write \"{}\": {}", c.file, w.err().message), c.pos);
    statement_result r;
    r.tag = fmt::format("COPY {}", b.rows);
    r.notices = std::move(rows.notices);
    co_return r;
}

namespace {

/// Which file column feeds each written column, found by name in any case, else (a CSV read
/// without header: column0, column1, ...) by position. Throws 42703 for a missing one.
std::vector<uint32_t> map_columns(const files::file_table& t,
                                  const std::vector<std::string>& wanted, const std::string& target,
                                  sql::source_pos pos) {
    bool positional = t.options.format == files::file_format::csv && !*t.options.header;
    std::vector<uint32_t> out;
    for (size_t i = 0; i < wanted.size(); ++i) {
        std::optional<uint32_t> found;
        for (uint32_t k = 0; k < t.columns.size(); ++k)
            if (equals_folded(t.columns[k].name, wanted[i])) found = k;
        if (!found && positional && i < t.columns.size()) found = uint32_t(i);
        if (!found) {
            std::string have;
            for (const auto& c : t.columns)
                have += (have.empty() ? "" : ", ") + c.name;
            throw sql::sql_error("42703",
                                 fmt::format("column \"{}\" of {} is not in the file (its "
                                             "columns: {})",
                                             wanted[i], target, have),
                                 pos);
        }
        out.push_back(*found);
    }
    return out;
}

} // namespace

asio::awaitable<statement_result> engine::copy_from(const sql::copy_statement& c,
                                                    const copy_options& o,
                                                    std::shared_ptr<query_control> control) {
    const std::string& name = c.table.back();
    if (auto it = _catalog.objects().find(name); it != _catalog.objects().end())
        throw sql::sql_error("42809",
                             fmt::format("cannot COPY into \"{}\": it is a materialized view or "
                                         "sink, not a source or topic",
                                         name),
                             c.pos);
    files::read_options ro;
    ro.format = o.format == "json"   ? files::file_format::json
                : o.format == "text" ? files::file_format::text
                                     : files::file_format::csv;
    ro.header = o.header;
    ro.delimiter = o.delimiter;
    ro.null_string = o.null_string;
    ro.ignore_errors = o.ignore_errors;
    auto opened = files::open_table(c.file, ro);
    if (!opened) {
        bool missing = opened.err().message.find("no file matches") != std::string::npos;
        throw sql::sql_error(missing ? "58P01" : "22P04", opened.err().message, c.pos);
    }
    files::file_table table = std::move(opened).value();
    if (!c.columns.empty()) {
        if (c.columns.size() != table.columns.size())
            throw sql::sql_error("22P04",
                                 fmt::format("COPY names {} column(s) but the file has {}",
                                             c.columns.size(), table.columns.size()),
                                 c.pos);
        for (size_t i = 0; i < c.columns.size(); ++i)
            table.columns[i].name = c.columns[i];
        table.options.header = true; // the names are now given: match by name
    }

    // What each record holds: a source's columns in its format, or every column as JSON (a
    // text file's lines as they are).
    auto source = _catalog.find_source(name);
    std::string topic = source ? source->topic : name;
    std::vector<std::string> names;
    std::vector<uint32_t> columns;
    bool raw_lines = false;
    if (source) {
        for (const auto& col : source->columns)
            names.push_back(col.name);
        columns = map_columns(table, names, fmt::format("source {}", name), c.pos);
    } else {
        raw_lines = ro.format == files::file_format::text;
        for (uint32_t k = 0; k < table.columns.size(); ++k) {
            names.push_back(table.columns[k].name);
            columns.push_back(k);
        }
    }
    std::optional<uint32_t> key_at; // among `columns`' positions, or appended
    if (!o.key.empty()) {
        auto k = map_columns(table, {o.key}, "the file", c.pos);
        for (uint32_t i = 0; i < columns.size(); ++i)
            if (columns[i] == k[0]) key_at = i;
        if (!key_at) {
            // Read once more only to key the records (the parser fills each column once).
            columns.push_back(k[0]);
            key_at = uint32_t(columns.size() - 1);
        }
    }
    std::vector<columnar::data_type> types;
    for (size_t i = 0; i < names.size(); ++i)
        types.push_back(table.columns[columns[i]].type);
    std::unique_ptr<format::json_encoder> json;
    std::unique_ptr<format::csv_encoder> csv;
    if (source && source->format == "csv") {
        format::csv_options co;
        if (auto it = source->options.find("delimiter"); it != source->options.end())
            co.delimiter = it->second.empty() ? ',' : it->second[0];
        if (auto it = source->options.find("null"); it != source->options.end())
            co.null_string = it->second;
        csv = std::make_unique<format::csv_encoder>(names, types, co);
    } else if (!raw_lines) {
        json = std::make_unique<format::json_encoder>(names, types);
    }

    if (!source && !_broker.ctl().topics()->find(topic)) {
        if (auto e = ensure_topic(topic, _broker.config().default_partitions); !e)
            throw sql::sql_error(
                "42P17", fmt::format("cannot create topic {}: {}", topic, e.err().message), c.pos);
    }
    const auto* entry = _broker.ctl().topics()->find(topic);
    if (!entry || entry->partitions.empty())
        throw sql::sql_error("42P01", fmt::format("topic \"{}\" does not exist", topic), c.pos);
    const auto parts = entry->partitions;

    // Pass one checks every row, so that a bad row stops the load before anything is written.
    // (With ignore_errors, bad rows are skipped in the one pass that writes.)
    const int passes = o.ignore_errors ? 1 : 2;
    uint64_t done_before = 0;
    // One pass over the file, a chunk at a time: next() parses the next chunk into `b` and
    // returns false at the end.
    struct file_pass {
        file_pass(const files::file_table& t, std::vector<uint32_t> projection)
            : reader(t), parser(t, std::move(projection)) {}
        files::chunk_reader reader;
        files::chunk_parser parser;
        files::parse_stats stats;
    };
    auto start_pass = [&] {
        auto pass = std::make_unique<file_pass>(table, columns);
        if (control) control->bytes_total = pass->reader.total_bytes() * uint64_t(passes);
        return pass;
    };
    auto next = [&](file_pass& pass, columnar::batch& b) {
        if (control) {
            control->bytes_done = done_before + pass.reader.bytes_read();
            if (control->cancelled) throw sql::sql_error("57014", canceled_message, c.pos);
        }
        auto chunk = pass.reader.next();
        if (!chunk) throw sql::sql_error("58030", chunk.err().message, c.pos);
        if (!chunk.value()) {
            done_before += pass.reader.total_bytes();
            return false;
        }
        b = columnar::batch::with_types(pass.parser.output_types());
        if (auto r = pass.parser.parse(*chunk.value(), b, pass.stats); !r)
            throw sql::sql_error("22P04", r.err().message, c.pos);
        return true;
    };
    if (!o.ignore_errors) {
        auto check = start_pass();
        columnar::batch b;
        while (next(*check, b)) {
        }
    }

    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    std::vector<partition_records> pending(parts.size());
    // Batches cut and not yet appended: partition, bytes, records.
    struct cut_batch {
        size_t partition;
        std::vector<std::byte> bytes;
        size_t records;
    };
    std::vector<cut_batch> ready;
    uint64_t written = 0;  // records encoded
    uint64_t appended = 0; // records durable in the log
    size_t round_robin = 0;
    std::vector<std::string> values;
    std::string key_text;
    auto cut = [&](size_t p) {
        auto& pr = pending[p];
        if (!pr.count) return;
        ready.push_back(cut_batch{p, pr.builder.build(), pr.count});
        pr = partition_records{};
    };
    auto encode = [&](const columnar::batch& b) {
        columnar::batch body = b;
        body.columns.resize(names.size());
        if (json)
            json->encode_batch(body, values);
        else if (csv)
            csv->encode_batch(body, values);
        size_t spread = round_robin++ % parts.size();
        for (uint32_t r = 0; r < b.rows; ++r) {
            std::optional<std::string_view> k;
            size_t p = spread;
            if (key_at && !b.columns[*key_at]->is_null(r)) {
                key_text = columnar::value_at(*b.columns[*key_at], r).to_string();
                k = key_text;
                p = size_t(model::partition_for_key(key_text, int32_t(parts.size())));
            }
            std::string_view v =
                raw_lines ? b.columns[0]->strs()[r].view() : std::string_view(values[r]);
            auto& pr = pending[p];
            pr.builder.add(k, v, model::timestamp_ms(now));
            pr.bytes += v.size() + (k ? k->size() : 0) + 16;
            ++pr.count;
            ++written;
            // Batches stay well under Kafka's default max.message.bytes (1 MiB).
            if (pr.bytes >= (512 << 10)) cut(p);
        }
    };
    // Appends the batches cut so far, each on its partition's shard, and waits until each is
    // synced; memory stays at about a chunk's worth whatever the file's size.
    auto append_ready = [&]() -> asio::awaitable<void> {
        for (auto& batch : ready) {
            auto ref = parts[batch.partition];
            auto data = std::make_shared<std::vector<std::byte>>(std::move(batch.bytes));
            auto op = runtime::invoke_on(_broker.executor(ref.shard), [this, ref, data, topic] {
                return append_synced(ref, topic, data);
            });
            std::string err = co_await std::move(op);
            if (!err.empty())
                throw sql::sql_error("58030",
                                     fmt::format("appending to {}: {} ({} record(s) of the file "
                                                 "were written before it)",
                                                 ref.log->name(), err, appended),
                                     c.pos);
            appended += batch.records;
        }
        ready.clear();
    };
    auto load = start_pass();
    columnar::batch b;
    while (next(*load, b)) {
        encode(b);
        if (!ready.empty()) {
            auto op = append_ready();
            co_await std::move(op);
        }
    }
    for (size_t p = 0; p < pending.size(); ++p)
        cut(p);
    auto last = append_ready();
    co_await std::move(last);
    const auto& stats = load->stats;
    statement_result r;
    r.tag = fmt::format("COPY {}", written);
    if (stats.skipped)
        r.notices.push_back(fmt::format("{} bad row(s) of '{}' were skipped (ignore_errors); the "
                                        "first: {}",
                                        stats.skipped, c.file, stats.first_skipped));
    co_return r;
}

asio::awaitable<std::string> engine::append_synced(broker::partition_ref ref, std::string topic,
                                                   std::shared_ptr<std::vector<std::byte>> data) {
    auto op = ref.log->append_durable(*data);
    auto appended = co_await std::move(op);
    if (!appended) co_return appended.err().message;
    if (!appended->duplicate)
        _broker.state(ref.shard).traffic().add_in(
            topic, uint64_t(appended->last_offset.value() - appended->base_offset.value() + 1),
            data->size());
    _broker.state(ref.shard).notify(ref.log.get());
    co_return std::string();
}

} // namespace spate::stream
