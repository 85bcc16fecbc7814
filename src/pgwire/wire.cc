#include "pgwire/wire.h"

#include "base/endian.h"
#include "pgwire/value_codec.h"

#include <cassert>
#include <variant>

namespace spate::pgwire {

void message_writer::begin(char type) {
    _buf += type;
    _start = _buf.size();
    _buf.append(4, '\0');
}

void message_writer::end() {
    auto len = static_cast<uint32_t>(_buf.size() - _start);
    store_be(reinterpret_cast<std::byte*>(_buf.data() + _start), len);
}

void message_writer::i16(int16_t v) {
    char b[2];
    store_be(reinterpret_cast<std::byte*>(b), v);
    _buf.append(b, 2);
}

void message_writer::i32(int32_t v) {
    char b[4];
    store_be(reinterpret_cast<std::byte*>(b), v);
    _buf.append(b, 4);
}

void message_writer::cstr(std::string_view s) {
    _buf += s;
    _buf += '\0';
}

int16_t message_reader::i16() {
    if (_failed || remaining() < 2) return _failed = true, 0;
    auto v = load_be<int16_t>(reinterpret_cast<const std::byte*>(_s.data() + _pos));
    _pos += 2;
    return v;
}

int32_t message_reader::i32() {
    if (_failed || remaining() < 4) return _failed = true, 0;
    auto v = load_be<int32_t>(reinterpret_cast<const std::byte*>(_s.data() + _pos));
    _pos += 4;
    return v;
}

uint8_t message_reader::i8() {
    if (_failed || remaining() < 1) return _failed = true, 0;
    return static_cast<uint8_t>(_s[_pos++]);
}

std::string_view message_reader::cstr() {
    if (_failed) return {};
    auto nul = _s.find('\0', _pos);
    if (nul == std::string_view::npos) return _failed = true, std::string_view{};
    auto v = _s.substr(_pos, nul - _pos);
    _pos = nul + 1;
    return v;
}

std::string_view message_reader::bytes(size_t n) {
    if (_failed || remaining() < n) return _failed = true, std::string_view{};
    auto v = _s.substr(_pos, n);
    _pos += n;
    return v;
}

std::variant<startup_packet, std::string> parse_startup(std::string_view body) {
    message_reader r(body);
    startup_packet p;
    p.version = r.i32();
    if (r.failed()) return std::string("startup packet too short");
    switch (p.version) {
    case ssl_request_code: p.what = startup_packet::kind::ssl; break;
    case gss_request_code: p.what = startup_packet::kind::gss; break;
    case cancel_request_code:
        p.what = startup_packet::kind::cancel;
        p.cancel_pid = r.i32();
        p.cancel_secret = r.i32();
        if (r.failed()) return std::string("cancel request too short");
        break;
    default:
        if (p.version != protocol_v3) return p; // the caller reports the version
        while (true) {
            auto name = r.cstr();
            if (r.failed()) return std::string("startup packet parameters are not terminated");
            if (name.empty()) break;
            auto value = r.cstr();
            if (r.failed()) return std::string("startup packet parameter without a value");
            p.params.emplace_back(std::string(name), std::string(value));
        }
        if (!r.at_end()) return std::string("bytes after the startup packet's parameters");
    }
    return p;
}

std::optional<parse_msg> parse_parse(std::string_view body) {
    message_reader r(body);
    parse_msg m;
    m.name = r.cstr();
    m.query = r.cstr();
    auto n = r.i16();
    if (n < 0) return std::nullopt;
    for (int i = 0; i < n && !r.failed(); ++i)
        m.param_oids.push_back(static_cast<uint32_t>(r.i32()));
    if (r.failed() || !r.at_end()) return std::nullopt;
    return m;
}

std::optional<bind_msg> parse_bind(std::string_view body) {
    message_reader r(body);
    bind_msg m;
    m.portal = r.cstr();
    m.statement = r.cstr();
    auto nf = r.i16();
    if (nf < 0) return std::nullopt;
    for (int i = 0; i < nf && !r.failed(); ++i)
        m.param_formats.push_back(r.i16());
    auto np = r.i16();
    if (np < 0) return std::nullopt;
    for (int i = 0; i < np && !r.failed(); ++i) {
        auto len = r.i32();
        if (len == -1) {
            m.params.emplace_back();
            continue;
        }
        if (len < 0) return std::nullopt;
        m.params.emplace_back(std::string(r.bytes(static_cast<size_t>(len))));
    }
    auto nr = r.i16();
    if (nr < 0) return std::nullopt;
    for (int i = 0; i < nr && !r.failed(); ++i)
        m.result_formats.push_back(r.i16());
    if (r.failed() || !r.at_end()) return std::nullopt;
    return m;
}

std::optional<execute_msg> parse_execute(std::string_view body) {
    message_reader r(body);
    execute_msg m;
    m.portal = r.cstr();
    m.max_rows = r.i32();
    if (r.failed() || !r.at_end()) return std::nullopt;
    return m;
}

std::optional<describe_msg> parse_describe(std::string_view body) {
    message_reader r(body);
    describe_msg m;
    m.what = static_cast<char>(r.i8());
    m.name = r.cstr();
    if (r.failed() || !r.at_end() || (m.what != 'S' && m.what != 'P')) return std::nullopt;
    return m;
}

void write_auth_ok(message_writer& w) {
    w.begin('R');
    w.i32(0);
    w.end();
}

void write_parameter_status(message_writer& w, std::string_view name, std::string_view value) {
    w.begin('S');
    w.cstr(name);
    w.cstr(value);
    w.end();
}

void write_backend_key_data(message_writer& w, int32_t pid, int32_t secret) {
    w.begin('K');
    w.i32(pid);
    w.i32(secret);
    w.end();
}

void write_ready_for_query(message_writer& w, char status) {
    w.begin('Z');
    w.i8(static_cast<uint8_t>(status));
    w.end();
}

int16_t format_of(const std::vector<int16_t>& formats, size_t i) {
    if (formats.empty()) return 0;
    if (formats.size() == 1) return formats[0];
    return i < formats.size() ? formats[i] : 0;
}

void write_row_description(message_writer& w, const std::vector<column_desc>& columns,
                           const std::vector<int16_t>& formats) {
    w.begin('T');
    w.i16(static_cast<int16_t>(columns.size()));
    for (size_t i = 0; i < columns.size(); ++i) {
        const auto& c = columns[i];
        w.cstr(c.name);
        w.i32(0); // table oid
        w.i16(0); // column number
        w.i32(static_cast<int32_t>(c.type_oid));
        w.i16(c.type_len);
        w.i32(c.type_mod);
        w.i16(format_of(formats, i));
    }
    w.end();
}

bool write_data_row(message_writer& w, const std::vector<cell>& row,
                    const std::vector<column_desc>& columns, const std::vector<int16_t>& formats) {
    auto& out = w.raw();
    const size_t mark = out.size();
    w.begin('D');
    w.i16(static_cast<int16_t>(row.size()));
    for (size_t i = 0; i < row.size(); ++i) {
        const auto& v = row[i];
        if (std::holds_alternative<std::monostate>(v)) {
            w.i32(-1);
            continue;
        }
        const uint32_t type = i < columns.size() ? columns[i].type_oid : oid::text;
        const size_t len_at = out.size();
        w.i32(0);
        if (format_of(formats, i) == 1) {
            if (!append_binary(v, type, out)) {
                out.resize(mark);
                return false;
            }
        } else {
            append_text(v, type, out);
        }
        auto len = static_cast<uint32_t>(out.size() - len_at - 4);
        store_be(reinterpret_cast<std::byte*>(out.data() + len_at), len);
    }
    w.end();
    return true;
}

void write_command_complete(message_writer& w, std::string_view tag) {
    w.begin('C');
    w.cstr(tag);
    w.end();
}

void write_empty_query(message_writer& w) {
    write_empty(w, 'I');
}

void write_error(message_writer& w, const pg_error& e, bool notice) {
    w.begin(notice ? 'N' : 'E');
    auto field = [&](char code, std::string_view v) {
        if (v.empty()) return;
        w.i8(static_cast<uint8_t>(code));
        w.cstr(v);
    };
    field('S', e.severity);
    field('V', e.severity);
    field('C', e.sqlstate);
    field('M', e.message);
    field('D', e.detail);
    field('H', e.hint);
    if (e.position > 0) field('P', std::to_string(e.position));
    w.i8(0);
    w.end();
}

void write_notice(message_writer& w, std::string_view message) {
    pg_error n;
    n.severity = "NOTICE";
    n.sqlstate = "00000";
    n.message = std::string(message);
    write_error(w, n, true);
}

void write_parameter_description(message_writer& w, const std::vector<uint32_t>& oids) {
    w.begin('t');
    w.i16(static_cast<int16_t>(oids.size()));
    for (auto o : oids)
        w.i32(static_cast<int32_t>(o));
    w.end();
}

void write_empty(message_writer& w, char type) {
    w.begin(type);
    w.end();
}

} // namespace spate::pgwire
