// libFuzzer target for the Kafka request decoder: what spate does with the bytes of one request
// frame before any handler sees them.
//
// The input is a request frame body (what follows the 4-byte size): a request header, then the
// request. For every input it
// - reads the header with read_request_header(); on success re-encodes the header and reads it
//   back, which must give the same header;
// - for a served API, decodes the body as that API's request in the header's version. A version
//   outside served_apis must fail to decode. A decoded request is encoded again, the encoding
//   decoded again, and the two values must be equal (and encoding the second must give the same
//   bytes): anything else is a codec bug;
// - for a decoded Produce request, splits each partition's records into batches as the log does
//   (parse_batch_header, batchLength) and runs model::validate_batch() over each, and again with
//   the CRC-32C fixed up if it does not match (so that mutations get past the CRC); a batch it
//   accepts must read back through record_reader and stay valid with a new base offset.
// Malformed input must fail with an error value: a crash, a sanitizer report, a leak or an
// abort() from the checks above is a bug. The dispatch covers every request type
// for_each_message_type() lists, so a newly generated API is fuzzed without changes here.

#include "kafka/generated/messages.h"
#include "kafka/protocol/headers.h"
#include "kafka/protocol/wire.h"

#include "model/record_batch.h"

#include "base/crc32c.h"
#include "base/endian.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace spate::kafka {
namespace {

/// Reports a broken invariant (a codec or validation bug) and aborts, which libFuzzer records
/// as a crash with the input that caused it.
template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) {
    std::fputs(
        fmt::format("kafka_request_fuzzer: {}\n", fmt::format(f, std::forward<Args>(args)...))
            .c_str(),
        stderr);
    std::abort();
}

template <typename T>
concept has_api_key = requires {
    T::api_key;
};

/// A generated request message: it has an API key and its spec is a *Request.
template <typename T>
concept request_message = has_api_key<T> && T::spec_name.ends_with("Request");

template <typename T>
inline constexpr bool is_vector = false;
template <typename T>
inline constexpr bool is_vector<std::vector<T>> = true;

/// Lists every field of a generated struct as "Path.To.Field = value" lines, recursively, with
/// the unknown tagged fields of each struct: what a mismatch report prints.
class describer {
public:
    describer(std::vector<std::string>& out, int16_t version) : _out(&out), _version(version) {}

    template <typename T>
    void describe_struct(const std::string& path, const T& s) {
        T::visit_fields(s, _version, [&](const field_info& info, const auto& member) {
            describe(path + "." + std::string(info.name), member);
        });
        if constexpr (requires { s.unknown_tagged_fields; }) {
            for (size_t i = 0; i < s.unknown_tagged_fields.size(); ++i) {
                const auto& f = s.unknown_tagged_fields[i];
                _out->push_back(fmt::format("{}.<unknown tagged field #{}> = tag {}, data {}", path,
                                            i, f.tag, hex(f.data)));
            }
        }
    }

private:
    static std::string hex(std::span<const std::byte> b) {
        std::string out;
        for (auto c : b)
            out += fmt::format("{:02x}", static_cast<unsigned>(c));
        return out;
    }

    template <typename T>
    void describe(const std::string& path, const T& v) {
        if constexpr (std::is_same_v<T, bool> || std::is_arithmetic_v<T>) {
            _out->push_back(fmt::format("{} = {}", path, v));
        } else if constexpr (std::is_same_v<T, std::string>) {
            _out->push_back(fmt::format("{} = {:?}", path, v));
        } else if constexpr (std::is_same_v<T, bytes>) {
            _out->push_back(fmt::format("{} = bytes {}", path, hex(v)));
        } else if constexpr (std::is_same_v<T, uuid>) {
            _out->push_back(fmt::format("{} = uuid {}", path, hex(v.data)));
        } else if constexpr (requires { v.has_value(); }) {
            if (!v)
                _out->push_back(fmt::format("{} = null", path));
            else
                describe(path, *v);
        } else if constexpr (is_vector<T>) {
            _out->push_back(fmt::format("{} = {} elements", path, v.size()));
            for (size_t i = 0; i < v.size(); ++i)
                describe(fmt::format("{}[{}]", path, i), v[i]);
        } else {
            describe_struct(path, v);
        }
    }

    std::vector<std::string>* _out;
    int16_t _version;
};

