// Formatting, rates, column kinds, dead-letter records, API errors and the DAG layout.
import test from "node:test";
import assert from "node:assert/strict";
import { format_bytes, format_count, format_rate, format_time_ms, rate_between } from "../../src/format";
import { is_integer_type, is_numeric_type, is_text_type, is_time_type } from "../../src/column_types";
import { details_of, is_dead_letter_topic, reason_of } from "../../src/dead_letters";
import { api_error, describe_error, type record_info } from "../../src/api";
import { layout_dag } from "../../src/dag_layout";

test("rates come from two readings and never go negative", () => {
  assert.equal(rate_between(100, 300, 2000), 100);
  assert.equal(rate_between(undefined, 300, 2000), null);
  assert.equal(rate_between(100, 300, 0), null);
  assert.equal(rate_between(500, 100, 2000), 0); // counter reset by a restart
  assert.equal(format_rate(null), "—");
  assert.equal(format_rate(NaN), "—");
  assert.equal(format_rate(0), "0.0/s");
  assert.equal(format_rate(12.34), "12.3/s");
  assert.equal(format_rate(1500), "1.5k/s");
  assert.equal(format_rate(2.5e6), "2.5M/s");
});

test("sizes, counts and times are formatted for people", () => {
  assert.equal(format_bytes(0), "0 B");
  assert.equal(format_bytes(1023), "1023 B");
  assert.equal(format_bytes(1536), "1.5 KiB");
  assert.equal(format_bytes(3 * 1024 * 1024), "3.0 MiB");
  assert.equal(format_bytes(NaN), "—");
  assert.equal(format_count(1234567), "1,234,567");
  assert.equal(format_time_ms(Date.UTC(2024, 0, 1, 0, 0, 20)), "2024-01-01 00:00:20.000");
  assert.equal(format_time_ms(null), "—");
});

test("column kinds follow the server's type names", () => {
  for (const t of ["bigint", "INTEGER", "double", "double precision", "decimal(5,2)", "numeric", "real", "smallint"])
    assert.ok(is_numeric_type(t), t);
  for (const t of ["text", "interval", "timestamp", "boolean", "json", "integerish"]) assert.ok(!is_numeric_type(t), t);
  for (const t of ["bigint", "INTEGER", "int", "int8", " smallint "]) assert.ok(is_integer_type(t), t);
  for (const t of ["double", "real", "numeric", "decimal(5,2)", "interval", "integerish", "text"]) assert.ok(!is_integer_type(t), t);
  assert.ok(is_time_type("timestamp"));
  assert.ok(is_time_type("timestamp with time zone"));
  assert.ok(is_time_type("date"));
  assert.ok(!is_time_type("time"));
  assert.ok(!is_time_type("text"));
  assert.ok(is_text_type("text"));
  assert.ok(is_text_type("varchar(10)"));
  assert.ok(!is_text_type("textual"));
  assert.ok(!is_text_type("bigint"));
});

function rec(value: string | null, value_encoding?: string): record_info {
  return { partition: 0, offset: 1, timestamp: 0, key: null, value, value_encoding, headers: {} };
}

test("dead-letter topics are the *_dead_letter and *_late ones", () => {
  assert.ok(is_dead_letter_topic("readings_dead_letter"));
  assert.ok(is_dead_letter_topic("readings_late"));
  assert.ok(!is_dead_letter_topic("readings"));
  assert.ok(!is_dead_letter_topic("_late"));
  assert.ok(!is_dead_letter_topic("_dead_letter"));
  assert.ok(!is_dead_letter_topic("chocolate"));
  assert.ok(!is_dead_letter_topic("readings_dead_letters"));
});

test("a dead letter's reason is read from its JSON value; anything else has none", () => {
  const good = rec(JSON.stringify({ reason: "CHECK (t > 0) is false", source: "s", offset: 4 }));
  assert.equal(reason_of(good), "CHECK (t > 0) is false");
  assert.equal(details_of(good), '{"source":"s","offset":4}');
  assert.equal(reason_of(rec("not json")), null);
  assert.equal(details_of(rec("not json")), "not json");
  assert.equal(reason_of(rec(null)), null);
  assert.equal(details_of(rec(null)), "");
  assert.equal(reason_of(rec(JSON.stringify({ reason: 42 }))), null);
  assert.equal(reason_of(rec(JSON.stringify(["reason"]))), null);
  assert.equal(reason_of(rec('"reason"')), null);
  assert.equal(reason_of(rec(btoa('{"reason":"x"}'), "base64")), null);
});

test("API errors read as CODE: message", () => {
  assert.equal(describe_error(new api_error("42P01", 'relation "x" does not exist', 400)), '42P01: relation "x" does not exist');
  assert.equal(describe_error("boom"), "boom");
});

test("the DAG layout places every operator apart and keeps edges between known ones", () => {
  const d = layout_dag([0, 1, 2, 3], [[0, 2], [1, 2], [2, 3], [3, 9]], 200, 60);
  assert.equal(d.nodes.length, 4);
  assert.equal(d.edges.length, 3); // 3 -> 9 names no operator
  const overlaps = (a: (typeof d.nodes)[0], b: (typeof d.nodes)[0]) =>
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  for (let i = 0; i < d.nodes.length; ++i)
    for (let j = i + 1; j < d.nodes.length; ++j) assert.ok(!overlaps(d.nodes[i], d.nodes[j]), `${i} overlaps ${j}`);
  // Top to bottom: a source above the join, the join above the view.
  const y = new Map(d.nodes.map((n) => [n.id, n.y]));
  assert.ok(y.get(0)! < y.get(2)! && y.get(2)! < y.get(3)!);
  for (const e of d.edges) assert.ok(e.points.length >= 2);
  for (const n of d.nodes) assert.ok(n.x >= 0 && n.y >= 0 && n.x + n.width <= d.width && n.y + n.height <= d.height);
  const empty = layout_dag([], [], 200, 60);
  assert.equal(empty.nodes.length, 0);
});
