// Number and size formatting shared by the pages.

export function format_rate(per_second: number | null): string {
  if (per_second === null || !Number.isFinite(per_second)) return "—";
  if (per_second >= 1e6) return `${(per_second / 1e6).toFixed(1)}M/s`;
  if (per_second >= 1e3) return `${(per_second / 1e3).toFixed(1)}k/s`;
  return `${per_second.toFixed(1)}/s`;
}

export function format_bytes(n: number): string {
  if (!Number.isFinite(n)) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    ++u;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

export function format_count(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString("en-US") : "—";
}

export function format_time_ms(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "—";
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

// A per-second rate from two readings of a counter taken dt_ms apart; null without a previous
// reading, and never negative (a counter that went back means the server restarted).
export function rate_between(prev: number | undefined, now: number, dt_ms: number): number | null {
  if (prev === undefined || dt_ms <= 0) return null;
  return Math.max(0, ((now - prev) * 1000) / dt_ms);
}
