#pragma once

// One boundary around simdjson for the expr module (internal).

#include <simdjson.h>

#include <string>
#include <string_view>

namespace spate::expr {

/// Parses JSON texts one after another, reusing its buffers (a padded copy of the text and the
/// parser's tape), so parsing a column allocates only when a longer document arrives. Owned by
/// one kernel call.
class json_reader {
public:
    /// The parsed document, valid until the next parse; an error when the text is not JSON.
    simdjson::simdjson_result<simdjson::dom::element> parse(std::string_view text) {
        _buf.resize(text.size() + simdjson::SIMDJSON_PADDING);
        if (!text.empty()) std::memcpy(_buf.data(), text.data(), text.size());
        return _parser.parse(_buf.data(), text.size(), false);
    }

private:
    std::string _buf;
    simdjson::dom::parser _parser;
};

} // namespace spate::expr
