#include "group/offset_records.h"

#include "kafka/protocol/codegen_support.h"
#include "kafka/protocol/wire.h"

namespace spate::group {

namespace {

constexpr int16_t offset_key_version = 1;
constexpr int16_t group_key_version = 2;
constexpr int16_t offset_value_version = 3;
constexpr int16_t group_value_version = 3;

error trailing(std::string_view what, size_t n) {
    return error::make(errc::corrupt_message, "{}: {} unexpected bytes at the end", what, n);
}

} // namespace

bytes encode_key(const offset_key& k) {
    bytes out;
    kafka::writer w(out);
    w.write_int16(offset_key_version);
    w.write_string(k.group);
    w.write_string(k.topic);
    w.write_int32(k.partition);
    return out;
}

bytes encode_key(const group_key& k) {
    bytes out;
    kafka::writer w(out);
    w.write_int16(group_key_version);
    w.write_string(k.group);
    return out;
}

bytes encode_value(const offset_value& v) {
    bytes out;
    kafka::writer w(out);
    w.write_int16(offset_value_version);
    w.write_int64(v.offset);
    w.write_int32(v.leader_epoch);
    w.write_string(v.metadata);
    w.write_int64(v.commit_timestamp);
    return out;
}

bytes encode_value(const group_value& v) {
    bytes out;
    kafka::writer w(out);
    w.write_int16(group_value_version);
    w.write_string(v.protocol_type);
    w.write_int32(v.generation);
    w.write_nullable_string(v.protocol);
    w.write_nullable_string(v.leader);
    w.write_int64(v.state_timestamp);
    w.write_array_length(static_cast<int32_t>(v.members.size()));
    for (const auto& m : v.members) {
        w.write_string(m.member_id);
        w.write_nullable_string(m.instance_id);
        w.write_string(m.client_id);
        w.write_string(m.client_host);
        w.write_int32(m.rebalance_timeout_ms);
        w.write_int32(m.session_timeout_ms);
        w.write_bytes(m.subscription);
        w.write_bytes(m.assignment);
    }
    return out;
}

result<record_key> decode_key(std::span<const std::byte> b) {
    kafka::reader rd(b);
    kafka::decode_context ctx{"__consumer_offsets key", "", 0};
    int16_t version = 0;
    if (!ctx.take(rd.read_int16(), version)) return ctx.fail("version");
    record_key out;
    if (version == 0 || version == 1) {
        offset_key k;
        if (!ctx.take(rd.read_string(), k.group)) return ctx.fail("group");
        if (!ctx.take(rd.read_string(), k.topic)) return ctx.fail("topic");
        if (!ctx.take(rd.read_int32(), k.partition)) return ctx.fail("partition");
        out = std::move(k);
    } else if (version == 2) {
        group_key k;
        if (!ctx.take(rd.read_string(), k.group)) return ctx.fail("group");
        out = std::move(k);
    } else {
        return error::make(errc::corrupt_message, "__consumer_offsets key: unknown version {}",
                           version);
    }
    if (!rd.empty()) return trailing("__consumer_offsets key", rd.remaining());
    return out;
}

result<offset_value> decode_offset_value(std::span<const std::byte> b) {
    kafka::reader rd(b);
    kafka::decode_context ctx{"__consumer_offsets offset value", "", 0};
    int16_t version = 0;
    if (!ctx.take(rd.read_int16(), version)) return ctx.fail("version");
    if (version != offset_value_version)
        return error::make(errc::corrupt_message,
                           "__consumer_offsets offset value: unsupported version {}", version);
    offset_value v;
    if (!ctx.take(rd.read_int64(), v.offset)) return ctx.fail("offset");
    if (!ctx.take(rd.read_int32(), v.leader_epoch)) return ctx.fail("leader_epoch");
    if (!ctx.take(rd.read_string(), v.metadata)) return ctx.fail("metadata");
    if (!ctx.take(rd.read_int64(), v.commit_timestamp)) return ctx.fail("commit_timestamp");
    if (!rd.empty()) return trailing("__consumer_offsets offset value", rd.remaining());
    return v;
}

result<group_value> decode_group_value(std::span<const std::byte> b) {
    kafka::reader rd(b);
    kafka::decode_context ctx{"__consumer_offsets group value", "", 0};
    int16_t version = 0;
    if (!ctx.take(rd.read_int16(), version)) return ctx.fail("version");
    if (version != group_value_version)
        return error::make(errc::corrupt_message,
                           "__consumer_offsets group value: unsupported version {}", version);
    group_value v;
    if (!ctx.take(rd.read_string(), v.protocol_type)) return ctx.fail("protocol_type");
    if (!ctx.take(rd.read_int32(), v.generation)) return ctx.fail("generation");
    if (!ctx.take(rd.read_nullable_string(), v.protocol)) return ctx.fail("protocol");
    if (!ctx.take(rd.read_nullable_string(), v.leader)) return ctx.fail("leader");
    if (!ctx.take(rd.read_int64(), v.state_timestamp)) return ctx.fail("state_timestamp");
    int32_t n = 0;
    if (!ctx.take(rd.read_array_length(26), n)) return ctx.fail("members");
    for (int32_t i = 0; i < n; ++i) {
        member_value m;
        if (!ctx.take(rd.read_string(), m.member_id)) return ctx.fail("member_id");
        if (!ctx.take(rd.read_nullable_string(), m.instance_id)) return ctx.fail("instance_id");
        if (!ctx.take(rd.read_string(), m.client_id)) return ctx.fail("client_id");
        if (!ctx.take(rd.read_string(), m.client_host)) return ctx.fail("client_host");
        if (!ctx.take(rd.read_int32(), m.rebalance_timeout_ms))
            return ctx.fail("rebalance_timeout");
        if (!ctx.take(rd.read_int32(), m.session_timeout_ms)) return ctx.fail("session_timeout");
        if (!ctx.take(rd.read_bytes(), m.subscription)) return ctx.fail("subscription");
        if (!ctx.take(rd.read_bytes(), m.assignment)) return ctx.fail("assignment");
        v.members.push_back(std::move(m));
    }
    if (!rd.empty()) return trailing("__consumer_offsets group value", rd.remaining());
    return v;
}

} // namespace spate::group
