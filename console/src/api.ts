// Typed access to spate's HTTP API (the contract in the project's HTTP API notes). Every call
// resolves with the parsed JSON or rejects with an api_error carrying the server's code.

export type json_value = null | boolean | number | string | json_value[] | { [k: string]: json_value };

export interface column {
  name: string;
  type: string;
}

export interface sql_result {
  columns: column[];
  rows: json_value[][];
  tag?: string;
  notices?: string[];
}

export interface partition_info {
  partition: number;
  start_offset: number;
  end_offset: number;
}

export interface topic_info {
  name: string;
  internal: boolean;
  partitions: partition_info[];
  records_in: number;
  bytes_in: number;
  records_out: number;
  bytes_out: number;
}

export interface operator_info {
  id: number;
  segment: number;
  description: string;
  rows_in: number;
  rows_out: number;
  state_bytes: number;
}

export interface pipeline_info {
  name: string;
  kind: "view" | "sink";
  sql: string;
  records_in: number;
  rows_out: number;
  invalid: number;
  late: number;
  state_bytes: number;
  watermark_ms: number | null;
  operators: operator_info[];
  edges: [number, number][];
}

export interface record_info {
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  key_encoding?: string;
  value_encoding?: string;
  headers: Record<string, string>;
}

export interface records_page {
  records: record_info[];
  next_offset: number;
}

// An error answered by the server ({"error": {"code", "message"}}) or a failed request.
export class api_error extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status: number) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

async function parse_response<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new api_error(err?.code ?? `HTTP ${res.status}`, err?.message ?? (text || res.statusText), res.status);
  }
  if (body === undefined) throw new api_error("BAD_RESPONSE", "the server answered no JSON", res.status);
  return body as T;
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new api_error("NETWORK", `cannot reach spate: ${String(e)}`, 0);
  }
  return parse_response<T>(res);
}

export function get_topics(): Promise<{ topics: topic_info[] }> {
  return request("/api/topics");
}

export function get_pipelines(): Promise<{ pipelines: pipeline_info[] }> {
  return request("/api/pipelines");
}

export function run_sql(sql: string): Promise<sql_result> {
  return request("/api/sql", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ sql }),
  });
}

export function get_records(topic: string, partition: number, offset: number, limit: number): Promise<records_page> {
  const q = new URLSearchParams({ partition: String(partition), offset: String(offset), limit: String(limit) });
  return request(`/api/topics/${encodeURIComponent(topic)}/records?${q}`);
}

export function view_changes_url(view: string): string {
  return `/api/views/${encodeURIComponent(view)}/changes`;
}

// The message shown for any rejected call: "CODE: message".
export function describe_error(e: unknown): string {
  if (e instanceof api_error) return `${e.code}: ${e.message}`;
  return String(e);
}
