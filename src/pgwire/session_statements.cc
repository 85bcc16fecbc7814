#include "pgwire/session_statements.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

// spate's version, from the project (CMakeLists.txt); psql and libpq read the leading "15.0".
#ifndef SPATE_PGWIRE_VERSION
#define SPATE_PGWIRE_VERSION "0.0.0"
#endif

namespace spate::pgwire {

namespace {

/// The value SET name TO DEFAULT (and RESET) sets: the setting's default.
const std::string use_default = std::string("\x01") + "default";

/// A token of a session statement: a word (upper-cased keyword or lower-cased identifier
/// kept in `text`), a quoted string, a number or one punctuation character.
struct token {
    enum class kind { word, quoted_ident, string, number, punct, end } what = kind::end;
    std::string text;
};

/// Splits a session statement into tokens, skipping whitespace and comments. Enough of SQL's
/// lexical rules for SET/SHOW/... ; the engine's lexer handles everything else.
class lexer {
public:
    explicit lexer(std::string_view s) : _s(s) {}

    token next() {
        skip();
        token t;
        if (_i >= _s.size()) return t;
        char c = _s[_i];
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            size_t start = _i;
            while (_i < _s.size() && (std::isalnum(static_cast<unsigned char>(_s[_i])) ||
                                      _s[_i] == '_' || _s[_i] == '$' || _s[_i] == '.'))
                ++_i;
            t.what = token::kind::word;
            t.text = std::string(_s.substr(start, _i - start));
            return t;
        }
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' ||
            (c == '.' && _i + 1 < _s.size() &&
             std::isdigit(static_cast<unsigned char>(_s[_i + 1])))) {
            size_t start = _i++;
            while (_i < _s.size() && (std::isalnum(static_cast<unsigned char>(_s[_i])) ||
                                      _s[_i] == '.' || _s[_i] == ':'))
                ++_i;
            t.what = token::kind::number;
            t.text = std::string(_s.substr(start, _i - start));
            if (t.text == "-" || t.text == "+") t.what = token::kind::punct;
            return t;
        }
        if (c == '\'' || c == '"') {
            ++_i;
            std::string v;
            while (_i < _s.size()) {
                if (_s[_i] == c) {
                    if (_i + 1 < _s.size() && _s[_i + 1] == c) {
                        v += c;
                        _i += 2;
                        continue;
                    }
                    break;
                }
                v += _s[_i++];
            }
            if (_i >= _s.size()) {
                _unterminated = true;
                return t;
            }
            ++_i;
            t.what = c == '\'' ? token::kind::string : token::kind::quoted_ident;
            t.text = std::move(v);
            return t;
        }
        ++_i;
        t.what = token::kind::punct;
        t.text = std::string(1, c);
        return t;
    }
    bool unterminated() const { return _unterminated; }

private:
    void skip() {
        while (_i < _s.size()) {
            if (std::isspace(static_cast<unsigned char>(_s[_i]))) {
                ++_i;
            } else if (_s.substr(_i, 2) == "--") {
                while (_i < _s.size() && _s[_i] != '\n')
                    ++_i;
            } else if (_s.substr(_i, 2) == "/*") {
                auto end = _s.find("*/", _i + 2);
                _i = end == std::string_view::npos ? _s.size() : end + 2;
            } else {
                break;
            }
        }
    }
    std::string_view _s;
    size_t _i = 0;
    bool _unterminated = false;
};

