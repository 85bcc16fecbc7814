#!/usr/bin/python3
"""Runs spate's SQL tests: .test files in DuckDB's sqllogictest dialect plus streaming
directives (produce, consume, waiting queries, restart, kill), against a spate server it starts
for each file (--server, SPATE_BIN) or an existing Postgres-protocol server (--dsn).
tests/sql/README.md describes the format.

    slt_runner.py --server tests/sql                      # every .test under tests/sql
    slt_runner.py --server --filter window tests/sql      # the files whose path has 'window'
    slt_runner.py --dsn 'host=127.0.0.1 port=5432 user=postgres' tests/sql/runner_selftest

Prints PASS/FAIL/SKIP per file, and for a failure the directive's file:line, its SQL and the
expected and actual results. Exit code 0 when every file passed or was skipped, 1 when one
failed, 2 for bad usage. Debian's /usr/bin/python3 with psycopg2 and kafka-python.
"""

import argparse
import difflib
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg2
import psycopg2.extensions

# Keep __pycache__ out of the source tree, whoever runs this.
sys.dont_write_bytecode = True

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "system"))
import slt_kafka  # noqa: E402
import slt_parser as slt  # noqa: E402
import slt_values as values  # noqa: E402
import spate_server  # noqa: E402  (tests/system/spate_server.py)

SELFTEST_DIR = "runner_selftest"
CONNECT_TIMEOUT_S = 10
RETRY_PAUSE_S = 0.1
MAX_SHOWN_ROWS = 50


class failure(Exception):
    """A directive whose outcome differs from the file's expectation; the message says how."""


class skip_file(Exception):
    """The file needs something this run does not have (require, restart without --server)."""


def _raw_text(value, _cursor):
    return value


def connect(dsn):
    """A connection in autocommit whose cursors return every value as the server's text."""
    conn = psycopg2.connect(dsn, connect_timeout=CONNECT_TIMEOUT_S)
    conn.autocommit = True
    for oid in list(psycopg2.extensions.string_types.keys()):
        psycopg2.extensions.register_type(
            psycopg2.extensions.new_type((oid,), f"SLT_RAW_{oid}", _raw_text), conn)
    return conn


def indent(text, prefix="    "):
    return "\n".join(prefix + line for line in text.split("\n"))


def show_rows(rows):
    lines = ["\t".join(r) for r in rows]
    if len(lines) > MAX_SHOWN_ROWS:
        lines = lines[:MAX_SHOWN_ROWS] + [f"... ({len(lines) - MAX_SHOWN_ROWS} more)"]
    return "\n".join(lines) if lines else "(no rows)"


def diff_rows(expected, actual):
    diff = difflib.unified_diff(["\t".join(r) for r in expected], ["\t".join(r) for r in actual],
                                "expected", "actual", lineterm="", n=2)
    return "\n".join(diff)


