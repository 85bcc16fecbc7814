"""The oracle's output against PostgreSQL's own: the same data loaded into a real PostgreSQL
(SLT_SELFTEST_DSN) and into DuckDB (duckdb_query.js), the same query in both, the rows written
by oracle.py, compared line for line. Checks that the oracle prints integers, floats (float8
and float4), text, NULL, booleans, timestamps and intervals exactly as Postgres does.

Skipped unless SLT_SELFTEST_DSN names a PostgreSQL and node_modules is installed.
/usr/bin/python3 -m unittest test_oracle_vs_postgres (from tests/oracle).
"""

import json
import os
import sys
import unittest
from pathlib import Path

# Keep __pycache__ out of the source tree, whoever runs this.
sys.dont_write_bytecode = True

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "sql"))

import oracle  # noqa: E402

DSN = os.environ.get("SLT_SELFTEST_DSN")
BIDS = HERE / "testdata" / "bids.json"
NUMBERS = HERE / "testdata" / "numbers.json"


@unittest.skipUnless(DSN, "SLT_SELFTEST_DSN names no PostgreSQL")
@unittest.skipUnless((HERE / "node_modules").is_dir(), "npm ci has not run in tests/oracle")
class oracle_vs_postgres_test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import slt_runner
        cls.conn = slt_runner.connect(DSN)
        with cls.conn.cursor() as cur:
            cur.execute('CREATE TEMP TABLE bid (auction int8, bidder int8, price int8, '
                        'channel text, url text, "dateTime" timestamp, extra text)')
            for line in BIDS.read_text().splitlines():
                r = json.loads(line)
                cur.execute("INSERT INTO bid VALUES (%s, %s, %s, %s, %s, %s, %s)",
                            (r["auction"], r["bidder"], r["price"], r["channel"], r["url"],
                             r["dateTime"], r["extra"]))
            cur.execute("CREATE TEMP TABLE numbers (id int8, x float8, label text)")
            for line in NUMBERS.read_text().splitlines():
                r = json.loads(line)
                cur.execute("INSERT INTO numbers VALUES (%s, %s, %s)",
                            (r["id"], r["x"], r["label"]))

    @classmethod
    def tearDownClass(cls):
        cls.conn.close()

    def compare(self, duckdb_sql, postgres_sql=None):
        want = oracle.duckdb_lines(duckdb_sql, {"bid": BIDS, "numbers": NUMBERS})
        with self.conn.cursor() as cur:
            cur.execute(postgres_sql or duckdb_sql)
            got = oracle.server_lines(cur.fetchall())
        self.assertTrue(want)
        self.assertEqual(got, want, oracle.diff_lines(want, got))

    def test_group_by(self):
        self.compare('SELECT auction, count(*), sum(price), max("dateTime"), min(channel), '
                     'max(price) > 20, max("dateTime") - min("dateTime") FROM bid '
                     'GROUP BY auction')

    def test_tumbling_window(self):
        self.compare("SELECT time_bucket(INTERVAL '10 seconds', \"dateTime\") AS w, count(*), "
                     "max(price) FROM bid GROUP BY w",
                     "SELECT date_bin('10 seconds', \"dateTime\", timestamp '2000-01-01') AS w, "
                     "count(*), max(price) FROM bid GROUP BY w")

    def test_floats_text_and_nulls(self):
        self.compare("SELECT id, x, x * 3, x / 7, CAST(x AS REAL), -x, label FROM numbers")

    def test_a_wrong_oracle_result_differs(self):
        want = oracle.duckdb_lines("SELECT count(*) FROM bid", {"bid": BIDS})
        with self.conn.cursor() as cur:
            cur.execute("SELECT count(*) - 1 FROM bid")
            got = oracle.server_lines(cur.fetchall())
        self.assertNotEqual(got, want)
        self.assertIn("-5", oracle.diff_lines(want, got))


if __name__ == "__main__":
    unittest.main()
