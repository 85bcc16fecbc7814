#pragma once

#include "columnar/batch.h"
#include "exec/operator.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spate::stream {

/// Records on their way to a dead-letter or late-events topic, gathered while a batch is
/// processed and written after it. Each is a JSON object saying what happened and where the
/// record came from (source, topic, partition, offset), with the raw value when there is one.
///
/// Owned by one reader or shard part (one thread).
class dead_letters {
public:
    struct pending {
        std::string topic;
        std::string key;
        std::string value;
    };

    dead_letters(std::string source, std::string source_topic, std::string dead_letter_topic,
                 std::string late_topic)
        : _source(std::move(source)), _source_topic(std::move(source_topic)),
          _dead_letter_topic(std::move(dead_letter_topic)), _late_topic(std::move(late_topic)) {}

    /// Who reports: a view or sink's name, written into each record (empty for the source's
    /// own validation).
    void set_pipeline(std::string name) { _pipeline = std::move(name); }
    /// Whether records that fail decoding or a constraint are written (only by the source's
    /// validation, so that each is written once however many views read the source) or only
    /// counted.
    void set_write_source_errors(bool w) { _write_source_errors = w; }

    /// A record that fails decoding or a NOT NULL / CHECK constraint of its source.
    void source_invalid(std::string_view reason, int32_t partition, int64_t offset,
                        std::optional<std::string_view> raw) {
        if (!_write_source_errors) {
            ++_invalid;
            return;
        }
        invalid(reason, partition, offset, raw);
    }
    /// A row that could not be processed (an expression failed, or a record failed decoding).
    /// `raw` is the record's value when known.
    void invalid(std::string_view reason, std::optional<int32_t> partition,
                 std::optional<int64_t> offset, std::optional<std::string_view> raw);
    /// A row behind the watermark: the window it belongs to (ending at `window_end`) was
    /// already emitted, or (`join`) a join already dropped the rows it could match (then
    /// `window_end` is the row's event time).
    void late(std::optional<int32_t> partition, std::optional<int64_t> offset, int64_t window_end,
              int64_t watermark, bool join = false);

    /// An expression failed on a row (a bounded query fails with the first such error).
    void expression_error(std::string_view sqlstate, std::string_view message) {
        if (_first_error_state.empty()) {
            _first_error_state = sqlstate;
            _first_error = message;
        }
    }
    const std::string& first_error_state() const { return _first_error_state; }
    const std::string& first_error() const { return _first_error; }

    std::vector<pending>& records() { return _pending; }
    uint64_t invalid_count() const { return _invalid; }
    uint64_t late_count() const { return _late; }

private:
    std::string _source;
    std::string _source_topic;
    std::string _dead_letter_topic;
    std::string _late_topic;
    std::string _pipeline;
    bool _write_source_errors = true;
    std::vector<pending> _pending;
    uint64_t _invalid = 0;
    uint64_t _late = 0;
    std::string _first_error_state;
    std::string _first_error;
};

/// Reports an operator's rejected rows to dead_letters, reading the source partition and
/// offset from the row's hidden origin columns (when the operator's input has them).
class origin_row_sink final : public exec::row_sink {
public:
    origin_row_sink(dead_letters* letters, std::optional<uint32_t> partition_column,
                    std::optional<uint32_t> offset_column, bool join = false)
        : _letters(letters), _partition(partition_column), _offset(offset_column), _join(join) {}

    void invalid(const columnar::batch& b, uint32_t row, std::string_view sqlstate,
                 std::string_view message) override;
    void late(const columnar::batch& b, uint32_t row, exec::event_time time,
              exec::event_time wm) override;

private:
    std::optional<int32_t> partition_of(const columnar::batch& b, uint32_t row) const;
    std::optional<int64_t> offset_of(const columnar::batch& b, uint32_t row) const;

    dead_letters* _letters;
    std::optional<uint32_t> _partition;
    std::optional<uint32_t> _offset;
    bool _join; ///< the rows are a join's: late rows are behind its input's watermark
};

} // namespace spate::stream
