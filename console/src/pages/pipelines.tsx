import { get_pipelines, type operator_info, type pipeline_info } from "../api";
import { use_poll } from "../poll";
import { layout_dag } from "../dag_layout";
import { format_bytes, format_count, format_rate, format_time_ms, rate_between } from "../format";

const poll_ms = 2000;
const node_w = 300;
const node_h = 64;

// The description cut to what fits one line of a box.
function short(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + "…";
}

// One pipeline's operator DAG as SVG: a box per operator with its rows/s and state size, arrows
// along the edges.
function dag_view(props: { p: pipeline_info; prev: pipeline_info | undefined; dt_ms: number }) {
  const { p, prev, dt_ms } = props;
  const drawing = layout_dag(
    p.operators.map((o) => o.id),
    p.edges,
    node_w,
    node_h,
  );
  const by_id = new Map<number, operator_info>(p.operators.map((o) => [o.id, o]));
  const prev_ops = new Map<number, operator_info>((prev?.operators ?? []).map((o) => [o.id, o]));
  const marker = `arrow-${p.name}`;
  return (
    <svg class="dag" width={drawing.width} height={drawing.height} viewBox={`0 0 ${drawing.width} ${drawing.height}`} data-testid="pipeline-graph">
      <defs>
        <marker id={marker} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
        </marker>
      </defs>
      {drawing.edges.map((e) => (
        <polyline
          key={`${e.from}-${e.to}`}
          class="edge"
          points={e.points.map((pt) => `${pt.x},${pt.y}`).join(" ")}
          marker-end={`url(#${marker})`}
        />
      ))}
      {drawing.nodes.map((n) => {
        const o = by_id.get(n.id)!;
        const rate = rate_between(prev_ops.get(n.id)?.rows_out, o.rows_out, dt_ms);
        return (
          <g key={n.id} class="op" transform={`translate(${n.x},${n.y})`} data-operator={o.id}>
            <title>{`#${o.id} (segment ${o.segment}): ${o.description}\nrows in ${o.rows_in}, rows out ${o.rows_out}`}</title>
            <rect width={n.width} height={n.height} rx="6" />
            <text x="10" y="20" class="op-desc">
              {short(o.description, 42)}
            </text>
            <text x="10" y="38" class="op-stat">
              {`${format_rate(rate)} rows · ${format_count(o.rows_out)} out`}
            </text>
            <text x="10" y="54" class="op-stat">
              {`state ${format_bytes(o.state_bytes)} · seg ${o.segment}`}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

// The Pipelines page: every view and sink with its counters, watermark and operator graph,
// refreshed every 2 s (rows/s from the last two polls).
export function pipelines_page() {
  const state = use_poll(get_pipelines, poll_ms);
  const prev = new Map((state.prev?.pipelines ?? []).map((p) => [p.name, p]));
  const pipelines = [...(state.now?.pipelines ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const DagView = dag_view;
  return (
    <section>
      <h1>Pipelines</h1>
      {state.error && <div class="error">{state.error}</div>}
      {state.now === null && !state.error && <p class="muted">Loading…</p>}
      {state.now !== null && pipelines.length === 0 && <p class="muted">No materialized views or sinks yet.</p>}
      {pipelines.map((p) => {
        const before = prev.get(p.name);
        return (
          <article class="pipeline card" key={p.name} data-pipeline={p.name}>
            <header>
              <h2>
                {p.name} <span class="badge">{p.kind}</span>
              </h2>
              {p.kind === "view" && (
                <a class="link" href={`/views/${encodeURIComponent(p.name)}`}>
                  chart →
                </a>
              )}
            </header>
            <dl class="stats">
              <div>
                <dt>records in</dt>
                <dd>
                  {format_count(p.records_in)} ({format_rate(rate_between(before?.records_in, p.records_in, state.dt_ms))})
                </dd>
              </div>
              <div>
                <dt>rows out</dt>
                <dd>
                  {format_count(p.rows_out)} ({format_rate(rate_between(before?.rows_out, p.rows_out, state.dt_ms))})
                </dd>
              </div>
              <div>
                <dt>invalid</dt>
                <dd>{format_count(p.invalid)}</dd>
              </div>
              <div>
                <dt>late</dt>
                <dd>{format_count(p.late)}</dd>
              </div>
              <div>
                <dt>state</dt>
                <dd>{format_bytes(p.state_bytes)}</dd>
              </div>
              <div>
                <dt>watermark</dt>
                <dd data-testid="watermark">{format_time_ms(p.watermark_ms)}</dd>
              </div>
            </dl>
            <pre class="sql">{p.sql}</pre>
            <div class="dag-wrap">
              <DagView p={p} prev={before} dt_ms={state.dt_ms} />
            </div>
          </article>
        );
      })}
    </section>
  );
}
