#include "model/compression.h"

#include "base/endian.h"

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <limits>
#include <memory>

// The one place spate calls zlib, snappy, liblz4 and libzstd: each library's status becomes an
// `error` (errc::corrupt_message, naming the codec and what was wrong) here.

namespace spate::model {

std::string_view codec_name(compression codec) {
    switch (codec) {
    case compression::none: return "none";
    case compression::gzip: return "gzip";
    case compression::snappy: return "snappy";
    case compression::lz4: return "lz4";
    case compression::zstd: return "zstd";
    }
    return "unknown";
}

namespace {

error unknown_codec(compression codec) {
    return error::make(errc::corrupt_message, "unknown compression codec {}",
                       static_cast<int>(codec));
}

error bomb(compression codec, size_t max_output) {
    return error::make(errc::corrupt_message, "{} batch decompresses to more than {} bytes",
                       codec_name(codec), max_output);
}

const char* as_chars(const std::byte* p) {
    return reinterpret_cast<const char*>(p);
}
char* as_chars(std::byte* p) {
    return reinterpret_cast<char*>(p);
}

// The output of a streaming decoder: grows by doubling, but never past max_output + 1 bytes,
// so that writing one byte past the limit shows the limit was exceeded without the decoder
// ever producing (or us allocating) much more.
class bounded_output {
public:
    bounded_output(size_t max_output, size_t input_size)
        : _max(max_output),
          _cap(max_output == std::numeric_limits<size_t>::max() ? max_output : max_output + 1) {
        _buf.resize(std::min(_cap, std::max(input_size * 4, min_growth)));
    }

    /// Room after the bytes written so far; grows the buffer when it is full. Non-empty as long
    /// as over_limit() is false.
    std::span<std::byte> space() {
        if (_used == _buf.size() && _buf.size() < _cap)
            _buf.resize(std::min(_cap, std::max(_buf.size() * 2, min_growth)));
        return std::span<std::byte>(_buf).subspan(_used);
    }
    void wrote(size_t n) { _used += n; }
    size_t written() const { return _used; }
    bool over_limit() const { return _used > _max; }
    std::vector<std::byte> take() && {
        _buf.resize(_used);
        return std::move(_buf);
    }

private:
    static constexpr size_t min_growth = 64 * 1024;
    std::vector<std::byte> _buf;
    size_t _used = 0;
    size_t _max;
    size_t _cap;
};

// zlib counts in uInt; these feed it at most that much at a time.
uInt zlib_chunk(size_t n) {
    return static_cast<uInt>(std::min<size_t>(n, std::numeric_limits<uInt>::max()));
}

// ---- gzip ----------------------------------------------------------------------------------

result<std::vector<std::byte>> gunzip(std::span<const std::byte> data, size_t max_output) {
    z_stream z{};
    if (int rc = inflateInit2(&z, 16 + MAX_WBITS); rc != Z_OK)
        return error::make(errc::corrupt_message, "gzip decompressor could not start: {}",
                           zError(rc));
    std::unique_ptr<z_stream, int (*)(z_stream*)> end(&z, inflateEnd);

    bounded_output out(max_output, data.size());
    size_t fed = 0; // bytes of `data` handed to zlib so far
    for (;;) {
        if (z.avail_in == 0 && fed < data.size()) {
            z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(data.data() + fed));
            z.avail_in = zlib_chunk(data.size() - fed);
            fed += z.avail_in;
        }
        auto space = out.space();
        z.next_out = reinterpret_cast<Bytef*>(space.data());
        z.avail_out = zlib_chunk(space.size());
        uInt offered = z.avail_out;
        int rc = inflate(&z, Z_NO_FLUSH);
        out.wrote(offered - z.avail_out);
        if (out.over_limit()) return bomb(compression::gzip, max_output);
        size_t consumed = fed - z.avail_in;
        bool input_left = consumed < data.size();
        switch (rc) {
        case Z_OK: continue;
        case Z_STREAM_END:
            if (!input_left) return std::move(out).take();
            inflateReset(&z); // another gzip member follows
            continue;
        case Z_BUF_ERROR: // no progress possible: the input ended inside a member
            return error::make(errc::corrupt_message,
                               "gzip stream is truncated: it ends after {} bytes, inside a "
                               "member ({} bytes decompressed)",
                               data.size(), out.written());
        default:
            return error::make(errc::corrupt_message,
                               "gzip stream is corrupt at compressed byte {}: {}", consumed,
                               z.msg ? z.msg : zError(rc));
        }
    }
}

result<std::vector<std::byte>> gzip(std::span<const std::byte> data) {
    z_stream z{};
    if (int rc = deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                              Z_DEFAULT_STRATEGY);
        rc != Z_OK)
        return error::make(errc::corrupt_message, "gzip compressor could not start: {}",
                           zError(rc));
    std::unique_ptr<z_stream, int (*)(z_stream*)> end(&z, deflateEnd);

