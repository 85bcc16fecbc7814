// The data of the batch SQL benchmark (bench/batch_run): a CSV of orders and a corpus of
// English-like text, deterministic for a given seed. Plain program, single-threaded, writing
// large blocks:
//   batch_gen --csv PATH --rows N [--text-dir DIR --text-mb M --text-files F] [--seed S]
//
// CSV columns: id bigint (0..N-1), user_id bigint (1..1,000,000, uniform), category text
// (c0..c11, skewed towards the low numbers), amount double (0.00..999.99, two decimals),
// ts timestamp 'YYYY-MM-DD HH:MM:SS' (from 2024-01-01, about 3 s apart). The text files
// book00.txt ... hold lines of 6..17 words separated by single spaces, drawn from a fixed
// vocabulary with a Zipf (1/rank) distribution, some capitalized; ASCII only, no blank lines.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace {

/// xorshift64*: a fast deterministic generator; owned by one thread.
class rng {
public:
    explicit rng(uint64_t seed) : _state(seed ? seed : 0x9e3779b97f4a7c15ull) {}

    /// Returns the next 64 random bits.
    uint64_t next() {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return _state * 0x2545f4914f6cdd1dull;
    }

    /// Returns a value in [0, n), n > 0.
    uint64_t below(uint64_t n) { return uint64_t((unsigned __int128)next() * n >> 64); }

private:
    uint64_t _state;
};

/// A file written through a large buffer; exits the program on an I/O error. One thread.
class block_writer {
public:
    explicit block_writer(const std::string& path) : _path(path) {
        _file = std::fopen(path.c_str(), "wb");
        if (!_file) fail("cannot open");
        _buf.reserve(capacity);
    }
    ~block_writer() { close(); }
    block_writer(const block_writer&) = delete;
    block_writer& operator=(const block_writer&) = delete;

    /// Appends bytes; flushes when the buffer is full.
    void append(std::string_view s) {
        _buf.append(s);
        if (_buf.size() >= capacity) flush();
    }
    /// Bytes appended so far, flushed or not.
    uint64_t size() const { return _written + _buf.size(); }

    /// Writes what is buffered and closes the file.
    void close() {
        if (!_file) return;
        flush();
        if (std::fclose(_file) != 0) fail("cannot close");
        _file = nullptr;
    }

private:
    static constexpr size_t capacity = 8u << 20;

    void flush() {
        if (!_buf.empty() && std::fwrite(_buf.data(), 1, _buf.size(), _file) != _buf.size())
            fail("cannot write");
        _written += _buf.size();
        _buf.clear();
    }
    [[noreturn]] void fail(const char* what) {
        std::fprintf(stderr, "batch_gen: %s %s\n", what, _path.c_str());
        std::exit(1);
    }

    std::string _path;
    std::FILE* _file = nullptr;
    std::string _buf;
    uint64_t _written = 0;
};

