// The view's rows kept from its change stream, and the chart built from them.
import test from "node:test";
import assert from "node:assert/strict";
import { build_chart, default_value_column, parse_timestamp, value_columns, view_rows } from "../../src/view_state";
import type { column } from "../../src/api";

const cols: column[] = [
  { name: "device", type: "text" },
  { name: "window_end", type: "timestamp" },
  { name: "mean", type: "double" },
  { name: "n", type: "bigint" },
];

test("inserts append, updates replace the row with the same key, deletes remove it", () => {
  const v = new view_rows(cols, [["d1", "2024-01-01 00:00:10", 1.5, 1]]);
  assert.equal(v.apply([{ kind: "insert", row: ["d2", "2024-01-01 00:00:10", 3, 1] }]), 0);
  assert.equal(v.rows.length, 2);
  // Same device and window: an update of the first row, whatever its numbers were.
  assert.equal(v.apply([{ kind: "update", row: ["d1", "2024-01-01 00:00:10", 2.5, 2] }]), 0);
  assert.deepEqual(v.rows, [
    ["d1", "2024-01-01 00:00:10", 2.5, 2],
    ["d2", "2024-01-01 00:00:10", 3, 1],
  ]);
  // An update of a key not seen yet adds the row.
  v.apply([{ kind: "update", row: ["d1", "2024-01-01 00:00:20", 7, 1] }]);
  assert.equal(v.rows.length, 3);
  assert.equal(v.apply([{ kind: "delete", row: ["d2", "2024-01-01 00:00:10", 3, 1] }]), 0);
  assert.deepEqual(
    v.rows.map((r) => r[0] + "@" + r[1]),
    ["d1@2024-01-01 00:00:10", "d1@2024-01-01 00:00:20"],
  );
});

test("a delete matches the exact row before a row with the same key", () => {
  const v = new view_rows(cols, [
    ["d1", "2024-01-01 00:00:10", 1, 1],
    ["d1", "2024-01-01 00:00:10", 2, 2],
  ]);
  v.apply([{ kind: "delete", row: ["d1", "2024-01-01 00:00:10", 2, 2] }]);
  assert.deepEqual(v.rows, [["d1", "2024-01-01 00:00:10", 1, 1]]);
});

test("changes that cannot apply are skipped and counted, the rest still apply", () => {
  const v = new view_rows(cols, []);
  const skipped = v.apply([
    { kind: "insert", row: ["short"] },
    { kind: "delete", row: ["d9", "2024-01-01 00:00:10", 1, 1] }, // not there
    { kind: "upsert" as never, row: ["d1", "2024-01-01 00:00:10", 1, 1] },
    { kind: "insert", row: null as never },
    { kind: "insert", row: ["d1", "2024-01-01 00:00:10", 1, 1] },
  ]);
  assert.equal(skipped, 4);
  assert.equal(v.rows.length, 1);
});

test("the snapshot's rows are copied, not shared", () => {
  const snapshot = [["d1", "2024-01-01 00:00:10", 1, 1]];
  const v = new view_rows(cols, snapshot);
  v.apply([{ kind: "update", row: ["d1", "2024-01-01 00:00:10", 5, 5] }]);
  assert.deepEqual(snapshot[0], ["d1", "2024-01-01 00:00:10", 1, 1]);
});

test("timestamps as spate prints them parse as UTC; anything else is null", () => {
  assert.equal(parse_timestamp("2024-01-01 00:00:10"), Date.UTC(2024, 0, 1, 0, 0, 10) / 1000);
  assert.equal(parse_timestamp("2024-01-01 00:00:10.5"), Date.UTC(2024, 0, 1, 0, 0, 10, 500) / 1000);
  assert.equal(parse_timestamp("2024-01-01 02:00:10+02"), Date.UTC(2024, 0, 1, 0, 0, 10) / 1000);
  assert.equal(parse_timestamp("2024-01-01 02:00:10+02:00"), Date.UTC(2024, 0, 1, 0, 0, 10) / 1000);
  assert.equal(parse_timestamp("2024-01-01T00:00:10Z"), Date.UTC(2024, 0, 1, 0, 0, 10) / 1000);
  assert.equal(parse_timestamp("2024-01-01"), Date.UTC(2024, 0, 1) / 1000);
  assert.equal(parse_timestamp(1700000000000), 1700000000);
  assert.equal(parse_timestamp("not a time"), null);
  assert.equal(parse_timestamp(""), null);
  assert.equal(parse_timestamp(null), null);
  assert.equal(parse_timestamp(true), null);
  assert.equal(parse_timestamp({ t: 1 }), null);
});

