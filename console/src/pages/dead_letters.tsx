import { useLocation } from "preact-iso";
import { get_records, get_topics, type record_info, type topic_info } from "../api";
import { use_poll } from "../poll";
import { format_time_ms } from "../format";
import { details_of, is_dead_letter_topic, reason_of } from "../dead_letters";

const shown_per_partition = 100;

// The newest records of every partition of a topic, newest first.
async function newest_records(t: topic_info): Promise<record_info[]> {
  const pages = await Promise.all(
    t.partitions
      .filter((p) => p.end_offset > p.start_offset)
      .map((p) => get_records(t.name, p.partition, Math.max(p.start_offset, p.end_offset - shown_per_partition), shown_per_partition)),
  );
  return pages.flatMap((p) => p.records).sort((a, b) => b.timestamp - a.timestamp || b.offset - a.offset);
}

async function load(topic: string | undefined): Promise<{ topics: topic_info[]; records: record_info[] }> {
  const all = (await get_topics()).topics;
  const topics = all.filter((t) => is_dead_letter_topic(t.name)).sort((a, b) => a.name.localeCompare(b.name));
  const chosen = topic ? topics.find((t) => t.name === topic) ?? all.find((t) => t.name === topic) : undefined;
  return { topics, records: chosen ? await newest_records(chosen) : [] };
}

function count(t: topic_info): number {
  return t.partitions.reduce((n, p) => n + (p.end_offset - p.start_offset), 0);
}

// The Dead letters page: the dead-letter and late-event topics with their record counts, and the
// chosen topic's newest records with the reason spate wrote into each.
export function dead_letters_page(props: { params?: { topic?: string } }) {
  const topic = props.params?.topic ? decodeURIComponent(props.params.topic) : undefined;
  const { route } = useLocation();
  const state = use_poll(() => load(topic), 2000, topic ?? "");
  const topics = state.now?.topics ?? [];
  const records = state.now?.records ?? [];
  return (
    <section class="dead-letters">
      <h1>Dead letters</h1>
      <p class="muted">
        Topics named <code>*_dead_letter</code> (records a source could not read) and <code>*_late</code> (records behind the
        watermark).
      </p>
      {state.error && <div class="error">{state.error}</div>}
      {state.now !== null && topics.length === 0 && <p class="muted">No dead-letter or late-event topics.</p>}
      <div class="split">
        <ul class="topic-list" data-testid="dead-letter-topics">
          {topics.map((t) => (
            <li key={t.name} class={t.name === topic ? "active" : ""}>
              <a href={`/dead-letters/${encodeURIComponent(t.name)}`} onClick={(e) => (e.preventDefault(), route(`/dead-letters/${encodeURIComponent(t.name)}`))}>
                {t.name}
              </a>
              <span class="count">{count(t)}</span>
            </li>
          ))}
        </ul>
        <div class="records">
          {!topic && <p class="muted">Pick a topic to browse its records.</p>}
          {topic && state.now !== null && records.length === 0 && <p class="muted">No records in {topic}.</p>}
          {records.length > 0 && (
            <table class="data" data-testid="dead-letter-records">
              <thead>
                <tr>
                  <th class="num">Partition</th>
                  <th class="num">Offset</th>
                  <th>Time</th>
                  <th>Reason</th>
                  <th>Record</th>
                </tr>
              </thead>
              <tbody>
                {records.map((r) => (
                  <tr key={`${r.partition}:${r.offset}`}>
                    <td class="num">{r.partition}</td>
                    <td class="num">{r.offset}</td>
                    <td class="nowrap">{format_time_ms(r.timestamp)}</td>
                    <td class="reason">{reason_of(r) ?? <span class="muted">(no reason field)</span>}</td>
                    <td class="detail">
                      <code>{details_of(r)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </section>
  );
}
