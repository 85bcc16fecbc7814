#include "stream/record_walk.h"

#include "model/compression.h"
#include "model/record_batch.h"

namespace spate::stream {

namespace {
std::string_view as_view(std::span<const std::byte> s) {
    return {reinterpret_cast<const char*>(s.data()), s.size()};
}
} // namespace

result<int64_t> walk_records(std::span<const std::byte> bytes, int64_t from,
                             std::vector<raw_record>& out,
                             std::vector<std::vector<std::byte>>& scratch) {
    int64_t next = from;
    std::span<const std::byte> rest = bytes;
    while (!rest.empty()) {
        // A batch cut short at the end of a read is left for the next read.
        if (rest.size() < model::batch_layout::header_size) break;
        auto header = model::parse_batch_header(rest);
        if (!header) return std::move(header).err();
        if (header->size_bytes() > rest.size()) break;
        auto batch = rest.first(header->size_bytes());
        rest = rest.subspan(header->size_bytes());
        next = header->next_offset().value();
        if (header->is_control()) continue;
        auto section = batch.subspan(model::batch_layout::header_size);
        if (header->codec() != model::compression::none) {
            auto d =
                model::decompress(header->codec(), section, model::max_decompressed_batch_bytes);
            if (!d) return std::move(d).err();
            scratch.push_back(std::move(*d));
            section = scratch.back();
        }
        model::record_reader reader(section);
        while (!reader.at_end()) {
            auto rec = reader.next();
            if (!rec) return std::move(rec).err();
            int64_t offset = header->base_offset.value() + rec->offset_delta;
            if (offset < from) continue;
            raw_record r;
            r.offset = offset;
            r.timestamp = header->base_timestamp.value() + rec->timestamp_delta;
            if (rec->key) r.key = as_view(*rec->key);
            if (rec->value) r.value = as_view(*rec->value);
            out.push_back(r);
        }
    }
    return next;
}

} // namespace spate::stream
