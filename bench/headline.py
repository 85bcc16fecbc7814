"""The headline of a bench/run report: one row per workload with spate's figure, the reference it
is set against (a peer measured in the same run, or a limit of the machine measured in the same
run), the ratio spate / reference, and spate's CPU seconds per million events and peak RSS.

Everything is computed here from the results bench/run collected (bench/results/latest.json);
a benchmark that did not run or failed leaves its rows out. Used by bench/run only.
"""

from benchlib import fmt_num, median, ratio


def dig(obj, *path):
    """obj[path[0]][path[1]]..., or None where a step is missing."""
    for key in path:
        if isinstance(obj, dict):
            obj = obj.get(key, obj.get(str(key)))
        else:
            return None
    return obj


def row(area, workload, value, unit, reference, ref_value, cpu_s_per_m=None, rss_mib=None,
        higher_is_better=True, latency_us=None):
    """ratio: spate / reference for rates; reference / spate for times (so > 1 is better).
    latency_us: spate's (p50, p99, p99.9) in the workload, where the tool measures one."""
    r = ratio(value, ref_value) if higher_is_better else ratio(ref_value, value)
    if latency_us is not None and all(v is None for v in latency_us):
        latency_us = None
    return {"area": area, "workload": workload, "spate": value, "unit": unit,
            "reference": reference, "reference_value": ref_value, "ratio": r,
            "spate_cpu_s_per_m": cpu_s_per_m, "spate_peak_rss_mib": rss_mib,
            "spate_latency_us": list(latency_us) if latency_us else None}


def limit(doc, name, *path):
    entry = doc.get("limits", {}).get(name) or {}
    result = entry.get("result") or {}
    return dig(result, *path) if result.get("ok") else None


def results_of(doc, name):
    for b in doc.get("benchmarks", []):
        if b.get("name") == name and b.get("results") and b.get("exit_status") == 0:
            return b["results"]
    return None


def kafka_rows(doc):
    res = results_of(doc, "kafka")
    servers = dig(res, "summary", "servers") or {}
    if not servers:
        return []
    srv = next(iter(servers.values()))
    cases = srv.get("cases", {})
    disk = limit(doc, "fsync", "mb_per_s")
    loop = limit(doc, "loopback", "mb_per_s")
    rows = []

    def case(name, *path):
        return dig(cases, name, *path)

    def delivery(name):
        return tuple(case(name, f"delivery_{p}_us") for p in ("p50", "p99", "p999"))

    rows.append(row("Kafka protocol", "produce 1 KiB, acks=all, fsync before ack (MB/s)",
                    case("produce_1k_acksall", "mb_per_s"), "MB/s",
                    "sequential write + fdatasync (limit)", disk,
                    case("produce_1k_acksall", "server_cpu_us_per_msg"),
                    case("produce_1k_acksall", "server_peak_rss_mib"),
                    latency_us=delivery("produce_1k_acksall")))
    rows.append(row("Kafka protocol", "consume 1 KiB from the start (MB/s)",
                    case("consume_1k", "mb_per_s"), "MB/s", "loopback TCP (limit)", loop,
                    case("consume_1k", "server_cpu_us_per_msg"),
                    case("consume_1k", "server_peak_rss_mib")))
    produce100 = case("produce_100b_acks1", "msgs_per_s")
    rows.append(row("Kafka protocol", "produce 100 B, acks=1 (msgs/s)", produce100, "msgs/s",
                    "1,000,000 msgs/s per core (target)", 1_000_000 * (doc["machine"]["cores"] or 1),
                    case("produce_100b_acks1", "server_cpu_us_per_msg"),
                    case("produce_100b_acks1", "server_peak_rss_mib"),
                    latency_us=delivery("produce_100b_acks1")))
    rows.append(row("Kafka protocol", "produce -> consume p99 at 10,000 msgs/s (µs)",
                    case("latency_10k_acks1", "latency_p99_us"), "µs",
                    "1 KiB pwrite + fdatasync p99 (limit)", limit(doc, "fsync",
                                                                "sync_1k_latency_us", "p99"),
                    None, case("latency_10k_acks1", "server_peak_rss_mib"),
                    higher_is_better=False,
                    latency_us=tuple(case("latency_10k_acks1", f"latency_{p}_us")
                                     for p in ("p50", "p99", "p999"))))
    return [r for r in rows if r["spate"] is not None]


