#include "log/segment.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace spate::log {

namespace L = model::batch_layout;

namespace {

model::timestamp_ms file_mtime(const std::filesystem::path& p) {
    std::error_code ec;
    auto t = std::filesystem::last_write_time(p, ec);
    if (ec) return model::no_timestamp;
    auto sys = std::chrono::file_clock::to_sys(t);
    return model::timestamp_ms(
        std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count());
}

// Sequential reader over a segment file with a reusable buffer, for recovery scans.
class chunk_reader {
public:
    explicit chunk_reader(const io::file& f) : _file(f), _buf(1 << 20) {}

    // Makes [pos, pos + len) available; returns it, or an error if the read fails.
    result<std::span<const std::byte>> get(uint64_t pos, size_t len) {
        if (pos < _start || pos + len > _start + _len) {
            if (_buf.size() < len) _buf.resize(len);
            auto n = _file.read_at(_buf, pos);
            if (!n) return std::move(n).err();
            _start = pos;
            _len = *n;
            if (_len < len)
                return error::make(errc::corrupt_message, "file ends {} bytes into a read of {}",
                                   _len, len);
        }
        return std::span<const std::byte>(_buf.data() + (pos - _start), len);
    }

private:
    const io::file& _file;
    std::vector<std::byte> _buf;
    uint64_t _start = 0;
    size_t _len = 0;
};

} // namespace

std::filesystem::path segment::path_for(const std::filesystem::path& dir, model::offset base) {
    char name[32];
    std::snprintf(name, sizeof(name), "%020lld.log", static_cast<long long>(base.value()));
    return dir / name;
}

std::optional<model::offset> segment::parse_file_name(const std::filesystem::path& path) {
    return parse_offset_name(path, ".log");
}

std::optional<model::offset> segment::parse_offset_name(const std::filesystem::path& path,
                                                        std::string_view extension) {
    if (path.extension() != extension) return std::nullopt;
    auto stem = path.stem().string();
    if (stem.size() != 20) return std::nullopt;
    int64_t v = 0;
    for (char c : stem) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return model::offset(v);
}

result<std::unique_ptr<segment>> segment::create(const std::filesystem::path& dir,
                                                 model::offset base) {
    auto path = path_for(dir, base);
    auto f = io::file::open(path, io::file::mode::create_read_write);
    if (!f) return std::move(f).err();
    if (auto r = f->truncate(0); !r) return std::move(r).err();
    auto s = std::unique_ptr<segment>(
        new segment(path, base, std::make_shared<io::file>(std::move(f).value())));
    return s;
}

result<std::unique_ptr<segment>> segment::open(const std::filesystem::path& path,
                                               model::offset base) {
    auto f = io::file::open(path, io::file::mode::read_write);
    if (!f) return std::move(f).err();
    return std::unique_ptr<segment>(
        new segment(path, base, std::make_shared<io::file>(std::move(f).value())));
}

result<void> segment::append(std::span<const std::byte> bytes,
                             std::span<const model::batch_header> batches,
                             int32_t index_interval_bytes) {
    if (auto r = _file->write_at(bytes, _size); !r) {
        // Leave no partial batch behind: cut back to where this append began.
        if (auto t = _file->truncate(_size); !t) {
            _partial_tail = true;
            return error::make(errc::kafka_storage_error,
                               "{}; cutting the partial write back also failed: {}",
                               r.err().message, t.err().message);
        }
        return r;
    }
    uint64_t pos = _size;
    for (const auto& h : batches) {
        if (pos == 0) _rolling_base_time = h.max_timestamp;
        _index.on_batch(h.base_offset, static_cast<uint32_t>(pos),
                        static_cast<uint32_t>(h.size_bytes()), h.max_timestamp,
                        index_interval_bytes);
        if (h.max_timestamp > _max_timestamp) _max_timestamp = h.max_timestamp;
        pos += h.size_bytes();
        _next = h.next_offset();
    }
    if (_rolling_base_time == model::no_timestamp && pos > 0)
        _rolling_base_time =
            model::timestamp_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
    _size = pos;
    return ok();
}

