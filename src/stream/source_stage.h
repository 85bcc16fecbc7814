#pragma once

#include "exec/operator.h"
#include "expr/evaluator.h"
#include "format/decoder.h"
#include "plan/catalog_types.h"
#include "stream/dead_letters.h"
#include "stream/record_walk.h"

#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace spate::stream {

/// The first step of every query over a source, for one partition: decodes record values into
/// rows of the source's columns, sends records that cannot be decoded or break a NOT NULL or
/// CHECK constraint to the dead-letter topic (with the reason and the raw value), appends the
/// hidden partition and offset columns, and tracks the partition's watermark.
///
/// Owned by one reader (one thread).
class source_stage {
public:
    source_stage(std::shared_ptr<const plan::source_def> source, int32_t partition);

    /// Rows of `records` that are valid, as a batch of the source's columns plus _partition
    /// and _offset. Rejected records go to `letters`.
    columnar::batch process(std::span<const raw_record> records, dead_letters& letters);

    /// The largest watermark expression value seen so far (no_watermark before any, or when
    /// the source declares none).
    exec::event_time watermark() const { return _watermark; }

private:
    void reject_rows(columnar::batch& b, std::vector<uint32_t>& bad_rows,
                     std::vector<std::string>& reasons, std::span<const raw_record> records,
                     std::vector<uint32_t>& record_of_row, dead_letters& letters);

    std::shared_ptr<const plan::source_def> _source;
    int32_t _partition;
    std::unique_ptr<format::decoder> _decoder;
    std::vector<expr::evaluator> _checks;
    std::optional<expr::evaluator> _watermark_expr;
    exec::event_time _watermark = exec::no_watermark;
    std::vector<std::string_view> _values;
    std::vector<format::record_error> _errors;
};

} // namespace spate::stream