def http_rows(doc):
    s = dig(results_of(doc, "http"), "summary")
    if not s:
        return []
    return [row("HTTP", "POST NDJSON records, 16 connections (records/s)",
                dig(s, "ingest_c16", "records_per_s"), "records/s",
                "Kafka protocol produce, same run (peer path)", s.get("kafka_msgs_per_s"),
                dig(s, "ingest_c16", "server_cpu_s_per_m"), s.get("peak_rss_mib"),
                latency_us=tuple(dig(s, "ingest_c16", f"{p}_us") for p in ("p50", "p99", "p999")))]


PEER_CASES = [("produce_100b", "produce 100 B"), ("consume_100b", "consume 100 B"),
              ("produce_1k", "produce 1 KiB"), ("consume_1k", "consume 1 KiB")]
PEER_NAMES = {"redis": "Redis Streams", "nats": "NATS JetStream"}
DURABILITY = {"always": "fsync before ack", "interval": "fsync every second"}


def peer_rows(doc):
    summary = dig(results_of(doc, "peers"), "summary") or {}
    rows = []
    for durability, cases in summary.items():
        for case, label in PEER_CASES:
            systems = cases.get(case) or {}
            mine = systems.get("spate") or {}
            for peer, name in PEER_NAMES.items():
                theirs = systems.get(peer)
                if not theirs or mine.get("msgs_per_s") is None:
                    continue
                rows.append(row("Peers", f"{label}, {DURABILITY.get(durability, durability)} "
                                "(msgs/s)", mine["msgs_per_s"], "msgs/s",
                                f"{name} (cpu s/M {fmt_num(theirs.get('server_cpu_s_per_m'), 2)})",
                                theirs.get("msgs_per_s"), mine.get("server_cpu_s_per_m"),
                                mine.get("server_peak_rss_mib"),
                                latency_us=tuple(mine.get(f"{p}_us")
                                                 for p in ("p50", "p99", "p999"))))
    return rows


def batch_rows(doc):
    res = results_of(doc, "batch")
    rows = []
    for q in (res or {}).get("results", []):
        s, d = q.get("spate") or {}, q.get("duckdb") or {}
        secs, rps = s.get("median_seconds"), s.get("rows_per_second")
        events = secs * rps if secs and rps else None
        rows.append(row("Batch SQL over files", f"{q['query']} (seconds)", secs, "s",
                        "DuckDB, same files and query", d.get("median_seconds"),
                        ratio(s.get("cpu_seconds"), events / 1e6 if events else None),
                        round(s["vmhwm_kib"] / 1024, 1) if s.get("vmhwm_kib") else None,
                        higher_is_better=False))
    return [r for r in rows if r["spate"] is not None]


NEXMARK_SHOWN = ("q0", "q5", "q7", "q8")


def nexmark_rows(doc):
    res = results_of(doc, "nexmark") or {}
    queries = res.get("queries") or {}
    duck = dig(res, "duckdb", "queries") or {}
    rows = []

    def med(runs, key):
        return median([r.get(key) for r in runs])

    q0 = queries.get("q0")
    if q0:
        rows.append(row("Streaming SQL (Nexmark)", "q0 pass-through, bids per core-second",
                        med(q0, "events_s_per_core"), "events/s/core",
                        "simdjson parse of the same bids, one core (limit)",
                        limit(doc, "json", "records_per_s"), med(q0, "cpu_s_per_m_events"),
                        med(q0, "peak_rss_mib")))
    per_query = []
    for name, runs in queries.items():
        theirs = duck.get(name) or {}
        if theirs.get("error") or theirs.get("events_s") is None:
            continue
        per_query.append(row("Streaming SQL (Nexmark)", f"{name}, all Nexmark events/s",
                             med(runs, "nexmark_events_s"), "events/s",
                             "DuckDB batch over the same events (load + query)",
                             theirs["events_s"], med(runs, "cpu_s_per_m_events"),
                             med(runs, "peak_rss_mib")))
    # The pass-through and the target queries one by one, then all of them as one row.
    rows += [r for r in per_query if r["workload"].split(",")[0] in NEXMARK_SHOWN]
    ratios = sorted(r["ratio"] for r in per_query if r["ratio"] is not None)
    if len(ratios) > 1:
        summary = row("Streaming SQL (Nexmark)", f"all {len(ratios)} queries: median of the "
                      f"per-query ratios (range {ratios[0]:.2f}x to {ratios[-1]:.2f}x)", None,
                      "events/s", "DuckDB batch over the same events", None,
                      median([r["spate_cpu_s_per_m"] for r in per_query]))
        summary["ratio"] = median(ratios)
        rows.append(summary)
    return rows