std::string upper(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}
std::string lower(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// The tokens of a statement, without a trailing ';'.
std::vector<token> tokens_of(std::string_view sql, bool* ok) {
    lexer lx(sql);
    std::vector<token> out;
    while (true) {
        auto t = lx.next();
        if (t.what == token::kind::end) break;
        out.push_back(std::move(t));
    }
    *ok = !lx.unterminated();
    while (!out.empty() && out.back().what == token::kind::punct && out.back().text == ";")
        out.pop_back();
    return out;
}

bool is_word(const std::vector<token>& t, size_t i, std::string_view kw) {
    return i < t.size() && t[i].what == token::kind::word && upper(t[i].text) == kw;
}

pg_error syntax_error(std::string_view what) {
    return pg_error{"42601", fmt::format("syntax error in {}", what)};
}

query_result tag_only(std::string tag) {
    query_result r;
    r.command_tag = std::move(tag);
    return r;
}

struct default_setting {
    const char* display;
    const char* value;
    bool reported;
};

// The settings a session has: those Postgres reports at startup, and the ones drivers and
// tools commonly SET or SHOW.
constexpr default_setting defaults[] = {
    {"server_version", "15.0 (spate " SPATE_PGWIRE_VERSION ")", true},
    {"server_version_num", "150000", false},
    {"server_encoding", "UTF8", true},
    {"client_encoding", "UTF8", true},
    {"DateStyle", "ISO, MDY", true},
    {"IntervalStyle", "postgres", true},
    {"TimeZone", "UTC", true},
    {"integer_datetimes", "on", true},
    {"standard_conforming_strings", "on", true},
    {"application_name", "", true},
    {"is_superuser", "on", true},
    {"session_authorization", "", true},
    {"default_transaction_read_only", "off", true},
    {"in_hot_standby", "off", true},
    {"extra_float_digits", "1", false},
    {"search_path", "\"$user\", public", false},
    {"statement_timeout", "0", false},
    {"lock_timeout", "0", false},
    {"idle_in_transaction_session_timeout", "0", false},
    {"transaction_isolation", "read committed", false},
    {"default_transaction_isolation", "read committed", false},
    {"transaction_read_only", "off", false},
    {"bytea_output", "hex", false},
    {"client_min_messages", "notice", false},
    {"datestyle", "ISO, MDY", false}, // placeholder, folded into DateStyle below
    {"max_identifier_length", "63", false},
    {"lc_messages", "C", false},
    {"lc_monetary", "C", false},
    {"lc_numeric", "C", false},
    {"lc_time", "C", false},
    {"row_security", "on", false},
    {"synchronous_commit", "on", false},
    {"timezone_abbreviations", "Default", false},
    {"jit", "off", false},
    {"work_mem", "4MB", false},
    {"geqo", "on", false},
};

bool is_utc(std::string_view tz) {
    auto l = lower(std::string(tz));
    return l == "utc" || l == "gmt" || l == "etc/utc" || l == "etc/gmt" || l == "z" ||
           l == "zulu" || l == "uct" || l == "0" || l == "+00" || l == "+00:00" ||
           l == "universal" || l == "default" || l == "local";
}

bool is_utf8(std::string_view e) {
    auto l = lower(std::string(e));
    return l == "utf8" || l == "utf-8" || l == "unicode";
}

} // namespace

std::vector<std::string> leading_keywords(std::string_view sql, size_t n) {
    lexer lx(sql);
    std::vector<std::string> out;
    while (out.size() < n) {
        auto t = lx.next();
        if (t.what != token::kind::word) break;
        out.push_back(upper(t.text));
    }
    return out;
}

session_state::session_state(const session_info& who,
                             const std::vector<std::pair<std::string, std::string>>& startup) {
    for (const auto& d : defaults) {
        if (std::string_view(d.display) == "datestyle") continue;
        _settings[lower(d.display)] = setting{d.display, d.value, d.value, d.reported};
    }
    _settings["application_name"].value = who.application_name;
    _settings["application_name"].default_value = who.application_name;
    _settings["session_authorization"].value = who.user;
    _settings["session_authorization"].default_value = who.user;
    for (const auto& [name, value] : startup) {
        auto key = lower(name);
        // The client's encoding is UTF8 whatever libpq's "auto" picked from a C locale.
        if (key == "client_encoding" || key == "timezone" || key == "application_name" ||
            key == "user" || key == "database" || key == "options" || key == "replication")
            continue;
        auto it = _settings.find(key);
        if (it != _settings.end()) it->second.value = it->second.default_value = value;
    }
}

