#include "app/http_records_internal.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cstring>

namespace spate::app {

namespace od = simdjson::ondemand;

namespace {

record_error invalid(std::string message) {
    return {"INVALID_RECORD", std::move(message)};
}

std::string_view trim(std::string_view s) {
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

/// The JSON text of `v` exactly as posted (objects and arrays whole, scalars as their token).
simdjson::error_code raw_text(od::value v, od::json_type type, std::string_view& out) {
    if (type == od::json_type::object) {
        od::object o;
        auto e = v.get_object().get(o);
        if (!e) e = o.raw_json().get(out);
        return e;
    }
    if (type == od::json_type::array) {
        od::array a;
        auto e = v.get_array().get(a);
        if (!e) e = a.raw_json().get(out);
        return e;
    }
    // Scalars are checked by reading them: type() only looks at the first character.
    out = trim(v.raw_json_token());
    if (type == od::json_type::boolean) {
        bool b;
        return v.get_bool().get(b);
    }
    double d;
    return v.get_double().get(d);
}

/// A key, value or header value as stored: a string's bytes, null as nothing, others as text.
simdjson::error_code stored_bytes(od::value v, std::optional<std::string>& out) {
    od::json_type type;
    if (auto e = v.type().get(type)) return e;
    if (type == od::json_type::null) {
        out.reset();
        return v.is_null() ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    }
    std::string_view text;
    auto e = type == od::json_type::string ? v.get_string().get(text) : raw_text(v, type, text);
    if (!e) out.emplace(text);
    return e;
}

/// An integer member: null leaves `out` empty; anything but an integer is an error.
std::optional<record_error> read_int(od::value v, std::string_view field,
                                     std::optional<int64_t>& out, const char* code,
                                     std::string_view what) {
    out.reset();
    std::string_view token = trim(v.raw_json_token());
    od::json_type type;
    if (!v.type().get(type) && type == od::json_type::null && v.is_null()) return std::nullopt;
    int64_t n = 0;
    if (v.get_int64().get(n) || (field == "timestamp" && n < 0))
        return record_error{code, fmt::format("\"{}\" is not {}: {}", field, what, token)};
    out = n;
    return std::nullopt;
}

std::optional<record_error> read_headers(od::value v, posted_record& rec) {
    od::json_type type;
    if (!v.type().get(type) && type == od::json_type::null && v.is_null()) return std::nullopt;
    od::object headers;
    if (v.get_object().get(headers))
        return invalid("\"headers\" is not an object of names and values");
    for (auto field : headers) {
        std::string_view name;
        od::value hv;
        std::optional<std::string> text;
        if (field.unescaped_key().get(name) || field.value().get(hv) || stored_bytes(hv, text))
            return invalid("\"headers\" is not valid JSON");
        rec.headers.emplace_back(std::string(name), text.value_or("null"));
    }
    return std::nullopt;
}

/// One record object; `doc_error` is set when the text itself is not valid JSON.
std::optional<record_error> read_record(od::value v, posted_record& rec, bool& not_json) {
    od::object obj;
    od::json_type type;
    if (auto e = v.type().get(type)) {
        not_json = true;
        return invalid(simdjson::error_message(e));
    }
    if (type != od::json_type::object || v.get_object().get(obj))
        return invalid("is not a JSON object");
    bool has_value = false;
    for (auto field : obj) {
        std::string_view name;
        od::value fv;
        if (auto e = field.unescaped_key().get(name); e || (e = field.value().get(fv))) {
            not_json = true;
            return invalid(simdjson::error_message(e));
        }
        std::optional<record_error> err;
        simdjson::error_code e = simdjson::SUCCESS;
        if (name == "value") {
            has_value = true;
            e = stored_bytes(fv, rec.value);
        } else if (name == "key") {
            e = stored_bytes(fv, rec.key);
        } else if (name == "timestamp") {
            err = read_int(fv, "timestamp", rec.timestamp, "INVALID_TIMESTAMP",
                           "milliseconds since 1970 (a non-negative integer)");
        } else if (name == "partition") {
            err = read_int(fv, "partition", rec.partition, "UNKNOWN_TOPIC_OR_PARTITION",
                           "an integer");
        } else if (name == "headers") {
            err = read_headers(fv, rec);
        }
        if (e) {
            not_json = true;
            return invalid(simdjson::error_message(e));
        }
        if (err) return err;
    }
    if (!has_value) return invalid("has no \"value\" (every record needs one; it may be null)");
    return std::nullopt;
}

std::optional<record_error> at(std::string where, record_error e, bool not_json) {
    if (not_json)
        e.message = fmt::format("{}: not valid JSON: {}", where, e.message);
    else
        e.message = fmt::format("{}: {}", where, e.message);
    return e;
}

/// Whether `doc` has anything but white space after its value, which ends at or before `end`.
bool text_after(od::document& doc, const char* end) {
    const char* loc = nullptr;
    if (doc.current_location().get(loc) != simdjson::SUCCESS || loc >= end) return false;
    return !trim(std::string_view(loc, size_t(end - loc))).empty() &&
           std::string_view(loc, size_t(end - loc)).find_first_not_of(" \t\r\n") !=
               std::string_view::npos;
}

} // namespace

std::optional<record_error> read_posted_records(std::string_view body, bool ndjson,
                                                const record_sink& sink) {
    od::parser parser;
    if (ndjson) {
        // Each line is copied into a padded buffer: simdjson reads up to 64 bytes past its end.
        std::vector<char> line_buf;
        size_t line_no = 0;
        while (!body.empty()) {
            ++line_no;
            auto nl = body.find('\n');
            auto line = body.substr(0, nl);
            body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
            if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
            line_buf.resize(line.size() + simdjson::SIMDJSON_PADDING);
            std::memcpy(line_buf.data(), line.data(), line.size());
            od::document doc;
            std::string where = fmt::format("line {}", line_no);
            if (auto e = parser.iterate(line_buf.data(), line.size(), line_buf.size()).get(doc))
                return at(where, invalid(simdjson::error_message(e)), true);
            od::value v;
            if (auto e = doc.get_value().get(v))
                return at(where, invalid(simdjson::error_message(e)), true);
            posted_record rec;
            bool not_json = false;
            if (auto err = read_record(v, rec, not_json)) return at(where, *err, not_json);
            if (text_after(doc, line_buf.data() + line.size()))
                return at(where, invalid("text after the record"), true);
            if (auto err = sink(rec)) return at(where, *err, false);
        }
        return std::nullopt;
    }
    simdjson::padded_string padded(body);
    od::document doc;
    if (auto e = parser.iterate(padded).get(doc))
        return invalid(fmt::format("the body is not valid JSON: {}", simdjson::error_message(e)));
    od::json_type type;
    if (auto e = doc.type().get(type))
        return invalid(fmt::format("the body is not valid JSON: {}", simdjson::error_message(e)));
    if (type == od::json_type::object) {
        od::value v;
        posted_record rec;
        bool not_json = false;
        if (auto e = doc.get_value().get(v))
            return invalid(
                fmt::format("the body is not valid JSON: {}", simdjson::error_message(e)));
        if (auto err = read_record(v, rec, not_json)) {
            if (not_json) err->message = "the body is not valid JSON: " + err->message;
            return err;
        }
        if (text_after(doc, padded.data() + padded.size()))
            return invalid("the body is not valid JSON: text after the record");
        return sink(rec);
    }
    od::array records;
    if (type != od::json_type::array)
        return invalid("the body is neither a JSON array of records nor one record");
    if (auto e = doc.get_array().get(records))
        return invalid(fmt::format("the body is not valid JSON: {}", simdjson::error_message(e)));
    size_t i = 0;
    for (auto element : records) {
        std::string where = fmt::format("element {}", i++);
        od::value v;
        if (auto e = element.get(v))
            return invalid(
                fmt::format("the body is not valid JSON: {}", simdjson::error_message(e)));
        posted_record rec;
        bool not_json = false;
        if (auto err = read_record(v, rec, not_json)) {
            if (not_json)
                return invalid(
                    fmt::format("the body is not valid JSON: {} ({})", err->message, where));
            return at(where, *err, false);
        }
        if (auto err = sink(rec)) return at(where, *err, false);
    }
    if (text_after(doc, padded.data() + padded.size()))
        return invalid("the body is not valid JSON: text after the array");
    return std::nullopt;
}

} // namespace spate::app
