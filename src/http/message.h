#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spate::http {

/// One HTTP request as a handler sees it: the method, the path split from its query string,
/// the path's captures (from the route's {name} parts), the decoded query parameters, the
/// headers (names in lower case) and the whole body. A plain value; handlers read it only.
struct request {
    std::string method; ///< "GET", "POST", ... as sent
    std::string target; ///< the request target as sent ("/api/x?y=1")
    std::string path;   ///< the target before '?', not decoded
    std::vector<std::pair<std::string, std::string>> captures; ///< decoded
    std::vector<std::pair<std::string, std::string>> query;    ///< decoded, in order
    std::vector<std::pair<std::string, std::string>> headers;  ///< names in lower case
    std::string body;

    /// The capture called `name` ("/api/views/{name}"); nullopt when the route has none.
    std::optional<std::string_view> capture(std::string_view name) const;
    /// The first query parameter called `name`; nullopt when absent.
    std::optional<std::string_view> query_param(std::string_view name) const;
    /// The first header called `name` (give it in lower case); nullopt when absent.
    std::optional<std::string_view> header(std::string_view name) const;
    /// The media type of the body in lower case, without parameters ("application/json" for
    /// "Application/JSON; charset=utf-8"); "" when there is no Content-Type.
    std::string media_type() const;
};

/// What a handler answers. The server adds Content-Length, Connection and Server itself.
struct response {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    /// Further headers (e.g. {"Allow", "GET, POST"}, {"Cache-Control", "no-cache"}).
    std::vector<std::pair<std::string, std::string>> headers;

    /// A response with a JSON body (already encoded).
    static response json(unsigned status, std::string body);
    /// A response with a plain-text body.
    static response text(unsigned status, std::string body);
};

/// The error shape every route uses: status `status` (4xx/5xx) and the body
/// {"error": {"code": "<code>", "message": "<message>"}}.
response json_error(unsigned status, std::string_view code, std::string_view message);

/// `s` as a JSON string literal, quotes included, with control characters, quotes and
/// backslashes escaped; bytes that are not valid UTF-8 become U+FFFD.
std::string json_quote(std::string_view s);
/// Appends json_quote(s) to `out`.
void append_json_quoted(std::string_view s, std::string& out);

/// The reason phrase of a status code ("Not Found"); "" for codes it does not know.
std::string_view status_reason(unsigned status);

} // namespace spate::http
