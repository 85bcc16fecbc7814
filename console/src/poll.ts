import { useEffect, useRef, useState } from "preact/hooks";
import { describe_error } from "./api";

// The state of a value fetched every interval_ms: the latest value, the one before it and the
// time between them (for rates), and the last error.
export interface polled<T> {
  now: T | null;
  prev: T | null;
  dt_ms: number;
  error: string | null;
}

// Calls fetch_fn at once and then every interval_ms while the component is mounted; a slow
// answer never overlaps the next call. A change of key starts over (fetch_fn is the one given
// with that key).
export function use_poll<T>(fetch_fn: () => Promise<T>, interval_ms: number, key: string = ""): polled<T> {
  const [state, set_state] = useState<polled<T>>({ now: null, prev: null, dt_ms: 0, error: null });
  const last = useRef<{ value: T; at: number } | null>(null);
  useEffect(() => {
    last.current = null;
    set_state({ now: null, prev: null, dt_ms: 0, error: null });
    let stopped = false;
    let timer: number | undefined;
    const tick = async () => {
      try {
        const value = await fetch_fn();
        const at = performance.now();
        if (stopped) return;
        const before = last.current;
        last.current = { value, at };
        set_state({ now: value, prev: before?.value ?? null, dt_ms: before ? at - before.at : 0, error: null });
      } catch (e) {
        if (!stopped) set_state((s) => ({ ...s, error: describe_error(e) }));
      }
      if (!stopped) timer = window.setTimeout(tick, interval_ms);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [interval_ms, key]);
  return state;
}
