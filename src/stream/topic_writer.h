#pragma once

#include "broker/topic_table.h"
#include "stream/dead_letters.h"

#include <string>
#include <vector>

namespace spate::broker {
class kafka_broker;
}

namespace spate::stream {

/// Appends records to a partition from any shard: the records become one batch, handed to the
/// partition's shard, appended there (without waiting for the sync) and announced to waiting
/// fetches. Calls from one shard reach the partition in the order they were made.
void append_records(broker::kafka_broker& broker, const broker::partition_ref& ref,
                    const std::vector<dead_letters::pending>& records);

/// Writes the pending dead-letter and late records of `letters` to their topics (partition 0
/// of each; `topics` maps a topic name to its partitions) and clears them.
void flush_letters(broker::kafka_broker& broker, dead_letters& letters,
                   const std::map<std::string, std::vector<broker::partition_ref>>& topics);

} // namespace spate::stream