std::vector<std::pair<std::string, std::string>> session_state::reported() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [_, s] : _settings)
        if (s.reported) out.emplace_back(s.display, s.value);
    return out;
}

std::optional<std::string> session_state::get(std::string_view name) const {
    auto it = _settings.find(lower(std::string(name)));
    if (it == _settings.end()) return std::nullopt;
    return it->second.value;
}

pg_result<query_result>
session_state::set(std::string name, std::string value,
                   std::vector<std::pair<std::string, std::string>>& changed) {
    name = lower(std::move(name));
    auto it = _settings.find(name);
    if (it == _settings.end()) {
        // Custom (dotted) settings are allowed as in Postgres.
        if (name.find('.') == std::string::npos)
            return pg_error{"42704",
                            fmt::format("unrecognized configuration parameter \"{}\"", name)};
        it = _settings.emplace(name, setting{name, "", "", false}).first;
    }
    auto& s = it->second;
    if (value == use_default) value = s.default_value;
    if (name == "client_encoding") {
        if (!is_utf8(value)) {
            pg_error e{"0A000", fmt::format("client_encoding \"{}\" is not supported", value)};
            e.detail = "spate sends and receives text only in UTF8.";
            e.hint = "Use client_encoding UTF8.";
            return e;
        }
        value = "UTF8";
    } else if (name == "timezone") {
        if (!is_utc(value)) {
            pg_error e{"22023", fmt::format("time zone \"{}\" is not supported", value)};
            e.detail = "spate runs its sessions in UTC.";
            return e;
        }
        value = "UTC";
    } else if (name == "server_version" || name == "server_encoding" ||
               name == "integer_datetimes" || name == "server_version_num" ||
               name == "is_superuser" || name == "in_hot_standby" ||
               name == "max_identifier_length") {
        return pg_error{"55P02", fmt::format("parameter \"{}\" cannot be changed", s.display)};
    }
    if (s.value != value && s.reported) changed.emplace_back(s.display, value);
    s.value = std::move(value);
    return tag_only("SET");
}

pg_result<query_result> session_state::show(const std::string& raw) const {
    auto name = lower(raw);
    query_result r;
    if (name == "all") {
        r.columns = {
            {"name", oid::text, -1}, {"setting", oid::text, -1}, {"description", oid::text, -1}};
        for (const auto& [_, s] : _settings)
            r.rows.push_back({cell{s.display}, cell{s.value}, cell{std::string()}});
        r.command_tag = "SHOW";
        return r;
    }
    if (name == "transaction isolation level") name = "transaction_isolation";
    if (name == "time zone") name = "timezone";
    auto it = _settings.find(name);
    if (it == _settings.end())
        return pg_error{"42704", fmt::format("unrecognized configuration parameter \"{}\"", raw)};
    r.columns = {{it->second.display == "DateStyle" || it->second.display == "TimeZone" ||
                          it->second.display == "IntervalStyle"
                      ? it->second.display
                      : name,
                  oid::text, -1}};
    r.rows.push_back({cell{it->second.value}});
    r.command_tag = "SHOW";
    return r;
}

std::optional<pg_error> session_state::refuse_in_failed_block(std::string_view sql) const {
    if (_tx != 'E') return std::nullopt;
    auto kw = leading_keywords(sql, 1);
    if (!kw.empty() &&
        (kw[0] == "ROLLBACK" || kw[0] == "ABORT" || kw[0] == "COMMIT" || kw[0] == "END"))
        return std::nullopt;
    return pg_error{"25P02",
                    "current transaction is aborted, commands ignored until end of transaction "
                    "block"};
}

