import { useState } from "preact/hooks";
import { get_topics, type topic_info } from "../api";
import { use_poll } from "../poll";
import { format_bytes, format_count, format_rate, rate_between } from "../format";

const poll_ms = 2000;

function total_records(t: topic_info): number {
  return t.partitions.reduce((n, p) => n + (p.end_offset - p.start_offset), 0);
}

// The Topics page: every topic with its partitions, records kept, and in/out rates computed from
// two polls of /api/topics taken 2 s apart.
export function topics_page() {
  const state = use_poll(get_topics, poll_ms);
  const [show_internal, set_show_internal] = useState(false);
  const prev = new Map((state.prev?.topics ?? []).map((t) => [t.name, t]));
  const topics = (state.now?.topics ?? [])
    .filter((t) => show_internal || !t.internal)
    .sort((a, b) => a.name.localeCompare(b.name));

  return (
    <section>
      <h1>Topics</h1>
      <div class="toolbar">
        <label>
          <input type="checkbox" checked={show_internal} onChange={(e) => set_show_internal((e.target as HTMLInputElement).checked)} />{" "}
          show internal topics
        </label>
        <span class="muted">Rates from two polls {poll_ms / 1000} s apart.</span>
      </div>
      {state.error && <div class="error">{state.error}</div>}
      {state.now === null && !state.error && <p class="muted">Loading…</p>}
      {state.now !== null && topics.length === 0 && <p class="muted">No topics yet.</p>}
      {topics.length > 0 && (
        <table class="data" data-testid="topics-table">
          <thead>
            <tr>
              <th>Topic</th>
              <th class="num">Partitions</th>
              <th class="num">Records</th>
              <th class="num">In (records)</th>
              <th class="num">In (bytes)</th>
              <th class="num">Out (records)</th>
              <th class="num">Out (bytes)</th>
            </tr>
          </thead>
          <tbody>
            {topics.map((t) => {
              const p = prev.get(t.name);
              return (
                <tr key={t.name} data-topic={t.name}>
                  <td>
                    {t.name}
                    {t.internal && <span class="badge">internal</span>}
                  </td>
                  <td class="num">{t.partitions.length}</td>
                  <td class="num">{format_count(total_records(t))}</td>
                  <td class="num rate-in">{format_rate(rate_between(p?.records_in, t.records_in, state.dt_ms))}</td>
                  <td class="num">{format_bytes_rate(rate_between(p?.bytes_in, t.bytes_in, state.dt_ms))}</td>
                  <td class="num rate-out">{format_rate(rate_between(p?.records_out, t.records_out, state.dt_ms))}</td>
                  <td class="num">{format_bytes_rate(rate_between(p?.bytes_out, t.bytes_out, state.dt_ms))}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function format_bytes_rate(r: number | null): string {
  return r === null ? "—" : `${format_bytes(Math.round(r))}/s`;
}
