#include "format/json_decoder.h"
#include "base/ascii.h"

#include "columnar/text_format.h"
#include "format/cell_internal.h"
#include "format/json_locate_internal.h"

#include <cassert>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>
#include <simdjson.h>

namespace spate::format {

namespace od = simdjson::ondemand;
using columnar::data_type;
using columnar::type_id;
using detail::cell;
using detail::clip;

namespace json_detail {

/// A key as 8-byte words, for comparing with raw key bytes: the key's text followed by the
/// closing quote, zero-padded. Only for keys shorter than SIMDJSON_PADDING without '"' or '\\'.
struct key_words {
    uint64_t words[simdjson::SIMDJSON_PADDING / 8] = {};
    uint32_t count = 0;     ///< words to compare
    uint64_t last_mask = 0; ///< the bytes of the last word that belong to the key and quote

    void assign(std::string_view key) {
        char bytes[sizeof words] = {};
        std::memcpy(bytes, key.data(), key.size());
        bytes[key.size()] = '"';
        std::memcpy(words, bytes, sizeof words);
        size_t n = key.size() + 1;
        count = uint32_t((n + 7) / 8);
        size_t tail = n - (count - 1) * 8;
        last_mask = tail == 8 ? ~uint64_t(0) : (uint64_t(1) << (tail * 8)) - 1;
    }
    /// Raw key bytes (after the opening quote) are this key followed by its closing quote. The
    /// key lies inside a record followed by SIMDJSON_PADDING readable bytes, so reading whole
    /// words up to 64 bytes from its start stays inside the padding.
    bool matches(const char* raw) const {
        uint32_t last = count - 1;
        for (uint32_t i = 0; i < last; ++i) {
            uint64_t w;
            std::memcpy(&w, raw + i * 8, 8);
            if (w != words[i]) return false;
        }
        uint64_t w;
        std::memcpy(&w, raw + last * 8, 8);
        return (w & last_mask) == words[last];
    }
};

/// What the decoder remembers about the key at one position of the last records: its text and
/// the column it matched (-1: none). Records of one topic nearly always spell and order their
/// keys the same way, so most keys are matched by one comparison with this.
struct key_hint {
    std::string key;
    int column = -1;
    uint8_t match = 0;           ///< 2 exact, 1 case-insensitive
    bool raw_comparable = false; ///< short, without '"' or '\\': `words` compare raw bytes
    key_words words;
};

/// A json_decoder's parser and scratch, behind a pointer so that simdjson stays out of the
/// header. Owned by one decoder, used by its thread.
struct state {
    od::parser parser;
    std::unique_ptr<char[]> buf; ///< the current record, padded for simdjson
    size_t buf_capacity = 0;
    std::vector<cell> cells;
    std::vector<key_hint> hints;
};

} // namespace json_detail

namespace {

using json_detail::key_hint;
using json_detail::state;

constexpr size_t max_hinted_keys = 256;

/// The outcome of reading one value: done, a bad value (the reason is set), or malformed JSON
/// (simdjson's error code).
struct read_status {
    simdjson::error_code json = simdjson::SUCCESS;
    bool bad_value = false;
    bool ok() const { return json == simdjson::SUCCESS && !bad_value; }
};
read_status json_failure(simdjson::error_code e) {
    return {e, false};
}
read_status bad_value() {
    return {simdjson::SUCCESS, true};
}

std::string_view kind_name(od::json_type t) {
    switch (t) {
    case od::json_type::array: return "an array";
    case od::json_type::object: return "an object";
    case od::json_type::number: return "a number";
    case od::json_type::string: return "a string";
    case od::json_type::boolean: return "a boolean";
    case od::json_type::null: return "null";
    }
    return "a value";
}

bool only_json_space(std::string_view s) {
    for (char c : s)
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return false;
    return true;
}

std::string_view trim_json_space(std::string_view s) {
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

/// The deepest nesting of arrays and objects a json column keeps (simdjson's default limit).
constexpr size_t max_json_depth = simdjson::DEFAULT_MAX_DEPTH;

/// Whether the JSON text `s` (valid as far as simdjson's structure checks go) nests arrays and
/// objects deeper than max_json_depth. On-Demand skips over values without counting their
/// depth, so the json columns count it themselves.
bool nested_too_deep(std::string_view s) {
    if (s.size() <= max_json_depth) return false;
    size_t depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_json_depth) return true;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return false;
}

/// The text of a scalar value (a number's digits, a string with its quotes).
std::string_view token_text(od::value& v) {
    return trim_json_space(v.raw_json_token());
}

#if defined(__SANITIZE_ADDRESS__)
#define SPATE_FORMAT_NO_PAGE_PADDING 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define SPATE_FORMAT_NO_PAGE_PADDING 1
#endif
#endif

/// Whether the SIMDJSON_PADDING bytes after `record` can be read where they are: when they lie
/// on the same memory page as the record's last byte, reading them cannot fault (memory is
/// mapped by whole pages), and simdjson reads the padding without letting its content change
/// the result. Records of a fetched Kafka batch sit back to back, so this saves the copy for
/// all but ~1.6% of 250-byte records. Off under sanitizers, which rightly see the read as out
/// of bounds of the record's object.
bool padding_readable_in_place(std::string_view record) {
#ifdef SPATE_FORMAT_NO_PAGE_PADDING
    (void)record;
    return false;
#else
    if (record.empty()) return false;
    constexpr uintptr_t page = 4096;
    auto last = reinterpret_cast<uintptr_t>(record.data()) + record.size() - 1;
    return last / page == (last + simdjson::SIMDJSON_PADDING) / page;
#endif
}

/// "yyyy-MM-dd HH:mm:ss" optionally followed by ".f" to ".fff": the common case of timestamps
/// in records, read without the general parser. False for anything else (the caller falls back
/// to columnar::parse_timestamp()).
bool fast_timestamp(std::string_view s, int64_t& out) {
    if (s.size() < 19 || s.size() > 23 || s.size() == 20) return false;
    const char* p = s.data();
    if (p[4] != '-' || p[7] != '-' || p[10] != ' ' || p[13] != ':' || p[16] != ':') return false;
    auto d2 = [p](size_t at) { return unsigned(p[at] - '0') * 10 + unsigned(p[at + 1] - '0'); };
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
        if (unsigned(p[i] - '0') > 9) return false;
    int64_t y = d2(0) * 100 + d2(2), mo = d2(5), d = d2(8), h = d2(11), mi = d2(14), sec = d2(17),
            frac = 0;
    if (s.size() > 19) {
        if (p[19] != '.') return false;
        for (size_t i = 20; i < s.size(); ++i) {
            unsigned dig = unsigned(p[i] - '0');
            if (dig > 9) return false;
            frac = frac * 10 + dig;
        }
        for (size_t n = s.size() - 20; n < 3; ++n)
            frac *= 10;
    }
    static constexpr unsigned month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1] || h > 23 || mi > 59 || sec > 59)
        return false;
    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
    out = columnar::days_from_civil(y, unsigned(mo), unsigned(d)) * 86'400'000 + h * 3'600'000 +
          mi * 60'000 + sec * 1000 + frac;
    return true;
}

