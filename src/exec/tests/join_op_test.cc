#include "columnar/value.h"
#include "exec/join_op.h"
#include "expr/binder_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>

using namespace spate;
using namespace spate::exec;
using columnar::type_id;

namespace {

using strings = std::vector<std::string>;

/// Collects what a join sends on and rejects.
struct capture final : output, row_sink {
    std::vector<columnar::batch> batches;
    std::vector<event_time> marks;
    strings invalid_rows;
    std::vector<std::pair<event_time, event_time>> late_rows; ///< (time, watermark)

    void push(columnar::batch b) override { batches.push_back(std::move(b)); }
    void watermark(event_time wm) override { marks.push_back(wm); }
    void invalid(const columnar::batch& b, uint32_t row, std::string_view,
                 std::string_view m) override {
        invalid_rows.push_back(row_text(b, row) + ": " + std::string(m));
    }
    void late(const columnar::batch&, uint32_t, event_time t, event_time wm) override {
        late_rows.emplace_back(t, wm);
    }
    static std::string row_text(const columnar::batch& b, size_t r) {
        std::string s;
        for (size_t c = 0; c < b.columns.size(); ++c)
            s += (c ? "|" : "") + columnar::value_at(*b.columns[c], r).to_string();
        return s;
    }
    /// Every row sent since the last take(), as text, "-" before retractions.
    strings take() {
        strings out;
        for (const auto& b : batches)
            for (size_t r = 0; r < b.rows; ++r)
                out.push_back((b.change_at(r) == columnar::change::retract ? "-" : "") +
                              row_text(b, r));
        batches.clear();
        return out;
    }
};

/// A batch of `types` from text rows "1|x|NULL"; a leading "-" makes the row a retraction.
columnar::batch make(const std::vector<columnar::data_type>& types, const strings& rows) {
    auto b = columnar::batch::with_types(types);
    bool any_retract = false;
    for (const auto& text : rows) {
        std::string_view t = text;
        bool retract = !t.empty() && t[0] == '-';
        if (retract) t.remove_prefix(1);
        any_retract = any_retract || retract;
        b.changes.push_back(retract ? columnar::change::retract : columnar::change::insert);
        for (size_t c = 0; c < types.size(); ++c) {
            size_t bar = t.find('|');
            std::string cell(t.substr(0, bar));
            t = bar == std::string_view::npos ? std::string_view{} : t.substr(bar + 1);
            if (cell == "NULL")
                b.columns[c]->push_null();
            else if (types[c].is_string())
                b.columns[c]->push_string(cell);
            else
                b.columns[c]->push_i64(std::stoll(cell));
        }
        ++b.rows;
    }
    if (!any_retract) b.changes.clear();
    return b;
}

const std::vector<columnar::data_type> left_types{type_id::int64, type_id::varchar};
const std::vector<columnar::data_type> right_types{type_id::int64, type_id::int64};

/// L(k bigint, a text) JOIN R(k bigint, b bigint) ON L.k = R.k; output k|a|k|b.
join_config config(join_kind kind, bool changelog = false) {
    join_config c;
    c.kind = kind;
    c.left.types = left_types;
    c.left.keys = {0};
    c.left.keep = {0, 1};
    c.left.changelog = changelog;
    c.right.types = right_types;
    c.right.keys = {0};
    c.right.keep = {0, 1};
    c.right.changelog = changelog;
    return c;
}

expr::bound_expr_ptr col(uint32_t i, columnar::data_type t) {
    return expr::make_column_ref(i, t);
}
expr::bound_expr_ptr num(int64_t v) {
    return expr::make_constant(columnar::value::int64(v));
}

} // namespace

