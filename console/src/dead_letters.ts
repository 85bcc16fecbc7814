import type { record_info } from "./api";

// The suffixes spate gives a source's dead-letter and late-event topics by default
// (src/plan/binder_ddl.cc: NAME_dead_letter, NAME_late).
export const dead_letter_suffixes = ["_dead_letter", "_late"];

export function is_dead_letter_topic(name: string): boolean {
  return dead_letter_suffixes.some((s) => name.endsWith(s) && name.length > s.length);
}

function parse_object(r: record_info): Record<string, unknown> | null {
  if (r.value === null || r.value_encoding === "base64") return null;
  try {
    const v: unknown = JSON.parse(r.value);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

// The reason field of a dead-letter record's JSON value, or null when it has none.
export function reason_of(r: record_info): string | null {
  const v = parse_object(r);
  return v !== null && typeof v.reason === "string" ? v.reason : null;
}

// The record without its reason (source, topic, partition, offset, value...) as text.
export function details_of(r: record_info): string {
  const v = parse_object(r);
  if (v === null) return r.value ?? "";
  const { reason: _reason, ...rest } = v;
  return JSON.stringify(rest);
}
