"""The Nexmark queries of bench/nexmark in spate against DuckDB on the same events.

`spate nexmark` writes N events (NEXMARK_ORACLE_EVENTS, default 200,000) both into a server's
topics and into NDJSON files; DuckDB (tests/oracle) computes each query's rows from the files.
For every query, spate's bounded SELECT must give exactly DuckDB's rows; for the windowed ones,
a materialized view must come to hold exactly DuckDB's rows for every window the watermark
(4 s behind the last bid) has closed. With 1, 2 and 4 partitions, and across a restart
(SIGTERM, then SIGKILL) between the two halves of the events.

Debian's /usr/bin/python3 with psycopg2 and confluent_kafka; node with tests/oracle's
node_modules (scripts/bootstrap installs them).
"""

import datetime
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

import confluent_kafka

# Keep __pycache__ out of the source tree, whoever runs this.
sys.dont_write_bytecode = True

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
QUERY_DIR = ROOT / "bench" / "nexmark"
sys.path.insert(0, str(ROOT / "tests" / "oracle"))
sys.path.insert(0, str(ROOT / "tests" / "sql"))
import oracle  # noqa: E402
import slt_runner  # noqa: E402  (connect(): a connection whose values stay text)
from spate_server import SPATE_BIN, server_test_case  # noqa: E402

EVENTS = int(os.environ.get("NEXMARK_ORACLE_EVENTS", "200000"))
# Event-time rate (events per second of event time): 2,000/s spreads 200,000 events over 100 s,
# ten tumbling windows of 10 s rather than the two of the default 10,000/s.
RATE = 2000
# How long a view may take to catch up with everything produced.
VIEW_TIMEOUT_S = 90
NEXMARK_TIMEOUT_S = 120
# The sources' watermark: this far behind the largest event time.
WATERMARK_DELAY = datetime.timedelta(seconds=4)

# Each query in DuckDB's SQL over the NDJSON files: the same rows as bench/nexmark/NAME.sql.
# Windows by epoch arithmetic (epoch_ms of a timestamp; make_timestamp takes microseconds).
DUCKDB_SQL = {
    "q0": 'SELECT auction, bidder, price, "dateTime", extra FROM bid',
    "q1": 'SELECT auction, bidder, 0.908 * price AS price, "dateTime", extra FROM bid',
    "q2": "SELECT auction, price FROM bid WHERE auction % 123 = 0",
    # Each bid is in the five 10 s windows starting at its 2 s slot and the four before.
    "q5_inner": """
        SELECT auction, count(*) AS num, make_timestamp(ws * 1000) AS starttime,
               make_timestamp((ws + 10000) * 1000) AS endtime
        FROM (SELECT auction, (epoch_ms("dateTime") // 2000) * 2000 - k * 2000 AS ws
              FROM bid, range(0, 5) AS r(k))
        GROUP BY auction, ws""",
    "q7_inner": """
        SELECT max(price) AS maxprice,
               make_timestamp((epoch_ms("dateTime") // 10000 + 1) * 10000000) AS "dateTime"
        FROM bid
        GROUP BY 2""",
}
QUERIES = list(DUCKDB_SQL)
# The windowed queries (kept as materialized views) and the position of their window's end.
WINDOW_END_COLUMN = {"q5_inner": 3, "q7_inner": 1}

DATETIME_RE = re.compile(rb'"dateTime":"([^"]+)"')
# Kafka keys of the events, as `spate nexmark` writes them.
KEY_FIELD = {"person": "id", "auction": "id", "bid": "auction"}


def query_text(name):
    """bench/nexmark/NAME.sql without its comment lines."""
    lines = (QUERY_DIR / f"{name}.sql").read_text().splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("--")).strip()


def statements(path):
    """The statements of a .sql file (comment lines dropped, split at semicolons)."""
    lines = Path(path).read_text().splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("--"))
    return [s.strip() for s in text.split(";") if s.strip()]


def parse_time(text):
    return datetime.datetime.fromisoformat(text)