    std::vector<std::byte> out(deflateBound(&z, data.size()));
    size_t fed = 0;
    size_t used = 0;
    for (;;) {
        if (z.avail_in == 0 && fed < data.size()) {
            z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(data.data() + fed));
            z.avail_in = zlib_chunk(data.size() - fed);
            fed += z.avail_in;
        }
        if (used == out.size()) out.resize(out.size() * 2);
        z.next_out = reinterpret_cast<Bytef*>(out.data() + used);
        z.avail_out = zlib_chunk(out.size() - used);
        uInt offered = z.avail_out;
        bool last = fed == data.size();
        int rc = deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
        used += offered - z.avail_out;
        if (rc == Z_STREAM_END) break;
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            return error::make(errc::corrupt_message, "gzip compression failed: {}",
                               z.msg ? z.msg : zError(rc));
    }
    out.resize(used);
    return out;
}

// ---- snappy --------------------------------------------------------------------------------

// The xerial snappy-java stream header: magic, then version and minimum compatible version
// (big-endian int32 each, both 1 as snappy-java writes them).
constexpr std::array<unsigned char, 8> xerial_magic = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr size_t xerial_header_size = xerial_magic.size() + 8;
// snappy-java's default block size: the uncompressed bytes per block.
constexpr size_t xerial_block_size = 32 * 1024;

bool is_xerial(std::span<const std::byte> data) {
    return data.size() >= xerial_magic.size() &&
           std::memcmp(data.data(), xerial_magic.data(), xerial_magic.size()) == 0;
}

// Appends the raw snappy block `block` to `out`. `where` names the block in messages.
result<void> unsnappy_block(std::span<const std::byte> block, std::vector<std::byte>& out,
                            size_t max_output, std::string_view where) {
    size_t n = 0;
    if (!snappy::GetUncompressedLength(as_chars(block.data()), block.size(), &n))
        return error::make(errc::corrupt_message,
                           "snappy {} is corrupt: its uncompressed-length header is malformed",
                           where);
    if (n > max_output - out.size()) return bomb(compression::snappy, max_output);
    // A snappy element of k bytes yields at most 64 / 3 * k bytes (a 3-byte copy of 64), so a
    // header claiming more is a lie; catch it before allocating what it claims.
    if (n > block.size() / 3 * 64 + 64)
        return error::make(errc::corrupt_message,
                           "snappy {} claims {} uncompressed bytes, more than its {} bytes can "
                           "hold",
                           where, n, block.size());
    size_t at = out.size();
    out.resize(at + n);
    if (!snappy::RawUncompress(as_chars(block.data()), block.size(), as_chars(out.data() + at)))
        return error::make(errc::corrupt_message,
                           "snappy {} is corrupt or truncated ({} bytes, should decompress to {})",
                           where, block.size(), n);
    return ok();
}

