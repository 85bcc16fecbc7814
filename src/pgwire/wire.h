#pragma once

// Postgres protocol v3 framing: building backend messages and reading frontend ones.

#include "pgwire/types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spate::pgwire {

/// The largest frontend message accepted (64 MiB, length word included); a larger one is a
/// protocol violation that ends the connection.
inline constexpr uint32_t max_message_bytes = 64u << 20;
/// The largest startup packet accepted, as Postgres limits it (10000 bytes).
inline constexpr uint32_t max_startup_bytes = 10000;

/// Appends backend messages to an output buffer: begin(type), the fields, end() (which fills
/// in the length). Owned by one connection.
class message_writer {
public:
    void begin(char type);
    void end();
    void i8(uint8_t v) { _buf += static_cast<char>(v); }
    void i16(int16_t v);
    void i32(int32_t v);
    /// A NUL-terminated string.
    void cstr(std::string_view s);
    void bytes(std::string_view s) { _buf += s; }
    /// The buffer being appended to, for encoders that write into it directly.
    std::string& raw() { return _buf; }

    const std::string& data() const { return _buf; }
    size_t size() const { return _buf.size(); }
    void clear() { _buf.clear(); }

private:
    std::string _buf;
    size_t _start = 0;
};

/// Reads the fields of one frontend message body; every read past the end or a missing NUL
/// sets failed() and yields zeros/empties, so a parser checks once at the end.
class message_reader {
public:
    explicit message_reader(std::string_view body) : _s(body) {}
    int16_t i16();
    int32_t i32();
    uint8_t i8();
    std::string_view cstr();
    std::string_view bytes(size_t n);
    bool failed() const { return _failed; }
    bool at_end() const { return _pos == _s.size(); }
    size_t remaining() const { return _s.size() - _pos; }

private:
    std::string_view _s;
    size_t _pos = 0;
    bool _failed = false;
};

// -- Frontend messages -----------------------------------------------------------------------

inline constexpr int32_t protocol_v3 = 196608; // 3.0
inline constexpr int32_t ssl_request_code = 80877103;
inline constexpr int32_t gss_request_code = 80877104;
inline constexpr int32_t cancel_request_code = 80877102;

/// The first packet of a connection (no type byte).
struct startup_packet {
    enum class kind { startup, ssl, gss, cancel } what = kind::startup;
    int32_t version = 0;
    std::vector<std::pair<std::string, std::string>> params; ///< user, database, options, ...
    int32_t cancel_pid = 0;
    int32_t cancel_secret = 0;
};
/// Parses a startup packet body (after its length word); an error message when malformed.
std::variant<startup_packet, std::string> parse_startup(std::string_view body);

struct parse_msg {
    std::string name;
    std::string query;
    std::vector<uint32_t> param_oids;
};
struct bind_msg {
    std::string portal;
    std::string statement;
    std::vector<int16_t> param_formats;
    std::vector<std::optional<std::string>> params;
    std::vector<int16_t> result_formats;
};
struct execute_msg {
    std::string portal;
    int32_t max_rows = 0;
};
struct describe_msg {
    char what = 'S'; ///< 'S' statement, 'P' portal (also Close's target)
    std::string name;
};

/// Each parser returns nullopt when the body is malformed (then the connection ends).
std::optional<parse_msg> parse_parse(std::string_view body);
std::optional<bind_msg> parse_bind(std::string_view body);
std::optional<execute_msg> parse_execute(std::string_view body);
std::optional<describe_msg> parse_describe(std::string_view body);

// -- Backend messages ------------------------------------------------------------------------

void write_auth_ok(message_writer& w);
void write_parameter_status(message_writer& w, std::string_view name, std::string_view value);
void write_backend_key_data(message_writer& w, int32_t pid, int32_t secret);
void write_ready_for_query(message_writer& w, char status);
/// RowDescription; `formats` has 0, 1 (applies to all) or one code per column.
void write_row_description(message_writer& w, const std::vector<column_desc>& columns,
                           const std::vector<int16_t>& formats);
/// DataRow; false (and nothing written) when a cell cannot take the binary form its column
/// asked for.
bool write_data_row(message_writer& w, const std::vector<cell>& row,
                    const std::vector<column_desc>& columns, const std::vector<int16_t>& formats);
void write_command_complete(message_writer& w, std::string_view tag);
void write_empty_query(message_writer& w);
/// ErrorResponse ('E') or, with notice = true, NoticeResponse ('N').
void write_error(message_writer& w, const pg_error& e, bool notice = false);
void write_notice(message_writer& w, std::string_view message);
void write_parameter_description(message_writer& w, const std::vector<uint32_t>& oids);
void write_empty(message_writer& w, char type); ///< ParseComplete '1', BindComplete '2', ...

/// The format code of result column `i` under Bind's result format list.
int16_t format_of(const std::vector<int16_t>& formats, size_t i);

} // namespace spate::pgwire
