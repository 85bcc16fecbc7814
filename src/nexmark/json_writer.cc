#include "nexmark/json_writer.h"

#include "nexmark/timestamp.h"

#include <charconv>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace spate::nexmark {
namespace {

bool needs_escape(unsigned char c) {
    return c < 0x20 || c == '"' || c == '\\';
}

constexpr uint64_t ones = 0x0101010101010101ULL;
constexpr uint64_t highs = 0x8080808080808080ULL;

// Whether any of the 8 bytes of `w` is below 0x20, '"' or '\\' (SWAR: a borrow into a byte's
// high bit marks it; exact as a yes/no answer for the whole word).
bool word_needs_escape(uint64_t w) {
    uint64_t control = (w - ones * 0x20) & ~w;
    uint64_t quote = w ^ (ones * '"');
    uint64_t backslash = w ^ (ones * '\\');
    quote = (quote - ones) & ~quote;
    backslash = (backslash - ones) & ~backslash;
    return ((control | quote | backslash) & highs) != 0;
}

// The index of the first byte of s[from..] that needs escaping, or s.size().
size_t find_escape(std::string_view s, size_t from) {
    size_t i = from;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i control_max = _mm_set1_epi8(0x1f);
    while (i + 16 <= s.size()) {
        __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
        // x <= 0x1f unsigned exactly when max(x, 0x1f) == 0x1f.
        __m128i hit =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                         _mm_cmpeq_epi8(_mm_max_epu8(x, control_max), control_max));
        int mask = _mm_movemask_epi8(hit);
        if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
        i += 16;
    }
#endif
    while (i + 8 <= s.size()) {
        uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        if (word_needs_escape(w)) break;
        i += 8;
    }
    while (i < s.size() && !needs_escape(static_cast<unsigned char>(s[i])))
        ++i;
    return i;
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

void append_int(int64_t v, std::string& out) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

// Each field is written after its prefix, a literal such as `,"name":` (`{"id":` for the first
// field); the keys need no escaping.
void int_field(std::string& out, std::string_view prefix, int64_t v) {
    out.append(prefix);
    append_int(v, out);
}

void string_field(std::string& out, std::string_view prefix, std::string_view v) {
    out.append(prefix);
    append_json_string(v, out);
}

void time_field(std::string& out, std::string_view prefix, int64_t ms) {
    out.append(prefix);
    out.push_back('"');
    append_timestamp(ms, out);
    out.push_back('"');
}

} // namespace

void append_json_string(std::string_view s, std::string& out) {
    out.push_back('"');
    size_t clean_from = 0;
    for (size_t i = find_escape(s, 0); i < s.size(); i = find_escape(s, i + 1)) {
        out.append(s.data() + clean_from, i - clean_from);
        append_escaped(static_cast<unsigned char>(s[i]), out);
        clean_from = i + 1;
    }
    out.append(s.data() + clean_from, s.size() - clean_from);
    out.push_back('"');
}

void append_json(const person& p, std::string& out) {
    int_field(out, "{\"id\":", p.id);
    string_field(out, ",\"name\":", p.name);
    string_field(out, ",\"emailAddress\":", p.email_address);
    string_field(out, ",\"creditCard\":", p.credit_card);
    string_field(out, ",\"city\":", p.city);
    string_field(out, ",\"state\":", p.state);
    time_field(out, ",\"dateTime\":", p.date_time_ms);
    string_field(out, ",\"extra\":", p.extra);
    out.push_back('}');
}

void append_json(const auction& a, std::string& out) {
    int_field(out, "{\"id\":", a.id);
    string_field(out, ",\"itemName\":", a.item_name);
    string_field(out, ",\"description\":", a.description);
    int_field(out, ",\"initialBid\":", a.initial_bid);
    int_field(out, ",\"reserve\":", a.reserve);
    time_field(out, ",\"dateTime\":", a.date_time_ms);
    time_field(out, ",\"expires\":", a.expires_ms);
    int_field(out, ",\"seller\":", a.seller);
    int_field(out, ",\"category\":", a.category);
    string_field(out, ",\"extra\":", a.extra);
    out.push_back('}');
}

void append_json(const bid& b, std::string& out) {
    int_field(out, "{\"auction\":", b.auction);
    int_field(out, ",\"bidder\":", b.bidder);
    int_field(out, ",\"price\":", b.price);
    string_field(out, ",\"channel\":", b.channel);
    string_field(out, ",\"url\":", b.url);
    time_field(out, ",\"dateTime\":", b.date_time_ms);
    string_field(out, ",\"extra\":", b.extra);
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