def closed_lines(lines, column, watermark):
    """The lines whose window end (at column) is at or before watermark."""
    return [l for l in lines if parse_time(l.split("\t")[column]) <= watermark]


def run_nexmark(*args):
    """Runs `spate nexmark ARGS`; raises AssertionError with its output if it fails."""
    result = subprocess.run([SPATE_BIN, "nexmark", *map(str, args)], capture_output=True,
                            text=True, timeout=NEXMARK_TIMEOUT_S)
    if result.returncode != 0:
        raise AssertionError(f"spate nexmark {' '.join(map(str, args))} exited "
                             f"{result.returncode}\n{result.stdout}{result.stderr}")


def max_bid_time(path):
    """The largest dateTime of an NDJSON bid file (the text format sorts as time does)."""
    return parse_time(max(DATETIME_RE.findall(Path(path).read_bytes())).decode())


class nexmark_oracle_test(server_test_case):
    """One server per case; the files and DuckDB's answers are made once for the class."""

    @classmethod
    def setUpClass(cls):
        if not (ROOT / "tests" / "oracle" / "node_modules").is_dir():
            raise AssertionError("tests/oracle/node_modules is missing: run scripts/bootstrap")
        if not SPATE_BIN:
            raise AssertionError("SPATE_BIN is not set: point it at the built spate binary")
        cls._files = tempfile.TemporaryDirectory(prefix="spate-nexmark-oracle-")
        cls.files = Path(cls._files.name)
        cls.full = cls.files / "full"
        run_nexmark("--output-dir", cls.full, "--events", EVENTS, "--rate", RATE)
        tables = {"bid": cls.full / "bid.json"}
        cls.expected = {q: oracle.duckdb_lines(DUCKDB_SQL[q], tables) for q in QUERIES}
        cls.watermark = max_bid_time(cls.full / "bid.json") - WATERMARK_DELAY

    @classmethod
    def tearDownClass(cls):
        cls._files.cleanup()

    def test_oracle_sanity(self):
        # The oracle's answers are not empty, and the closed windows are several but not all
        # (else the view comparison would prove little).
        for q in QUERIES:
            self.assertGreater(len(self.expected[q]), 0, q)
        for q, col in WINDOW_END_COLUMN.items():
            closed = closed_lines(self.expected[q], col, self.watermark)
            self.assertGreaterEqual(len({l.split("\t")[col] for l in closed}), 5, q)
            self.assertLess(len(closed), len(self.expected[q]), q)

    # --- helpers ----------------------------------------------------------------------------

    def start_pg_server(self, data_dir=None):
        return self.start_server("--pg-addr", "127.0.0.1:0", "--shards", "2",
                                 data_dir=data_dir)

    def connect(self, server):
        conn = slt_runner.connect(f"host=127.0.0.1 port={server.pg_port} user=spate "
                                  f"dbname=spate sslmode=disable gssencmode=disable "
                                  f"application_name=nexmark_oracle")
        self.addCleanup(conn.close)
        return conn

    def create_sources_and_views(self, conn):
        with conn.cursor() as cur:
            for stmt in statements(QUERY_DIR / "sources.sql"):
                cur.execute(stmt)
            for q in WINDOW_END_COLUMN:
                cur.execute(f"CREATE MATERIALIZED VIEW {q} AS {query_text(q)}")

    def select_lines(self, conn, sql):
        with conn.cursor() as cur:
            cur.execute(sql)
            return oracle.server_lines(cur.fetchall())

    def check_bounded(self, conn, what):
        for q in QUERIES:
            got = self.select_lines(conn, query_text(q))
            want = self.expected[q]
            self.assertEqual(len(got), len(want), f"{what}: {q}: row count\n"
                             + oracle.diff_lines(want[:200], got[:200]))
            self.assertTrue(got == want, f"{what}: {q}\n" + oracle.diff_lines(want, got)[:5000])

    def wait_views(self, conn, what, watermark=None):
        """Waits until each view's closed windows (end <= watermark) equal DuckDB's."""
        watermark = watermark or self.watermark
        for q, col in WINDOW_END_COLUMN.items():
            want = closed_lines(self.expected[q], col, watermark)
            deadline = time.monotonic() + VIEW_TIMEOUT_S
            while True:
                got = closed_lines(self.select_lines(conn, f"SELECT * FROM {q}"), col, watermark)
                if got == want or time.monotonic() >= deadline:
                    break
                time.sleep(0.5)
            self.assertTrue(got == want, f"{what}: view {q} after {VIEW_TIMEOUT_S} s "
                            f"({len(got)} closed rows, {len(want)} expected)\n"
                            + oracle.diff_lines(want, got)[:5000])

    # --- partitions -------------------------------------------------------------------------

    def check_partitions(self, partitions):
        server = self.start_pg_server()
        run_nexmark("--bootstrap-server", server.bootstrap, "--events", EVENTS,
                    "--partitions", partitions, "--rate", RATE)
        conn = self.connect(server)
        self.create_sources_and_views(conn)
        what = f"{partitions} partition(s)"
        self.check_bounded(conn, what)
        self.wait_views(conn, what)

    def test_one_partition(self):
        self.check_partitions(1)

    def test_two_partitions(self):
        self.check_partitions(2)

    def test_four_partitions(self):
        self.check_partitions(4)

    # --- restarts ---------------------------------------------------------------------------

    def produce_rest(self, bootstrap, half_dir):
        """Produces the events of the full files after those of half_dir's (which must be
        their first lines), keyed as `spate nexmark` keys them, with Java's partitioner."""
        producer = confluent_kafka.Producer({
            "bootstrap.servers": bootstrap, "acks": "all", "partitioner": "murmur2_random",
            "linger.ms": 5, "enable.idempotence": False})
        errors = []

        def on_delivery(err, _msg):
            if err is not None:
                errors.append(err)

        for topic in ("person", "auction", "bid"):
            full = (self.full / f"{topic}.json").read_bytes().splitlines()
            half = (half_dir / f"{topic}.json").read_bytes().splitlines()
            self.assertEqual(full[:len(half)], half,
                             f"{topic}: the first {EVENTS // 2} events differ from the first "
                             f"part of {EVENTS}")
            for line in full[len(half):]:
                key = str(json.loads(line)[KEY_FIELD[topic]]).encode()
                while True:
                    try:
                        producer.produce(topic, line, key, on_delivery=on_delivery)
                        break
                    except BufferError:
                        producer.poll(0.1)
                producer.poll(0)
        self.assertEqual(producer.flush(60), 0, "records still undelivered after 60 s")
        self.assertEqual(errors, [], "delivery errors")

    def check_restart(self, sig):
        half = EVENTS // 2
        half_dir = self.tmp / "half"
        run_nexmark("--output-dir", half_dir, "--events", half, "--rate", RATE)
        data_dir = self.tmp / "data"
        server = self.start_pg_server(data_dir)
        run_nexmark("--bootstrap-server", server.bootstrap, "--events", half, "--partitions", 2,
                    "--rate", RATE)
        conn = self.connect(server)
        self.create_sources_and_views(conn)
        # Windows closed by the first half hold only first-half bids: DuckDB's rows for them.
        what = f"before {sig.name}"
        half_watermark = max_bid_time(half_dir / "bid.json") - WATERMARK_DELAY
        for q, col in WINDOW_END_COLUMN.items():
            self.assertNotEqual(closed_lines(self.expected[q], col, half_watermark), [], q)
        self.wait_views(conn, what, half_watermark)
        conn.close()
        if sig == signal.SIGKILL:
            server.kill()
        else:
            self.stop_server(server, sig)
        server = self.start_pg_server(data_dir)
        self.produce_rest(server.bootstrap, half_dir)
        conn = self.connect(server)
        what = f"after {sig.name}"
        self.wait_views(conn, what)
        self.check_bounded(conn, what)

    def test_restart_sigterm(self):
        self.check_restart(signal.SIGTERM)

    def test_restart_sigkill(self):
        self.check_restart(signal.SIGKILL)


if __name__ == "__main__":
    unittest.main()
