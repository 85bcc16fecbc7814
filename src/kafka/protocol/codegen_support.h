#pragma once

// Helpers the generated codec (src/kafka/generated/) is written with. Hand-written, generic:
// nothing here knows a message or a field; the generator names them.

#include "kafka/protocol/wire.h"

#include "base/result.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spate::kafka {

/// What a generated struct's visit_fields() says about a field in the version visited.
struct field_info {
    std::string_view name; ///< the spec's name, e.g. "TransactionalId"
    bool nullable;         ///< whether null can be sent in this version
    bool tagged;           ///< whether it is a tagged field in this version
};

/// The state of one generated decode function: the message, struct and version being read,
/// used to say where an error happened ("ProduceRequest v9, TopicProduceData.Name: ...").
/// Lives on the decoding thread's stack.
class decode_context {
public:
    decode_context(std::string_view message, std::string_view structure, int16_t version)
        : _message(message), _struct(structure), _version(version) {}

    int16_t version() const { return _version; }

    /// Moves the value of `r` into `out` and returns true, or keeps its error for fail().
    template <typename T, typename U>
    [[nodiscard]] bool take(result<U>&& r, T& out) {
        if (!r) {
            _error = std::move(r).err();
            return false;
        }
        out = std::move(*r);
        return true;
    }

    /// The error kept by the last failed take(), prefixed with where it happened.
    error fail(std::string_view field) const { return wrap(field, _error); }
    /// `e`, prefixed with where it happened.
    error wrap(std::string_view field, const error& e) const;
    /// A null value where `field` is not nullable in this version.
    error null(std::string_view field) const;
    error unsupported_version(int16_t lowest, int16_t highest) const;

private:
    std::string_view _message;
    std::string_view _struct;
    int16_t _version;
    error _error;
};

/// Collects a struct's known tagged fields while it is encoded, then writes them with the
/// unknown ones it kept, in ascending tag order. Used on the encoding thread's stack.
class tagged_field_writer {
public:
    /// A writer for the value of tagged field `tag`; valid until the next add().
    writer add(uint32_t tag) {
        _fields.push_back({tag, {}});
        return writer(_fields.back().data);
    }
    /// Writes the tagged-field section: the fields added and `unknown` (a tag added here wins
    /// over the same tag in `unknown`).
    void finish(writer& w, const tagged_fields& unknown);

private:
    tagged_fields _fields;
};

/// Reads a tagged-field section into `self`: known tags through
/// self.decode_tagged_field(tag, reader, ctx), which must read the whole value;
/// others are kept in self.unknown_tagged_fields.
template <typename Self>
result<void> read_tagged_fields(reader& rd, decode_context& ctx, Self& self) {
    uint32_t count = 0;
    if (!ctx.take(rd.read_unsigned_varint(), count)) return ctx.fail("tagged fields");
    if (count > rd.remaining() / 2) {
        return ctx.wrap("tagged fields",
                        error::make(errc::corrupt_message,
                                    "{} tagged fields cannot fit in {} bytes at byte {}", count,
                                    rd.remaining(), rd.position()));
    }
    int64_t previous = -1;
    for (uint32_t i = 0; i < count; ++i) {
        uint32_t tag = 0;
        uint32_t size = 0;
        std::span<const std::byte> data;
        if (!ctx.take(rd.read_unsigned_varint(), tag)) return ctx.fail("tagged fields");
        // KIP-482: tags are written in strictly ascending order, so each appears once.
        if (static_cast<int64_t>(tag) <= previous) {
            return ctx.wrap("tagged fields",
                            error::make(errc::corrupt_message,
                                        "tag {} follows tag {}: tags must be strictly ascending",
                                        tag, previous));
        }
        previous = tag;
        if (!ctx.take(rd.read_unsigned_varint(), size)) return ctx.fail("tagged fields");
        if (!ctx.take(rd.read_raw(size), data)) return ctx.fail("tagged fields");
        reader value(data);
        auto known = self.decode_tagged_field(tag, value, ctx);
        if (!known) return std::move(known).err();
        if (!*known) {
            self.unknown_tagged_fields.push_back({tag, bytes(data.begin(), data.end())});
        } else if (!value.empty()) {
            return ctx.wrap("tagged fields", error::make(errc::corrupt_message,
                                                         "tagged field {} has {} bytes left over",
                                                         tag, value.remaining()));
        }
    }
    return ok();
}

/// Element counts for writer::write_array_length(): -1 for a null array.
template <typename T>
int32_t array_length(const std::vector<T>& v) {
    return static_cast<int32_t>(v.size());
}
template <typename T>
int32_t array_length(const std::optional<std::vector<T>>& v) {
    return v ? static_cast<int32_t>(v->size()) : -1;
}
/// For a version where the array is not nullable: null is sent as empty.
template <typename T>
int32_t array_length_or_zero(const std::optional<std::vector<T>>& v) {
    return v ? static_cast<int32_t>(v->size()) : 0;
}

/// The elements of a possibly null array (none if null).
template <typename T>
const std::vector<T>& elements(const std::optional<std::vector<T>>& v) {
    static const std::vector<T> none;
    return v ? *v : none;
}

/// A possibly null value, sent as empty in a version where it is not nullable.
inline std::string_view or_empty(const std::optional<std::string>& s) {
    return s ? std::string_view(*s) : std::string_view();
}
inline std::span<const std::byte> or_empty(const std::optional<bytes>& b) {
    return b ? std::span<const std::byte>(*b) : std::span<const std::byte>();
}

} // namespace spate::kafka
