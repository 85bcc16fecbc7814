import type { column, json_value } from "./api";
import { is_integer_type, is_numeric_type, is_text_type, is_time_type } from "./column_types";

export type change_kind = "insert" | "update" | "delete";

export interface row_change {
  kind: change_kind;
  row: json_value[];
}

// A view's rows kept up to date from its change stream. Rows are matched on their key: the
// columns that are not numeric (group keys and window bounds in an aggregate view), since an
// update carries only the new row. Owned by the page that opened the stream (the UI thread).
export class view_rows {
  readonly columns: column[];
  rows: json_value[][];
  private readonly _key: number[];

  constructor(columns: column[], rows: json_value[][]) {
    this.columns = columns;
    this.rows = rows.map((r) => [...r]);
    this._key = columns.map((c, i) => (is_numeric_type(c.type) ? -1 : i)).filter((i) => i >= 0);
  }

  private same_key(a: json_value[], b: json_value[]): boolean {
    return this._key.every((i) => JSON.stringify(a[i]) === JSON.stringify(b[i]));
  }

  private find(row: json_value[], exact: boolean): number {
    if (exact) {
      const want = JSON.stringify(row);
      return this.rows.findIndex((r) => JSON.stringify(r) === want);
    }
    return this.rows.findIndex((r) => this.same_key(r, row));
  }

  // Applies one change batch in order. A row of the wrong width is skipped and counted; the
  // count of skipped changes is returned.
  apply(changes: row_change[]): number {
    let skipped = 0;
    for (const c of changes) {
      if (!Array.isArray(c.row) || c.row.length !== this.columns.length) {
        ++skipped;
        continue;
      }
      if (c.kind === "insert") {
        this.rows.push([...c.row]);
      } else if (c.kind === "update") {
        const i = this.find(c.row, false);
        if (i >= 0) this.rows[i] = [...c.row];
        else this.rows.push([...c.row]);
      } else if (c.kind === "delete") {
        let i = this.find(c.row, true);
        if (i < 0) i = this.find(c.row, false);
        if (i >= 0) this.rows.splice(i, 1);
        else ++skipped;
      } else {
        ++skipped;
      }
    }
    return skipped;
  }
}

// Seconds since the epoch for a timestamp as spate prints it ("2024-01-01 00:00:10[.123][+00]",
// taken as UTC without an offset), for a number of milliseconds, or null.
export function parse_timestamp(v: json_value): number | null {
  if (typeof v === "number") return v / 1000;
  if (typeof v !== "string") return null;
  let s = v.trim().replace(" ", "T");
  const offset = /([+-]\d{2})(:?\d{2})?$/.exec(s);
  if (offset && s.indexOf("T") >= 0 && offset.index > s.indexOf("T")) {
    s = s.slice(0, offset.index) + offset[1] + ":" + (offset[2] ? offset[2].replace(":", "") : "00");
  } else if (!s.endsWith("Z")) {
    s += "Z";
  }
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : ms / 1000;
}

// What the chart shows: x is window_end, else window_start, else the first timestamp column; y is
// ONE numeric column (the value column), with one series per value of the first text column (the
// key), or a single series when there is no text column.
export interface chart_data {
  x_column: string | null;
  key_column: string | null;
  // The numeric columns that can be plotted (not the x column), and the one that is.
  value_columns: string[];
  value_column: string | null;
  labels: string[];
  // uPlot's aligned data: [xs, ...one array per label].
  data: (number | null)[][];
  points: number;
}

function x_index(columns: column[]): number {
  const names = columns.map((c) => c.name.toLowerCase());
  let x = names.indexOf("window_end");
  if (x < 0) x = names.indexOf("window_start");
  if (x < 0) x = columns.findIndex((c) => is_time_type(c.type));
  return x;
}

// The numeric columns other than the x column, in column order: what the value selector offers.
export function value_columns(columns: column[]): string[] {
  const x = x_index(columns);
  return columns.filter((c, i) => i !== x && is_numeric_type(c.type)).map((c) => c.name);
}

// The value column plotted when none is chosen: the first numeric column that is not a whole-number
// (count-like) column, such as an average over COUNT(*)'s bigint, else the first numeric column,
// else null.
export function default_value_column(columns: column[]): string | null {
  const x = x_index(columns);
  const candidates = columns.filter((c, i) => i !== x && is_numeric_type(c.type));
  const measured = candidates.find((c) => !is_integer_type(c.type));
  return (measured ?? candidates[0])?.name ?? null;
}

// Builds the chart of `value` (a column name; null, or a name that is not a plottable column,
// means default_value_column).
export function build_chart(columns: column[], rows: json_value[][], value: string | null = null): chart_data {
  const x = x_index(columns);
  const choices = value_columns(columns);
  const value_column = value !== null && choices.includes(value) ? value : default_value_column(columns);
  if (x < 0) {
    return { x_column: null, key_column: null, value_columns: choices, value_column, labels: [], data: [[]], points: 0 };
  }
  const key = columns.findIndex((c, i) => i !== x && is_text_type(c.type));
  const y = value_column === null ? -1 : columns.findIndex((c, i) => i !== x && c.name === value_column);

  // series label -> (x -> y)
  const series = new Map<string, Map<number, number>>();
  const xs = new Set<number>();
  for (const row of rows) {
    const t = parse_timestamp(row[x]);
    if (t === null) continue;
    xs.add(t);
    if (y < 0) continue;
    const v = row[y];
    const num = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
    if (!Number.isFinite(num)) continue;
    const key_text = key >= 0 ? (row[key] === null ? "NULL" : String(row[key])) : null;
    const label = key_text === null ? columns[y].name : `${columns[y].name} ${key_text}`;
    let m = series.get(label);
    if (!m) series.set(label, (m = new Map()));
    m.set(t, num);
  }
  const sorted_xs = [...xs].sort((a, b) => a - b);
  const labels = [...series.keys()].sort();
  let points = 0;
  const data: (number | null)[][] = [sorted_xs];
  for (const label of labels) {
    const m = series.get(label)!;
    points += m.size;
    data.push(sorted_xs.map((t) => m.get(t) ?? null));
  }
  return {
    x_column: columns[x].name,
    key_column: key >= 0 ? columns[key].name : null,
    value_columns: choices,
    value_column,
    labels,
    data,
    points,
  };
}