/// A value of the wrong kind for column `f`: a bad value, or malformed JSON when the value is
/// not even a valid literal of its kind ("tru").
read_status wrong_kind(od::value& v, const field_spec& f, std::string_view key, od::json_type t,
                       std::string& why) {
    simdjson::error_code e = simdjson::SUCCESS;
    if (t == od::json_type::boolean) {
        bool b = false;
        e = v.get_bool().get(b);
    } else if (t == od::json_type::number) {
        double d = 0;
        e = v.get_double().get(d);
        if (e == simdjson::NUMBER_OUT_OF_RANGE) e = simdjson::SUCCESS;
    }
    if (e) return json_failure(e);
    why = fmt::format("field \"{}\": expected {}, got {}", clip(key), detail::expected_kind(f.type),
                      kind_name(t));
    return bad_value();
}

/// An integral JSON number into `out.i`; `what` names the type in messages.
read_status read_integer(od::value& v, const field_spec& f, std::string_view key, cell& out,
                         std::string& why) {
    simdjson::error_code e = v.get_int64().get(out.i);
    if (e == simdjson::SUCCESS) {
        if (f.type.id != type_id::int32 || (out.i >= INT32_MIN && out.i <= INT32_MAX)) return {};
        return detail::check_integer_range(f.type, out.i, token_text(v), key, why) ? read_status{}
                                                                                   : bad_value();
    }
    std::string_view text = token_text(v);
    if (e == simdjson::INCORRECT_TYPE) {
        // A fraction or an exponent; a huge exponent or mantissa is out of range.
        std::string_view digits = text.starts_with('-') ? text.substr(1) : text;
        if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos) {
            // An integer too long for 64 bits.
            why = fmt::format("field \"{}\": {} is out of range for {}", clip(key), clip(text),
                              f.type.to_string());
            return bad_value();
        }
        double d = 0;
        if (v.get_double().get(d) != simdjson::SUCCESS) return json_failure(simdjson::NUMBER_ERROR);
        if (f.type.id == type_id::timestamp || f.type.id == type_id::interval)
            why = fmt::format("field \"{}\": expected a whole number of milliseconds, got \"{}\"",
                              clip(key), clip(text));
        else
            why =
                fmt::format("field \"{}\": expected an integer, got \"{}\"", clip(key), clip(text));
        return bad_value();
    }
    if (e == simdjson::NUMBER_OUT_OF_RANGE) {
        why = fmt::format("field \"{}\": {} is out of range for {}", clip(key), clip(text),
                          f.type.to_string());
        return bad_value();
    }
    return json_failure(e);
}

