#include "kafka/protocol/codegen_support.h"

#include <algorithm>

namespace spate::kafka {

error decode_context::wrap(std::string_view field, const error& e) const {
    if (_struct.empty())
        return error::make(e.code, "{} v{}, {}: {}", _message, _version, field, e.message);
    return error::make(e.code, "{} v{}, {}.{}: {}", _message, _version, _struct, field, e.message);
}

error decode_context::null(std::string_view field) const {
    return wrap(field, error{errc::corrupt_message, "null, but the field is not nullable in "
                                                    "this version"});
}

error decode_context::unsupported_version(int16_t lowest, int16_t highest) const {
    return error::make(errc::unsupported_version, "{} v{}: unsupported version (spate reads {}-{})",
                       _message, _version, lowest, highest);
}

void tagged_field_writer::finish(writer& w, const tagged_fields& unknown) {
    std::vector<const tagged_field*> all;
    all.reserve(_fields.size() + unknown.size());
    for (const auto& f : _fields)
        all.push_back(&f);
    for (const auto& f : unknown) {
        bool known = std::any_of(_fields.begin(), _fields.end(),
                                 [&](const tagged_field& k) { return k.tag == f.tag; });
        if (!known) all.push_back(&f);
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const tagged_field* a, const tagged_field* b) { return a->tag < b->tag; });
    w.write_unsigned_varint(static_cast<uint32_t>(all.size()));
    for (const auto* f : all) {
        w.write_unsigned_varint(f->tag);
        w.write_unsigned_varint(static_cast<uint32_t>(f->data.size()));
        w.write_raw(f->data);
    }
}

} // namespace spate::kafka
