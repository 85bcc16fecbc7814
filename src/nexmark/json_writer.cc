#include "nexmark/json_writer.h"

#include "nexmark/timestamp.h"

#include <charconv>

namespace spate::nexmark {
namespace {

bool needs_escape(unsigned char c) {
    return c < 0x20 || c == '"' || c == '\\';
}

void append_escaped(unsigned char c, std::string& out) {
    switch (c) {
    case '"': out.append("\\\""); return;
    case '\\': out.append("\\\\"); return;
    case '\b': out.append("\\b"); return;
    case '\f': out.append("\\f"); return;
    case '\n': out.append("\\n"); return;
    case '\r': out.append("\\r"); return;
    case '\t': out.append("\\t"); return;
    default: break;
    }
    constexpr char hex[] = "0123456789abcdef";
    char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
    out.append(u, sizeof u);
}

// `,"key":` (or `{"key":` for the first field); keys are literals that need no escaping.
void key(std::string& out, std::string_view k, bool first = false) {
    out.push_back(first ? '{' : ',');
    out.push_back('"');
    out.append(k);
    out.append("\":");
}

void append_int(int64_t v, std::string& out) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void int_field(std::string& out, std::string_view k, int64_t v, bool first = false) {
    key(out, k, first);
    append_int(v, out);
}

void string_field(std::string& out, std::string_view k, std::string_view v) {
    key(out, k);
    append_json_string(v, out);
}

void time_field(std::string& out, std::string_view k, int64_t ms) {
    key(out, k);
    out.push_back('"');
    append_timestamp(ms, out);
    out.push_back('"');
}

} // namespace

void append_json_string(std::string_view s, std::string& out) {
    out.push_back('"');
    size_t clean_from = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (!needs_escape(c)) continue;
        out.append(s.data() + clean_from, i - clean_from);
        append_escaped(c, out);
        clean_from = i + 1;
    }
    out.append(s.data() + clean_from, s.size() - clean_from);
    out.push_back('"');
}

void append_json(const person& p, std::string& out) {
    int_field(out, "id", p.id, true);
    string_field(out, "name", p.name);
    string_field(out, "emailAddress", p.email_address);
    string_field(out, "creditCard", p.credit_card);
    string_field(out, "city", p.city);
    string_field(out, "state", p.state);
    time_field(out, "dateTime", p.date_time_ms);
    string_field(out, "extra", p.extra);
    out.push_back('}');
}

void append_json(const auction& a, std::string& out) {
    int_field(out, "id", a.id, true);
    string_field(out, "itemName", a.item_name);
    string_field(out, "description", a.description);
    int_field(out, "initialBid", a.initial_bid);
    int_field(out, "reserve", a.reserve);
    time_field(out, "dateTime", a.date_time_ms);
    time_field(out, "expires", a.expires_ms);
    int_field(out, "seller", a.seller);
    int_field(out, "category", a.category);
    string_field(out, "extra", a.extra);
    out.push_back('}');
}

void append_json(const bid& b, std::string& out) {
    int_field(out, "auction", b.auction, true);
    int_field(out, "bidder", b.bidder);
    int_field(out, "price", b.price);
    string_field(out, "channel", b.channel);
    string_field(out, "url", b.url);
    time_field(out, "dateTime", b.date_time_ms);
    string_field(out, "extra", b.extra);
    out.push_back('}');
}

void append_json(const event& e, std::string& out) {
    switch (e.kind) {
    case event_kind::person: append_json(e.p, out); return;
    case event_kind::auction: append_json(e.a, out); return;
    case event_kind::bid: append_json(e.b, out); return;
    }
}

} // namespace spate::nexmark