/// Reads `v` as a value of column `f` into `out`.
read_status read_value(od::value& v, const field_spec& f, std::string_view key, cell& out,
                       std::string& why) {
    od::json_type t;
    if (auto e = v.type().get(t)) return json_failure(e);
    if (t == od::json_type::null) {
        bool is_null = false;
        if (auto e = v.is_null().get(is_null)) return json_failure(e);
        if (!is_null) return json_failure(simdjson::N_ATOM_ERROR);
        out.st = cell::state::null;
        return {};
    }
    out.st = cell::state::value;
    switch (f.type.id) {
    case type_id::boolean: {
        if (t != od::json_type::boolean) return wrong_kind(v, f, key, t, why);
        bool b = false;
        if (auto e = v.get_bool().get(b)) return json_failure(e);
        out.i = b;
        return {};
    }
    case type_id::int32:
    case type_id::int64:
        if (t != od::json_type::number) return wrong_kind(v, f, key, t, why);
        return read_integer(v, f, key, out, why);
    case type_id::float64: {
        if (t != od::json_type::number) return wrong_kind(v, f, key, t, why);
        if (auto e = v.get_double().get(out.d)) return json_failure(e);
        return {};
    }
    case type_id::decimal: {
        if (t == od::json_type::number) {
            double d = 0; // validates the number's syntax
            if (auto e = v.get_double().get(d)) return json_failure(e);
            return detail::decimal_from_text(f.type, token_text(v), key, out.i, why) ? read_status{}
                                                                                     : bad_value();
        }
        if (t != od::json_type::string) return wrong_kind(v, f, key, t, why);
        std::string_view s;
        if (auto e = v.get_string().get(s)) return json_failure(e);
        return detail::decimal_from_text(f.type, s, key, out.i, why) ? read_status{} : bad_value();
    }
    case type_id::varchar: {
        if (t == od::json_type::string) {
            if (auto e = v.get_string().get(out.s)) return json_failure(e);
            return {};
        }
        if (t == od::json_type::number) {
            double d = 0;
            if (auto e = v.get_double().get(d)) return json_failure(e);
            out.s = token_text(v);
            return {};
        }
        if (t == od::json_type::boolean) {
            bool b = false;
            if (auto e = v.get_bool().get(b)) return json_failure(e);
            out.s = b ? "true" : "false";
            return {};
        }
        return wrong_kind(v, f, key, t, why);
    }
    case type_id::timestamp:
    case type_id::interval: {
        if (t == od::json_type::number) return read_integer(v, f, key, out, why);
        if (t != od::json_type::string) return wrong_kind(v, f, key, t, why);
        std::string_view s;
        if (auto e = v.get_string().get(s)) return json_failure(e);
        if (f.type.id == type_id::timestamp && fast_timestamp(s, out.i)) return {};
        return detail::text_to_cell(f.type, s, key, false, out, why) ? read_status{} : bad_value();
    }
    case type_id::json: {
        simdjson::error_code e = simdjson::SUCCESS;
        switch (t) {
        case od::json_type::object: {
            od::object o;
            e = v.get_object().get(o);
            if (!e) e = o.raw_json().get(out.s);
            break;
        }
        case od::json_type::array: {
            od::array a;
            e = v.get_array().get(a);
            if (!e) e = a.raw_json().get(out.s);
            break;
        }
        case od::json_type::string: {
            std::string_view s; // validates escapes
            out.s = token_text(v);
            e = v.get_string().get(s);
            break;
        }
        case od::json_type::number: {
            double d = 0;
            out.s = token_text(v);
            e = v.get_double().get(d);
            if (e == simdjson::NUMBER_OUT_OF_RANGE) e = simdjson::SUCCESS;
            break;
        }
        default: {
            bool b = false;
            out.s = token_text(v);
            e = v.get_bool().get(b);
            break;
        }
        }
        if (e) return json_failure(e);
        if (nested_too_deep(out.s)) {
            why = fmt::format("field \"{}\": JSON nested deeper than {} levels", clip(key),
                              max_json_depth);
            return bad_value();
        }
        return {};
    }
    case type_id::null: out.st = cell::state::null; return {};
    }
    return {};
}

