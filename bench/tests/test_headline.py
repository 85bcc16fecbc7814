"""bench/headline.py and bench/run's docs summary on made-up results: every ratio is computed
the right way round, missing or failed benchmarks leave their rows out, results of an
unexpected shape give an error row instead of a crash, and docs/benchmarks.md's generated
block is inserted once and then replaced in place."""

import importlib.machinery
import importlib.util
import os
import sys
import tempfile
import unittest

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, BENCH)

import headline  # noqa: E402


def load_run():
    loader = importlib.machinery.SourceFileLoader("bench_run", os.path.join(BENCH, "run"))
    spec = importlib.util.spec_from_loader("bench_run", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def doc_with(*benchmarks):
    return {
        "machine": {"cores": 2, "cpu_model": "test cpu", "memory_gib": 4, "kernel": "6",
                    "filesystem": "ext4", "load_average_at_start": [0.1, 0.1, 0.1]},
        "limits": {
            "fsync": {"result": {"ok": True, "mb_per_s": 1000.0,
                                 "sync_1k_latency_us": {"p99": 500.0}}},
            "loopback": {"result": {"ok": True, "mb_per_s": 4000.0}},
            "json": {"result": {"ok": True, "records_per_s": 10_000_000.0}},
        },
        "benchmarks": list(benchmarks),
    }


def bench(name, results, status=0):
    return {"name": name, "exit_status": status, "results": results}


KAFKA = {"summary": {"servers": {"0": {"cases": {
    "produce_1k_acksall": {"mb_per_s": 500.0, "server_cpu_us_per_msg": 1.5,
                           "server_peak_rss_mib": 40.0},
    "consume_1k": {"mb_per_s": 1000.0, "server_cpu_us_per_msg": 0.5,
                   "server_peak_rss_mib": 30.0},
    "produce_100b_acks1": {"msgs_per_s": 3_000_000.0, "server_cpu_us_per_msg": 0.1},
    "latency_10k_acks1": {"latency_p50_us": 400.0, "latency_p99_us": 1000.0,
                          "latency_p999_us": 2000.0},
}}}}}

BATCH = {"results": [{"query": "count",
                      "spate": {"median_seconds": 0.5, "rows_per_second": 2_000_000.0,
                                "cpu_seconds": 0.25, "vmhwm_kib": 20480},
                      "duckdb": {"median_seconds": 1.0}}]}


def rows_by_workload(rows):
    return {r["workload"]: r for r in rows}


class HeadlineTest(unittest.TestCase):
    def test_kafka_against_the_machine(self):
        rows = rows_by_workload(headline.headline(doc_with(bench("kafka", KAFKA))))
        produce = rows["produce 1 KiB, acks=all, fsync before ack (MB/s)"]
        self.assertAlmostEqual(produce["ratio"], 0.5)  # 500 MB/s over a 1000 MB/s disk
        self.assertEqual(produce["spate_cpu_s_per_m"], 1.5)  # 1.5 µs per message
        self.assertAlmostEqual(rows["consume 1 KiB from the start (MB/s)"]["ratio"], 0.25)
        # 3M msgs/s on 2 cores against 1M per core.
        self.assertAlmostEqual(rows["produce 100 B, acks=1 (msgs/s)"]["ratio"], 1.5)
        # A latency: the reference over spate, so a slower spate gives less than 1.
        latency = rows["produce -> consume p99 at 10,000 msgs/s (µs)"]
        self.assertAlmostEqual(latency["ratio"], 0.5)
        self.assertEqual(latency["spate_latency_us"], [400.0, 1000.0, 2000.0])
        self.assertIsNone(produce["spate_latency_us"])  # the tool gave none

    def test_batch_times_and_cpu_per_million_rows(self):
        (row,) = headline.headline(doc_with(bench("batch", BATCH)))
        self.assertAlmostEqual(row["ratio"], 2.0)  # DuckDB took twice as long
        self.assertAlmostEqual(row["spate_cpu_s_per_m"], 0.25)  # 0.25 s over 1M rows
        self.assertEqual(row["spate_peak_rss_mib"], 20.0)

    def test_peers_one_row_per_peer_and_setting(self):
        peers = {"summary": {"always": {"produce_100b": {
            "spate": {"msgs_per_s": 900.0, "server_cpu_s_per_m": 0.2},
            "redis": {"msgs_per_s": 300.0, "server_cpu_s_per_m": 2.0}}}}}
        (row,) = headline.headline(doc_with(bench("peers", peers)))
        self.assertAlmostEqual(row["ratio"], 3.0)
        self.assertIn("Redis", row["reference"])

    def test_nexmark_shown_queries_and_the_median_of_all(self):
        def runs(rate):
            return [{"nexmark_events_s": rate, "events_s_per_core": rate / 2,
                     "cpu_s_per_m_events": 0.5, "peak_rss_mib": 100.0}]
        nexmark = {"queries": {"q0": runs(4e6), "q5": runs(1e6), "q9": runs(3e6)},
                   "duckdb": {"queries": {"q0": {"events_s": 2e6}, "q5": {"events_s": 2e6},
                                          "q9": {"events_s": 1e6},
                                          "q7": {"error": "not run"}}}}
        rows = rows_by_workload(headline.headline(doc_with(bench("nexmark", nexmark))))
        self.assertAlmostEqual(rows["q0 pass-through, bids per core-second"]["ratio"], 0.2)
        self.assertAlmostEqual(rows["q0, all Nexmark events/s"]["ratio"], 2.0)
        self.assertAlmostEqual(rows["q5, all Nexmark events/s"]["ratio"], 0.5)
        self.assertNotIn("q9, all Nexmark events/s", rows)  # counted in the median only
        (all_rows,) = [r for w, r in rows.items() if w.startswith("all 3 queries")]
        self.assertAlmostEqual(all_rows["ratio"], 2.0)  # median of 2.0, 0.5 and 3.0
        self.assertIn("0.50x to 3.00x", all_rows["workload"])

    def test_failed_or_missing_benchmarks_leave_no_rows(self):
        self.assertEqual(headline.headline(doc_with(bench("kafka", KAFKA, status=1))), [])
        self.assertEqual(headline.headline(doc_with(bench("kafka", None))), [])
        self.assertEqual(headline.headline(doc_with()), [])

    def test_unexpected_shapes_give_an_error_row(self):
        broken = {"results": [{"query": "count", "spate": {"median_seconds": "soon",
                                                           "rows_per_second": 1.0}}]}
        rows = headline.headline(doc_with(bench("batch", broken)))
        self.assertEqual(len(rows), 1)
        self.assertIn("error", rows[0])
        self.assertIn("could not be summarized", headline.headline_markdown(rows))

    def test_markdown_marks_missing_figures(self):
        text = headline.headline_markdown(headline.headline(doc_with(bench("kafka", KAFKA))))
        self.assertIn("| 0.50x |", text)
        self.assertIn("| 400 / 1,000 / 2,000 |", text)
        self.assertIn("500 MB/s", text)


class DocsSummaryTest(unittest.TestCase):
    def test_inserted_once_then_replaced(self):
        run = load_run()
        doc = doc_with(bench("kafka", KAFKA))
        doc.update({"git": {"commit": "0123456789abcdef", "dirty": False},
                    "date": "2026-11-24 10:00:00 UTC", "command": "bench/run",
                    "load_average_at_end": [0.2, 0.2, 0.2], "seconds": 600.0})
        doc["headline"] = headline.headline(doc)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "benchmarks.md")
            with open(path, "w") as f:
                f.write("# Benchmarks\n\nIntro one.\n\nIntro two.\n\n## History\n\nold\n")
            run.update_docs(doc, path)
            doc["date"] = "2026-11-25 10:00:00 UTC"
            run.update_docs(doc, path)
            with open(path) as f:
                text = f.read()
        self.assertEqual(text.count(run.DOCS_BEGIN), 1)
        self.assertNotIn("2026-11-24 10:00", text)
        self.assertIn("## Latest full run: 2026-11-25 10:00:00 UTC", text)
        # After the first two paragraphs, before the history, which is kept.
        self.assertLess(text.index("Intro two."), text.index(run.DOCS_BEGIN))
        self.assertLess(text.index(run.DOCS_END), text.index("## History"))
        self.assertTrue(text.endswith("## History\n\nold\n"))


if __name__ == "__main__":
    unittest.main()