test("the chart puts window_end on x and one series per key value of the chosen column", () => {
  const rows = [
    ["d2", "2024-01-01 00:00:20", 4, 2],
    ["d1", "2024-01-01 00:00:10", 1, 1],
    ["d2", "2024-01-01 00:00:10", 3, 1],
  ];
  const c = build_chart(cols, rows);
  assert.equal(c.x_column, "window_end");
  assert.equal(c.key_column, "device");
  assert.deepEqual(c.value_columns, ["mean", "n"]);
  assert.equal(c.value_column, "mean"); // the double before the bigint count
  assert.deepEqual(c.labels, ["mean d1", "mean d2"]);
  const t10 = Date.UTC(2024, 0, 1, 0, 0, 10) / 1000;
  assert.deepEqual(c.data, [
    [t10, t10 + 10],
    [1, null],
    [3, 4],
  ]);
  assert.equal(c.points, 3);

  const n = build_chart(cols, rows, "n");
  assert.equal(n.value_column, "n");
  assert.deepEqual(n.labels, ["n d1", "n d2"]);
  assert.deepEqual(n.data, [
    [t10, t10 + 10],
    [1, null],
    [1, 2],
  ]);
  assert.equal(n.points, 3);

  // A choice that is not a plottable column (unknown, text, the x column) falls back to the default.
  for (const bad of ["nope", "device", "window_end", "", "MEAN"]) {
    const f = build_chart(cols, rows, bad);
    assert.equal(f.value_column, "mean", bad);
    assert.deepEqual(f.labels, ["mean d1", "mean d2"], bad);
  }
});

test("the default value column skips whole-number (count-like) columns when it can", () => {
  const sensor_averages: column[] = [
    { name: "window_start", type: "timestamp" },
    { name: "window_end", type: "timestamp" },
    { name: "device", type: "text" },
    { name: "avg_temperature", type: "double" },
    { name: "avg_humidity", type: "double" },
    { name: "readings", type: "bigint" },
  ];
  assert.equal(default_value_column(sensor_averages), "avg_temperature");
  assert.deepEqual(value_columns(sensor_averages), ["avg_temperature", "avg_humidity", "readings"]);
  // The count first in column order still loses to a measured value after it.
  assert.equal(
    default_value_column([
      { name: "n", type: "bigint" },
      { name: "total", type: "integer" },
      { name: "ts", type: "timestamp" },
      { name: "price", type: "numeric(10,2)" },
    ]),
    "price",
  );
  // Only whole numbers: the first of them.
  assert.equal(
    default_value_column([
      { name: "k", type: "text" },
      { name: "window_end", type: "timestamp" },
      { name: "n", type: "bigint" },
      { name: "m", type: "smallint" },
    ]),
    "n",
  );
  // No numeric column at all, or only the x column: nothing to plot, but the times still count.
  assert.equal(default_value_column([{ name: "k", type: "text" }, { name: "window_end", type: "timestamp" }]), null);
  const empty = build_chart([{ name: "k", type: "text" }, { name: "window_end", type: "timestamp" }], [["a", "2024-01-01 00:00:10"]]);
  assert.equal(empty.value_column, null);
  assert.deepEqual(empty.labels, []);
  assert.equal(empty.points, 0);
  assert.equal(empty.data[0].length, 1);
});

test("the chart falls back to window_start, then the first timestamp column, then none", () => {
  const ws = build_chart(
    [
      { name: "ts", type: "timestamp" },
      { name: "window_start", type: "timestamp" },
      { name: "v", type: "integer" },
    ],
    [["2024-01-01 00:00:00", "2024-01-01 00:00:10", 1]],
  );
  assert.equal(ws.x_column, "window_start");
  assert.deepEqual(ws.labels, ["v"]); // no text column: one series, named by the column
  const first_ts = build_chart(
    [
      { name: "v", type: "double" },
      { name: "at", type: "timestamp with time zone" },
    ],
    [[1.5, "2024-01-01 00:00:00+00"]],
  );
  assert.equal(first_ts.x_column, "at");
  assert.equal(first_ts.points, 1);
  const none = build_chart([{ name: "k", type: "text" }, { name: "n", type: "bigint" }], [["a", 1]]);
  assert.equal(none.x_column, null);
  assert.equal(none.points, 0);
});

test("rows with a bad timestamp or non-numeric values add no points", () => {
  const rows_with_bad_values = [
    ["d1", "garbage", 1, 1],
    ["d1", null, 1, 1],
    ["d1", "2024-01-01 00:00:10", null, "12"],
    ["d1", "2024-01-01 00:00:20", "abc", ""],
    [null, "2024-01-01 00:00:30", 2, 2],
  ];
  const c = build_chart(cols, rows_with_bad_values);
  // null and "abc" are not numbers: only the NULL-device row has a mean.
  assert.deepEqual(c.labels, ["mean NULL"]);
  assert.equal(c.points, 1);
  // "12" is a number sent as text (DECIMAL may be); "" is not a number.
  const n = build_chart(cols, rows_with_bad_values, "n");
  assert.deepEqual(n.labels, ["n NULL", "n d1"]);
  assert.equal(n.points, 2);
  assert.equal(c.data[0].length, 3); // the three parsed times, even where no value
});
