#include "files/open_table.h"
#include "base/ascii.h"

#include "files/chunk_reader.h"
#include "files/infer_internal.h"
#include "files/scan_internal.h"
#include "files/values_internal.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <glob.h>
#include <simdjson.h>

namespace spate::files {

namespace {

using columnar::type_id;

error bad(std::string message) {
    return error{errc::invalid_request, std::move(message)};
}

result<std::vector<std::string>> expand(const std::string& pattern) {
    glob_t g{};
    int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
    std::vector<std::string> files;
    if (rc == 0)
        for (size_t i = 0; i < g.gl_pathc; ++i)
            files.emplace_back(g.gl_pathv[i]);
    globfree(&g);
    if (rc == GLOB_NOMATCH || (rc == 0 && files.empty()))
        return bad(fmt::format("no file matches '{}'", pattern));
    if (rc != 0) return bad(fmt::format("cannot list files matching '{}'", pattern));
    std::sort(files.begin(), files.end());
    return files;
}

/// Column names from a header: trimmed; empty ones become columnN, repeated ones name_1, ...
std::vector<std::string> header_names(const std::vector<detail::split_field>& fields) {
    std::vector<std::string> names;
    std::set<std::string> used;
    for (size_t i = 0; i < fields.size(); ++i) {
        std::string name(trim_blanks(fields[i].text));
        if (name.empty()) name = fmt::format("column{}", i);
        std::string unique = name;
        for (int k = 1; used.count(unique); ++k)
            unique = fmt::format("{}_{}", name, k);
        used.insert(unique);
        names.push_back(std::move(unique));
    }
    return names;
}

/// A CSV sample: its records split into fields, and which were the first of their file.
struct csv_sample {
    std::vector<std::vector<detail::split_field>> rows;
    std::vector<bool> file_first;
};

result<csv_sample> sample_csv(const file_table& t) {
    csv_sample s;
    file_table probe = t;
    probe.options.header = false;
    chunk_reader reader(probe, 1 << 20);
    std::vector<detail::split_field> fields;
    std::string why;
    int64_t last_file = -1;
    size_t want = t.options.sample_rows + 1;
    while (s.rows.size() < want) {
        auto next = reader.next();
        if (!next) return std::move(next).err();
        if (!*next) break;
        const chunk& c = **next;
        size_t pos = 0;
        while (pos < c.bytes.size() && s.rows.size() < want) {
            if (!detail::split_csv_record(c.bytes, pos, t.options.delimiter, t.options.quote,
                                          fields, why))
                continue; // a bad record is reported when the file is read
            if (fields.empty()) continue;
            s.file_first.push_back(int64_t(c.file) != last_file);
            last_file = c.file;
            s.rows.push_back(fields);
        }
    }
    return s;
}

result<void> infer_csv(file_table& t) {
    if (t.options.columns && t.options.header) return ok(); // nothing to infer
    auto sampled = sample_csv(t);
    if (!sampled) return std::move(sampled).err();
    csv_sample& s = *sampled;
    const read_options& o = t.options;
    if (s.rows.empty()) {
        if (!o.columns)
            return bad(fmt::format("{}: the file is empty; a CSV file needs a header or columns",
                                   t.files.front()));
        t.options.header = o.header.value_or(false);
        return ok();
    }
    size_t width = s.rows.front().size();
    auto observe = [&](std::vector<detail::text_column_stats>& stats, const auto& row) {
        for (size_t i = 0; i < row.size() && i < stats.size(); ++i)
            if (row[i].quoted || row[i].text != o.null_string) stats[i].observe(row[i].text);
    };
    if (!o.header) {
        // A header: the first row is all text while the other rows have another type somewhere.
        std::vector<detail::text_column_stats> first(width), rest(width);
        observe(first, s.rows.front());
        for (size_t r = 1; r < s.rows.size(); ++r)
            if (!s.file_first[r]) observe(rest, s.rows[r]);
        bool first_text =
            std::all_of(first.begin(), first.end(), [](const auto& c) { return c.all_text(); });
        bool rest_typed = std::any_of(rest.begin(), rest.end(), [](const auto& c) {
            return c.values > 0 && c.type().id != type_id::varchar;
        });
        bool only_row = s.rows.size() == 1;
        t.options.header = first_text && (rest_typed || only_row);
    }
    bool header = *t.options.header;
    std::vector<detail::text_column_stats> stats(width);
    uint64_t n = 0;
    for (size_t r = 0; r < s.rows.size() && n < o.sample_rows; ++r) {
        if (header && s.file_first[r]) continue;
        observe(stats, s.rows[r]);
        ++n;
    }
    t.sampled_rows = n;
    if (o.columns) return ok();
    std::vector<std::string> names;
    if (header) {
        names = header_names(s.rows.front());
    } else {
        for (size_t i = 0; i < width; ++i)
            names.push_back(fmt::format("column{}", i));
    }
    for (size_t i = 0; i < width; ++i) {
        columnar::data_type type = o.all_varchar ? type_id::varchar : stats[i].type();
        t.columns.push_back({names[i], type});
        t.inferred.push_back(!o.all_varchar);
    }
    return ok();
}

/// Key statistics of a JSON sample, keys in order of first appearance.
struct json_sample {
    std::vector<std::string> keys;
    std::map<std::string, size_t, std::less<>> index;
    std::vector<detail::json_column_stats> stats;
    uint64_t rows = 0;

