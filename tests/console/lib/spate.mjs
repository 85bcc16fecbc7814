// A real `spate server` for the console's browser tests: started on ephemeral ports in a
// temporary data directory, its HTTP address learned from the "http listening on HOST:PORT"
// line it prints, stopped with SIGTERM (killed after a deadline). No wait is unbounded.
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

const START_TIMEOUT_MS = 20000;
const STOP_TIMEOUT_MS = 15000;
const RUNNING_LINE = "spate server running; Ctrl-C stops it";
const HTTP_LINE = /^http listening on (\S+):(\d+)$/;

export class spate_server {
  constructor(bin, args, cwd) {
    this.args = args;
    this.stdout = "";
    this.stderr = "";
    this.exit_code = null;
    this.proc = spawn(bin, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    this.proc.stdout.setEncoding("utf8").on("data", (d) => (this.stdout += d));
    this.proc.stderr.setEncoding("utf8").on("data", (d) => (this.stderr += d));
    this.exited = new Promise((resolve) =>
      this.proc.on("exit", (code, signal) => {
        this.exit_code = code ?? signal;
        resolve();
      }),
    );
  }

  // The command and both outputs (stderr's last 100 lines), for failure messages.
  describe() {
    const err = this.stderr.split("\n");
    return `spate ${this.args.join(" ")} (exit ${this.exit_code})\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${err.slice(-100).join("\n")}`;
  }

  // Resolves with "http://HOST:PORT" once the server printed its HTTP address and that it runs
  // and GET /health answers 200; rejects with describe() on exit or timeout.
  async wait_running() {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.exit_code !== null) throw new Error(`spate exited before it was running\n${this.describe()}`);
      const lines = this.stdout.split("\n").map((l) => l.trim());
      const http = lines.map((l) => HTTP_LINE.exec(l)).find((m) => m);
      if (http && lines.includes(RUNNING_LINE)) {
        const base = `http://${http[1]}:${http[2]}`;
        try {
          const res = await fetch(`${base}/health`);
          if (res.status === 200) return base;
        } catch {
          // not answering yet
        }
      }
      await sleep(50);
    }
    throw new Error(`spate did not start within ${START_TIMEOUT_MS} ms\n${this.describe()}`);
  }

  // SIGTERM, then SIGKILL after the deadline; resolves with the exit code.
  async stop() {
    if (this.exit_code === null) {
      this.proc.kill("SIGTERM");
      const timer = setTimeout(() => this.proc.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exit_code;
  }
}

// Starts SPATE_BIN as `spate server` with a data directory in tmp and every listener on
// 127.0.0.1 port 0, plus extra args.
export function start_spate(tmp, extra_args = []) {
  const bin = process.env.SPATE_BIN;
  if (!bin) throw new Error("SPATE_BIN is not set: point it at the built spate binary");
  const args = [
    "server",
    "--data-dir", `${tmp}/data`,
    "--http-addr", "127.0.0.1:0",
    "--kafka-addr", "127.0.0.1:0",
    "--pg-addr", "127.0.0.1:0",
    ...extra_args,
  ];
  return new spate_server(bin, args, tmp);
}

async function json_or_throw(res, what) {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status}: ${text}`);
  return JSON.parse(text);
}

// POST /api/sql; the parsed result, or throws with the server's answer.
export async function sql(base, statement) {
  const res = await fetch(`${base}/api/sql`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ sql: statement }),
  });
  return json_or_throw(res, statement);
}

// POST /api/topics/{topic}/records with a JSON array; the offsets answered.
export async function post_records(base, topic, records) {
  const res = await fetch(`${base}/api/topics/${encodeURIComponent(topic)}/records`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(records),
  });
  return json_or_throw(res, `POST records to ${topic}`);
}

// Polls fn until it returns a truthy value; throws naming `what` after timeout_ms.
export async function wait_until(fn, what, timeout_ms = 15000) {
  const deadline = Date.now() + timeout_ms;
  let last_error = null;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last_error = e;
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${timeout_ms} ms waiting for ${what}${last_error ? `: ${last_error}` : ""}`);
}