def scaling_rows(doc):
    summary = dig(results_of(doc, "scaling"), "summary") or {}
    rows = []
    parts = summary.get("partitions") or []
    if len(parts) > 1:
        first, last = parts[0], parts[-1]
        rows.append(row("Scaling", f"produce at {last['point']} partitions (msgs/s)",
                        dig(last, "produce", "msgs_per_s"), "msgs/s",
                        f"the same at {first['point']} partition", dig(first, "produce",
                                                                       "msgs_per_s"),
                        dig(last, "produce", "server_cpu_s_per_m"),
                        dig(last, "produce", "server_peak_rss_mib")))
    conns = summary.get("connections") or []
    if len(conns) > 1:
        first, last = conns[0], conns[-1]
        rows.append(row("Scaling", f"produce over {last['point']:,} connections (msgs/s)",
                        last.get("msgs_per_s"), "msgs/s",
                        f"the same over {first['point']} connection", first.get("msgs_per_s"),
                        last.get("server_cpu_s_per_m"), last.get("server_peak_rss_mib"),
                        latency_us=tuple(dig(last, "latency_us", p)
                                         for p in ("p50", "p99", "p999"))))
    keys = summary.get("keys") or []
    if len(keys) > 1:
        first, last = keys[0], keys[-1]
        rows.append(row("Scaling", f"windowed count with {int(last['point']):,} keys (events/s)",
                        last.get("events_per_s"), "events/s",
                        f"the same with {int(first['point']):,} keys", first.get("events_per_s"),
                        last.get("server_cpu_s_per_m"), last.get("server_peak_rss_mib")))
    return rows


def headline(doc):
    rows = []
    for part in (kafka_rows, http_rows, peer_rows, batch_rows, nexmark_rows, scaling_rows):
        try:
            rows += part(doc)
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as e:
            rows.append({"area": part.__name__, "error": f"{type(e).__name__}: {e}"})
    return rows


def fmt_value(v, unit):
    if v is None:
        return "–"
    if unit == "s":
        return f"{v:.3f} s"
    if unit == "µs":
        return f"{v:,.0f} µs"
    return f"{v:,.1f} {unit}" if v < 100 else f"{v:,.0f} {unit}"


def headline_markdown(rows):
    out = ["| area | workload | spate | reference | reference's figure | spate / reference | "
           "spate latency p50 / p99 / p99.9 µs | spate CPU s per M events | "
           "spate peak RSS MiB |",
           "|---|---|---:|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        if r.get("error"):
            out.append(f"| {r['area']} | could not be summarized: {r['error']} | | | | | | | |")
            continue
        ratio_text = "–" if r["ratio"] is None else f"{r['ratio']:.2f}x"
        lat = r.get("spate_latency_us")
        lat_text = " / ".join(fmt_num(v) for v in lat) if lat else "–"
        out.append(f"| {r['area']} | {r['workload']} | {fmt_value(r['spate'], r['unit'])} | "
                   f"{r['reference']} | {fmt_value(r['reference_value'], r['unit'])} | "
                   f"{ratio_text} | {lat_text} | {fmt_num(r['spate_cpu_s_per_m'], 2)} | "
                   f"{fmt_num(r['spate_peak_rss_mib'])} |")
    out += ["", "Ratios above 1 favour spate: for rates spate / reference, for times and "
            "latencies reference / spate. CPU seconds per million events are the server's "
            "(utime + stime) over the case. Latencies are each tool's own (see each benchmark's "
            "section): for bulk produce runs, enqueue -> acknowledgement with the whole run "
            "enqueued at once, a queueing figure rather than a latency under light load."]
    return "\n".join(out)