    void observe(simdjson::dom::object obj) {
        ++rows;
        for (auto [key, value] : obj) {
            auto it = index.find(key);
            size_t k;
            if (it == index.end()) {
                k = keys.size();
                keys.emplace_back(key);
                index.emplace(std::string(key), k);
                stats.emplace_back();
            } else {
                k = it->second;
            }
            detail::json_column_stats& s = stats[k];
            switch (value.type()) {
            case simdjson::dom::element_type::NULL_VALUE: continue;
            case simdjson::dom::element_type::ARRAY:
            case simdjson::dom::element_type::OBJECT: s.seen_nested = true; break;
            case simdjson::dom::element_type::BOOL: s.seen_bool = true; break;
            case simdjson::dom::element_type::INT64: s.seen_int = true; break;
            case simdjson::dom::element_type::UINT64:
            case simdjson::dom::element_type::DOUBLE: s.seen_double = true; break;
            case simdjson::dom::element_type::STRING: {
                s.seen_string = true;
                std::string_view text = value.get_string().value_unsafe();
                int64_t ts;
                if (s.strings_are_timestamps)
                    s.strings_are_timestamps =
                        text.size() >= 10 && text[4] == '-' && detail::fast_timestamp(text, ts);
                break;
            }
            }
            ++s.values;
        }
    }
};

result<void> infer_json(file_table& t) {
    if (t.options.columns) return ok(); // nothing to infer
    json_sample s;
    chunk_reader reader(t, 1 << 20);
    simdjson::dom::parser parser;
    const read_options& o = t.options;
    while (s.rows < o.sample_rows) {
        auto next = reader.next();
        if (!next) return std::move(next).err();
        if (!*next) break;
        std::string_view b = (*next)->bytes;
        if ((*next)->json_array) {
            simdjson::dom::element doc;
            if (parser.parse(b.data(), b.size(), true).get(doc)) continue;
            simdjson::dom::array arr;
            if (doc.get_array().get(arr)) continue;
            for (simdjson::dom::element el : arr) {
                if (s.rows >= o.sample_rows) break;
                simdjson::dom::object obj;
                if (!el.get_object().get(obj)) s.observe(obj);
            }
            continue;
        }
        size_t pos = 0;
        while (pos < b.size() && s.rows < o.sample_rows) {
            size_t nl = b.find('\n', pos);
            size_t stop = nl == std::string_view::npos ? b.size() : nl;
            std::string_view line = b.substr(pos, stop - pos);
            pos = stop + 1;
            if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
            simdjson::dom::element doc;
            if (parser.parse(line.data(), line.size(), true).get(doc)) continue;
            simdjson::dom::object obj;
            if (!doc.get_object().get(obj)) s.observe(obj);
        }
    }
    t.sampled_rows = s.rows;
    if (o.columns) return ok();
    if (s.keys.empty())
        return bad(fmt::format("{}: no JSON object with keys to infer the columns from; give "
                               "the columns",
                               t.files.front()));
    for (size_t k = 0; k < s.keys.size(); ++k) {
        columnar::data_type type = o.all_varchar ? type_id::varchar : s.stats[k].type();
        t.columns.push_back({s.keys[k], type});
        t.inferred.push_back(!o.all_varchar);
    }
    return ok();
}

result<void> apply_types(file_table& t) {
    for (const format::field_spec& f : t.options.types) {
        auto it = std::find_if(t.columns.begin(), t.columns.end(),
                               [&](const auto& c) { return c.name == f.name; });
        if (it == t.columns.end())
            it = std::find_if(t.columns.begin(), t.columns.end(),
                              [&](const auto& c) { return equals_folded(c.name, f.name); });
        if (it == t.columns.end()) {
            std::string names;
            for (const auto& c : t.columns)
                names += (names.empty() ? "" : ", ") + c.name;
            return bad(
                fmt::format("types: no column named \"{}\" (the columns are {})", f.name, names));
        }
        it->type = f.type;
        t.inferred[size_t(it - t.columns.begin())] = false;
    }
    return ok();
}

} // namespace

result<file_table> open_table(std::string_view pattern, read_options options) {
    file_table t;
    t.pattern = std::string(pattern);
    auto files = expand(t.pattern);
    if (!files) return std::move(files).err();
    t.files = std::move(*files);
    t.options = std::move(options);
    if (t.options.sample_rows == 0) t.options.sample_rows = 1;
    if (t.options.format != file_format::csv) t.options.header = false;
    switch (t.options.format) {
    case file_format::csv: {
        auto r = infer_csv(t);
        if (!r) return std::move(r).err();
        break;
    }
    case file_format::json: {
        auto r = infer_json(t);
        if (!r) return std::move(r).err();
        break;
    }
    case file_format::text: {
        // Check that the first file can be read.
        chunk_reader reader(t, 64 * 1024);
        auto r = reader.next();
        if (!r) return std::move(r).err();
        if (!t.options.columns) {
            t.columns.push_back({"line", type_id::varchar});
            t.inferred.push_back(false);
        }
        break;
    }
    }
    if (t.options.columns) {
        t.columns = *t.options.columns;
        t.inferred.assign(t.columns.size(), false);
    }
    auto r = apply_types(t);
    if (!r) return std::move(r).err();
    if (t.options.filename) {
        t.columns.push_back({"filename", type_id::varchar});
        t.inferred.push_back(false);
    }
    return t;
}

} // namespace spate::files
