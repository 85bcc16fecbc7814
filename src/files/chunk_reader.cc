#include "files/chunk_reader.h"

#include "files/scan_internal.h"
#include "files/stream_internal.h"

namespace spate::files {

namespace detail {

/// The reading position of a chunk_reader: the open file, the bytes read from it that are not
/// handed out yet, and the line count. Guarded by the chunk_reader's mutex.
class reader_state {
public:
    reader_state(const file_table& table, size_t chunk_bytes)
        : _table(table), _chunk_bytes(chunk_bytes < 64 ? 64 : chunk_bytes) {}

    result<std::optional<chunk>> next(std::atomic<uint64_t>& bytes_read);

private:
    result<void> open_next_file();
    /// Reads until `_pending` holds at least `want` bytes or the file ends.
    result<void> fill(size_t want, std::atomic<uint64_t>& bytes_read);
    /// Drops the `skip` lines, a UTF-8 byte order mark and the CSV header of a new file.
    result<void> drop_file_start(std::atomic<uint64_t>& bytes_read);
    /// Where the last whole record of `_pending` ends (npos: none yet).
    size_t last_record_end(size_t window) const;

    const file_table& _table;
    size_t _chunk_bytes;
    size_t _next_file = 0;
    uint32_t _file = 0;
    bool _open = false;
    bool _eof = false;
    bool _whole_file = false; ///< a JSON array: handed out as one chunk
    uint64_t _line = 1;
    uint64_t _raw_done = 0; ///< compressed bytes of the files already finished
    byte_stream _stream;
    std::string _pending;
    std::optional<error> _error;
};

result<void> reader_state::open_next_file() {
    _file = uint32_t(_next_file++);
    auto r = _stream.open(_table.files[_file]);
    if (!r) return r;
    _open = true;
    _eof = false;
    _whole_file = false;
    _line = 1;
    _pending.clear();
    return ok();
}

result<void> reader_state::fill(size_t want, std::atomic<uint64_t>& bytes_read) {
    while (!_eof && _pending.size() < want) {
        size_t ask = std::max<size_t>(want - _pending.size(), 64 * 1024);
        auto r = _stream.read_into(_pending, ask);
        if (!r) return std::move(r).err();
        if (*r == 0) _eof = true;
        bytes_read.store(_raw_done + _stream.raw_bytes(), std::memory_order_relaxed);
    }
    return ok();
}

result<void> reader_state::drop_file_start(std::atomic<uint64_t>& bytes_read) {
    auto r = fill(std::min<size_t>(_chunk_bytes, 64 * 1024), bytes_read);
    if (!r) return r;
    if (_pending.starts_with("\xEF\xBB\xBF")) _pending.erase(0, 3);
    const read_options& o = _table.options;
    if (o.format == file_format::json) {
        size_t i = 0;
        while (i < _pending.size() && (_pending[i] == ' ' || _pending[i] == '\t' ||
                                       _pending[i] == '\r' || _pending[i] == '\n'))
            ++i;
        if (i < _pending.size() && _pending[i] == '[') _whole_file = true;
        return ok();
    }
    uint64_t skip = o.skip;
    size_t pos = 0;
    while (skip > 0) {
        size_t nl = _pending.find('\n', pos);
        if (nl == std::string::npos) {
            if (_eof) {
                pos = _pending.size();
                break;
            }
            auto f = fill(std::max<size_t>(_pending.size() * 2, 64 * 1024), bytes_read);
            if (!f) return f;
            continue;
        }
        pos = nl + 1;
        ++_line;
        --skip;
    }
    if (o.format == file_format::csv && o.header.value_or(false)) {
        for (;;) {
            size_t end = csv_first_record_end(std::string_view(_pending).substr(pos), o.quote);
            if (end != std::string_view::npos) {
                _line += count_newlines(std::string_view(_pending).substr(pos, end));
                pos += end;
                break;
            }
            if (_eof) {
                pos = _pending.size();
                break;
            }
            auto f = fill(std::max<size_t>(_pending.size() * 2, 64 * 1024), bytes_read);
            if (!f) return f;
        }
    }
    _pending.erase(0, pos);
    return ok();
}

size_t reader_state::last_record_end(size_t window) const {
    std::string_view s = std::string_view(_pending).substr(0, window);
    if (_table.options.format == file_format::csv)
        return csv_last_record_end(s, _table.options.quote);
    size_t nl = s.rfind('\n');
    return nl == std::string::npos ? nl : nl + 1;
}

result<std::optional<chunk>> reader_state::next(std::atomic<uint64_t>& bytes_read) {
    if (_error) return *_error;
    auto fail = [&](error e) -> result<std::optional<chunk>> {
        _error = e;
        return e;
    };
    for (;;) {
        if (!_open) {
            if (_next_file >= _table.files.size()) return std::optional<chunk>();
            auto r = open_next_file();
            if (!r) return fail(std::move(r).err());
            auto d = drop_file_start(bytes_read);
            if (!d) return fail(std::move(d).err());
        }
        size_t cut = std::string::npos;
        if (_whole_file) {
            while (!_eof) {
                auto f = fill(_pending.size() * 2 + _chunk_bytes, bytes_read);
                if (!f) return fail(std::move(f).err());
            }
            cut = _pending.size();
        } else {
            auto f = fill(_chunk_bytes, bytes_read);
            if (!f) return fail(std::move(f).err());
            // The last record end within the first chunk_bytes (more when one record is
            // longer than that).
            size_t window = _chunk_bytes;
            for (;;) {
                if (_eof && _pending.size() <= window) {
                    cut = _pending.size();
                    break;
                }
                if (_pending.size() >= window || _eof) {
                    cut = last_record_end(std::min(window, _pending.size()));
                    if (cut != std::string::npos && cut > 0) break;
                    window *= 2;
                }
                auto g = fill(window, bytes_read);
                if (!g) return fail(std::move(g).err());
            }
        }
        if (cut == 0 && _eof) {
            _raw_done += _stream.raw_bytes();
            _stream.close();
            _open = false;
            continue;
        }
        chunk c;
        c.file = _file;
        c.first_line = _line;
        c.json_array = _whole_file;
        std::string rest;
        rest.reserve(_chunk_bytes + 64 * 1024);
        rest.assign(std::string_view(_pending).substr(cut));
        _pending.resize(cut);
        c.bytes = std::move(_pending);
        _pending = std::move(rest);
        _line += count_newlines(c.bytes);
        return std::optional<chunk>(std::move(c));
    }
}

} // namespace detail

chunk_reader::chunk_reader(const file_table& table, size_t chunk_bytes)
    : _state(std::make_unique<detail::reader_state>(table, chunk_bytes)) {
    for (const std::string& f : table.files)
        if (auto s = detail::file_size(f)) _total_bytes += *s;
}

chunk_reader::~chunk_reader() = default;

result<std::optional<chunk>> chunk_reader::next() {
    std::lock_guard lock(_mutex);
    return _state->next(_bytes_read);
}

} // namespace spate::files