result<std::vector<std::byte>> unsnappy(std::span<const std::byte> data, size_t max_output) {
    std::vector<std::byte> out;
    if (!is_xerial(data)) {
        if (auto r = unsnappy_block(data, out, max_output, "block"); !r) return std::move(r).err();
        return out;
    }
    if (data.size() < xerial_header_size)
        return error::make(errc::corrupt_message,
                           "snappy xerial header is truncated: {} of its {} bytes", data.size(),
                           xerial_header_size);
    size_t pos = xerial_header_size;
    for (int block = 0; pos < data.size(); ++block) {
        if (data.size() - pos < 4)
            return error::make(errc::corrupt_message,
                               "snappy xerial block {} at byte {}: its 4-byte length is truncated",
                               block, pos);
        int32_t len = load_be<int32_t>(data.data() + pos);
        if (len < 0 || static_cast<size_t>(len) > data.size() - pos - 4)
            return error::make(errc::corrupt_message,
                               "snappy xerial block {} at byte {} has length {} but {} bytes "
                               "remain",
                               block, pos, len, data.size() - pos - 4);
        auto where = fmt::format("xerial block {} at byte {}", block, pos);
        auto r =
            unsnappy_block(data.subspan(pos + 4, static_cast<size_t>(len)), out, max_output, where);
        if (!r) return std::move(r).err();
        pos += 4 + static_cast<size_t>(len);
    }
    return out;
}

void append_raw_snappy(std::span<const std::byte> data, std::vector<std::byte>& out) {
    size_t at = out.size();
    out.resize(at + snappy::MaxCompressedLength(data.size()));
    size_t n = 0;
    snappy::RawCompress(as_chars(data.data()), data.size(), as_chars(out.data() + at), &n);
    out.resize(at + n);
}

std::vector<std::byte> xerial_snappy(std::span<const std::byte> data) {
    std::vector<std::byte> out(xerial_header_size);
    std::memcpy(out.data(), xerial_magic.data(), xerial_magic.size());
    store_be<int32_t>(out.data() + 8, 1);  // version
    store_be<int32_t>(out.data() + 12, 1); // minimum compatible version
    for (size_t pos = 0; pos < data.size(); pos += xerial_block_size) {
        size_t at = out.size();
        out.resize(at + 4);
        append_raw_snappy(data.subspan(pos, std::min(xerial_block_size, data.size() - pos)), out);
        store_be<int32_t>(out.data() + at, static_cast<int32_t>(out.size() - at - 4));
    }
    return out;
}

// ---- lz4 -----------------------------------------------------------------------------------

result<std::vector<std::byte>> unlz4(std::span<const std::byte> data, size_t max_output) {
    LZ4F_dctx* ctx = nullptr;
    if (auto rc = LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION); LZ4F_isError(rc))
        return error::make(errc::corrupt_message, "lz4 decompressor could not start: {}",
                           LZ4F_getErrorName(rc));
    std::unique_ptr<LZ4F_dctx, LZ4F_errorCode_t (*)(LZ4F_dctx*)> end(ctx,
                                                                     LZ4F_freeDecompressionContext);

    bounded_output out(max_output, data.size());
    size_t pos = 0;
    for (;;) {
        auto space = out.space();
        size_t produced = space.size();
        size_t consumed = data.size() - pos;
        size_t hint =
            LZ4F_decompress(ctx, space.data(), &produced, data.data() + pos, &consumed, nullptr);
        if (LZ4F_isError(hint))
            return error::make(errc::corrupt_message,
                               "lz4 frame is corrupt (after {} decompressed bytes): {}",
                               out.written(), LZ4F_getErrorName(hint));
        out.wrote(produced);
        pos += consumed;
        if (out.over_limit()) return bomb(compression::lz4, max_output);
        if (hint == 0 && pos == data.size()) return std::move(out).take();
        if (produced == 0 && consumed == 0)
            return error::make(errc::corrupt_message,
                               "lz4 frame is truncated: it ends after {} bytes, before its end "
                               "mark ({} bytes decompressed)",
                               data.size(), out.written());
    }
}

