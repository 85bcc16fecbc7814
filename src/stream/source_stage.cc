#include "stream/source_stage.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace spate::stream {

source_stage::source_stage(std::shared_ptr<const plan::source_def> source, int32_t partition)
    : _source(std::move(source)), _partition(partition) {
    std::vector<format::field_spec> fields;
    for (const auto& c : _source->columns)
        fields.push_back({c.name, c.type});
    format::format_options options;
    if (auto it = _source->options.find("csv.delimiter"); it != _source->options.end())
        options["delimiter"] = it->second;
    auto d = format::make_decoder(_source->format, std::move(fields), options);
    if (auto* err = std::get_if<std::string>(&d))
        throw std::invalid_argument("source " + _source->name + ": " + *err);
    _decoder = std::move(std::get<0>(d));
    for (const auto& [check, text] : _source->checks)
        _checks.emplace_back(check);
    if (_source->watermark) _watermark_expr.emplace(_source->watermark);
}

columnar::batch source_stage::process(std::span<const raw_record> records, dead_letters& letters) {
    _values.clear();
    // A record without a value (a tombstone) is decoded as the empty string: an error that
    // names it.
    for (const auto& r : records)
        _values.push_back(r.value ? *r.value : std::string_view());
    columnar::batch b = format::make_batch(_decoder->fields(), records.size());
    _errors.clear();
    _decoder->decode(_values, b, _errors);
    // Which record each decoded row came from.
    std::vector<uint32_t> record_of_row;
    record_of_row.reserve(b.rows);
    size_t e = 0;
    std::sort(_errors.begin(), _errors.end(),
              [](const auto& a, const auto& c) { return a.index < c.index; });
    for (uint32_t i = 0; i < records.size(); ++i) {
        if (e < _errors.size() && _errors[e].index == i) {
            const auto& r = records[i];
            letters.source_invalid(r.value ? _errors[e].reason : "the record has no value (null)",
                                   _partition, r.offset, r.value);
            while (e < _errors.size() && _errors[e].index == i)
                ++e;
            continue;
        }
        record_of_row.push_back(i);
    }
    // NOT NULL and CHECK constraints.
    std::vector<uint32_t> bad;
    std::vector<std::string> reasons;
    for (size_t c = 0; c < _source->columns.size(); ++c) {
        if (!_source->columns[c].not_null || !b.columns[c]->has_nulls()) continue;
        for (uint32_t r = 0; r < b.rows; ++r)
            if (b.columns[c]->is_null(r)) {
                bad.push_back(r);
                reasons.push_back(fmt::format("column \"{}\" is NULL but declared NOT NULL",
                                              _source->columns[c].name));
            }
    }
    expr::row_errors errs;
    for (size_t k = 0; k < _checks.size(); ++k) {
        errs.clear();
        auto col = _checks[k].evaluate(b, errs);
        for (uint32_t r = 0; r < b.rows; ++r) {
            // A CHECK passes when TRUE or NULL, as in SQL.
            if (!col->is_null(r) && col->bools()[r] == 0) {
                bad.push_back(r);
                reasons.push_back(fmt::format("CHECK ({}) is false", _source->checks[k].second));
            }
        }
        for (const auto& er : errs.all()) {
            bad.push_back(er.row);
            reasons.push_back(
                fmt::format("CHECK ({}) failed: {}", _source->checks[k].second, er.message));
        }
    }
    if (!bad.empty()) reject_rows(b, bad, reasons, records, record_of_row, letters);
    // Hidden origin columns.
    auto part = std::make_shared<columnar::column>(columnar::type_id::int64, b.rows);
    auto off = std::make_shared<columnar::column>(columnar::type_id::int64, b.rows);
    part->resize(b.rows);
    off->resize(b.rows);
    for (uint32_t r = 0; r < b.rows; ++r) {
        part->i64()[r] = _partition;
        off->i64()[r] = records[record_of_row[r]].offset;
    }
    b.columns.push_back(std::move(part));
    b.columns.push_back(std::move(off));
    if (_watermark_expr && b.rows) {
        errs.clear();
        auto wm = _watermark_expr->evaluate(b, errs);
        for (uint32_t r = 0; r < b.rows; ++r)
            if (!wm->is_null(r)) _watermark = std::max(_watermark, wm->i64()[r]);
    }
    return b;
}

void source_stage::reject_rows(columnar::batch& b, std::vector<uint32_t>& bad_rows,
                               std::vector<std::string>& reasons,
                               std::span<const raw_record> records,
                               std::vector<uint32_t>& record_of_row, dead_letters& letters) {
    std::vector<uint8_t> rejected(b.rows, 0);
    for (size_t k = 0; k < bad_rows.size(); ++k) {
        uint32_t r = bad_rows[k];
        if (rejected[r]) continue;
        rejected[r] = 1;
        const auto& rec = records[record_of_row[r]];
        letters.source_invalid(reasons[k], _partition, rec.offset, rec.value);
    }
    std::vector<uint32_t> keep;
    std::vector<uint32_t> kept_records;
    for (uint32_t r = 0; r < b.rows; ++r)
        if (!rejected[r]) {
            keep.push_back(r);
            kept_records.push_back(record_of_row[r]);
        }
    b = b.gather(keep);
    record_of_row = std::move(kept_records);
}

} // namespace spate::stream
