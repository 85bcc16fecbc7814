#pragma once

#include "base/result.h"
#include "model/types.h"

#include <filesystem>
#include <mutex>

namespace spate::log {

/// What a partition records about itself between runs, in the file "checkpoint" of its
/// directory: the log start offset (moved by retention and DeleteRecords) and the recovery
/// point, below which every batch was synced to disk and checked. Recovery validates only
/// what lies past the recovery point. Replaced atomically; a CRC-32C guards it.
struct partition_checkpoint {
    model::offset log_start_offset{0};
    model::offset recovery_point{0};

    static std::filesystem::path path_in(const std::filesystem::path& partition_dir);
    /// Reads the checkpoint; NOT_FOUND if there is none, CORRUPT_MESSAGE if it does not check out.
    static result<partition_checkpoint> read(const std::filesystem::path& partition_dir);
    result<void> write(const std::filesystem::path& partition_dir) const;
};

/// Writes a partition's checkpoint file from the owner thread or a blocking thread, one write
/// at a time, always writing the newest state handed to it, so a slow background write can
/// never put an older log start or recovery point back. Shared by the partition and the
/// blocking jobs it starts; thread-safe.
class checkpoint_writer {
public:
    explicit checkpoint_writer(std::filesystem::path dir) : _dir(std::move(dir)) {}
    /// Makes `c` the state the next write() saves.
    void update(const partition_checkpoint& c);
    /// Saves the newest state; returns what was written.
    result<partition_checkpoint> write();

private:
    std::filesystem::path _dir;
    std::mutex _mutex;
    partition_checkpoint _latest;
};

} // namespace spate::log
