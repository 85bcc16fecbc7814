#pragma once

#include "base/result.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace spate::model {

/// The codec in a record batch's attributes (bits 0-2). Values 5..7 are not codecs; a batch
/// carrying one is rejected when its header is parsed.
enum class compression : uint8_t { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };

/// "none", "gzip", "snappy", "lz4", "zstd", or "unknown" for a value that is not a codec.
std::string_view codec_name(compression codec);

/// How many bytes validate_batch() lets one batch's records decompress to before it rejects
/// the batch as a decompression bomb: 256 MiB. A producer's request is bounded by its
/// max.request.size (1 MiB by default) before compression, so real batches stay far below
/// this; the limit bounds the memory one hostile batch can make the broker allocate.
inline constexpr size_t max_decompressed_batch_bytes = size_t{256} << 20;

/// Decompresses the records section of a batch as Kafka's clients compress it:
/// - gzip: a gzip stream (RFC 1952); concatenated members are accepted.
/// - snappy: either the xerial framing of the Java client (magic "\x82SNAPPY\0", two
///   big-endian int32 versions, then blocks of big-endian int32 length + raw snappy block)
///   or one plain raw snappy block (as librdkafka may send); told apart by the magic.
/// - lz4: LZ4 frames (the frame format, independent blocks as Kafka writes them).
/// - zstd: zstd frames, with or without a content size (streaming decompression).
/// - none: a copy of `data`.
/// Consumes all of `data`: trailing bytes that are not a further frame/member are an error.
/// Fails with errc::corrupt_message naming the codec and what was wrong (corrupt or truncated
/// input, an unknown codec), or "<codec> batch decompresses to more than N bytes" as soon as
/// the output would exceed `max_output`; never allocates much more than `max_output`.
/// Thread-safe (no shared state).
result<std::vector<std::byte>> decompress(compression codec, std::span<const std::byte> data,
                                          size_t max_output);

/// Compresses `data` as the Java Kafka client does: a gzip member; snappy in the xerial
/// framing with 32 KiB blocks; an LZ4 frame with independent 64 KiB blocks and no checksums;
/// a zstd frame without a content size (as a streaming producer writes it). `none` copies.
/// Fails only on an unknown codec or if a library reports an error. Thread-safe.
result<std::vector<std::byte>> compress(compression codec, std::span<const std::byte> data);

/// Compresses `data` as one raw snappy block, without the xerial framing (the form
/// librdkafka and other non-Java clients may send). Thread-safe.
std::vector<std::byte> compress_raw_snappy(std::span<const std::byte> data);

} // namespace spate::model