/// Aborts with the fields in which `a` (decoded from the input) and `b` (decoded from its
/// re-encoding) differ.
template <typename T>
[[noreturn]] void fail_mismatch(const T& a, const T& b, int16_t version) {
    std::vector<std::string> da, db;
    describer(da, version).describe_struct(std::string(T::spec_name), a);
    describer(db, version).describe_struct(std::string(T::spec_name), b);
    std::string diff;
    for (size_t i = 0; i < std::max(da.size(), db.size()); ++i) {
        std::string_view x = i < da.size() ? std::string_view(da[i]) : "(none)";
        std::string_view y = i < db.size() ? std::string_view(db[i]) : "(none)";
        if (x != y) diff += fmt::format("\n  decoded:    {}\n  re-decoded: {}", x, y);
    }
    if (diff.empty()) diff = "\n  (no field differs as visit_fields() lists them)";
    fail("{} v{}: decoding the re-encoding gives a different value:{}", T::spec_name, version,
         diff);
}

/// Runs validate_batch() over one batch (exactly `batch`, whose header parses) and says whether
/// it accepted it. A batch it accepts must agree with its parsed header, read back record by
/// record (if uncompressed), and stay valid when the log rewrites its base offset.
bool check_batch(std::span<const std::byte> batch) {
    auto header = model::parse_batch_header(batch);
    if (!header)
        fail("parse_batch_header rejected a batch it accepted: {}", header.err().to_string());
    auto valid = model::validate_batch(batch);
    if (!valid) return false;
    if (valid->batch_length != header->batch_length || valid->crc != header->crc ||
        valid->attributes != header->attributes || valid->record_count != header->record_count ||
        valid->last_offset_delta != header->last_offset_delta) {
        fail("validate_batch returned a header that differs from parse_batch_header's");
    }
    if (valid->record_count < 1 || valid->last_offset_delta != valid->record_count - 1)
        fail("validate_batch accepted lastOffsetDelta {} with {} records", valid->last_offset_delta,
             valid->record_count);

    if (valid->codec() == model::compression::none) {
        model::record_reader reader(batch.subspan(model::batch_layout::header_size));
        int32_t n = 0;
        while (!reader.at_end()) {
            auto record = reader.next();
            if (!record)
                fail("validate_batch accepted a batch whose record {} does not read: {}", n,
                     record.err().to_string());
            if (record->offset_delta != n)
                fail("record {} has offset delta {} in a valid batch", n, record->offset_delta);
            ++n;
        }
        if (n != valid->record_count)
            fail("a valid batch says {} records but holds {}", valid->record_count, n);
    }

    std::vector<std::byte> moved(batch.begin(), batch.end());
    model::assign_base_offset(moved, model::offset(1'000'000), 7);
    auto revalidated = model::validate_batch(moved);
    if (!revalidated)
        fail("a valid batch no longer validates after assign_base_offset: {}",
             revalidated.err().to_string());
    if (revalidated->base_offset != model::offset(1'000'000) || revalidated->leader_epoch != 7)
        fail("assign_base_offset did not set the base offset and leader epoch");
    return true;
}

/// Splits `records` into batches as the log does on append (log/partition.cc) and checks each,
/// stopping at a header that does not parse, a batch that runs past the end or one that
/// validate_batch() rejects. The CRC-32C would stop almost every mutated batch before its
/// records are read, so a batch whose CRC does not match is checked a second time with the CRC
/// its bytes give (and counts as valid if that passes): the fuzzer then reaches the record
/// framing and the decompression behind the CRC check.
void check_records(std::span<const std::byte> records) {
    while (!records.empty()) {
        auto header = model::parse_batch_header(records);
        if (!header) return;
        if (header->size_bytes() > records.size()) return;
        auto batch = records.first(header->size_bytes());
        records = records.subspan(header->size_bytes());
        bool valid = check_batch(batch);

        const uint32_t crc = crc32c(batch.subspan(model::batch_layout::attributes));
        if (crc != header->crc) {
            std::vector<std::byte> fixed(batch.begin(), batch.end());
            store_be<uint32_t>(fixed.data() + model::batch_layout::crc, crc);
            valid = check_batch(fixed);
        }
        if (!valid) return;
    }
}

