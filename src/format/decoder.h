#pragma once

#include "format/csv_decoder.h"
#include "format/decoder_base.h"
#include "format/json_decoder.h"

#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace spate::format {

/// A decoder for `format` ("json" or "csv", case-insensitive) with these columns and options,
/// or a message saying what is wrong (unknown format or option, bad option value).
///   json: no options.
///   csv: "delimiter" (one character, default ','), "quote" (one character, default '"'),
///        "null" (the text that is NULL when unquoted, default empty).
std::variant<std::unique_ptr<decoder>, std::string>
make_decoder(std::string_view format, std::vector<field_spec> fields,
             const format_options& options = {});

/// A batch with empty columns of the types of `fields`, ready for decode().
columnar::batch make_batch(std::span<const field_spec> fields, size_t capacity = 0);

} // namespace spate::format
