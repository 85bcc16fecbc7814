import { useEffect, useMemo, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { get_pipelines, view_changes_url, type column, type json_value } from "../api";
import { use_poll } from "../poll";
import { build_chart, view_rows, type row_change } from "../view_state";
import { live_chart as LiveChart } from "../components/live_chart";
import { result_table as ResultTable } from "../components/result_table";

type stream_status = "connecting" | "live" | "reconnecting" | "closed";

interface live_view {
  status: stream_status;
  rows: view_rows | null;
  version: number;
  skipped: number;
  error: string | null;
}

// Follows GET /api/views/{name}/changes: the snapshot, then every change batch applied in order.
function use_view_stream(name: string | undefined): live_view {
  const [state, set_state] = useState<live_view>({ status: "connecting", rows: null, version: 0, skipped: 0, error: null });
  useEffect(() => {
    set_state({ status: "connecting", rows: null, version: 0, skipped: 0, error: null });
    if (!name) return;
    const source = new EventSource(view_changes_url(name));
    let rows: view_rows | null = null;
    source.addEventListener("snapshot", (e) => {
      try {
        const body = JSON.parse((e as MessageEvent).data) as { columns: column[]; rows: json_value[][] };
        rows = new view_rows(body.columns, body.rows);
        set_state((s) => ({ status: "live", rows, version: s.version + 1, skipped: 0, error: null }));
      } catch (err) {
        set_state((s) => ({ ...s, error: `bad snapshot event: ${String(err)}` }));
      }
    });
    source.addEventListener("changes", (e) => {
      if (!rows) return;
      try {
        const body = JSON.parse((e as MessageEvent).data) as { changes: row_change[] };
        const skipped = rows.apply(body.changes);
        set_state((s) => ({ ...s, status: "live", version: s.version + 1, skipped: s.skipped + skipped }));
      } catch (err) {
        set_state((s) => ({ ...s, error: `bad changes event: ${String(err)}` }));
      }
    });
    source.onerror = () => {
      const closed = source.readyState === EventSource.CLOSED;
      set_state((s) => ({ ...s, status: closed ? "closed" : "reconnecting" }));
    };
    return () => source.close();
  }, [name]);
  return state;
}

// The View page: pick a materialized view; its rows are charted live with uPlot (x = the window
// end or first timestamp column; y = one numeric column picked with the "value" selector and kept
// in the URL as ?y=COLUMN, one series per key value) above the table.
export function view_page(props: { params?: { name?: string } }) {
  const name = props.params?.name ? decodeURIComponent(props.params.name) : undefined;
  const { route, query } = useLocation();
  const chosen_value = query.y ?? null;
  const pipelines = use_poll(get_pipelines, 5000);
  const views = (pipelines.now?.pipelines ?? []).filter((p) => p.kind === "view").map((p) => p.name).sort();
  const live = use_view_stream(name);
  const chart = useMemo(
    () => (live.rows ? build_chart(live.rows.columns, live.rows.rows, chosen_value) : null),
    [live.rows, live.version, chosen_value],
  );

  return (
    <section>
      <h1>View</h1>
      <div class="toolbar">
        <label>
          View{" "}
          <select
            aria-label="view"
            value={name ?? ""}
            onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value;
              if (v) route(`/views/${encodeURIComponent(v)}`);
            }}
          >
            <option value="">— pick a view —</option>
            {views.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
            {name && !views.includes(name) && <option value={name}>{name}</option>}
          </select>
        </label>
        {name && chart && chart.x_column !== null && chart.value_columns.length > 0 && (
          <label>
            value{" "}
            <select
              aria-label="value"
              value={chart.value_column ?? ""}
              onChange={(e) => {
                const v = (e.target as HTMLSelectElement).value;
                route(`/views/${encodeURIComponent(name)}?y=${encodeURIComponent(v)}`, true);
              }}
            >
              {chart.value_columns.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
        )}
        {name && (
          <span class={`status ${live.status}`} data-testid="stream-status">
            {live.status}
          </span>
        )}
      </div>
      {pipelines.error && <div class="error">{pipelines.error}</div>}
      {live.error && <div class="error">{live.error}</div>}
      {!name && <p class="muted">Pick a view to chart its rows as they change.</p>}
      {name && live.rows && chart && (
        <>
          {chart.x_column === null ? (
            <p class="muted">This view has no timestamp column to chart; its rows are below.</p>
          ) : (
            <>
              <p class="chart-caption" data-testid="chart-caption">
                x = {chart.x_column}
                {chart.value_column && <> · y = {chart.value_column}</>}
                {chart.key_column && <> · one series per {chart.key_column}</>} · {chart.labels.length} series ·{" "}
                <span data-testid="point-count">{chart.points}</span> points
              </p>
              <LiveChart chart={chart} />
            </>
          )}
          <h2>
            Rows <span class="muted">({live.rows.rows.length})</span>
          </h2>
          {live.skipped > 0 && <p class="muted">{live.skipped} changes could not be applied.</p>}
          <ResultTable columns={live.rows.columns} rows={live.rows.rows} max_rows={500} />
        </>
      )}
    </section>
  );
}
