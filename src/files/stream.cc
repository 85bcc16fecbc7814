#include "files/stream_internal.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

namespace spate::files::detail {

namespace {

constexpr size_t input_size = 256 * 1024;

error io_error(const std::string& path, int err) {
    return error::make(errc::unknown_server_error, "{}: {}", path, std::strerror(err));
}

error stream_error(const std::string& path, std::string_view what) {
    return error::make(errc::corrupt_message, "{}: {}", path, what);
}

} // namespace

/// The decompressor state of the open file (only the one its compression needs).
struct byte_stream::codec {
    z_stream z{};
    bool z_init = false;
    ZSTD_DStream* zs = nullptr;
    size_t zstd_last = 0; ///< the last ZSTD_decompressStream result (0: a frame just ended)

    ~codec() {
        if (z_init) inflateEnd(&z);
        if (zs) ZSTD_freeDStream(zs);
    }
};

byte_stream::byte_stream() : _in(std::make_unique_for_overwrite<char[]>(input_size)) {}

byte_stream::~byte_stream() {
    close();
}

void byte_stream::close() {
    if (_fd >= 0) ::close(_fd);
    _fd = -1;
    _codec.reset();
    _in_pos = _in_end = 0;
    _file_eof = false;
    _stream_done = false;
    _raw_bytes = 0;
    _kind = compression::none;
}

result<uint64_t> file_size(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return io_error(path, errno);
    return uint64_t(st.st_size);
}

result<size_t> byte_stream::fill_input() {
    if (_in_pos == _in_end) _in_pos = _in_end = 0;
    if (_file_eof || _in_end == input_size) return size_t(0);
    for (;;) {
        ssize_t n = ::read(_fd, _in.get() + _in_end, input_size - _in_end);
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_error(_path, errno);
        }
        if (n == 0) _file_eof = true;
        _in_end += size_t(n);
        _raw_bytes += uint64_t(n);
        return size_t(n);
    }
}

result<void> byte_stream::open(const std::string& path) {
    close();
    _path = path;
    _fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (_fd < 0) return io_error(path, errno);
    struct stat st {};
    if (::fstat(_fd, &st) == 0 && S_ISDIR(st.st_mode)) return io_error(path, EISDIR);
    // Read at least the 4 magic bytes (or the whole file when shorter).
    while (_in_end < 4 && !_file_eof) {
        auto r = fill_input();
        if (!r) return std::move(r).err();
    }
    auto* b = reinterpret_cast<const unsigned char*>(_in.get());
    _codec = std::make_unique<codec>();
    if (_in_end >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
        _kind = compression::gzip;
        if (inflateInit2(&_codec->z, 15 + 16) != Z_OK)
            return stream_error(path, "cannot start gzip decompression");
        _codec->z_init = true;
    } else if (_in_end >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) {
        _kind = compression::zstd;
        _codec->zs = ZSTD_createDStream();
        if (!_codec->zs) return stream_error(path, "cannot start zstd decompression");
        ZSTD_initDStream(_codec->zs);
    }
    return ok();
}

result<size_t> byte_stream::read_into(std::string& out, size_t n) {
    size_t old = out.size();
    out.resize(old + n);
    char* dst = out.data() + old;
    result<size_t> r = _kind == compression::gzip   ? read_gzip(dst, n)
                       : _kind == compression::zstd ? read_zstd(dst, n)
                                                    : read_plain(dst, n);
    out.resize(old + (r ? *r : 0));
    return r;
}

result<size_t> byte_stream::read_plain(char* dst, size_t n) {
    if (_in_pos < _in_end) {
        size_t k = std::min(n, _in_end - _in_pos);
        std::memcpy(dst, _in.get() + _in_pos, k);
        _in_pos += k;
        return k;
    }
    if (_file_eof) return size_t(0);
    for (;;) {
        ssize_t k = ::read(_fd, dst, n);
        if (k < 0) {
            if (errno == EINTR) continue;
            return io_error(_path, errno);
        }
        if (k == 0) _file_eof = true;
        _raw_bytes += uint64_t(k);
        return size_t(k);
    }
}

result<size_t> byte_stream::read_gzip(char* dst, size_t n) {
    z_stream& z = _codec->z;
    size_t produced = 0;
    while (produced < n) {
        if (_in_pos == _in_end && !_file_eof) {
            auto r = fill_input();
            if (!r) return std::move(r).err();
            continue;
        }
        if (_stream_done) {
            if (_in_pos == _in_end) break; // the end of the last member
            // Another gzip member follows the one that ended.
            if (inflateReset(&z) != Z_OK) return stream_error(_path, "corrupt gzip stream");
            _stream_done = false;
        }
        z.next_in = reinterpret_cast<Bytef*>(_in.get() + _in_pos);
        z.avail_in = uInt(_in_end - _in_pos);
        z.next_out = reinterpret_cast<Bytef*>(dst + produced);
        z.avail_out = uInt(n - produced);
        int rc = inflate(&z, Z_NO_FLUSH);
        size_t used = (_in_end - _in_pos) - z.avail_in;
        _in_pos += used;
        size_t made = (n - produced) - z.avail_out;
        produced += made;
        if (rc == Z_STREAM_END) {
            _stream_done = true;
            continue;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            return stream_error(_path, std::string("corrupt gzip stream (") +
                                           (z.msg ? z.msg : "inflate failed") + ")");
        if (used == 0 && made == 0) {
            if (_file_eof && _in_pos == _in_end) break;
        }
    }
    if (produced == 0 && !_stream_done) return stream_error(_path, "truncated gzip stream");
    return produced;
}

result<size_t> byte_stream::read_zstd(char* dst, size_t n) {
    ZSTD_outBuffer out{dst, n, 0};
    while (out.pos < n) {
        if (_in_pos == _in_end && !_file_eof) {
            auto r = fill_input();
            if (!r) return std::move(r).err();
            continue;
        }
        // At the end of the input only a frame still open may hold output.
        if (_in_pos == _in_end && _codec->zstd_last == 0) break;
        size_t before = out.pos;
        ZSTD_inBuffer in{_in.get() + _in_pos, _in_end - _in_pos, 0};
        size_t rc = ZSTD_decompressStream(_codec->zs, &out, &in);
        _in_pos += in.pos;
        if (ZSTD_isError(rc))
            return stream_error(_path,
                                std::string("corrupt zstd stream (") + ZSTD_getErrorName(rc) + ")");
        _codec->zstd_last = rc;
        if (in.pos == 0 && out.pos == before && _file_eof && _in_pos == _in_end) break;
    }
    if (out.pos == 0 && _codec->zstd_last != 0) return stream_error(_path, "truncated zstd stream");
    return out.pos;
}

} // namespace spate::files::detail