TEST(join_op, inner_join_matches_both_ways_and_keeps_strings) {
    capture out;
    auto cfg = config(join_kind::inner);
    EXPECT_FALSE(join_emits_changelog(cfg));
    join_op j(&out, &out, cfg);
    j.push(make(left_types, {"1|x", "2|y", "1|z"}));
    EXPECT_TRUE(out.take().empty());
    EXPECT_EQ(j.left_rows(), 3u);
    j.right().push(make(right_types, {"1|10", "3|30"}));
    ASSERT_EQ(out.batches.size(), 1u);
    EXPECT_TRUE(out.batches[0].changes.empty());
    // The left strings come from the join's state (their input batch is gone).
    EXPECT_EQ(out.take(), (strings{"1|x|1|10", "1|z|1|10"}));
    j.push(make(left_types, {"3|w", "4|v"}));
    EXPECT_EQ(out.take(), (strings{"3|w|3|30"}));
    EXPECT_EQ(j.left_rows(), 5u);
    EXPECT_EQ(j.right_rows(), 2u);
    EXPECT_GT(j.state_bytes(), 0u);
    EXPECT_EQ(j.describe(), "join inner on 1 key, left: 5 rows, right: 2 rows, append-only");
    EXPECT_EQ(out.invalid_rows, strings{});
}

TEST(join_op, duplicates_on_both_sides_multiply) {
    capture out;
    join_op j(&out, &out, config(join_kind::inner));
    j.push(make(left_types, {"1|x", "1|x"}));
    j.right().push(make(right_types, {"1|10", "1|10"}));
    ASSERT_EQ(out.batches.size(), 1u) << "one output batch per input batch";
    EXPECT_EQ(out.take(), (strings{"1|x|1|10", "1|x|1|10", "1|x|1|10", "1|x|1|10"}));
    j.push(make(left_types, {"1|y"}));
    EXPECT_EQ(out.take(), (strings{"1|y|1|10", "1|y|1|10"}));
}

TEST(join_op, left_join_pads_and_flips_padding_on_right_changes) {
    capture out;
    auto cfg = config(join_kind::left, /*changelog=*/true);
    ASSERT_TRUE(join_emits_changelog(cfg));
    join_op j(&out, &out, cfg);
    j.push(make(left_types, {"1|x", "2|y"}));
    EXPECT_EQ(out.take(), (strings{"1|x|NULL|NULL", "2|y|NULL|NULL"}));
    j.right().push(make(right_types, {"1|10"}));
    EXPECT_EQ(out.take(), (strings{"1|x|1|10", "-1|x|NULL|NULL"}));
    // A second partner does not touch the padding again.
    j.right().push(make(right_types, {"1|11"}));
    EXPECT_EQ(out.take(), (strings{"1|x|1|11"}));
    j.right().push(make(right_types, {"-1|10", "-1|11"}));
    EXPECT_EQ(out.take(), (strings{"-1|x|1|10", "-1|x|1|11", "1|x|NULL|NULL"}));
    // Retracting a left row without partner retracts its padded row.
    j.push(make(left_types, {"-2|y"}));
    EXPECT_EQ(out.take(), (strings{"-2|y|NULL|NULL"}));
    EXPECT_EQ(j.left_rows(), 1u);
    EXPECT_EQ(j.right_rows(), 0u);
}

TEST(join_op, left_join_without_changelog_input_still_emits_changes) {
    capture out;
    auto cfg = config(join_kind::left);
    ASSERT_TRUE(join_emits_changelog(cfg)) << "padded rows are retracted later";
    join_op j(&out, &out, cfg);
    j.push(make(left_types, {"1|x"}));
    j.right().push(make(right_types, {"1|10"}));
    ASSERT_EQ(out.batches.size(), 2u);
    EXPECT_EQ(out.batches[1].changes.size(), 2u);
    EXPECT_EQ(out.take(), (strings{"1|x|NULL|NULL", "1|x|1|10", "-1|x|NULL|NULL"}));
}

TEST(join_op, right_join_pads_right_rows) {
    capture out;
    join_op j(&out, &out, config(join_kind::right, true));
    j.right().push(make(right_types, {"1|10", "2|20"}));
    EXPECT_EQ(out.take(), (strings{"NULL|NULL|1|10", "NULL|NULL|2|20"}));
    j.push(make(left_types, {"2|y", "3|z"}));
    EXPECT_EQ(out.take(), (strings{"2|y|2|20", "-NULL|NULL|2|20"}));
    j.push(make(left_types, {"-2|y"}));
    EXPECT_EQ(out.take(), (strings{"-2|y|2|20", "NULL|NULL|2|20"}));
}

