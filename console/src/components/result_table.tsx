import type { column, json_value } from "../api";
import { is_numeric_type } from "../column_types";

// Text for one JSON value in a result cell: null shows as NULL, objects as their JSON.
export function cell_text(v: json_value): string {
  if (v === null) return "NULL";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

// A table of query rows under their column names; numbers right-aligned.
export function result_table(props: { columns: column[]; rows: json_value[][]; max_rows?: number }) {
  const max = props.max_rows ?? 1000;
  const shown = props.rows.slice(0, max);
  return (
    <div class="table-wrap">
      <table class="result" data-testid="result-table">
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.name} title={c.type} class={is_numeric_type(c.type) ? "num" : ""}>
                {c.name}
                <span class="type">{c.type}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row, i) => (
            <tr key={i}>
              {row.map((v, j) => (
                <td key={j} class={(v === null ? "null " : "") + (typeof v === "number" ? "num" : "")}>
                  {cell_text(v)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {props.rows.length > max && <p class="muted">Showing {max} of {props.rows.length} rows.</p>}
    </div>
  );
}
