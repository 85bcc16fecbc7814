"""Tests of the SQL test runner itself: the .test parser and the value comparison without a
server; the Kafka directives (produce, consume, restart, kill) against a spate server started
with --no-pg when SPATE_BIN is set; and the SQL directives against a real PostgreSQL when
SLT_SELFTEST_DSN names one (runner_selftest/basics.test must pass, every file under
runner_selftest/must_fail must fail with the lines its '# expect:' comments give, and with
SPATE_BIN too, runner_selftest/server_mode.test runs in --server mode through a stand-in that
announces the PostgreSQL as spate's Postgres listener: that PostgreSQL needs a role and a
database named spate).

Debian's /usr/bin/python3: python3 -m unittest test_slt_runner (from tests/sql).
"""

import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

# Keep __pycache__ out of the source tree, whoever runs this.
sys.dont_write_bytecode = True

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import slt_parser as slt  # noqa: E402
import slt_values as values  # noqa: E402

SELFTEST = HERE / "runner_selftest"
RUNNER = HERE / "slt_runner.py"


def parse(text):
    return slt.parse_text(text, "t.test")[0]


class parser_test(unittest.TestCase):
    def test_header_and_statement(self):
        records, info = slt.parse_text(
            "# name: a/b.test\n# description: what it is\n\nstatement ok\nCREATE TABLE t (a int)\n",
            "t.test")
        self.assertEqual((info.name, info.description), ("a/b.test", "what it is"))
        self.assertEqual(len(records), 1)
        self.assertIsInstance(records[0], slt.statement_record)
        self.assertTrue(records[0].expect_ok)
        self.assertEqual(records[0].sql, "CREATE TABLE t (a int)")
        self.assertEqual(records[0].line, 4)

    def test_statement_error_forms(self):
        r = parse("statement error 42P01 relation .* does not exist\nSELECT * FROM x\n")[0]
        self.assertFalse(r.expect_ok)
        self.assertEqual(r.sqlstate, "42P01")
        self.assertEqual(r.message_re, "relation .* does not exist")
        r = parse("statement error ERROR: boom\nSELECT 1\n")[0]
        self.assertIsNone(r.sqlstate, "a word without a digit is not a SQLSTATE")
        self.assertEqual(r.message_re, "ERROR: boom")
        r = parse("statement error\nSELECT 1\n----\nsome text\n")[0]
        self.assertEqual((r.sql, r.message_substring), ("SELECT 1", "some text"))

    def test_query_options(self):
        r = parse("query ITR rowsort lbl wait 2.5\nSELECT 1\nFROM t\n----\n1\ta\t0.5\n")[0]
        self.assertEqual((r.types, r.sort, r.label, r.wait_s), ("ITR", "rowsort", "lbl", 2.5))
        self.assertEqual(r.sql, "SELECT 1\nFROM t")
        self.assertEqual(r.expected, ["1\ta\t0.5"])
        r = parse("query I retry=3\nSELECT 1\n----\n1\n")[0]
        self.assertEqual((r.sort, r.wait_s), ("nosort", 3.0))
        r = parse("query I\nSELECT 1\n----\n2 values hashing to "
                  "0123456789abcdef0123456789abcdef\n")[0]
        self.assertEqual(r.expected_hash, (2, "0123456789abcdef0123456789abcdef"))

    def test_records_split_on_blank_lines_and_conditions(self):
        records = parse("skipif postgres\nonlyif spate\nstatement ok\nSELECT 1\n\n"
                        "mode skip\n\nsleep 20\n\nsleep 1 seconds\n\nrestart\n\nkill\n\nhalt\n")
        self.assertEqual(records[0].conditions, [("skipif", "postgres"), ("onlyif", "spate")])
        self.assertEqual(records[0].line, 3)
        self.assertIsInstance(records[1], slt.mode_record)
        self.assertAlmostEqual(records[2].seconds, 0.02)
        self.assertEqual(records[3].seconds, 1.0)
        self.assertFalse(records[4].kill)
        self.assertTrue(records[5].kill)
        self.assertIsInstance(records[6], slt.halt_record)

    def test_produce(self):
        r = parse("produce orders partition=1 partitions=4\n{\"a\": 1}\n(empty)\n(null)\n")[0]
        self.assertEqual((r.topic, r.partition, r.partitions, r.keyed), ("orders", 1, 4, False))
        self.assertEqual(r.records, [(None, b'{"a": 1}'), (None, b""), (None, None)])
        r = parse("produce t keyed\nk1|v|with bar\n(null)|x\n")[0]
        self.assertEqual(r.records, [(b"k1", b"v|with bar"), (None, b"x")])
        r = parse("produce t key=abc\nv\n")[0]
        self.assertEqual(r.records, [(b"abc", b"v")])
        r = parse("produce t partitions=2\n")[0]
        self.assertEqual((r.partitions, r.records), (2, []))

    def test_consume(self):
        r = parse("consume sink count=2 wait=3 rowsort json keyed\n----\na|{}\nb|[]\n")[0]
        self.assertEqual((r.topic, r.count, r.wait_s, r.sort, r.json, r.keyed),
                         ("sink", 2, 3.0, "rowsort", True, True))
        self.assertEqual(r.expected, ["a|{}", "b|[]"])
        r = parse("consume empty\n----\n")[0]
        self.assertEqual((r.expected, r.count, r.wait_s), ([], None, slt.DEFAULT_CONSUME_WAIT_S))

    def assert_parse_error(self, text, line, words):
        with self.assertRaises(slt.parse_error) as caught:
            parse(text)
        self.assertEqual(caught.exception.line, line, str(caught.exception))
        self.assertIn(words, str(caught.exception))

    def test_bad_input(self):
        self.assert_parse_error("\n\nquery IX\nSELECT 1\n----\n1\n", 3, "type letter")
        self.assert_parse_error("query\nSELECT 1\n----\n1\n", 1, "column types")
        self.assert_parse_error("query I\nSELECT 1\n", 1, "without '----'")
        self.assert_parse_error("query I\n----\n1\n", 1, "without SQL")
        self.assert_parse_error("query I nosort a b\nSELECT 1\n----\n1\n", 1, "unexpected 'b'")
        self.assert_parse_error("query I wait\nSELECT 1\n----\n1\n", 1, "needs a number")
        self.assert_parse_error("query I wait x\nSELECT 1\n----\n1\n", 1, "not a number")
        self.assert_parse_error("statement\nSELECT 1\n", 1, "statement ok")
        self.assert_parse_error("statement ok extra\nSELECT 1\n", 1, "nothing after")
        self.assert_parse_error("statement ok\n", 1, "without SQL")
        self.assert_parse_error("statement error [unclosed\nSELECT 1\n", 1, "bad message regex")
        self.assert_parse_error("produce t keyed\nnobar\n", 2, "key|value")
        self.assert_parse_error("produce t partition=-1\nv\n", 1, "partition= needs")
        self.assert_parse_error("produce t colour=red\nv\n", 1, "unknown or malformed option")
        self.assert_parse_error("produce t\n", 1, "without records")
        self.assert_parse_error("produce t key=a keyed\na|b\n", 1, "exclude")
        self.assert_parse_error("consume t count=3\n----\na\n", 1, "count=3 but 1")
        self.assert_parse_error("consume t\nx\n----\na\n", 1, "no lines before")
        self.assert_parse_error("consume t wait=abc\n----\n", 1, "not a number")
        self.assert_parse_error("sleep\n", 1, "sleep N")
        self.assert_parse_error("sleep 5 fortnights\n", 1, "unknown time unit")
        self.assert_parse_error("sleep -5\n", 1, "negative")
        self.assert_parse_error("restart now\n", 1, "unknown or malformed")
        self.assert_parse_error("frobnicate\n", 1, "unknown or malformed")
        self.assert_parse_error("restart\nextra line\n", 2, "no lines after")
        self.assert_parse_error("skipif spate\n", 1, "without a directive")
        self.assert_parse_error("skipif\nstatement ok\nSELECT 1\n", 1, "one engine name")