segment::scan_result segment::scan(uint64_t from_position, model::offset from_next,
                                   model::offset verify_from, int32_t index_interval_bytes) {
    scan_result out;
    auto file_size = _file->size();
    if (!file_size) {
        out.stopped_by = file_size.err();
        return out;
    }
    chunk_reader reader(*_file);
    uint64_t pos = from_position;
    model::offset next = from_next;
    auto stop = [&](std::string why) {
        out.stopped_by =
            error::make(errc::corrupt_message, "{} position {}: {}", _path.string(), pos, why);
    };
    while (pos < *file_size) {
        if (*file_size - pos < L::header_size) {
            stop(fmt::format("{} bytes left, less than a batch header", *file_size - pos));
            break;
        }
        auto head = reader.get(pos, L::header_size);
        if (!head) {
            stop(head.err().message);
            break;
        }
        auto h = model::parse_batch_header(*head);
        if (!h) {
            stop(h.err().message);
            break;
        }
        if (h->base_offset != next) {
            stop(fmt::format("batch has base offset {}, expected {}", h->base_offset.value(),
                             next.value()));
            break;
        }
        if (pos + h->size_bytes() > *file_size) {
            stop(fmt::format("batch of {} bytes runs past the end of the file ({} bytes)",
                             h->size_bytes(), *file_size));
            break;
        }
        if (h->next_offset() > verify_from) {
            auto whole = reader.get(pos, h->size_bytes());
            if (!whole) {
                stop(whole.err().message);
                break;
            }
            if (auto v = model::validate_batch(*whole); !v) {
                stop(v.err().message);
                break;
            }
        }
        if (pos == 0) _rolling_base_time = h->max_timestamp;
        _index.on_batch(h->base_offset, static_cast<uint32_t>(pos),
                        static_cast<uint32_t>(h->size_bytes()), h->max_timestamp,
                        index_interval_bytes);
        if (h->max_timestamp > _max_timestamp) _max_timestamp = h->max_timestamp;
        next = h->next_offset();
        pos += h->size_bytes();
    }
    if (_rolling_base_time == model::no_timestamp && pos > 0)
        _rolling_base_time = file_mtime(_path);
    _size = pos;
    _next = next;
    out.valid_bytes = pos;
    return out;
}

std::optional<segment_summary> segment::load_index() {
    auto loaded = segment_index::read_files(_path, _base);
    if (!loaded) return std::nullopt;
    auto& [index, summary] = *loaded;
    if (summary.next_offset < _base) return std::nullopt;
    _index = std::move(index);
    _size = summary.size_bytes;
    _next = summary.next_offset;
    _max_timestamp = summary.max_timestamp;
    if (_size > 0) {
        auto first = read_header(0);
        if (!first || first->base_offset != _base) {
            reset();
            return std::nullopt;
        }
        _rolling_base_time =
            first->max_timestamp != model::no_timestamp ? first->max_timestamp : file_mtime(_path);
    }
    return summary;
}

bool segment::valid_batch_follows(uint64_t position) const {
    auto header_at = [&](uint64_t pos) -> std::optional<model::batch_header> {
        std::byte buf[L::header_size];
        auto n = _file->read_at(buf, pos);
        if (!n || *n != L::header_size) return std::nullopt;
        auto h = model::parse_batch_header(buf);
        if (!h) return std::nullopt;
        return *h;
    };
    auto bad = header_at(position);
    if (!bad) return false;
    auto following = header_at(position + bad->size_bytes());
    return following && following->base_offset == bad->next_offset();
}

result<void> segment::truncate(uint64_t size) {
    if (auto r = _file->truncate(size); !r) return r;
    if (_synced > size) _synced = size;
    return ok();
}

result<model::batch_header> segment::read_header(uint64_t position) const {
    std::byte buf[L::header_size];
    auto n = _file->read_at(buf, position);
    if (!n) return std::move(n).err();
    auto h = model::parse_batch_header(std::span<const std::byte>(buf, *n));
    if (!h)
        return error::make(h.err().code, "{} position {}: {}", _path.string(), position,
                           h.err().message);
    if (position + h->size_bytes() > _size)
        return error::make(errc::corrupt_message,
                           "{} position {}: batch of {} bytes runs past the segment's end ({})",
                           _path.string(), position, h->size_bytes(), _size);
    return h;
}

result<std::optional<std::pair<uint64_t, model::batch_header>>>
segment::find_batch(model::offset o) const {
    using found = std::optional<std::pair<uint64_t, model::batch_header>>;
    if (o >= _next) return found{};
    uint64_t pos = o > _base ? _index.position_for(o) : 0;
    while (pos < _size) {
        auto h = read_header(pos);
        if (!h) return std::move(h).err();
        if (h->next_offset() > o) return found{std::pair{pos, *h}};
        pos += h->size_bytes();
    }
    return found{};
}

result<void> segment::write_index() const {
    return _index.write_files(_path, segment_summary{_size, _next, _max_timestamp});
}

result<void> segment::remove() {
    for (const auto& p : {_path, offset_index_path(_path), time_index_path(_path)}) {
        std::error_code ec;
        std::filesystem::remove(p, ec);
        if (ec)
            return error::make(errc::kafka_storage_error, "removing {} failed: {}", p.string(),
                               ec.message());
    }
    return ok();
}

} // namespace spate::log
