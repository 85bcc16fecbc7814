#pragma once

#include "base/result.h"
#include "nexmark/generator.h"

#include <filesystem>

namespace spate::nexmark {

/// Writes events first_event_id .. first_event_id + events - 1 of `config`'s sequence to
/// `dir`/person.json, auction.json and bid.json, one JSON object per line (append_json),
/// replacing those files. `dir` is created if missing. Returns how many of each were written,
/// or an error naming the file that could not be created or written.
result<event_counts> write_ndjson_files(const generator_config& config, uint64_t events,
                                        const std::filesystem::path& dir);

} // namespace spate::nexmark
