#pragma once

#include "base/result.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace spate::io {

/// An open file descriptor, closed on destruction; move-only. Positional reads and writes,
/// so one file can be read by several threads while its owner appends. I/O failures come
/// back as KAFKA_STORAGE_ERROR values naming the file, the operation and errno.
class file {
public:
    enum class mode { read_only, read_write, create_read_write };

    static result<file> open(const std::filesystem::path& path, mode m);

    file() = default;
    file(file&& other) noexcept;
    file& operator=(file&& other) noexcept;
    file(const file&) = delete;
    file& operator=(const file&) = delete;
    ~file();

    /// Reads up to buf.size() bytes at `position`; returns how many were read (fewer only at
    /// end of file).
    result<size_t> read_at(std::span<std::byte> buf, uint64_t position) const;
    /// Writes all of `data` at `position`, or fails; a failure may leave part of it written.
    result<void> write_at(std::span<const std::byte> data, uint64_t position);
    result<void> truncate(uint64_t size);
    /// fdatasync: the data written so far survives a power failure once this returns.
    result<void> sync_data();
    result<uint64_t> size() const;

    int fd() const { return _fd; }
    const std::filesystem::path& path() const { return _path; }
    bool is_open() const { return _fd >= 0; }

private:
    file(int fd, std::filesystem::path path) : _fd(fd), _path(std::move(path)) {}
    int _fd = -1;
    std::filesystem::path _path;
};

/// fsyncs a directory, making file creations, renames and deletions in it durable.
result<void> sync_directory(const std::filesystem::path& dir);

/// Replaces `path` with `data` so that a crash leaves either the old or the new contents:
/// writes a temporary file, syncs it, renames it over `path` and syncs the directory.
result<void> write_file_atomically(const std::filesystem::path& path,
                                   std::span<const std::byte> data);

/// The whole contents of a file, or an error (NOT_FOUND if it does not exist).
result<std::vector<std::byte>> read_file(const std::filesystem::path& path);

/// Makes a directory and its parents; durable (the parent is synced).
result<void> make_directories(const std::filesystem::path& dir);

/// Removes a file or directory tree; missing is not an error.
result<void> remove_tree(const std::filesystem::path& path);

/// An exclusive lock on a directory (flock on a ".lock" file in it), held until destroyed,
/// so that two processes never run on one data directory. Move-only.
class directory_lock {
public:
    /// Takes the lock, or fails at once naming the directory and the holder's pid.
    static result<directory_lock> acquire(const std::filesystem::path& dir);
    directory_lock(directory_lock&&) = default;
    directory_lock& operator=(directory_lock&&) = default;

private:
    explicit directory_lock(file f) : _file(std::move(f)) {}
    file _file;
};

/// Injected I/O failures for tests: lets a test see what the log does on a full disk or a
/// failing device without needing one. Process-wide; tests set and clear it around the code
/// under test. Costs one relaxed atomic load per write when unused.
struct fault_injection {
    /// Writes succeed for `bytes` more bytes, then fail with `err` (e.g. ENOSPC); a write that
    /// straddles the limit writes its first part, as a real full disk does.
    static void fail_writes_after(uint64_t bytes, int err);
    /// The next `count` sync_data() calls fail with `err`.
    static void fail_syncs(int count, int err);
    static void clear();
};

} // namespace spate::io