/// Writes v in decimal at p; returns the end.
char* put_uint(char* p, uint64_t v) {
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = char('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

char* put2(char* p, unsigned v) {
    p[0] = char('0' + v / 10);
    p[1] = char('0' + v % 10);
    return p + 2;
}

/// Civil date of a day count since 1970-01-01 (proleptic Gregorian).
void civil_from_days(int64_t z, int& y, unsigned& m, unsigned& d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = int(yoe + era * 400 + (m <= 2));
}

void write_csv(const std::string& path, uint64_t rows, uint64_t seed) {
    // Category weights 12, 11, ..., 1: c0 is 12 times as frequent as c11.
    std::vector<uint32_t> category_of;
    for (uint32_t c = 0; c < 12; ++c)
        for (uint32_t k = 0; k < 12 - c; ++k)
            category_of.push_back(c);
    rng r(seed);
    block_writer out(path);
    out.append("id,user_id,category,amount,ts\n");
    const int64_t base = 1704067200; // 2024-01-01 00:00:00 UTC
    char line[128];
    for (uint64_t id = 0; id < rows; ++id) {
        uint64_t x = r.next();
        char* p = put_uint(line, id);
        *p++ = ',';
        p = put_uint(p, 1 + uint64_t((unsigned __int128)x * 1000000 >> 64));
        *p++ = ',';
        *p++ = 'c';
        p = put_uint(p, category_of[(x >> 8) % category_of.size()]);
        *p++ = ',';
        uint64_t cents = (x >> 20) % 100000;
        p = put_uint(p, cents / 100);
        *p++ = '.';
        p = put2(p, unsigned(cents % 100));
        *p++ = ',';
        int64_t t = base + int64_t(id) * 3 + int64_t((x >> 40) % 3);
        int y;
        unsigned mo, d;
        civil_from_days(t / 86400, y, mo, d);
        unsigned sod = unsigned(t % 86400);
        p = put_uint(p, uint64_t(y));
        *p++ = '-';
        p = put2(p, mo);
        *p++ = '-';
        p = put2(p, d);
        *p++ = ' ';
        p = put2(p, sod / 3600);
        *p++ = ':';
        p = put2(p, sod / 60 % 60);
        *p++ = ':';
        p = put2(p, sod % 60);
        *p++ = '\n';
        out.append(std::string_view(line, size_t(p - line)));
    }
    out.close();
}

/// A vocabulary of pronounceable lower-case words, most frequent first: a few real function
/// words, then words of 1..4 syllables built from the rank.
std::vector<std::string> make_vocabulary(size_t size, uint64_t seed) {
    static const char* common[] = {"the", "of",   "and", "to",   "a",    "in",    "that",  "is",
                                   "was", "he",   "for", "it",   "with", "as",    "his",   "on",
                                   "be",  "at",   "by",  "i",    "this", "had",   "not",   "are",
                                   "but", "from", "or",  "have", "an",   "they",  "which", "one",
                                   "you", "were", "her", "all",  "she",  "there", "would", "their"};
    static const char* onsets[] = {"b",  "c",  "d",  "f",  "g",  "h",  "j",  "k",  "l",
                                   "m",  "n",  "p",  "r",  "s",  "t",  "v",  "w",  "z",
                                   "br", "ch", "cl", "dr", "fl", "gr", "pl", "sh", "st",
                                   "th", "tr", "wh", "",   "qu", "sp", "sl"};
    static const char* vowels[] = {"a", "e", "i", "o", "u", "ai", "ea", "ee", "ou", "oa", "y"};
    static const char* codas[] = {"", "", "n", "r", "s", "t", "l", "nd", "st", "ng", "ck", "m"};
    std::vector<std::string> words(std::begin(common), std::end(common));
    rng r(seed ^ 0x5bd1e995u);
    std::unordered_set<std::string> seen(words.begin(), words.end());
    while (words.size() < size) {
        std::string w;
        size_t syllables = 1 + r.below(3) + (r.below(4) == 0);
        for (size_t s = 0; s < syllables; ++s) {
            w += onsets[r.below(std::size(onsets))];
            w += vowels[r.below(std::size(vowels))];
            if (s + 1 == syllables || r.below(3) == 0) w += codas[r.below(std::size(codas))];
        }
        if (!seen.insert(w).second) continue;
        words.push_back(std::move(w));
    }
    return words;
}

void write_text(const std::string& dir, uint64_t total_bytes, unsigned files, uint64_t seed) {
    const size_t vocabulary_size = 200000;
    std::vector<std::string> words = make_vocabulary(vocabulary_size, seed);
    // Zipf with exponent 1: cumulative weights 1/rank, sampled by binary search.
    std::vector<double> cumulative(words.size());
    double sum = 0;
    for (size_t i = 0; i < words.size(); ++i)
        cumulative[i] = sum += 1.0 / double(i + 1);
    rng r(seed * 31 + 7);
    const uint64_t per_file = total_bytes / files;
    std::string line;
    for (unsigned f = 0; f < files; ++f) {
        char name[32];
        std::snprintf(name, sizeof name, "/book%02u.txt", f);
        block_writer out(dir + name);
        while (out.size() < per_file) {
            line.clear();
            size_t n = 6 + r.below(12);
            for (size_t k = 0; k < n; ++k) {
                double u = double(r.next() >> 11) * 0x1.0p-53 * sum;
                size_t rank = size_t(std::lower_bound(cumulative.begin(), cumulative.end(), u) -
                                     cumulative.begin());
                if (rank >= words.size()) rank = words.size() - 1;
                if (k) line += ' ';
                size_t at = line.size();
                line += words[rank];
                if ((k == 0 && r.below(2) == 0) || r.below(50) == 0)
                    line[at] = char(line[at] - 'a' + 'A');
            }
            line += '\n';
            out.append(line);
        }
        out.close();
    }
}

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: batch_gen --csv PATH --rows N [--text-dir DIR --text-mb M "
                         "[--text-files F]] [--seed S]\n");
    std::exit(2);
}

uint64_t parse_number(const char* s) {
    char* end = nullptr;
    unsigned long long v = std::strtoull(s, &end, 10);
    if (!*s || *end) usage();
    return v;
}

} // namespace

int main(int argc, char** argv) {
    std::string csv, text_dir;
    uint64_t rows = 0, text_mb = 0, text_files = 20, seed = 42;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (i + 1 >= argc) usage();
        const char* v = argv[++i];
        if (a == "--csv")
            csv = v;
        else if (a == "--rows")
            rows = parse_number(v);
        else if (a == "--text-dir")
            text_dir = v;
        else if (a == "--text-mb")
            text_mb = parse_number(v);
        else if (a == "--text-files")
            text_files = parse_number(v);
        else if (a == "--seed")
            seed = parse_number(v);
        else
            usage();
    }
    if (csv.empty() && text_dir.empty()) usage();
    if (!text_dir.empty() && (text_files == 0 || text_files > 100)) usage();
    if (!csv.empty()) write_csv(csv, rows, seed);
    if (!text_dir.empty()) write_text(text_dir, text_mb << 20, unsigned(text_files), seed);
    return 0;
}
