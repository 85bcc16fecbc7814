#pragma once

#include "base/result.h"
#include "log/checkpoint.h"
#include "log/log_config.h"
#include "log/producer_state.h"
#include "log/segment.h"
#include "model/record_batch.h"
#include "model/types.h"

#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

namespace spate::log {

/// Where a partition's blocking work runs and where its completions come back to.
struct partition_context {
    /// The partition's owner: every method is called here and every completion lands here.
    boost::asio::any_io_executor owner;
    /// Threads that run fdatasync and other blocking file work off the owner's event loop.
    boost::asio::thread_pool* blocking = nullptr;
};

/// What append() did.
struct append_result {
    model::offset base_offset;                                 ///< offset given to the first record
    model::offset last_offset;                                 ///< offset of the last record
    model::timestamp_ms log_append_time = model::no_timestamp; ///< set under LogAppendTime
    /// The append only repeated batches an idempotent producer had already written: nothing
    /// was written, and the offsets (and LogAppendTime) are those the batches got then.
    bool duplicate = false;
};

/// A byte range of a segment file, for serving reads without copying (sendfile).
struct file_slice {
    std::shared_ptr<io::file> file;
    uint64_t position = 0;
    uint64_t size = 0;
};

/// Whole batches read from a partition: the file ranges holding them.
struct read_result {
    std::vector<file_slice> slices;
    uint64_t size_bytes = 0;
    model::offset next_offset; ///< offset after the last batch returned
};

/// The first record at or after a timestamp (Kafka's ListOffsets by timestamp).
struct timestamp_lookup {
    model::offset offset;
    model::timestamp_ms timestamp;
};

/// One partition of a topic: an append-only sequence of segments in its own directory.
///
/// Appends validate every batch, assign offsets by rewriting the batches' base offsets and
/// write them all or nothing. Durability is separate: when_durable() completes once the data
/// is synced, and concurrent appends share one fdatasync (group commit). Reads return whole
/// batches as file ranges. At open, only the part after the last checkpointed recovery point
/// is validated; a torn tail is cut. Damage to data that was synced (a truncated or corrupted
/// file) makes the partition read-only, readable up to the damage, with damage() saying what.
///
/// Owned by one thread (its context's owner executor); no method is thread-safe. Blocking
/// syncs run on the context's pool and complete back on the owner.
class partition : public std::enable_shared_from_this<partition> {
public:
    /// Opens (creating it if missing) the partition stored in `dir`, recovering its tail.
    static result<std::shared_ptr<partition>> open(std::filesystem::path dir, std::string name,
                                                   log_config config, partition_context ctx);
    ~partition();

    /// Validates and appends one or more record batches laid end to end (a Kafka produce
    /// payload for this partition). Offsets are written into `batches` in place. Nothing is
    /// written if any batch is invalid. The data is not yet durable: see when_durable().
    ///
    /// Batches with a producer id are checked against the idempotent producers' state
    /// (producer_state::check): INVALID_PRODUCER_EPOCH and OUT_OF_ORDER_SEQUENCE_NUMBER refuse
    /// the whole append, and an append that only repeats batches already written writes
    /// nothing and returns their original offsets with `duplicate` set.
    result<append_result> append(std::span<std::byte> batches);

    /// Calls `done` on the owner once every record below `upto` is on disk (after fdatasync),
    /// or with the error that prevented it. Waiters arriving while a sync runs share the next.
    void when_durable(model::offset upto, std::function<void(result<void>)> done);
    /// Coroutine form of when_durable().
    boost::asio::awaitable<result<void>> wait_durable(model::offset upto);
    /// append() then, under flush policy `always`, wait until it is durable.
    boost::asio::awaitable<result<append_result>> append_durable(std::span<std::byte> batches);

    /// Whole batches starting with the one that holds `from`, up to `max_bytes` in total (the
    /// first batch is returned even if larger, as Kafka does), never past high_watermark().
    /// OFFSET_OUT_OF_RANGE if `from` is outside [log start, high watermark]; a read that meets
    /// damage returns the batches before it, or the damage if there are none.
    result<read_result> read(model::offset from, uint64_t max_bytes) const;
    /// read() copied into memory, every batch checked against its CRC-32C.
    result<std::vector<std::byte>> read_bytes(model::offset from, uint64_t max_bytes) const;

    /// The first record whose timestamp is at or after `ts`; nullopt if there is none.
    result<std::optional<timestamp_lookup>> offset_for_timestamp(model::timestamp_ms ts) const;

