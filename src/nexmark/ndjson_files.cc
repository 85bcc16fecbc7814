#include "nexmark/ndjson_files.h"

#include "nexmark/json_writer.h"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

namespace spate::nexmark {
namespace {

constexpr size_t flush_bytes = 1 << 20;

// One output file and the lines waiting to be written to it. Owned by the writing thread.
struct ndjson_file {
    std::filesystem::path path;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{nullptr, &std::fclose};
    std::string pending;

    result<void> flush() {
        if (pending.empty()) return ok();
        if (std::fwrite(pending.data(), 1, pending.size(), file.get()) != pending.size())
            return error::make(errc::kafka_storage_error, "cannot write {}: {}", path.string(),
                               std::strerror(errno));
        pending.clear();
        return ok();
    }
};

} // namespace

result<event_counts> write_ndjson_files(const generator_config& config, uint64_t events,
                                        const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        return error::make(errc::kafka_storage_error, "cannot create directory {}: {}",
                           dir.string(), ec.message());
    std::array<ndjson_file, 3> files;
    constexpr std::array<const char*, 3> names = {"person.json", "auction.json", "bid.json"};
    for (size_t i = 0; i < files.size(); ++i) {
        files[i].path = dir / names[i];
        files[i].file.reset(std::fopen(files[i].path.c_str(), "wb"));
        if (!files[i].file)
            return error::make(errc::kafka_storage_error, "cannot create {}: {}",
                               files[i].path.string(), std::strerror(errno));
        files[i].pending.reserve(flush_bytes + 4096);
    }

    event_counts counts;
    generator gen(config);
    for (uint64_t i = 0; i < events; ++i) {
        const event& e = gen.next();
        counts.add(e.kind);
        auto& f = files[static_cast<size_t>(e.kind)];
        append_json(e, f.pending);
        f.pending.push_back('\n');
        if (f.pending.size() >= flush_bytes) {
            if (auto r = f.flush(); !r) return std::move(r).err();
        }
    }
    for (auto& f : files) {
        if (auto r = f.flush(); !r) return std::move(r).err();
        if (std::fclose(f.file.release()) != 0)
            return error::make(errc::kafka_storage_error, "cannot write {}: {}", f.path.string(),
                               std::strerror(errno));
    }
    return counts;
}

} // namespace spate::nexmark
