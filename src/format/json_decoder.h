#pragma once

#include "format/decoder_base.h"

#include <memory>
#include <string>
#include <vector>

namespace spate::format {

namespace json_detail {
struct state;
}

/// Decodes records that are each one JSON object into rows (see README.md for the rules: keys
/// match column names exactly, else case-insensitively; unknown keys are ignored; a missing key
/// or null is NULL; how each JSON value converts to each SQL type).
///
/// Built once per source and shard, reused for every batch: the simdjson parser, the padded
/// copy of the current record and the row scratch are kept, so decoding allocates nothing per
/// record once warm. Used by one thread at a time.
class json_decoder final : public decoder {
public:
    explicit json_decoder(std::vector<field_spec> fields);
    ~json_decoder() override;
    json_decoder(const json_decoder&) = delete;
    json_decoder& operator=(const json_decoder&) = delete;

    size_t decode(std::span<const std::string_view> records, columnar::batch& out,
                  std::vector<record_error>& errors) override;
    const std::vector<field_spec>& fields() const override { return _fields; }

    /// Decodes one record into the row scratch; false with `why` set when it is bad. Public for
    /// tests and benchmarks; decode() is the interface.
    bool decode_one(std::string_view record, std::string& why);

private:
    std::vector<field_spec> _fields;
    std::unique_ptr<json_detail::state> _state;
    std::string _why;
};

} // namespace spate::format
