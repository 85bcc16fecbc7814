#pragma once

#include "format/cell_internal.h"
#include "format/csv_options.h"
#include "format/decoder_base.h"

#include <memory>
#include <string>
#include <vector>

namespace spate::format {

/// Decodes records that are each one CSV line (RFC 4180: fields in quotes may hold delimiters,
/// line breaks and doubled quotes; no header; a trailing "\n" or "\r\n" is allowed) into rows,
/// fields by position. Text converts to each type as README.md describes.
///
/// Built once per source and shard, reused for every batch (scratch buffers are kept). Used by
/// one thread at a time.
class csv_decoder final : public decoder {
public:
    explicit csv_decoder(std::vector<field_spec> fields, csv_options options = {});
    ~csv_decoder() override;

    size_t decode(std::span<const std::string_view> records, columnar::batch& out,
                  std::vector<record_error>& errors) override;
    const std::vector<field_spec>& fields() const override { return _fields; }

private:
    bool decode_one(std::string_view record, std::string& why);

    std::vector<field_spec> _fields;
    csv_options _options;
    std::vector<detail::cell> _cells;
    std::string _unquoted; ///< quoted fields' text without their quotes, for the current record
    std::string _why;
};

} // namespace spate::format