class values_test(unittest.TestCase):
    def test_format_value(self):
        self.assertEqual(values.format_value(None), "NULL")
        self.assertEqual(values.format_value(""), "(empty)")
        self.assertEqual(values.format_value("a\tb\nc\rd"), "a\\tb\\nc\\rd")
        self.assertEqual(values.format_value("2024-01-01 10:00:00"), "2024-01-01 10:00:00")

    def test_reals(self):
        self.assertTrue(values.reals_match("0.333", "0.3333333333333333"))
        self.assertTrue(values.reals_match("0.334", "0.3335"))
        self.assertFalse(values.reals_match("0.334", "0.3333333333333333"))
        self.assertTrue(values.reals_match("1e+20", "1e+20"))
        self.assertTrue(values.reals_match("100000000000000000000", "1e+20"))
        self.assertFalse(values.reals_match("1", "1.4"), "no decimals: no rounding allowance")
        self.assertTrue(values.reals_match("1", "1.0000000000001"))
        self.assertFalse(values.reals_match("NaN", "1"))
        self.assertTrue(values.reals_match("NaN", "NaN"))
        self.assertFalse(values.reals_match("Infinity", "1e308"))
        self.assertFalse(values.reals_match("NULL", "0"))
        self.assertFalse(values.reals_match("abc", "abd"))
        self.assertTrue(values.values_match("0.5", "0.50", "R"))
        self.assertFalse(values.values_match("0.5", "0.50", "T"), "text compares exactly")

    def test_sort_rows(self):
        rows = [["2", "b"], ["1", "z"], ["10", "a"]]
        self.assertEqual(values.sort_rows(rows, "nosort"), rows)
        self.assertEqual(values.sort_rows(rows, "rowsort"), [["1", "z"], ["10", "a"], ["2", "b"]])
        self.assertEqual(values.sort_rows(rows, "valuesort"),
                         [["1"], ["10"], ["2"], ["a"], ["b"], ["z"]])

    def test_hash(self):
        self.assertEqual(values.values_hash([["1"], ["2"], ["3"]]),
                         (3, "c0710d6b4f15dfa88f600b0e6b624077"))
        self.assertNotEqual(values.values_hash([["1", "2"], ["3"]])[1],
                            values.values_hash([["1"], ["2"], ["4"]])[1])

    def test_split_expected(self):
        self.assertEqual(values.split_expected(["1\ta", "2\tb"], 2), ([["1", "a"], ["2", "b"]],
                                                                      None))
        self.assertEqual(values.split_expected(["1", "a", "2", "b"], 2),
                         ([["1", "a"], ["2", "b"]], None))
        rows, problem = values.split_expected(["1 a"], 2)
        self.assertIsNone(rows)
        self.assertIn("tabs, not spaces", problem)
        rows, problem = values.split_expected(["1\ta\tx"], 2)
        self.assertIn("line 1 has 3 value(s)", problem)
        rows, problem = values.split_expected(["1", "a", "2"], 2)
        self.assertIsNotNone(problem)