TEST(join_op, full_join_pads_both_sides) {
    capture out;
    join_op j(&out, &out, config(join_kind::full, true));
    j.push(make(left_types, {"1|x", "2|y"}));
    EXPECT_EQ(out.take(), (strings{"1|x|NULL|NULL", "2|y|NULL|NULL"}));
    j.right().push(make(right_types, {"2|20", "3|30"}));
    EXPECT_EQ(out.take(), (strings{"2|y|2|20", "-2|y|NULL|NULL", "NULL|NULL|3|30"}));
    // Within one batch: an insert then its retraction, in order.
    j.push(make(left_types, {"3|w", "-3|w"}));
    EXPECT_EQ(out.take(), (strings{"3|w|3|30", "-NULL|NULL|3|30", "-3|w|3|30", "NULL|NULL|3|30"}));
}

TEST(join_op, null_keys_never_match) {
    capture inner_out;
    join_op inner(&inner_out, &inner_out, config(join_kind::inner));
    inner.push(make(left_types, {"NULL|x"}));
    inner.right().push(make(right_types, {"NULL|10"}));
    EXPECT_TRUE(inner_out.take().empty());
    EXPECT_EQ(inner.left_rows(), 0u) << "a NULL-key row is not kept";

    capture out;
    join_op full(&out, &out, config(join_kind::full, true));
    full.push(make(left_types, {"NULL|x"}));
    EXPECT_EQ(out.take(), (strings{"NULL|x|NULL|NULL"}));
    full.right().push(make(right_types, {"NULL|10"}));
    EXPECT_EQ(out.take(), (strings{"NULL|NULL|NULL|10"}));
    full.push(make(left_types, {"-NULL|x"}));
    EXPECT_EQ(out.take(), (strings{"-NULL|x|NULL|NULL"}));
    EXPECT_EQ(full.left_rows() + full.right_rows(), 0u);
}

TEST(join_op, null_key_in_one_of_two_key_columns) {
    join_config c;
    std::vector<columnar::data_type> t{type_id::int64, type_id::int64};
    c.kind = join_kind::inner;
    c.left.types = c.right.types = t;
    c.left.keys = c.right.keys = {0, 1};
    c.left.keep = c.right.keep = {0, 1};
    capture out;
    join_op j(&out, &out, c);
    j.push(make(t, {"1|NULL", "1|2"}));
    j.right().push(make(t, {"1|NULL", "1|2", "2|2"}));
    EXPECT_EQ(out.take(), (strings{"1|2|1|2"}));
    EXPECT_NE(j.describe().find("2 keys"), std::string::npos) << j.describe();
}

TEST(join_op, residual_filters_pairs_and_outer_rows_get_padded) {
    auto cfg = config(join_kind::left, true);
    // ON L.k = R.k AND R.b > 10
    cfg.residual = expr::make_call(">", {col(3, type_id::int64), num(10)});
    capture out;
    join_op j(&out, &out, cfg);
    j.right().push(make(right_types, {"1|5", "1|20", "2|7"}));
    EXPECT_TRUE(out.take().empty());
    j.push(make(left_types, {"1|x", "2|y"}));
    EXPECT_EQ(out.take(), (strings{"1|x|1|20", "2|y|NULL|NULL"}));
    // A right row the residual rejects does not replace the padding.
    j.right().push(make(right_types, {"2|8"}));
    EXPECT_TRUE(out.take().empty());
    j.right().push(make(right_types, {"2|80", "-1|20"}));
    EXPECT_EQ(out.take(), (strings{"2|y|2|80", "-2|y|NULL|NULL", "-1|x|1|20", "1|x|NULL|NULL"}));
    EXPECT_NE(j.describe().find("residual"), std::string::npos);
}