void check_records(const produce_request_data& request) {
    for (const auto& topic : request.topic_data) {
        for (const auto& partition : topic.partition_data) {
            if (partition.records) check_records(*partition.records);
        }
    }
}

/// Decodes `body` as a T in `version` and checks the decode / encode / decode round trip. When
/// `served_version` is false (the version is outside served_apis' range) decoding must fail.
template <request_message T>
void check_request(std::span<const std::byte> body, int16_t version, bool served_version) {
    reader rd(body);
    T first;
    auto decoded = first.decode(rd, version);
    if (!served_version) {
        if (decoded)
            fail("{} v{} decoded, but spate does not serve that version", T::spec_name, version);
        return;
    }
    if (!decoded) return;

    if constexpr (std::is_same_v<T, produce_request_data>) check_records(first);

    std::vector<std::byte> encoded;
    writer w(encoded);
    first.encode(w, version);

    reader again(encoded);
    T second;
    if (auto r = second.decode(again, version); !r)
        fail("{} v{}: the re-encoding of a decoded request does not decode: {}", T::spec_name,
             version, r.err().to_string());
    if (!again.empty())
        fail("{} v{}: decoding the re-encoding left {} of {} bytes", T::spec_name, version,
             again.remaining(), encoded.size());
    if (!(second == first)) fail_mismatch(first, second, version);

    std::vector<std::byte> encoded_again;
    writer w2(encoded_again);
    second.encode(w2, version);
    if (encoded_again != encoded)
        fail("{} v{}: equal values encode to different bytes", T::spec_name, version);
}

/// How to check the body of one served API's requests.
struct request_checker {
    int16_t min_version = 0;
    int16_t max_version = -1;
    void (*check)(std::span<const std::byte>, int16_t, bool) = nullptr;
};

/// One checker per served API, indexed by position in served_apis; built once from
/// for_each_message_type(), and checked against served_apis so that no served API is missed.
const std::array<request_checker, served_apis.size()>& checkers() {
    static const auto table = [] {
        std::array<request_checker, served_apis.size()> out{};
        for_each_message_type([&]<typename T>() {
            if constexpr (request_message<T>) {
                const api_info* api = find_api(T::api_key);
                if (api == nullptr)
                    fail("{} has API key {}, which is not served", T::spec_name, T::api_key);
                auto& c = out[static_cast<size_t>(api - served_apis.data())];
                if (c.check != nullptr) fail("two request types for API key {}", T::api_key);
                if (api->min_version != T::lowest_supported_version ||
                    api->max_version != T::highest_supported_version)
                    fail("served_apis says {} {}-{}, the generated struct {}-{}", api->name,
                         api->min_version, api->max_version, T::lowest_supported_version,
                         T::highest_supported_version);
                c = {api->min_version, api->max_version, &check_request<T>};
            }
        });
        for (size_t i = 0; i < out.size(); ++i) {
            if (out[i].check == nullptr)
                fail("served API {} has no request type in for_each_message_type()",
                     served_apis[i].name);
        }
        return out;
    }();
    return table;
}

void check_frame(std::span<const std::byte> frame) {
    reader rd(frame);
    auto header = read_request_header(rd);
    if (!header) {
        if (rd.position() != 0) fail("read_request_header failed but moved the reader");
        return;
    }

    // The header round trip.
    std::vector<std::byte> encoded;
    writer w(encoded);
    header->data.encode(w, header->version);
    reader again(encoded);
    auto reread = read_request_header(again);
    if (!reread) fail("a re-encoded request header does not read: {}", reread.err().to_string());
    if (!again.empty() || reread->version != header->version || !(reread->data == header->data))
        fail("a re-encoded request header reads back differently");

    const int16_t key = header->data.request_api_key;
    const int16_t version = header->data.request_api_version;
    const api_info* api = find_api(key);
    if (api == nullptr) fail("read_request_header accepted API key {}, which is not served", key);
    const auto& checker = checkers()[static_cast<size_t>(api - served_apis.data())];
    const bool served_version = version >= checker.min_version && version <= checker.max_version;
    checker.check(frame.subspan(rd.position()), version, served_version);
}

} // namespace
} // namespace spate::kafka

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    spate::kafka::checkers(); // fail at start, not on the first input, if the table is wrong
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    spate::kafka::check_frame({reinterpret_cast<const std::byte*>(data), size});
    return 0;
}
