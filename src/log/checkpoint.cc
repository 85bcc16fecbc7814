#include "log/checkpoint.h"

#include "base/crc32c.h"
#include "base/endian.h"
#include "io/file.h"

#include <array>

namespace spate::log {

namespace {
// magic u32 | version u32 | log start i64 | recovery point i64 | crc32c u32, little-endian.
constexpr uint32_t magic = 0x4b435053; // "SPCK"
constexpr uint32_t version = 1;
constexpr size_t size = 4 + 4 + 8 + 8 + 4;
} // namespace

std::filesystem::path partition_checkpoint::path_in(const std::filesystem::path& dir) {
    return dir / "checkpoint";
}

result<partition_checkpoint> partition_checkpoint::read(const std::filesystem::path& dir) {
    auto data = io::read_file(path_in(dir));
    if (!data) return std::move(data).err();
    auto bad = [&](std::string_view why) {
        return error::make(errc::corrupt_message, "{}: {}", path_in(dir).string(), why);
    };
    if (data->size() != size) return bad("wrong size");
    const std::byte* p = data->data();
    if (load_le<uint32_t>(p) != magic) return bad("not a partition checkpoint");
    if (load_le<uint32_t>(p + 4) != version) return bad("unknown version");
    if (crc32c(std::span<const std::byte>(*data).first(size - 4)) != load_le<uint32_t>(p + 24))
        return bad("CRC-32C mismatch");
    partition_checkpoint c;
    c.log_start_offset = model::offset(load_le<int64_t>(p + 8));
    c.recovery_point = model::offset(load_le<int64_t>(p + 16));
    return c;
}

result<void> partition_checkpoint::write(const std::filesystem::path& dir) const {
    std::array<std::byte, size> buf{};
    store_le<uint32_t>(buf.data(), magic);
    store_le<uint32_t>(buf.data() + 4, version);
    store_le<int64_t>(buf.data() + 8, log_start_offset.value());
    store_le<int64_t>(buf.data() + 16, recovery_point.value());
    store_le<uint32_t>(buf.data() + 24, crc32c(std::span<const std::byte>(buf).first(size - 4)));
    return io::write_file_atomically(path_in(dir), buf);
}

void checkpoint_writer::update(const partition_checkpoint& c) {
    std::lock_guard lock(_mutex);
    _latest = c;
}

result<partition_checkpoint> checkpoint_writer::write() {
    std::lock_guard lock(_mutex);
    if (auto r = _latest.write(_dir); !r) return std::move(r).err();
    return _latest;
}

} // namespace spate::log