    model::offset log_start_offset() const { return _log_start; }
    /// Offset the next appended record will get.
    model::offset log_end_offset() const { return _segments.back()->next_offset(); }
    /// Offset below which records are visible to readers: everything durable under flush
    /// policy `always`, everything written otherwise.
    model::offset high_watermark() const;
    /// Offset below which records are known to be on disk.
    model::offset durable_offset() const { return _durable; }

    /// Moves the log start offset forward (Kafka's DeleteRecords); whole segments below it are
    /// deleted. OFFSET_OUT_OF_RANGE if `o` is past the high watermark.
    result<void> delete_records_before(model::offset o);
    /// Periodic upkeep at wall-clock time `now`: rolls an old active segment (segment.ms),
    /// deletes segments past retention.ms / retention.bytes, syncs under the interval policy,
    /// and writes the checkpoint. Returns the number of segments deleted.
    result<size_t> maintain(model::timestamp_ms now);
    /// Syncs everything and writes the indexes and a checkpoint whose recovery point is the
    /// log end, so the next open checks nothing. The partition must not be used afterwards.
    result<void> close();

    void set_config(log_config c) { _config = std::move(c); }
    /// The executor that owns this partition: every call must run there.
    const boost::asio::any_io_executor& owner() const { return _ctx.owner; }
    bool closed() const { return _closed; }
    const log_config& config() const { return _config; }
    const std::string& name() const { return _name; }
    const std::filesystem::path& dir() const { return _dir; }
    size_t segment_count() const { return _segments.size(); }
    uint64_t size_bytes() const;
    /// Number of fdatasync rounds completed for appends (group commits), for tests and metrics.
    uint64_t sync_rounds() const { return _sync_rounds; }
    /// Why the partition is read-only, if it is.
    const std::optional<error>& damage() const { return _damage; }
    /// The idempotent producers that wrote to this partition.
    const producer_state& producers() const { return _producers; }
    /// Producer state snapshots being written on the blocking pool (after a roll), for tests.
    size_t producer_snapshots_pending() const { return _snapshots_in_flight; }

private:
    partition(std::filesystem::path dir, std::string name, log_config config,
              partition_context ctx);

    // partition_recovery.cc
    result<void> recover();
    result<void> recover_segment(size_t i, model::offset recovery_point);
    void mark_damaged(error e);

    // partition_producers.cc
    /// Loads the newest usable producer state snapshot and replays the batch headers after it.
    result<void> recover_producers();
    /// Calls `f(header)` for every batch from `from` to the log end, reading headers only.
    result<void> for_each_header(model::offset from,
                                 const std::function<void(const model::batch_header&)>& f) const;
    /// Starts writing the producer state as of the log end on the blocking pool (at a roll).
    void start_producer_snapshot();
    /// Writes the producer state as of the log end now (at close).
    result<void> write_producer_snapshot();
    /// Deletes snapshots below the oldest segment and all but the newest few.
    void prune_producer_snapshots();

    // partition_sync.cc
    struct synced_segment {
        model::offset base;
        uint64_t bytes;
    };
    void start_sync();
    void on_synced(model::offset target, std::vector<synced_segment> synced, result<void> r);
    result<void> sync_now();
    result<void> write_checkpoint();
    /// Writes the checkpoint on the blocking pool (periodic upkeep); one at a time.
    void start_checkpoint();

    // partition_retention.cc
    result<void> roll();
    result<void> delete_front_segment();

    const segment* segment_for(model::offset o) const;
    result<void> check_writable() const;

    std::filesystem::path _dir;
    std::string _name;
    log_config _config;
    partition_context _ctx;
    std::deque<std::unique_ptr<segment>> _segments;
    model::offset _log_start{0};
    model::offset _durable{0};
    model::offset _checkpointed{-1};
    std::optional<error> _damage;
    producer_state _producers;
    size_t _snapshots_in_flight = 0;

    struct waiter {
        model::offset upto;
        std::function<void(result<void>)> done;
    };
    std::vector<waiter> _waiters;
    bool _sync_in_flight = false;
    bool _closed = false;
    uint64_t _sync_rounds = 0;
    // Made durable by the next sync: the directory after a segment was created, and the
    // index files of segments rolled since the last sync.
    bool _dir_dirty = false;
    std::vector<std::filesystem::path> _unsynced_files;
    model::timestamp_ms _last_flush{0};
    model::timestamp_ms _last_checkpoint{0};
    bool _checkpoint_in_flight = false;
    std::shared_ptr<checkpoint_writer> _checkpoint_writer;
};

} // namespace spate::log