TEST(join_op, residual_errors_are_reported_and_do_not_match) {
    auto cfg = config(join_kind::left, true);
    // ON L.k = R.k AND 100 / R.b > 1
    cfg.residual =
        expr::make_call(">", {expr::make_call("/", {num(100), col(3, type_id::int64)}), num(1)});
    capture out;
    join_op j(&out, &out, cfg);
    j.right().push(make(right_types, {"1|0", "1|10", "1|1000"}));
    j.push(make(left_types, {"1|x", "2|y"}));
    EXPECT_EQ(out.take(), (strings{"1|x|1|10", "2|y|NULL|NULL"}));
    ASSERT_EQ(out.invalid_rows.size(), 1u);
    EXPECT_EQ(out.invalid_rows[0].substr(0, 9), "1|x|1|0: ") << out.invalid_rows[0];
    EXPECT_NE(out.invalid_rows[0].find("division by zero"), std::string::npos);
}

TEST(join_op, retraction_of_a_row_never_inserted_is_ignored) {
    capture out;
    join_op j(&out, &out, config(join_kind::full, true));
    j.right().push(make(right_types, {"1|10"}));
    out.take();
    j.push(make(left_types, {"-1|x", "1|y", "-1|z"}));
    EXPECT_EQ(out.take(), (strings{"1|y|1|10", "-NULL|NULL|1|10"}));
    EXPECT_EQ(j.ignored_retractions(), 2u);
    j.right().push(make(right_types, {"-1|11"}));
    EXPECT_TRUE(out.take().empty());
    EXPECT_EQ(j.ignored_retractions(), 3u);
    EXPECT_EQ(j.left_rows(), 1u);
    EXPECT_EQ(j.right_rows(), 1u);
}

namespace {

const std::vector<columnar::data_type> kt_types{type_id::int64, type_id::int64};

/// L(k, t) LEFT JOIN R(k, t) ON L.k = R.k with both sides bounded by time t.
join_config timed_config(join_kind kind, int64_t left_expire, int64_t right_expire) {
    join_config c;
    c.kind = kind;
    c.left.types = c.right.types = kt_types;
    c.left.keys = c.right.keys = {0};
    c.left.keep = c.right.keep = {0, 1};
    c.left.time = c.right.time = 1;
    c.left.expire_after_ms = left_expire;
    c.right.expire_after_ms = right_expire;
    return c;
}

} // namespace

TEST(join_op, time_bounds_expire_rows_and_pad_outer_rows_at_expiry) {
    auto cfg = timed_config(join_kind::left, 0, 0);
    ASSERT_FALSE(join_emits_changelog(cfg));
    capture out;
    join_op j(&out, &out, cfg);
    j.push(make(kt_types, {"1|5", "2|7"}));
    EXPECT_TRUE(out.take().empty()) << "padding waits for the row to expire";
    j.right().push(make(kt_types, {"1|6"}));
    EXPECT_EQ(out.take(), (strings{"1|5|1|6"}));
    EXPECT_EQ(j.left_rows(), 2u);
    size_t full_bytes = j.state_bytes();
    j.right().watermark(6);
    EXPECT_TRUE(out.take().empty()) << "the matched row leaves silently";
    EXPECT_EQ(j.left_rows(), 1u);
    j.right().watermark(8);
    ASSERT_EQ(out.batches.size(), 1u);
    EXPECT_TRUE(out.batches[0].changes.empty());
    EXPECT_EQ(out.take(), (strings{"2|7|NULL|NULL"}));
    EXPECT_EQ(j.left_rows(), 0u);
    EXPECT_TRUE(out.marks.empty()) << "no watermark before both inputs sent one";
    j.watermark(10);
    EXPECT_EQ(j.right_rows(), 0u) << "the right row expired on the left watermark";
    EXPECT_EQ(out.marks, (std::vector<event_time>{8}));
    EXPECT_LE(j.state_bytes(), full_bytes);
    // Late: behind the row's own side's watermark.
    j.push(make(kt_types, {"3|9", "3|10"}));
    ASSERT_EQ(out.late_rows.size(), 1u);
    EXPECT_EQ(out.late_rows[0], (std::pair<event_time, event_time>{9, 10}));
    EXPECT_EQ(j.left_rows(), 1u);
    j.right().push(make(kt_types, {"3|9"}));
    EXPECT_EQ(out.take(), (strings{"3|10|3|9"})) << "a right row is not late by the left watermark";
    j.right().watermark(12);
    EXPECT_EQ(out.marks, (std::vector<event_time>{8, 10}));
    EXPECT_EQ(j.left_rows(), 0u);
    EXPECT_TRUE(out.take().empty());
    EXPECT_EQ(j.describe(),
              "join left on 1 key, left: 0 rows, right: 0 rows, left rows expire 0 ms "
              "after the right watermark, right rows expire 0 ms after the left "
              "watermark, append-only");
}

