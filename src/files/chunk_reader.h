#pragma once

#include "base/result.h"
#include "files/read_options.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace spate::files {

/// A piece of one file's decompressed bytes holding whole records, for one worker.
struct chunk {
    uint32_t file = 0;       ///< index into file_table::files
    uint64_t first_line = 1; ///< 1-based line number of the chunk's first byte in its file
    std::string bytes;       ///< whole records only (a CSV record may span lines in quotes)
    /// Always false: the reader drops the `skip` lines and the header record of every file
    /// before handing out chunks.
    bool header = false;
    /// json: the chunk is a whole file holding one top-level array (else NDJSON lines).
    bool json_array = false;
};

namespace detail {
class reader_state;
}

/// Hands out the files' decompressed contents as chunks of about `chunk_bytes`, in file order,
/// cut at record boundaries: after a line break outside quotes for CSV, after a line break for
/// NDJSON and text. A JSON file whose first non-space byte is `[` (a top-level array) is handed
/// out whole as one chunk. Decompresses while reading: never holds more than about two chunks
/// of a file (except a JSON array file, or one record longer than a chunk).
///
/// Keeps a reference to `table`, which must outlive it. next() may be called from several
/// threads at once (calls are serialized inside);
/// bytes_read() and total_bytes() from any thread at any time.
class chunk_reader {
public:
    explicit chunk_reader(const file_table& table, size_t chunk_bytes = 4 << 20);
    ~chunk_reader();
    chunk_reader(const chunk_reader&) = delete;
    chunk_reader& operator=(const chunk_reader&) = delete;

    /// The next chunk, an empty optional after the last one, or an error naming the file (it
    /// cannot be read, its compressed stream is corrupt or truncated). After an error, next()
    /// keeps returning it.
    result<std::optional<chunk>> next();
    /// Compressed (on-disk) bytes read so far, for a progress bar.
    uint64_t bytes_read() const { return _bytes_read.load(std::memory_order_relaxed); }
    /// The sum of the files' sizes on disk.
    uint64_t total_bytes() const { return _total_bytes; }

private:
    std::mutex _mutex;
    std::unique_ptr<detail::reader_state> _state;
    std::atomic<uint64_t> _bytes_read{0};
    uint64_t _total_bytes = 0;
};

} // namespace spate::files
