// The setting every console test shares: a real spate with one source of sensor readings and a
// windowed view over it, and a headless Debian chromium on a 1280x800 page. On failure the page
// is saved as a screenshot and the server's output is printed; the temporary directory is kept.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { start_spate, sql, post_records, wait_until } from "./spate.mjs";

let chromium;
try {
  ({ chromium } = await import("playwright-core"));
} catch {
  throw new Error("playwright-core is missing: run `npm ci` in tests/console (scripts/bootstrap does)");
}

export const source = "readings";
export const view = "avg_temp";
export const window_s = 10;
const t0_ms = Date.UTC(2024, 0, 1, 0, 0, 0);

// "2024-01-01 00:00:01", as spate reads TIMESTAMP text.
export function ts_text(ms) {
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "");
}

// One reading per device in window i (event time 1 s into the window). Posting window i+1
// moves the watermark past window i, so the view emits it.
export function readings_for_window(i, devices = ["d1", "d2"]) {
  return devices.map((device, k) => ({
    key: device,
    partition: 0,
    value: { device, temp: 20 + i + k * 5, ts: ts_text(t0_ms + i * window_s * 1000 + 1000) },
  }));
}

export const setup_sql = [
  `CREATE SOURCE ${source} (device TEXT NOT NULL, temp DOUBLE, ts TIMESTAMP, ` +
    `WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)`,
  `CREATE MATERIALIZED VIEW ${view} AS SELECT device, window_end, avg(temp) AS mean_temp, ` +
    `count(*) AS n FROM TUMBLE(TABLE ${source}, DESCRIPTOR(ts), INTERVAL '${window_s}' SECOND) ` +
    `GROUP BY device, window_end`,
];

// Runs body({ base, page, sql, post }) against a fresh server and browser; cleans up after.
export async function with_console(name, body) {
  const tmp = mkdtempSync(join(tmpdir(), `spate-console-${name}-`));
  const server = start_spate(tmp, ["--num-partitions", "1"]);
  let browser = null;
  let page = null;
  const page_errors = [];
  let ok = false;
  try {
    const base = await server.wait_running();
    for (const s of setup_sql) await sql(base, s);
    const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
    const args = ["--disable-dev-shm-usage", ...(process.getuid && process.getuid() === 0 ? ["--no-sandbox"] : [])];
    browser = await chromium.launch({ executablePath, headless: true, args, timeout: 30000 });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(15000);
    page.on("pageerror", (e) => page_errors.push(String(e)));
    await body({
      base,
      page,
      sql: (s) => sql(base, s),
      post: (topic, records) => post_records(base, topic, records),
      wait_until,
    });
    if (page_errors.length > 0) throw new Error(`the console threw:\n${page_errors.join("\n")}`);
    ok = true;
  } catch (e) {
    if (page) {
      const shot = join(tmp, "failure.png");
      await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
      console.error(`screenshot of the page: ${shot}`);
    }
    console.error(server.describe());
    if (page_errors.length > 0) console.error(`page errors:\n${page_errors.join("\n")}`);
    throw e;
  } finally {
    if (browser) await browser.close().catch(() => {});
    const code = await server.stop();
    if (ok && code !== 0) {
      // eslint-disable-next-line no-unsafe-finally
      throw new Error(`spate exited with ${code} after SIGTERM\n${server.describe()}`);
    }
    if (ok) rmSync(tmp, { recursive: true, force: true });
    else console.error(`kept ${tmp}`);
  }
}