TEST(join_op, rows_can_expire_by_a_column_other_than_their_time) {
    // L(k, t, expires) LEFT JOIN R(k, t): a left row is kept until the right watermark passes
    // its `expires` column, whatever its time; lateness still goes by its time.
    join_config c;
    c.kind = join_kind::left;
    c.left.types = {type_id::int64, type_id::int64, type_id::int64};
    c.right.types = kt_types;
    c.left.keys = c.right.keys = {0};
    c.left.keep = {0, 1};
    c.right.keep = {0, 1};
    c.left.time = 1;
    c.left.expire_column = 2;
    c.right.time = 1;
    capture out;
    join_op j(&out, &out, c);
    const std::vector<columnar::data_type> ktx{type_id::int64, type_id::int64, type_id::int64};
    j.push(make(ktx, {"1|0|100", "2|0|10", "3|0|NULL"}));
    j.right().watermark(50);
    EXPECT_EQ(out.take(), (strings{"2|0|NULL|NULL"})) << "only the row expiring at 10 left";
    EXPECT_EQ(j.left_rows(), 2u);
    j.right().push(make(kt_types, {"1|60"}));
    EXPECT_EQ(out.take(), (strings{"1|0|1|60"}));
    j.right().watermark(101);
    EXPECT_TRUE(out.take().empty()) << "row 1 had a partner";
    EXPECT_EQ(j.left_rows(), 1u) << "a NULL expiry keeps the row";
    // Late by its time (0 < left watermark 5), not by its expiry.
    j.watermark(5);
    j.push(make(ktx, {"4|1|1000"}));
    ASSERT_EQ(out.late_rows.size(), 1u);
    EXPECT_EQ(out.late_rows[0], (std::pair<event_time, event_time>{1, 5}));
}

TEST(join_op, time_bound_interval_keeps_rows_until_the_bound_passes) {
    // Left rows wait 5 ms past their time; a full join pads both sides at expiry.
    auto cfg = timed_config(join_kind::full, 5, 0);
    capture out;
    join_op j(&out, &out, cfg);
    j.push(make(kt_types, {"1|10"}));
    j.watermark(10);
    j.right().watermark(14);
    EXPECT_EQ(j.left_rows(), 1u) << "10 + 5 is not below 14";
    j.right().push(make(kt_types, {"2|14"}));
    j.right().watermark(16);
    EXPECT_EQ(out.take(), (strings{"1|10|NULL|NULL"}));
    EXPECT_EQ(j.left_rows(), 0u);
    j.watermark(end_of_input);
    EXPECT_EQ(out.take(), (strings{"NULL|NULL|2|14"}));
    EXPECT_EQ(j.right_rows(), 0u);
    EXPECT_EQ(out.marks, (std::vector<event_time>{10, 16}));
}

TEST(join_op, null_event_time_is_invalid) {
    capture out;
    join_op j(&out, &out, timed_config(join_kind::inner, 0, 0));
    j.push(make(kt_types, {"1|NULL"}));
    EXPECT_EQ(out.invalid_rows.size(), 1u);
    EXPECT_EQ(j.left_rows(), 0u);
}

TEST(join_op, watermark_is_the_minimum_of_both_inputs) {
    capture out;
    join_op j(&out, &out, config(join_kind::inner));
    j.watermark(100);
    EXPECT_TRUE(out.marks.empty());
    j.right().watermark(50);
    j.right().watermark(40); // going back is ignored
    j.right().watermark(70);
    j.watermark(90); // going back is ignored
    j.right().watermark(150);
    j.watermark(200);
    j.right().watermark(300);
    EXPECT_EQ(out.marks, (std::vector<event_time>{50, 70, 100, 150, 200}));
}