/// The column a key names (exact spelling first, then case-insensitive), -1 for none.
int find_column(const std::vector<field_spec>& fields, std::string_view key, uint8_t& match) {
    for (size_t c = 0; c < fields.size(); ++c)
        if (fields[c].name == key) return match = 2, int(c);
    for (size_t c = 0; c < fields.size(); ++c)
        if (equals_folded(fields[c].name, key)) return match = 1, int(c);
    match = 0;
    return -1;
}

} // namespace

json_decoder::json_decoder(std::vector<field_spec> fields)
    : _fields(std::move(fields)), _state(std::make_unique<json_detail::state>()) {
    _state->cells.resize(_fields.size());
}

json_decoder::~json_decoder() = default;

bool json_decoder::decode_one(std::string_view record, std::string& why) {
    state& st = *_state;
    for (cell& c : st.cells) {
        c.st = cell::state::absent; // the payload is only read when the state says so
        c.match = 0;
    }
    size_t need = record.size() + simdjson::SIMDJSON_PADDING;
    const char* buf = record.data();
    if (!padding_readable_in_place(record)) {
        if (need > st.buf_capacity) {
            size_t cap = std::max(need, st.buf_capacity * 2);
            st.buf = std::make_unique_for_overwrite<char[]>(cap);
            st.buf_capacity = cap;
        }
        if (!record.empty()) std::memcpy(st.buf.get(), record.data(), record.size());
        std::memset(st.buf.get() + record.size(), 0, simdjson::SIMDJSON_PADDING);
        buf = st.buf.get();
    }

    od::document doc;
    bool doc_ready = false;
    auto where = [&](simdjson::error_code e) {
        std::string_view msg = simdjson::error_message(e);
        while (!msg.empty() && (msg.back() == '.' || msg.back() == ' '))
            msg.remove_suffix(1);
        std::optional<size_t> at;
        if (e == simdjson::INCOMPLETE_ARRAY_OR_OBJECT) {
            // Either the object is not closed, or something follows it.
            auto end = detail::end_of_first_value(record);
            size_t after = end ? record.find_first_not_of(" \t\r\n", *end) : record.npos;
            if (after != record.npos) {
                why = fmt::format("not valid JSON: content after the object at byte {}", after);
                return false;
            }
            at = record.size(); // where it ended
        } else if (e == simdjson::UTF8_ERROR) {
            at = detail::first_invalid_utf8(record);
        } else if (e == simdjson::UNESCAPED_CHARS || e == simdjson::UNCLOSED_STRING) {
            at = detail::first_string_error(record);
        } else if (doc_ready) {
            const char* loc = nullptr;
            if (doc.current_location().get(loc) == simdjson::SUCCESS && loc >= buf &&
                loc <= buf + record.size())
                at = size_t(loc - buf);
        }
        if (at)
            why = fmt::format("not valid JSON: {} at byte {}", msg, *at);
        else
            why = fmt::format("not valid JSON: {}", msg);
        return false;
    };

    if (only_json_space(record)) {
        why = "not valid JSON: the record is empty";
        return false;
    }
    if (auto e = st.parser.iterate(simdjson::padded_string_view(buf, record.size(), need)).get(doc))
        return where(e);
    doc_ready = true;
    od::json_type type;
    if (auto e = doc.type().get(type)) return where(e);
    if (type != od::json_type::object) {
        why = fmt::format("expected a JSON object, got {}", kind_name(type));
        return false;
    }
    od::object obj;
    if (auto e = doc.get_object().get(obj)) return where(e);
    size_t position = 0;
    for (auto field_result : obj) {
        // Used in place: copying simdjson's field through the stack costs a store-forwarding
        // stall per key.
        if (auto e = field_result.error()) return where(e);
        od::field& field = field_result.value_unsafe();
        // Which column the key names: the hint for this position when the key is the same.
        key_hint* hint =
            position < max_hinted_keys
                ? (position < st.hints.size() ? &st.hints[position] : &st.hints.emplace_back())
                : nullptr;
        ++position;
        int column;
        uint8_t match;
        std::string_view key;
        if (hint && hint->raw_comparable && hint->words.matches(field.key().raw())) {
            column = hint->column;
            match = hint->match;
            key = hint->key;
        } else {
            if (auto e = field.unescaped_key().get(key)) return where(e);
            column = find_column(_fields, key, match);
            if (hint) {
                hint->key.assign(key);
                hint->column = column;
                hint->match = match;
                hint->raw_comparable = key.size() + 1 < simdjson::SIMDJSON_PADDING &&
                                       key.find_first_of("\"\\") == std::string_view::npos;
                if (hint->raw_comparable) hint->words.assign(key);
            }
        }
        if (column < 0) continue; // unknown keys are skipped by the iteration
        cell& c = st.cells[size_t(column)];
        if (c.match > match) continue; // an exact key already gave this column its value
        // Read in place (a failed read drops the whole record, so nothing needs restoring).
        c.match = match;
        read_status s = read_value(field.value(), _fields[size_t(column)], key, c, why);
        if (s.json != simdjson::SUCCESS) return where(s.json);
        if (s.bad_value) return false;
    }
    // Anything after the object's closing brace.
    const char* loc = nullptr;
    if (doc.current_location().get(loc) == simdjson::SUCCESS && loc < buf + record.size()) {
        std::string_view rest(loc, size_t(buf + record.size() - loc));
        if (!only_json_space(rest)) {
            why = fmt::format("not valid JSON: content after the object at byte {}",
                              size_t(loc - buf));
            return false;
        }
    }
    return true;
}

size_t json_decoder::decode(std::span<const std::string_view> records, columnar::batch& out,
                            std::vector<record_error>& errors) {
    assert(out.columns.size() == _fields.size());
    for (auto& c : out.columns)
        c->reserve(c->size() + records.size());
    size_t added = 0;
    for (size_t i = 0; i < records.size(); ++i) {
        if (!decode_one(records[i], _why)) {
            errors.push_back(record_error{uint32_t(i), _why});
            continue;
        }
        detail::push_row(_state->cells, out);
        ++added;
    }
    return added;
}

} // namespace spate::format
