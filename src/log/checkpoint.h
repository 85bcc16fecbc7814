#pragma once

#include "base/result.h"
#include "model/types.h"

#include <filesystem>

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

} // namespace spate::log