result<std::vector<std::byte>> lz4(std::span<const std::byte> data) {
    LZ4F_preferences_t prefs;
    std::memset(&prefs, 0, sizeof prefs);
    prefs.frameInfo.blockSizeID = LZ4F_max64KB;
    prefs.frameInfo.blockMode = LZ4F_blockIndependent;
    prefs.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
    std::vector<std::byte> out(LZ4F_compressFrameBound(data.size(), &prefs));
    size_t n = LZ4F_compressFrame(out.data(), out.size(), data.data(), data.size(), &prefs);
    if (LZ4F_isError(n))
        return error::make(errc::corrupt_message, "lz4 compression failed: {}",
                           LZ4F_getErrorName(n));
    out.resize(n);
    return out;
}

// ---- zstd ----------------------------------------------------------------------------------

result<std::vector<std::byte>> unzstd(std::span<const std::byte> data, size_t max_output) {
    std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
    if (!ctx) return error::make(errc::corrupt_message, "zstd decompressor could not start");

    bounded_output out(max_output, data.size());
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    for (;;) {
        auto space = out.space();
        ZSTD_outBuffer o{space.data(), space.size(), 0};
        size_t before = in.pos;
        size_t rc = ZSTD_decompressStream(ctx.get(), &o, &in);
        if (ZSTD_isError(rc))
            return error::make(errc::corrupt_message,
                               "zstd frame is corrupt (after {} decompressed bytes): {}",
                               out.written(), ZSTD_getErrorName(rc));
        out.wrote(o.pos);
        if (out.over_limit()) return bomb(compression::zstd, max_output);
        if (rc == 0 && in.pos == in.size) return std::move(out).take();
        if (o.pos == 0 && in.pos == before)
            return error::make(errc::corrupt_message,
                               "zstd frame is truncated: it ends after {} bytes, inside a frame "
                               "({} bytes decompressed)",
                               data.size(), out.written());
    }
}

result<std::vector<std::byte>> zstd(std::span<const std::byte> data) {
    std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> ctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
    if (!ctx) return error::make(errc::corrupt_message, "zstd compressor could not start");
    // A streaming producer (the Java client's zstd-jni stream) does not know the size up
    // front, so its frames carry none; write the same.
    ZSTD_CCtx_setParameter(ctx.get(), ZSTD_c_compressionLevel, ZSTD_CLEVEL_DEFAULT);
    ZSTD_CCtx_setParameter(ctx.get(), ZSTD_c_contentSizeFlag, 0);
    std::vector<std::byte> out(ZSTD_compressBound(data.size()));
    size_t n = ZSTD_compress2(ctx.get(), out.data(), out.size(), data.data(), data.size());
    if (ZSTD_isError(n))
        return error::make(errc::corrupt_message, "zstd compression failed: {}",
                           ZSTD_getErrorName(n));
    out.resize(n);
    return out;
}

} // namespace

result<std::vector<std::byte>> decompress(compression codec, std::span<const std::byte> data,
                                          size_t max_output) {
    switch (codec) {
    case compression::none:
        if (data.size() > max_output) return bomb(codec, max_output);
        return std::vector<std::byte>(data.begin(), data.end());
    case compression::gzip: return gunzip(data, max_output);
    case compression::snappy: return unsnappy(data, max_output);
    case compression::lz4: return unlz4(data, max_output);
    case compression::zstd: return unzstd(data, max_output);
    }
    return unknown_codec(codec);
}

result<std::vector<std::byte>> compress(compression codec, std::span<const std::byte> data) {
    switch (codec) {
    case compression::none: return std::vector<std::byte>(data.begin(), data.end());
    case compression::gzip: return gzip(data);
    case compression::snappy: return xerial_snappy(data);
    case compression::lz4: return lz4(data);
    case compression::zstd: return zstd(data);
    }
    return unknown_codec(codec);
}

std::vector<std::byte> compress_raw_snappy(std::span<const std::byte> data) {
    std::vector<std::byte> out;
    append_raw_snappy(data, out);
    return out;
}

} // namespace spate::model
