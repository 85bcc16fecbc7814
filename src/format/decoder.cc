#include "format/decoder.h"
#include "base/ascii.h"

#include <cctype>
#include <optional>

#include <fmt/format.h>

namespace spate::format {

namespace {

/// One character from an option value; "\t" and "tab" spell a tab.
std::optional<char> one_char(std::string_view v) {
    if (v == "\\t" || v == "tab") return '\t';
    if (v.size() == 1) return v[0];
    return std::nullopt;
}

} // namespace

std::variant<std::unique_ptr<decoder>, std::string> make_decoder(std::string_view format,
                                                                 std::vector<field_spec> fields,
                                                                 const format_options& options) {
    if (equals_folded(format, "json")) {
        if (!options.empty())
            return fmt::format("unknown option \"{}\" for format json", options.begin()->first);
        return std::unique_ptr<decoder>(std::make_unique<json_decoder>(std::move(fields)));
    }
    if (equals_folded(format, "csv")) {
        csv_options o;
        for (const auto& [key, value] : options) {
            if (key == "delimiter" || key == "quote") {
                auto c = one_char(value);
                if (!c || *c == '\n' || *c == '\r')
                    return fmt::format("option \"{}\" of format csv must be one character, not "
                                       "\"{}\"",
                                       key, value);
                (key == "delimiter" ? o.delimiter : o.quote) = *c;
            } else if (key == "null") {
                o.null_string = value;
            } else {
                return fmt::format("unknown option \"{}\" for format csv (known: delimiter, "
                                   "quote, null)",
                                   key);
            }
        }
        if (o.delimiter == o.quote)
            return std::string("options \"delimiter\" and \"quote\" of format csv must differ");
        return std::unique_ptr<decoder>(std::make_unique<csv_decoder>(std::move(fields), o));
    }
    return fmt::format("unknown format \"{}\" (known: json, csv)", format);
}

columnar::batch make_batch(std::span<const field_spec> fields, size_t capacity) {
    std::vector<columnar::data_type> types;
    types.reserve(fields.size());
    for (const auto& f : fields)
        types.push_back(f.type);
    return columnar::batch::with_types(types, capacity);
}

} // namespace spate::format
