#pragma once

#include "base/result.h"
#include "files/read_options.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

// Internal to the files module: one file's bytes, decompressed while they are read.

namespace spate::files::detail {

/// Reads one file from start to end, inflating gzip (multi-member) or zstd on the fly; the
/// compression is detected from the first bytes. Owned and used by one thread at a time.
class byte_stream {
public:
    byte_stream();
    ~byte_stream();
    byte_stream(const byte_stream&) = delete;
    byte_stream& operator=(const byte_stream&) = delete;

    /// Opens `path` (closing any file open before) and detects its compression. Errors:
    /// `path: No such file or directory` and the like.
    result<void> open(const std::string& path);
    /// Appends up to `n` decompressed bytes to `out`; returns how many (0 only at the end of
    /// the file). Errors name the file: a read error, a corrupt or truncated stream.
    result<size_t> read_into(std::string& out, size_t n);
    /// Bytes read from the file on disk so far (compressed).
    uint64_t raw_bytes() const { return _raw_bytes; }
    compression kind() const { return _kind; }
    void close();

private:
    result<size_t> fill_input();
    result<size_t> read_plain(char* dst, size_t n);
    result<size_t> read_gzip(char* dst, size_t n);
    result<size_t> read_zstd(char* dst, size_t n);

    struct codec;
    std::string _path;
    int _fd = -1;
    compression _kind = compression::none;
    std::unique_ptr<char[]> _in; ///< raw bytes read from the file
    size_t _in_pos = 0, _in_end = 0;
    bool _file_eof = false;
    bool _stream_done = false; ///< the last compressed frame/member ended cleanly
    uint64_t _raw_bytes = 0;
    std::unique_ptr<codec> _codec;
};

/// The size of the file at `path` on disk, or an error naming it.
result<uint64_t> file_size(const std::string& path);

} // namespace spate::files::detail