std::optional<session_outcome> session_state::try_run(std::string_view sql) {
    auto kw = leading_keywords(sql, 1);
    if (kw.empty()) return std::nullopt;
    const auto& first = kw[0];
    static constexpr std::string_view handled[] = {
        "SET",      "SHOW",  "RESET",   "BEGIN",      "START",     "COMMIT", "END",
        "ROLLBACK", "ABORT", "DISCARD", "DEALLOCATE", "SAVEPOINT", "RELEASE"};
    if (std::find(std::begin(handled), std::end(handled), first) == std::end(handled))
        return std::nullopt;
    // SHOW forms about the engine's objects are the engine's.
    if (first == "SHOW") {
        auto two = leading_keywords(sql, 2);
        static constexpr std::string_view engine_words[] = {
            "SOURCES", "VIEWS",  "MATERIALIZED", "SINKS",     "TABLES",
            "COLUMNS", "CREATE", "PIPELINES",    "OPERATORS", "PROGRESS"};
        if (two.size() == 2 && std::find(std::begin(engine_words), std::end(engine_words),
                                         two[1]) != std::end(engine_words))
            return std::nullopt;
    }
    bool lex_ok = true;
    auto t = tokens_of(sql, &lex_ok);
    session_outcome out{tag_only("")};
    if (!lex_ok) {
        out.result = pg_error{"42601", "unterminated quoted string"};
        return out;
    }
    auto words_from = [&](size_t i) {
        std::string s;
        for (; i < t.size(); ++i) {
            if (!s.empty()) s += ' ';
            s += t[i].text;
        }
        return s;
    };
    auto warn = [&](std::string msg) {
        query_result& r = std::get<query_result>(out.result);
        r.notices.push_back(std::move(msg));
    };

    if (first == "SET") {
        size_t i = 1;
        if (is_word(t, i, "SESSION") && !is_word(t, i + 1, "CHARACTERISTICS") &&
            !is_word(t, i + 1, "AUTHORIZATION"))
            ++i;
        else if (is_word(t, i, "LOCAL"))
            ++i;
        if (is_word(t, i, "TRANSACTION") || is_word(t, i, "SESSION")) {
            // SET TRANSACTION ... / SET SESSION CHARACTERISTICS ...: nothing to isolate.
            out.result = tag_only("SET");
            return out;
        }
        std::string name;
        size_t value_at;
        if (is_word(t, i, "TIME") && is_word(t, i + 1, "ZONE")) {
            name = "timezone";
            value_at = i + 2;
        } else if (is_word(t, i, "NAMES")) {
            name = "client_encoding";
            value_at = i + 1;
        } else if (i < t.size() &&
                   (t[i].what == token::kind::word || t[i].what == token::kind::quoted_ident)) {
            name = t[i].text;
            value_at = i + 1;
            if (value_at < t.size() && (t[value_at].text == "=" || is_word(t, value_at, "TO")))
                ++value_at;
            else {
                out.result = syntax_error("SET: expected = or TO after the parameter name");
                return out;
            }
        } else {
            out.result = syntax_error("SET: expected a parameter name");
            return out;
        }
        if (value_at >= t.size()) {
            out.result = syntax_error("SET: expected a value");
            return out;
        }
        std::string value;
        if (is_word(t, value_at, "DEFAULT") && value_at + 1 == t.size()) {
            value = use_default;
        } else {
            // A list of values: a, 'b', -1 ... joined as Postgres shows them.
            for (size_t k = value_at; k < t.size(); ++k) {
                if (t[k].text == "," && t[k].what == token::kind::punct) {
                    value += ", ";
                    continue;
                }
                if (t[k].what == token::kind::punct && t[k].text != "-") {
                    out.result = syntax_error("SET: unexpected punctuation in the value");
                    return out;
                }
                value += t[k].text;
            }
        }
        out.result = set(name, value, out.changed);
        return out;
    }
    if (first == "SHOW") {
        if (t.size() < 2) {
            out.result = syntax_error("SHOW: expected a parameter name");
            return out;
        }
        out.result = show(lower(words_from(1)));
        return out;
    }
    if (first == "RESET") {
        if (t.size() != 2 && !(t.size() == 3 && is_word(t, 1, "TIME") && is_word(t, 2, "ZONE"))) {
            out.result = syntax_error("RESET: expected a parameter name or ALL");
            return out;
        }
        if (is_word(t, 1, "ALL")) {
            for (auto& [name, s] : _settings) {
                if (s.value != s.default_value && s.reported)
                    out.changed.emplace_back(s.display, s.default_value);
                s.value = s.default_value;
            }
            out.result = tag_only("RESET");
            return out;
        }
        auto name = t.size() == 3 ? std::string("timezone") : t[1].text;
        out.result = set(name, use_default, out.changed);
        if (!is_error(out.result)) std::get<query_result>(out.result).command_tag = "RESET";
        return out;
    }
    if (first == "BEGIN" || (first == "START" && is_word(t, 1, "TRANSACTION"))) {
        out.result = tag_only(first == "BEGIN" ? "BEGIN" : "START TRANSACTION");
        if (_tx != 'I')
            warn("there is already a transaction in progress");
        else
            _tx = 'T';
        return out;
    }
    if (first == "COMMIT" || first == "END") {
        out.result = tag_only(_tx == 'E' ? "ROLLBACK" : "COMMIT");
        if (_tx == 'I') warn("there is no transaction in progress");
        _tx = 'I';
        return out;
    }
    if (first == "ROLLBACK" || first == "ABORT") {
        if (is_word(t, 1, "TO") || (is_word(t, 1, "WORK") && is_word(t, 2, "TO")) ||
            (is_word(t, 1, "TRANSACTION") && is_word(t, 2, "TO"))) {
            if (_tx == 'I') {
                out.result = pg_error{"25P01", "ROLLBACK TO SAVEPOINT can only be used in "
                                               "transaction blocks"};
                return out;
            }
            _tx = 'T';
            out.result = tag_only("ROLLBACK");
            return out;
        }
        out.result = tag_only("ROLLBACK");
        if (_tx == 'I') warn("there is no transaction in progress");
        _tx = 'I';
        return out;
    }
    if (first == "SAVEPOINT" || first == "RELEASE") {
        if (_tx == 'I') {
            out.result =
                pg_error{"25P01", fmt::format("{} can only be used in transaction blocks", first)};
            return out;
        }
        out.result = tag_only(first);
        return out;
    }
    if (first == "DISCARD") {
        if (!is_word(t, 1, "ALL") || t.size() != 2) {
            out.result = pg_error{"0A000", "only DISCARD ALL is supported"};
            return out;
        }
        if (_tx != 'I') {
            out.result = pg_error{"25001", "DISCARD ALL cannot run inside a transaction block"};
            return out;
        }
        for (auto& [name, s] : _settings) {
            if (s.value != s.default_value && s.reported)
                out.changed.emplace_back(s.display, s.default_value);
            s.value = s.default_value;
        }
        out.what = session_outcome::action::discard_all;
        out.result = tag_only("DISCARD ALL");
        return out;
    }
    if (first == "DEALLOCATE") {
        size_t i = is_word(t, 1, "PREPARE") ? 2 : 1;
        if (i + 1 != t.size()) {
            out.result = syntax_error("DEALLOCATE: expected a statement name or ALL");
            return out;
        }
        if (is_word(t, i, "ALL")) {
            out.what = session_outcome::action::deallocate_all;
            out.result = tag_only("DEALLOCATE ALL");
        } else {
            out.what = session_outcome::action::deallocate;
            out.target = t[i].what == token::kind::quoted_ident ? t[i].text : lower(t[i].text);
            out.result = tag_only("DEALLOCATE");
        }
        return out;
    }
    return std::nullopt; // START without TRANSACTION
}

} // namespace spate::pgwire
