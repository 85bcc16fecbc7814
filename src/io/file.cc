#include "io/file.h"

#include <atomic>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace spate::io {

namespace {

std::atomic<bool> faults_armed{false};
std::atomic<int64_t> write_budget{0};
std::atomic<int> write_errno{0};
std::atomic<int> failing_syncs{0};
std::atomic<int> sync_errno{0};

error io_error(const char* op, const std::filesystem::path& path, int err) {
    return error::make(errc::kafka_storage_error, "{} {} failed: {} ({})", op, path.string(),
                       std::strerror(err), strerrorname_np(err) ? strerrorname_np(err) : "?");
}

} // namespace

void fault_injection::fail_writes_after(uint64_t bytes, int err) {
    write_budget = static_cast<int64_t>(bytes);
    write_errno = err;
    faults_armed = true;
}

void fault_injection::fail_syncs(int count, int err) {
    failing_syncs = count;
    sync_errno = err;
    faults_armed = true;
}

void fault_injection::clear() {
    faults_armed = false;
    write_errno = 0;
    failing_syncs = 0;
}

result<file> file::open(const std::filesystem::path& path, mode m) {
    int flags = O_CLOEXEC;
    switch (m) {
    case mode::read_only: flags |= O_RDONLY; break;
    case mode::read_write: flags |= O_RDWR; break;
    case mode::create_read_write: flags |= O_RDWR | O_CREAT; break;
    }
    int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) {
        if (errno == ENOENT)
            return error::make(errc::not_found, "{} does not exist", path.string());
        return io_error("open", path, errno);
    }
    return file(fd, path);
}

file::file(file&& other) noexcept : _fd(other._fd), _path(std::move(other._path)) {
    other._fd = -1;
}

file& file::operator=(file&& other) noexcept {
    if (this != &other) {
        if (_fd >= 0) ::close(_fd);
        _fd = other._fd;
        _path = std::move(other._path);
        other._fd = -1;
    }
    return *this;
}

file::~file() {
    if (_fd >= 0) ::close(_fd);
}

result<size_t> file::read_at(std::span<std::byte> buf, uint64_t position) const {
    size_t done = 0;
    while (done < buf.size()) {
        ssize_t n =
            ::pread(_fd, buf.data() + done, buf.size() - done, static_cast<off_t>(position + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_error("read from", _path, errno);
        }
        if (n == 0) break;
        done += static_cast<size_t>(n);
    }
    return done;
}

result<void> file::write_at(std::span<const std::byte> data, uint64_t position) {
    size_t allowed = data.size();
    int injected = 0;
    if (faults_armed.load(std::memory_order_relaxed) && write_errno.load() != 0) {
        int64_t before = write_budget.fetch_sub(static_cast<int64_t>(data.size()));
        if (before < static_cast<int64_t>(data.size())) {
            allowed = before > 0 ? static_cast<size_t>(before) : 0;
            injected = write_errno.load();
        }
    }
    size_t done = 0;
    while (done < allowed) {
        ssize_t n =
            ::pwrite(_fd, data.data() + done, allowed - done, static_cast<off_t>(position + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_error("write to", _path, errno);
        }
        done += static_cast<size_t>(n);
    }
    if (injected != 0) return io_error("write to", _path, injected);
    return ok();
}

result<void> file::truncate(uint64_t size) {
    if (::ftruncate(_fd, static_cast<off_t>(size)) != 0) return io_error("truncate", _path, errno);
    return ok();
}

result<void> file::sync_data() {
    if (faults_armed.load(std::memory_order_relaxed) && failing_syncs.load() > 0) {
        if (failing_syncs.fetch_sub(1) > 0) return io_error("fdatasync", _path, sync_errno.load());
    }
    if (::fdatasync(_fd) != 0) return io_error("fdatasync", _path, errno);
    return ok();
}

result<uint64_t> file::size() const {
    struct stat st {};
    if (::fstat(_fd, &st) != 0) return io_error("stat", _path, errno);
    return static_cast<uint64_t>(st.st_size);
}

result<void> sync_directory(const std::filesystem::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return io_error("open directory", dir, errno);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return io_error("fsync directory", dir, err);
    return ok();
}

result<void> write_file_atomically(const std::filesystem::path& path,
                                   std::span<const std::byte> data) {
    auto tmp = path;
    tmp += ".tmp";
    {
        auto f = file::open(tmp, file::mode::create_read_write);
        if (!f) return std::move(f).err();
        if (auto r = f->truncate(0); !r) return r;
        if (auto r = f->write_at(data, 0); !r) return r;
        if (auto r = f->sync_data(); !r) return r;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) return io_error("rename to", path, errno);
    return sync_directory(path.parent_path());
}

result<std::vector<std::byte>> read_file(const std::filesystem::path& path) {
    auto f = file::open(path, file::mode::read_only);
    if (!f) return std::move(f).err();
    auto size = f->size();
    if (!size) return std::move(size).err();
    std::vector<std::byte> out(*size);
    auto n = f->read_at(out, 0);
    if (!n) return std::move(n).err();
    out.resize(*n);
    return out;
}

result<directory_lock> directory_lock::acquire(const std::filesystem::path& dir) {
    auto path = dir / ".lock";
    auto f = file::open(path, file::mode::create_read_write);
    if (!f) return std::move(f).err();
    if (::flock(f->fd(), LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        std::string holder;
        std::vector<std::byte> buf(32);
        if (auto n = f->read_at(buf, 0); n && *n > 0)
            holder = std::string(reinterpret_cast<const char*>(buf.data()), *n);
        while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0'))
            holder.pop_back();
        if (err == EWOULDBLOCK)
            return error::make(errc::kafka_storage_error,
                               "data directory {} is in use by another spate process{}",
                               dir.string(), holder.empty() ? "" : " (pid " + holder + ")");
        return io_error("lock", path, err);
    }
    auto pid = std::to_string(::getpid()) + "\n";
    if (auto r = f->truncate(0); !r) return std::move(r).err();
    if (auto r = f->write_at({reinterpret_cast<const std::byte*>(pid.data()), pid.size()}, 0); !r)
        return std::move(r).err();
    return directory_lock(std::move(f).value());
}

result<void> make_directories(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return io_error("create directory", dir, ec.value());
    if (dir.has_parent_path()) return sync_directory(dir.parent_path());
    return ok();
}

result<void> remove_tree(const std::filesystem::path& path) {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    if (ec) return io_error("remove", path, ec.value());
    return ok();
}

} // namespace spate::io