def run_runner(*args, timeout=120):
    return subprocess.run([sys.executable, str(RUNNER), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=HERE)


def expectations(path):
    return [m.group(1) for m in re.finditer(r"^# expect: (.*)$", path.read_text(), re.M)]


class must_fail_mixin:
    def check_must_fail(self, directory, *args):
        files = sorted(directory.glob("*.test"))
        self.assertTrue(files)
        for f in files:
            with self.subTest(file=f.name):
                wanted = expectations(f)
                self.assertTrue(wanted, f"{f} has no '# expect:' lines")
                result = run_runner(*args, str(f))
                self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
                self.assertIn(f"FAIL {f}", result.stdout)
                for text in wanted:
                    self.assertIn(text, result.stdout)


@unittest.skipUnless(os.environ.get("SPATE_BIN"), "SPATE_BIN is not set")
class kafka_directives_test(unittest.TestCase, must_fail_mixin):
    def test_kafka_only_file_passes(self):
        result = run_runner("--server", "--no-pg", str(SELFTEST / "kafka_only.test"))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("PASS", result.stdout)

    def test_kafka_mistakes_fail(self):
        self.check_must_fail(SELFTEST / "kafka_must_fail", "--server", "--no-pg")

    def test_sql_directive_without_postgres_fails(self):
        result = run_runner("--server", "--no-pg", str(SELFTEST / "basics.test"))
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("no Postgres connection", result.stdout)


@unittest.skipUnless(os.environ.get("SLT_SELFTEST_DSN"), "SLT_SELFTEST_DSN names no PostgreSQL")
class postgres_test(unittest.TestCase, must_fail_mixin):
    def test_basics_pass(self):
        result = run_runner("--dsn", os.environ["SLT_SELFTEST_DSN"], str(SELFTEST / "basics.test"))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_mistakes_fail(self):
        self.check_must_fail(SELFTEST / "must_fail", "--dsn", os.environ["SLT_SELFTEST_DSN"])

    @unittest.skipUnless(os.environ.get("SPATE_BIN"), "SPATE_BIN is not set")
    def test_server_mode_with_restart_and_kill(self):
        # spate does not speak Postgres yet: a stand-in announces the PostgreSQL's port.
        port = re.search(r"port=(\d+)", os.environ["SLT_SELFTEST_DSN"])
        env = dict(os.environ, SLT_FAKE_PG_PORT=port.group(1) if port else "5432",
                   SLT_REAL_SPATE_BIN=os.environ["SPATE_BIN"],
                   SPATE_BIN=str(SELFTEST / "spate_with_postgres.py"))
        result = subprocess.run([sys.executable, str(RUNNER), "--server",
                                 str(SELFTEST / "server_mode.test")], capture_output=True,
                                text=True, timeout=120, cwd=HERE, env=env)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("PASS", result.stdout)

    def test_timeout_cancels_a_hung_query(self):
        with tempfile.TemporaryDirectory() as tmp:
            slow = Path(tmp) / "slow.test"
            slow.write_text("query T\nSELECT pg_sleep(60)::text\n----\n(empty)\n")
            start = time.monotonic()
            result = run_runner("--dsn", os.environ["SLT_SELFTEST_DSN"], "--timeout", "1",
                                str(slow))
            self.assertLess(time.monotonic() - start, 30)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("timed out after 1 s", result.stdout)

    def test_directory_run_counts_and_filter(self):
        result = run_runner("--dsn", os.environ["SLT_SELFTEST_DSN"], "--filter", "wrong_",
                            str(SELFTEST / "must_fail"))
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stdout, r"0 passed, [4-9] failed, 0 skipped")
        self.assertNotIn("order.test", result.stdout)


class usage_test(unittest.TestCase):
    def test_needs_a_target(self):
        result = run_runner(str(SELFTEST / "basics.test"))
        self.assertEqual(result.returncode, 2)

    def test_no_files(self):
        result = run_runner("--dsn", "host=nowhere", "--filter", "matches-nothing-at-all")
        self.assertEqual(result.returncode, 2)
        self.assertIn("no .test files", result.stderr)

    def test_unreachable_dsn_fails_the_file(self):
        result = run_runner("--dsn", "host=127.0.0.1 port=1 connect_timeout=2",
                            str(SELFTEST / "basics.test"))
        self.assertEqual(result.returncode, 1)
        self.assertIn("cannot start or connect", result.stdout)


if __name__ == "__main__":
    unittest.main()
