import { useState } from "preact/hooks";
import { run_sql, api_error, type sql_result } from "../api";
import { result_table as ResultTable } from "../components/result_table";

const initial_sql = "SELECT * FROM ";

// The SQL page: an editor, Ctrl-Enter (or the button) runs it with POST /api/sql, and the result
// table or the error (its SQLSTATE and message) shows below.
export function sql_page() {
  const [sql, set_sql] = useState(() => sessionStorage.getItem("spate.sql") ?? initial_sql);
  const [result, set_result] = useState<sql_result | null>(null);
  const [error, set_error] = useState<{ code: string; message: string } | null>(null);
  const [running, set_running] = useState(false);
  const [elapsed, set_elapsed] = useState<number | null>(null);

  const run = async () => {
    if (running || sql.trim() === "") return;
    set_running(true);
    set_error(null);
    const started = performance.now();
    try {
      set_result(await run_sql(sql));
    } catch (e) {
      set_result(null);
      set_error(e instanceof api_error ? { code: e.code, message: e.message } : { code: "ERROR", message: String(e) });
    } finally {
      set_elapsed(performance.now() - started);
      set_running(false);
    }
  };

  const on_key = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
      e.preventDefault();
      void run();
    }
  };

  return (
    <section class="sql-page">
      <h1>SQL</h1>
      <textarea
        class="editor"
        aria-label="SQL"
        spellcheck={false}
        value={sql}
        onInput={(e) => {
          const v = (e.target as HTMLTextAreaElement).value;
          set_sql(v);
          sessionStorage.setItem("spate.sql", v);
        }}
        onKeyDown={on_key}
      />
      <div class="toolbar">
        <button onClick={() => void run()} disabled={running}>
          {running ? "Running…" : "Run"}
        </button>
        <span class="muted">Ctrl-Enter runs the statement.</span>
        {elapsed !== null && !running && <span class="muted">{elapsed.toFixed(0)} ms</span>}
      </div>
      {error && (
        <div class="error" role="alert" data-testid="sql-error">
          <strong class="code">{error.code}</strong> {error.message}
        </div>
      )}
      {result && (
        <div data-testid="sql-result">
          <p class="tag">
            {result.tag ?? ""} {result.columns.length > 0 && <span class="muted">({result.rows.length} rows)</span>}
          </p>
          {(result.notices ?? []).map((n, i) => (
            <p key={i} class="notice">
              {n}
            </p>
          ))}
          {result.columns.length > 0 && <ResultTable columns={result.columns} rows={result.rows} />}
        </div>
      )}
    </section>
  );
}