TEST(join_op, lookup_join_matches_left_rows_at_arrival) {
    auto cfg = config(join_kind::left);
    cfg.lookup = true;
    cfg.right.changelog = true;
    ASSERT_FALSE(join_emits_changelog(cfg));
    capture out;
    join_op j(&out, &out, cfg);
    j.right().push(make(right_types, {"1|10"}));
    EXPECT_TRUE(out.take().empty());
    j.push(make(left_types, {"1|x", "2|y", "NULL|z"}));
    EXPECT_EQ(out.take(), (strings{"1|x|1|10", "2|y|NULL|NULL", "NULL|z|NULL|NULL"}));
    EXPECT_EQ(j.left_rows(), 0u);
    j.right().push(make(right_types, {"1|20", "-1|10", "2|5"}));
    EXPECT_TRUE(out.take().empty()) << "right changes do not change earlier output";
    EXPECT_EQ(j.right_rows(), 2u);
    j.push(make(left_types, {"1|w", "2|v"}));
    ASSERT_EQ(out.batches.size(), 1u);
    EXPECT_TRUE(out.batches[0].changes.empty());
    EXPECT_EQ(out.take(), (strings{"1|w|1|20", "2|v|2|5"}));
    EXPECT_NE(j.describe().find("lookup"), std::string::npos);

    auto inner_cfg = config(join_kind::inner);
    inner_cfg.lookup = true;
    capture inner_out;
    join_op inner(&inner_out, &inner_out, inner_cfg);
    inner.push(make(left_types, {"1|x"}));
    inner.right().push(make(right_types, {"1|10"}));
    EXPECT_TRUE(inner_out.take().empty()) << "a left row is matched once, when it arrives";
}

TEST(join_op, only_the_needed_columns_are_kept) {
    // Right input (k, b, big text) keeps k and b: the text is never stored.
    std::vector<columnar::data_type> wide{type_id::int64, type_id::int64, type_id::varchar};
    auto cfg = config(join_kind::inner);
    cfg.right.types = wide;
    cfg.right.keep = {1};
    capture out, out2;
    join_op j(&out, &out, cfg);
    auto cfg2 = cfg;
    cfg2.right.keep = {1, 2};
    join_op j2(&out2, &out2, cfg2);
    std::string big(200000, 'q');
    j.right().push(make(wide, {"1|10|" + big}));
    j2.right().push(make(wide, {"1|10|" + big}));
    EXPECT_LT(j.state_bytes() + 100000, j2.state_bytes());
    j.push(make(left_types, {"1|x"}));
    EXPECT_EQ(out.take(), (strings{"1|x|10"}));
}

TEST(join_op, strings_of_removed_rows_do_not_accumulate) {
    capture out;
    join_op j(&out, &out, config(join_kind::inner, true));
    j.push(make(left_types, {"1|keep"}));
    for (int i = 0; i < 300; ++i) {
        std::string big = std::to_string(i) + std::string(10000, 'b');
        j.push(make(left_types, {"2|" + big}));
        j.push(make(left_types, {"-2|" + big}));
    }
    EXPECT_EQ(j.ignored_retractions(), 0u);
    EXPECT_EQ(j.left_rows(), 1u);
    // 3 MB of strings went through; the heaps are rebuilt once mostly dead.
    EXPECT_LT(j.state_bytes(), 1600000u);
    j.push(make(left_types, {"2|new"}));
    j.right().push(make(right_types, {"1|10", "2|20"}));
    EXPECT_EQ(out.take(), (strings{"1|keep|1|10", "2|new|2|20"}));
}