class file_run:
    """Runs the records of one .test file on one connection (and, with --server, one server
    process in a temporary directory). Owned by the main thread."""

    def __init__(self, path, options):
        self.path = path
        self.scratch = None
        self.options = options
        self.conn = None
        self.kafka = None
        self.server = None
        self.tmp = None
        self.labels = {}
        self.timed_out = False
        self._watchdog = None

    # --- the server, its connection and its Kafka clients -----------------------------------

    def _start_server(self):
        args = list(self.options.server_arg)
        if not self.options.no_pg:
            args = ["--pg-addr", "127.0.0.1:0"] + args
        self.server = spate_server.spate_server(self.tmp, Path(self.tmp) / "data", args,
                                                name="slt")
        self.server.wait_running()

    def _dsn(self):
        if not self.options.server:
            return self.options.dsn
        return (f"host=127.0.0.1 port={self.server.pg_port} user=spate dbname=spate "
                f"sslmode=disable gssencmode=disable application_name=slt_runner")

    def _connect(self):
        if not self.options.no_pg:
            self.conn = connect(self._dsn())
        if self.options.server:
            self.kafka = slt_kafka.kafka_side(self.server.bootstrap)
        elif self.options.kafka:
            self.kafka = slt_kafka.kafka_side(self.options.kafka)

    def _disconnect(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self.kafka is not None:
            self.kafka.close()
            self.kafka = None

    def _time_out(self):
        # On the watchdog's thread: make the main thread's blocked call return.
        self.timed_out = True
        if self.server is not None:
            self.server.kill()
        conn = self.conn
        if conn is not None and not conn.closed:
            try:
                conn.cancel()
            except psycopg2.Error:
                pass  # the server is gone: the connection breaks anyway

    def subst(self, sql):
        """The SQL (or an expected row) with `__DATA_DIR__` as the absolute folder of the .test file (its data files)
        and `__TEST_DIR__` as a scratch folder of this run (for files a test writes)."""
        if "__TEST_DIR__" in sql and self.scratch is None:
            self.scratch = tempfile.mkdtemp(prefix="spate-slt-scratch-")
        sql = sql.replace("__DATA_DIR__", os.path.dirname(os.path.abspath(self.path)))
        return sql.replace("__TEST_DIR__", self.scratch or "")

    def open(self):
        """Starts the watchdog (--timeout), the server (--server) and connects."""
        self._watchdog = threading.Timer(self.options.timeout, self._time_out)
        self._watchdog.daemon = True
        self._watchdog.start()
        if self.options.server:
            self.tmp = tempfile.mkdtemp(prefix="spate-slt-")
            self._start_server()
        self._connect()

    def close(self):
        """Disconnects and stops the server. Returns a problem sentence (an unclean stop, a
        crash marker on stderr) or None."""
        self._disconnect()
        if self.server is None:
            return None
        try:
            self.server.stop_cleanly()
        except spate_server.server_error as e:
            return str(e)
        markers = self.server.crash_markers()
        if markers:
            return f"the server's stderr has {markers}\n{self.server.describe()}"
        return None

    def cleanup(self):
        if self._watchdog is not None:
            self._watchdog.cancel()
        if self.server is not None:
            self.server.kill()
        if self.tmp is not None and not self.options.keep_data:
            shutil.rmtree(self.tmp, ignore_errors=True)
        if self.scratch is not None and not self.options.keep_data:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def _need_conn(self):
        if self.conn is None:
            raise failure("no Postgres connection (--no-pg)")
        if self.conn.closed:
            self.conn = connect(self._dsn())

    def _need_kafka(self):
        if self.kafka is None:
            raise failure("no Kafka listener: use --server, or --kafka HOST:PORT with --dsn")
        return self.kafka

    # --- directives ----------------------------------------------------------------------------

    def run_statement(self, rec):
        self._need_conn()
        try:
            with self.conn.cursor() as cur:
                cur.execute(self.subst(rec.sql))
        except psycopg2.Error as e:
            if rec.expect_ok:
                raise failure(f"statement failed: {self._error_text(e)}")
            self._check_error(rec, e)
            return
        if not rec.expect_ok:
            raise failure("statement succeeded but an error was expected")

    @staticmethod
    def _error_text(e):
        code = getattr(e, "pgcode", None) or "no SQLSTATE"
        message = e.diag.message_primary if getattr(e, "diag", None) else None
        return f"[{code}] {message or str(e).strip()}"

    def _check_error(self, rec, e):
        code = getattr(e, "pgcode", None)
        message = (e.diag.message_primary if getattr(e, "diag", None) else None) or str(e)
        if rec.sqlstate and code != rec.sqlstate:
            raise failure(f"expected SQLSTATE {rec.sqlstate}, got {self._error_text(e)}")
        if rec.message_re and not re.search(rec.message_re, message):
            raise failure(f"error message does not match /{rec.message_re}/: "
                          f"{self._error_text(e)}")
        if rec.message_substring and rec.message_substring not in message:
            raise failure(f"error message does not contain '{rec.message_substring}': "
                          f"{self._error_text(e)}")

    def _fetch(self, rec):
        """(column type OIDs, rows of written values). Raises psycopg2.Error, failure."""
        with self.conn.cursor() as cur:
            cur.execute(self.subst(rec.sql))
            if cur.description is None:
                raise failure("the query returned no result set (is it a statement?)")
            oids = [d.type_code for d in cur.description]
            rows = [[values.format_value(v) for v in row] for row in cur.fetchall()]
        return oids, rows

    def _compare(self, rec, oids, rows):
        """None if the result matches the query record, else a description of the mismatch."""
        if len(oids) != len(rec.types):
            return (f"the query declares {len(rec.types)} column(s) ('{rec.types}') but "
                    f"returned {len(oids)}")
        if not self.options.no_type_check:
            for i, (letter, oid) in enumerate(zip(rec.types, oids), 1):
                if letter != "?" and oid not in values.TYPE_OIDS[letter]:
                    return (f"column {i} is {values.type_name(oid)}, not of type letter "
                            f"{letter}")
        actual = values.sort_rows(rows, rec.sort)
        if rec.expected_hash is not None:
            got = values.values_hash(actual)
            if got != rec.expected_hash:
                return (f"expected {rec.expected_hash[0]} values hashing to "
                        f"{rec.expected_hash[1]}, got {got[0]} hashing to {got[1]}:\n"
                        + show_rows(actual))
            return None
        if rec.expected is None:  # a label seen for the first time, or compared below
            expected = None
        else:
            expected, problem = values.split_expected([self.subst(line) for line in rec.expected],
                                                      len(rec.types))
            if problem:
                return problem
            if rec.sort == "valuesort" or rec.sort == "rowsort":
                expected = values.sort_rows(expected, rec.sort)
        if rec.label is not None:
            earlier = self.labels.get(rec.label)
            if earlier is not None and earlier != actual:
                return (f"result differs from the earlier query labelled '{rec.label}':\n"
                        + diff_rows(earlier, actual))
        if expected is None:
            return None
        letters = rec.types if rec.sort != "valuesort" else None
        if len(expected) == len(actual) and all(
                len(e) == len(a) and all(
                    values.values_match(ev, av, letters[i] if letters else "T")
                    for i, (ev, av) in enumerate(zip(e, a)))
                for e, a in zip(expected, actual)):
            return None
        return (f"wrong result: {len(expected)} row(s) expected, {len(actual)} returned\n"
                + diff_rows(expected, actual) + "\n--- actual result ---\n" + show_rows(actual))

    def run_query(self, rec):
        self._need_conn()
        deadline = time.monotonic() + rec.wait_s
        tries = 0
        while True:
            tries += 1
            try:
                oids, rows = self._fetch(rec)
                problem = self._compare(rec, oids, rows)
            except psycopg2.Error as e:
                problem = f"query failed: {self._error_text(e)}"
                if self.conn.closed:
                    self.conn = connect(self._dsn())
            if problem is None:
                if rec.label is not None and rec.label not in self.labels:
                    self.labels[rec.label] = values.sort_rows(rows, rec.sort)
                return
            if self.timed_out:
                raise failure(f"{problem}\n(the file's --timeout passed)")
            if time.monotonic() >= deadline:
                if rec.wait_s > 0:
                    problem += f"\n(last of {tries} tries over {rec.wait_s:g} s)"
                raise failure(problem)
            time.sleep(RETRY_PAUSE_S)

    def run_produce(self, rec):
        try:
            self._need_kafka().produce(rec)
        except slt_kafka.kafka_failure as e:
            raise failure(f"produce failed: {e}")

    def run_consume(self, rec):
        count = rec.count if rec.count is not None else len(rec.expected)
        got, found = self._need_kafka().consume(rec.topic, count, rec.wait_s)
        fmt = slt_kafka.format_record_bytes
        actual = []
        for key, value in got:
            text = fmt(value)
            if rec.json and value:
                text = slt_kafka.normalize_json(value.decode("utf-8", "backslashreplace"))
            actual.append([fmt(key) + "|" + text if rec.keyed else text])
        expected = []
        for line in rec.expected:
            if rec.json:
                key, bar, text = line.partition("|") if rec.keyed else ("", "", line)
                line = key + bar + slt_kafka.normalize_json(text)
            expected.append([line])
        actual = values.sort_rows(actual, rec.sort)
        expected = values.sort_rows(expected, rec.sort)
        if actual != expected:
            where = "" if found else f" (topic {rec.topic} not found within {rec.wait_s:g} s)"
            raise failure(f"wrong records{where}: {len(expected)} expected, {len(actual)} read\n"
                          + diff_rows(expected, actual) + "\n--- actual records ---\n"
                          + show_rows(actual))

    def run_restart(self, rec):
        if not self.options.server:
            raise skip_file(f"'{rec.directive}' needs --server")
        self._disconnect()
        if rec.kill:
            self.server.kill()
        else:
            try:
                self.server.stop_cleanly(signal.SIGTERM)
            except spate_server.server_error as e:
                raise failure(f"the server did not stop cleanly: {e}")
        self._start_server()
        self._connect()

    # --- the file --------------------------------------------------------------------------

    def _applies(self, rec):
        engine = self.options.engine
        for kind, name in rec.conditions:
            if kind == "skipif" and name == engine:
                return False
            if kind == "onlyif" and name != engine:
                return False
        return True

    def run(self, records):
        """Runs the records in order. Returns a list of failure reports (empty: passed).
        Raises skip_file."""
        reports = []
        skipping = False
        for rec in records:
            if isinstance(rec, slt.mode_record):
                skipping = rec.skip
                continue
            if skipping or not self._applies(rec):
                continue
            if isinstance(rec, slt.halt_record):
                break
            if isinstance(rec, slt.require_record):
                raise skip_file(f"require {rec.what}: not supported by this runner")
            start = time.monotonic()
            try:
                self._run_one(rec)
                if self.options.verbose:
                    print(f"  {self.path}:{rec.line}: {rec.directive} "
                          f"({time.monotonic() - start:.2f} s)", flush=True)
            except failure as e:
                reports.append(self._report(rec, str(e)))
                if not self.options.keep_going:
                    break
        return reports

    def _run_one(self, rec):
        if isinstance(rec, slt.statement_record):
            self.run_statement(rec)
        elif isinstance(rec, slt.query_record):
            self.run_query(rec)
        elif isinstance(rec, slt.produce_record):
            self.run_produce(rec)
        elif isinstance(rec, slt.consume_record):
            self.run_consume(rec)
        elif isinstance(rec, slt.sleep_record):
            time.sleep(rec.seconds)
        elif isinstance(rec, slt.restart_record):
            self.run_restart(rec)
        else:
            raise failure(f"the runner does not know {type(rec).__name__}")

    def _report(self, rec, message):
        text = f"{self.path}:{rec.line}: {rec.directive}\n"
        sql = getattr(rec, "sql", None)
        if sql:
            text += indent(sql) + "\n"
        return text + indent(message, "  ")


def find_files(paths, pattern):
    """The .test files named or under the directories named, sorted, whose path matches the
    --filter regex. runner_selftest/ is left out of a directory walk unless named itself."""
    found = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*.test")):
                rel = f.relative_to(p).parts
                if SELFTEST_DIR in rel[:-1] and p.name != SELFTEST_DIR:
                    continue
                found.append(f)
        else:
            found.append(p)
    if pattern:
        found = [f for f in found if re.search(pattern, str(f))]
    return found


def run_file(path, options):
    """Runs one file. Returns ('PASS'|'FAIL'|'SKIP', detail text)."""
    try:
        records, _ = slt.parse_file(path)
    except (slt.parse_error, OSError, UnicodeDecodeError) as e:
        return "FAIL", f"  cannot read the file: {e}"
    run = file_run(path, options)
    try:
        try:
            run.open()
        except (spate_server.server_error, psycopg2.Error, OSError) as e:
            return "FAIL", indent(f"cannot start or connect: {e}".strip(), "  ")
        try:
            reports = run.run(records)
        except skip_file as e:
            run.close()
            return "SKIP", f"  {e}"
        except (spate_server.server_error, psycopg2.Error, OSError) as e:
            reports = [f"{path}: the run broke off: {e}"]
        if run.timed_out:
            reports.append(f"{path}: timed out after {options.timeout:g} s (--timeout)")
        problem = run.close()
        if run.timed_out:
            problem = None  # killed by the watchdog: its unclean stop is no news
        if problem:
            reports.append(f"{path}: at the end: {problem}")
        if reports:
            detail = "\n".join(reports)
            if run.server is not None and problem is None:
                detail += "\n  --- server ---\n" + indent(run.server.describe(40), "  ")
            return "FAIL", detail
        return "PASS", ""
    finally:
        run.cleanup()


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", default=[str(HERE)],
                        help=".test files or directories (default: tests/sql)")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--server", action="store_true",
                        help="start `$SPATE_BIN server` per file in a temporary directory")
    target.add_argument("--dsn", help="libpq connection string of a running server")
    parser.add_argument("--kafka", metavar="HOST:PORT",
                        help="with --dsn: the Kafka listener for produce and consume")
    parser.add_argument("--engine", help="name for skipif/onlyif (default: spate with "
                        "--server, postgres with --dsn)")
    parser.add_argument("--filter", metavar="REGEX", help="run only files whose path matches")
    parser.add_argument("--keep-going", action="store_true",
                        help="run the rest of a file after a failure")
    parser.add_argument("--no-type-check", action="store_true",
                        help="do not check column types against the type letters")
    parser.add_argument("--no-pg", action="store_true",
                        help="with --server: no --pg-addr (files with only Kafka directives)")
    parser.add_argument("--server-arg", action="append", default=[], metavar="ARG",
                        help="extra argument for `spate server` (repeatable)")
    parser.add_argument("--timeout", type=float, default=240, metavar="SECONDS",
                        help="per file; then the server is killed (or the query cancelled) "
                        "and the file fails (default 240)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print each directive that passed, with its time")
    parser.add_argument("--keep-data", action="store_true",
                        help="keep each file's temporary server directory")
    options = parser.parse_args(argv)
    if options.engine is None:
        options.engine = "spate" if options.server else "postgres"
    if options.no_pg and not options.server:
        parser.error("--no-pg needs --server")
    return options


def main(argv):
    options = parse_args(argv)
    if options.server:
        problem = spate_server.check_binary()
        if problem:
            print(problem, file=sys.stderr)
            return 2
    files = find_files(options.paths, options.filter)
    if not files:
        print("no .test files found", file=sys.stderr)
        return 2
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    for path in files:
        start = time.monotonic()
        verdict, detail = run_file(path, options)
        counts[verdict] += 1
        print(f"{verdict} {path} ({time.monotonic() - start:.2f} s)", flush=True)
        if detail:
            print(detail, flush=True)
    print(f"{counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
