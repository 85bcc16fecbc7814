#include "model/topic_id.h"

#include <random>

namespace spate::model {

namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int decode_char(char c) {
    auto pos = alphabet.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

} // namespace

topic_id topic_id::random() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    topic_id id;
    do {
        for (size_t i = 0; i < id.bytes.size(); i += 8) {
            uint64_t v = rng();
            for (size_t j = 0; j < 8; ++j)
                id.bytes[i + j] = static_cast<std::byte>(v >> (8 * j));
        }
    } while (id.is_zero());
    return id;
}

std::string topic_id::to_string() const {
    // 128 bits = 21 full sextets and 2 bits left over, written as a 22nd character.
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (auto b : bytes) {
        acc = (acc << 8) | static_cast<uint8_t>(b);
        bits += 8;
        while (bits >= 6) {
            out += alphabet[(acc >> (bits - 6)) & 0x3F];
            bits -= 6;
        }
    }
    if (bits > 0) out += alphabet[(acc << (6 - bits)) & 0x3F];
    return out;
}

result<topic_id> topic_id::parse(std::string_view text) {
    auto bad = [&] {
        return error::make(errc::invalid_request,
                           "'{}' is not a topic id (22 base64url characters)", text);
    };
    if (text.size() != 22) return bad();
    topic_id id;
    uint32_t acc = 0;
    int bits = 0;
    size_t n = 0;
    for (char c : text) {
        int v = decode_char(c);
        if (v < 0) return bad();
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            if (n < id.bytes.size()) id.bytes[n++] = static_cast<std::byte>(acc >> (bits - 8));
            bits -= 8;
        }
    }
    // The 4 padding bits of the last character must be zero.
    if ((acc & ((1u << bits) - 1)) != 0) return bad();
    return id;
}

} // namespace spate::model
