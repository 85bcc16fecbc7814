"""SQL clients against a real `spate server`, as applications use them: node-postgres (`pg`,
tests/clients/node, extended protocol with parameters), psycopg2, and psql's \\d commands over
the engine's own sources and views.

Debian's /usr/bin/python3 (psycopg2); node with tests/clients/node installed by
scripts/bootstrap.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from spate_server import server_test_case  # noqa: E402

import psycopg2  # noqa: E402  (python3-psycopg2)
from confluent_kafka import Producer  # noqa: E402  (python3-confluent-kafka)

NODE_DIR = Path(__file__).resolve().parents[1] / "clients" / "node"
NODE = shutil.which("node")
TIMEOUT_S = 60


class pg_clients_test(server_test_case):
    def test_node_pg_simple_and_parameterized_queries(self):
        if NODE is None:
            self.fail("node is not installed: run scripts/bootstrap")
        if not (NODE_DIR / "node_modules" / "pg").is_dir():
            self.fail(f"pg is not installed in {NODE_DIR}: run scripts/bootstrap")
        server = self.start_server()
        r = subprocess.run([NODE, str(NODE_DIR / "sql_with_pg.js"), str(server.pg_port)],
                           capture_output=True, text=True, timeout=TIMEOUT_S)
        self.assertEqual(r.returncode, 0, r.stderr + "\n" + server.describe())
        out = json.loads(r.stdout.strip().splitlines()[-1])
        # pg parses int4 and bool; int8, numeric and timestamps stay strings unless configured.
        self.assertEqual(out["simple"]["two"], 2)
        self.assertEqual(out["simple"]["s"], "xy")
        self.assertEqual(out["simple"]["d"], "3.0")
        self.assertTrue(out["simple"]["b"])
        self.assertEqual(out["simple_types"], [23, 25, 1700, 1114, 16])
        self.assertEqual(out["params"], {"doubled": "42", "up": "SPATE", "q": 2.5})
        self.assertEqual(out["empty_count"], "0")
        self.assertEqual(out["error"]["code"], "42703")
        self.assertIn('column "nosuch" does not exist', out["error"]["message"])
        self.assertEqual(out["error"]["position"], "8")
        self.assertEqual(out["after_error"], 42)

    def test_psycopg2_types_errors_and_transactions(self):
        server = self.start_server()
        conn = self.connect(server)
        cur = conn.cursor()
        cur.execute("SELECT 7::bigint, 2.5::double precision, 'a'::text, NULL::bigint, "
                    "TIMESTAMP '2024-02-29 23:59:59.999', INTERVAL '90 seconds', 12.50")
        row = cur.fetchone()
        self.assertEqual(row[0], 7)
        self.assertEqual(row[1], 2.5)
        self.assertEqual(row[2], "a")
        self.assertIsNone(row[3])
        self.assertEqual(str(row[4]), "2024-02-29 23:59:59.999000")
        self.assertEqual(row[5].total_seconds(), 90)
        self.assertEqual(str(row[6]), "12.50")
        # psycopg2 interpolates parameters into the text it sends.
        cur.execute("SELECT %s + 1, upper(%s)", (41, "it's"))
        self.assertEqual(cur.fetchone(), (42, "IT'S"))
        with self.assertRaises(psycopg2.Error) as e:
            cur.execute("SELEC 1")
        self.assertEqual(e.exception.pgcode, "42601")
        # psycopg2 without autocommit wraps statements in BEGIN ... COMMIT.
        conn2 = psycopg2.connect(host="127.0.0.1", port=server.pg_port, user="spate",
                                 dbname="spate", connect_timeout=10)
        self.addCleanup(conn2.close)
        c2 = conn2.cursor()
        c2.execute("CREATE SOURCE tx_src (a BIGINT) WITH (topic = 'tx_src')")
        conn2.commit()
        cur.execute("SHOW SOURCES")
        self.assertEqual([r[0] for r in cur.fetchall()], ["tx_src"])

    def test_psql_describes_sources_and_views(self):
        psql = shutil.which("psql")
        if psql is None:
            self.fail("psql is not installed: run scripts/bootstrap")
        server = self.start_server()
        cur = self.connect(server).cursor()
        cur.execute("CREATE SOURCE clicks (usr TEXT NOT NULL, ms BIGINT, ts TIMESTAMP, "
                    "WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH (topic = 'clicks')")
        cur.execute("CREATE MATERIALIZED VIEW per_user AS SELECT usr, count(*) AS n "
                    "FROM clicks GROUP BY usr")

        def run(command):
            r = subprocess.run([psql, "-X", "-h", "127.0.0.1", "-p", str(server.pg_port), "-U",
                                "spate", "-d", "spate", "-c", command],
                               capture_output=True, text=True, timeout=TIMEOUT_S,
                               env={**os.environ, "PGCONNECT_TIMEOUT": "10"})
            self.assertEqual(r.returncode, 0, r.stderr + "\n" + server.describe())
            return r.stdout

        listing = run("\\d")
        self.assertRegex(listing, r"clicks\s*\|\s*table")
        self.assertRegex(listing, r"per_user\s*\|\s*materialized view")
        table = run("\\d clicks")
        self.assertRegex(table, r"usr\s*\|\s*text\s*\|\s*\|\s*not null")
        self.assertRegex(table, r"ts\s*\|\s*timestamp\(3\) without time zone")
        view = run("\\d per_user")
        self.assertRegex(view, r"n\s*\|\s*bigint")

    def test_show_pipelines_counts_records_invalid_and_late_rows(self):
        server = self.start_server()
        cur = self.connect(server).cursor()
        cur.execute("CREATE SOURCE bids (auction BIGINT, price BIGINT CHECK (price > 0), "
                    "ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) "
                    "WITH (topic = 'bids')")
        cur.execute("CREATE MATERIALIZED VIEW per_window AS SELECT window_start, auction, "
                    "count(*) AS n FROM TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND) "
                    "GROUP BY window_start, window_end, auction")
        producer = Producer({"bootstrap.servers": server.bootstrap})
        for value in ('{"auction":1,"price":5,"ts":"2024-01-01 00:00:01"}',
                      '{"auction":1,"price":-5,"ts":"2024-01-01 00:00:02"}',
                      '{"auction":2,"price":5,"ts":"2024-01-01 00:00:31"}'):
            producer.produce("bids", value.encode(), partition=0)
        self.assertEqual(producer.flush(10), 0)
        # Once 31 s is read, the window [0 s, 10 s) has closed: a row for it is late.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            cur.execute("SELECT count(*) FROM per_window")
            if cur.fetchone()[0] == 1:
                break
            time.sleep(0.05)
        producer.produce("bids", b'{"auction":3,"price":5,"ts":"2024-01-01 00:00:03"}',
                         partition=0)
        self.assertEqual(producer.flush(10), 0)
        want = {"per_window": ("materialized view", 4, 1, 1, 1),
                "bids (validation)": ("source validation", 4, 1, 0, 0)}
        got = None
        while time.monotonic() < deadline + 10:
            cur.execute("SHOW PIPELINES")
            self.assertEqual([d[0] for d in cur.description],
                             ["name", "kind", "records_in", "invalid", "late", "rows_out",
                              "state_bytes", "result_rows"])
            got = {r[0]: (r[1], r[2], r[3], r[4], r[7]) for r in cur.fetchall()}
            if got == want:
                break
            time.sleep(0.05)
        self.assertEqual(got, want, server.describe())

    def test_show_operators_gives_each_joins_state(self):
        server = self.start_server()
        cur = self.connect(server).cursor()
        cur.execute("CREATE SOURCE orders (id BIGINT, customer BIGINT) WITH (topic = 'orders')")
        cur.execute("CREATE SOURCE customers (id BIGINT, name TEXT) WITH (topic = 'customers')")
        cur.execute("CREATE MATERIALIZED VIEW named AS SELECT o.id, c.name FROM orders o "
                    "JOIN customers c ON o.customer = c.id")
        self.assertIn("unbounded state in named: the join keeps every row of both inputs",
                      " ".join(cur.connection.notices))
        producer = Producer({"bootstrap.servers": server.bootstrap})
        for i in range(100):
            producer.produce("orders", f'{{"id":{i},"customer":{i % 10}}}'.encode())
        producer.produce("customers", b'{"id":1,"name":"ann"}')
        self.assertEqual(producer.flush(10), 0)
        deadline = time.monotonic() + 10
        rows = []
        while time.monotonic() < deadline:
            cur.execute("SHOW OPERATORS")
            self.assertEqual([d[0] for d in cur.description],
                             ["name", "stage", "position", "operator", "state_bytes"])
            rows = [r for r in cur.fetchall() if "join inner" in r[3]]
            cur.execute("SELECT count(*) FROM named")
            if cur.fetchone()[0] == 10:
                break
            time.sleep(0.05)
        # Once every order met the customer, the join keeps all 101 rows over the shards.
        cur.execute("SHOW OPERATORS")
        rows = [r for r in cur.fetchall() if "join inner" in r[3]]
        self.assertEqual(len(rows), 1, rows)
        name, stage, position, operator, state_bytes = rows[0]
        self.assertEqual((name, stage, position), ("named", 1, 0))
        self.assertGreater(state_bytes, 101 * 16, operator)
        self.assertIn("left:", operator)


if __name__ == "__main__":
    unittest.main()