namespace {

using row = std::vector<std::optional<int64_t>>; // (k, v)

std::string text(const std::optional<int64_t>& v) {
    return v ? std::to_string(*v) : "NULL";
}

/// L(k, v) <kind> JOIN R(k, w) ON L.k = R.k AND L.v < R.w recomputed from the two inputs'
/// rows: the multiset of output rows as text.
std::map<std::string, int64_t> recompute(join_kind kind, const std::vector<row>& left,
                                         const std::vector<row>& right) {
    bool pad_left = kind == join_kind::left || kind == join_kind::full;
    bool pad_right = kind == join_kind::right || kind == join_kind::full;
    auto matches = [](const row& l, const row& r) {
        return l[0] && r[0] && *l[0] == *r[0] && l[1] && r[1] && *l[1] < *r[1];
    };
    std::map<std::string, int64_t> out;
    for (const auto& l : left) {
        bool any = false;
        for (const auto& r : right)
            if (matches(l, r)) {
                any = true;
                ++out[text(l[0]) + "|" + text(l[1]) + "|" + text(r[0]) + "|" + text(r[1])];
            }
        if (!any && pad_left) ++out[text(l[0]) + "|" + text(l[1]) + "|NULL|NULL"];
    }
    for (const auto& r : right) {
        bool any = false;
        for (const auto& l : left)
            any = any || matches(l, r);
        if (!any && pad_right) ++out["NULL|NULL|" + text(r[0]) + "|" + text(r[1])];
    }
    return out;
}

} // namespace

TEST(join_op, random_changelogs_match_recomputation_for_every_kind) {
    std::vector<columnar::data_type> t{type_id::int64, type_id::int64};
    join_config cfg;
    cfg.left.types = cfg.right.types = t;
    cfg.left.keys = cfg.right.keys = {0};
    cfg.left.keep = cfg.right.keep = {0, 1};
    cfg.left.changelog = cfg.right.changelog = true;
    cfg.residual = expr::make_call("<", {col(1, type_id::int64), col(3, type_id::int64)});

    for (uint32_t seed : {1u, 2u, 3u, 4u, 5u, 6u, 7u, 12345u}) {
        cfg.kind = join_kind(seed % 4);
        SCOPED_TRACE("seed " + std::to_string(seed) + ", kind " + std::to_string(seed % 4));
        capture out;
        join_op j(&out, &out, cfg);
        std::mt19937 rng(seed);
        auto small = [&]() -> std::optional<int64_t> {
            int x = int(rng() % 5);
            if (x == 4) return std::nullopt;
            return x;
        };
        std::vector<row> state[2];
        std::map<std::string, int64_t> applied;
        uint64_t ignored = 0;
        size_t largest = 0;
        for (int step = 0; step < 300; ++step) {
            int s = int(rng() % 2);
            strings batch;
            int n = 1 + int(rng() % 6);
            for (int i = 0; i < n; ++i) {
                auto& st = state[s];
                uint32_t dice = rng() % 100;
                if (dice < 35 && !st.empty()) {
                    size_t pick = rng() % st.size();
                    batch.push_back("-" + text(st[pick][0]) + "|" + text(st[pick][1]));
                    st.erase(st.begin() + long(pick));
                } else if (dice < 40) {
                    // Not held (a key outside the generated range).
                    batch.push_back("-9|" + text(small()));
                    ++ignored;
                } else {
                    row r{small(), small()};
                    batch.push_back(text(r[0]) + "|" + text(r[1]));
                    st.push_back(r);
                }
            }
            if (s == 0)
                j.push(make(t, batch));
            else
                j.right().push(make(t, batch));
            ASSERT_LE(out.batches.size(), 1u) << "one output batch per input batch";
            for (const auto& r : out.take()) {
                if (r[0] == '-')
                    --applied[r.substr(1)];
                else
                    ++applied[r];
            }
            std::erase_if(applied, [](const auto& kv) { return kv.second == 0; });
            auto expected = recompute(cfg.kind, state[0], state[1]);
            ASSERT_EQ(applied, expected) << "after step " << step;
            largest = std::max(largest, expected.size());
        }
        EXPECT_EQ(j.ignored_retractions(), ignored);
        // NULL-key rows are not kept.
        size_t kept[2] = {0, 0};
        for (int s = 0; s < 2; ++s)
            for (const auto& r : state[s])
                kept[s] += r[0] ? 1 : 0;
        EXPECT_EQ(j.left_rows(), kept[0]);
        EXPECT_EQ(j.right_rows(), kept[1]);
        EXPECT_GT(largest, 5u) << "the test should produce a non-trivial result";
    }
}
