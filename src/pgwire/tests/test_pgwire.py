"""System tests of the Postgres wire protocol layer: pgwire_test_server (the protocol server
with its TEST handler, see test_handler.h) driven by psycopg2, psql and a raw protocol client
(pg_raw.py). Run by CTest with PGWIRE_TEST_SERVER set to the executable."""

import datetime
import decimal
import os
import signal
import socket
import struct
import subprocess
import threading
import time
import unittest

import psycopg2
import psycopg2.extensions

import pg_raw

SERVER = None
PORT = None


def setUpModule():
    global SERVER, PORT
    binary = os.environ.get("PGWIRE_TEST_SERVER")
    if not binary:
        raise unittest.SkipTest("PGWIRE_TEST_SERVER is not set")
    SERVER = subprocess.Popen([binary, "--port", "0", "--shards", "2"], stdout=subprocess.PIPE,
                              text=True)
    line = SERVER.stdout.readline()
    if not line.startswith("LISTENING "):
        raise RuntimeError("test server did not start: %r" % line)
    PORT = int(line.split(":")[-1])


def tearDownModule():
    if SERVER is None:
        return
    # Stopping closes the connections still open, mid-statement or idle.
    idle = pg_raw.RawConn(PORT)
    idle.startup()
    busy = pg_raw.RawConn(PORT)
    busy.startup()
    busy.send(pg_raw.query("SLEEP 60000"))
    time.sleep(0.2)
    SERVER.send_signal(signal.SIGTERM)
    code = SERVER.wait(timeout=30)
    for c in (idle, busy):
        c.sock.settimeout(5)
        try:
            left = c.sock.recv(100)
        except OSError:
            left = b""
        c.sock.close()
        if left:
            raise RuntimeError("a connection got %r instead of being closed" % left)
    SERVER.stdout.close()
    if code != 0:
        raise RuntimeError("test server exited with %d" % code)


def connect(**kw):
    return psycopg2.connect(host="127.0.0.1", port=PORT, user="tester", dbname="db", **kw)


def psql(*args):
    env = dict(os.environ, PGCONNECT_TIMEOUT="5")
    return subprocess.run(["psql", "-X", "-h", "127.0.0.1", "-p", str(PORT), "-U", "tester",
                           "-d", "db", *args], capture_output=True, text=True, timeout=30,
                          env=env)


class Psycopg2Tests(unittest.TestCase):
    def setUp(self):
        self.conn = connect()
        self.conn.autocommit = True

    def tearDown(self):
        self.conn.close()

    def test_startup_parameters(self):
        self.assertEqual(self.conn.server_version, 150000)
        self.assertEqual(self.conn.get_parameter_status("server_encoding"), "UTF8")
        self.assertEqual(self.conn.get_parameter_status("TimeZone"), "UTC")
        self.assertEqual(self.conn.get_parameter_status("DateStyle"), "ISO, MDY")
        self.assertEqual(self.conn.get_parameter_status("integer_datetimes"), "on")
        self.assertEqual(self.conn.get_parameter_status("session_authorization"), "tester")
        self.assertNotEqual(self.conn.info.backend_pid, 0)

    def test_rows_of_every_type(self):
        cur = self.conn.cursor()
        cur.execute("SELECT 3 ROWS")
        self.assertEqual([d.name for d in cur.description],
                         ["id", "name", "score", "ok", "ts", "amount", "span", "nothing"])
        self.assertEqual([d.type_code for d in cur.description],
                         [20, 25, 701, 16, 1114, 1700, 1186, 25])
        rows = cur.fetchall()
        self.assertEqual(len(rows), 3)
        self.assertEqual(cur.statusmessage, "SELECT 3")
        self.assertEqual(rows[1][0], 1)
        self.assertEqual(rows[1][1], "row 1")
        self.assertEqual(rows[1][2], 1.6)
        self.assertIs(rows[1][3], False)
        self.assertEqual(rows[1][4], datetime.datetime(2024, 1, 2, 3, 4, 6, 123000))
        self.assertEqual(rows[1][5], decimal.Decimal("1.05"))
        self.assertEqual(rows[1][6], datetime.timedelta(days=31, seconds=1.5))
        self.assertIsNone(rows[1][7])

    def test_zero_rows_still_describe_columns(self):
        cur = self.conn.cursor()
        cur.execute("SELECT 0 ROWS")
        self.assertEqual(cur.fetchall(), [])
        self.assertEqual(len(cur.description), 8)

    def test_special_floats(self):
        cur = self.conn.cursor()
        cur.execute("FLOATS")
        row = cur.fetchone()
        self.assertEqual(row[:4], (1.0, 0.1, 1e20, 1e-5))
        self.assertEqual(row[4], float("inf"))
        self.assertEqual(row[5], float("-inf"))
        self.assertNotEqual(row[6], row[6])

    def test_multi_statement_string(self):
        cur = self.conn.cursor()
        cur.execute("CREATE THING a; SELECT 2 ROWS")
        self.assertEqual(len(cur.fetchall()), 2)
        self.assertTrue(any("created a" in n for n in self.conn.notices))

    def test_error_stops_the_rest_of_the_string(self):
        cur = self.conn.cursor()
        del self.conn.notices[:]
        with self.assertRaises(psycopg2.Error) as ctx:
            cur.execute("CREATE THING a; FAIL 22012; CREATE THING b")
        self.assertEqual(ctx.exception.pgcode, "22012")
        self.assertTrue(any("created a" in n for n in self.conn.notices))
        self.assertFalse(any("created b" in n for n in self.conn.notices))

    def test_error_fields(self):
        cur = self.conn.cursor()
        with self.assertRaises(psycopg2.Error) as ctx:
            cur.execute("FAIL 42P01")
        e = ctx.exception
        self.assertEqual(e.pgcode, "42P01")
        self.assertEqual(e.diag.severity, "ERROR")
        self.assertEqual(e.diag.message_primary, "test failure requested")
        self.assertEqual(e.diag.message_detail, "the test handler fails on request")
        self.assertEqual(e.diag.message_hint, "do not ask it to fail")
        self.assertEqual(e.diag.statement_position, "3")
        # The session is usable afterwards.
        cur.execute("SELECT 1 ROWS")
        self.assertEqual(len(cur.fetchall()), 1)

    def test_unterminated_quote_from_the_splitter(self):
        cur = self.conn.cursor()
        with self.assertRaises(psycopg2.Error) as ctx:
            cur.execute("SELECT 'abc")
        self.assertEqual(ctx.exception.pgcode, "42601")

    def test_empty_query(self):
        cur = self.conn.cursor()
        with self.assertRaises(psycopg2.ProgrammingError):
            cur.execute("  -- nothing\n ;")  # psycopg2 reports "can't execute an empty query"

    def test_set_show_reset(self):
        cur = self.conn.cursor()
        cur.execute("SET application_name = 'reporting'")
        self.assertEqual(self.conn.get_parameter_status("application_name"), "reporting")
        cur.execute("show APPLICATION_NAME")
        self.assertEqual(cur.fetchone(), ("reporting",))
        cur.execute("SET SESSION statement_timeout TO 5000")
        cur.execute("SHOW statement_timeout")
        self.assertEqual(cur.fetchone(), ("5000",))
        cur.execute("RESET statement_timeout")
        cur.execute("SHOW statement_timeout")
        self.assertEqual(cur.fetchone(), ("0",))
        cur.execute("/* leading comment */ SET TIME ZONE 'UTC'")
        cur.execute("SHOW TimeZone")
        self.assertEqual(cur.fetchone(), ("UTC",))
        cur.execute("SHOW ALL")
        names = [r[0] for r in cur.fetchall()]
        self.assertIn("server_version", names)
        cur.execute("SET myapp.flag = on")
        cur.execute("SHOW myapp.flag")
        self.assertEqual(cur.fetchone(), ("on",))

    def test_bad_settings(self):
        cur = self.conn.cursor()
        with self.assertRaises(psycopg2.Error) as ctx:
            cur.execute("SHOW no_such_setting")
        self.assertEqual(ctx.exception.pgcode, "42704")
        self.assertIn("unrecognized configuration parameter", str(ctx.exception))
        with self.assertRaises(psycopg2.Error) as ctx:
            cur.execute("SET no_such_setting = 1")
        self.assertEqual(ctx.exception.pgcode, "42704")
        with self.assertRaises(psycopg2.Error) as ctx:
            cur.execute("SET client_encoding = 'LATIN1'")
        self.assertEqual(ctx.exception.pgcode, "0A000")
        self.assertIn("LATIN1", str(ctx.exception))
        with self.assertRaises(psycopg2.Error) as ctx:
            cur.execute("SET TIME ZONE 'Europe/Paris'")
        self.assertEqual(ctx.exception.pgcode, "22023")
        cur.execute("SET client_encoding TO 'utf8'")
        cur.execute("SHOW client_encoding")
        self.assertEqual(cur.fetchone(), ("UTF8",))

    def test_client_side_parameters(self):
        cur = self.conn.cursor()
        cur.execute("CREATE THING %s", ("x",))
        self.assertEqual(cur.statusmessage, "CREATE THING")

    def test_deallocate_unknown(self):
        cur = self.conn.cursor()
        with self.assertRaises(psycopg2.Error) as ctx:
            cur.execute("DEALLOCATE nothing_here")
        self.assertEqual(ctx.exception.pgcode, "26000")
        cur.execute("DEALLOCATE ALL")
        cur.execute("DISCARD ALL")


class CancelTests(unittest.TestCase):
    def test_psycopg2_cancel(self):
        conn = connect()
        conn.autocommit = True
        timer = threading.Timer(0.3, conn.cancel)
        timer.start()
        started = time.monotonic()
        with self.assertRaises(psycopg2.extensions.QueryCanceledError) as ctx:
            conn.cursor().execute("SLEEP 1000")
        timer.join()
        self.assertEqual(ctx.exception.pgcode, "57014")
        self.assertGreater(time.monotonic() - started, 0.2)
        cur = conn.cursor()
        cur.execute("SELECT 1 ROWS")
        self.assertEqual(len(cur.fetchall()), 1)
        conn.close()

    def test_cancel_with_a_wrong_key_does_nothing(self):
        c = pg_raw.RawConn(PORT)
        c.startup()
        pid, secret = c.key
        c.send(pg_raw.query("SLEEP 300"))
        other = socket.create_connection(("127.0.0.1", PORT), timeout=5)
        other.sendall(struct.pack("!iiii", 16, 80877102, pid, secret ^ 1))
        self.assertEqual(other.recv(10), b"")
        other.close()
        msgs = c.read_until_ready()
        self.assertEqual("".join(k for k, _ in msgs), "CZ")
        c.close()


class TransactionTests(unittest.TestCase):
    def test_implicit_begin_and_commit(self):
        conn = connect()
        status = psycopg2.extensions
        cur = conn.cursor()
        cur.execute("SELECT 1 ROWS")
        self.assertEqual(conn.info.transaction_status, status.TRANSACTION_STATUS_INTRANS)
        conn.commit()
        self.assertEqual(conn.info.transaction_status, status.TRANSACTION_STATUS_IDLE)
        conn.close()

    def test_error_in_block_until_rollback(self):
        conn = connect()
        status = psycopg2.extensions
        cur = conn.cursor()
        cur.execute("CREATE THING a")
        with self.assertRaises(psycopg2.Error):
            cur.execute("FAIL 23505")
        self.assertEqual(conn.info.transaction_status, status.TRANSACTION_STATUS_INERROR)
        with self.assertRaises(psycopg2.Error) as ctx:
            cur.execute("SELECT 1 ROWS")
        self.assertEqual(ctx.exception.pgcode, "25P02")
        conn.rollback()
        self.assertEqual(conn.info.transaction_status, status.TRANSACTION_STATUS_IDLE)
        cur.execute("SELECT 1 ROWS")
        self.assertEqual(len(cur.fetchall()), 1)
        conn.close()

    def test_explicit_statements(self):
        conn = connect()
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute("BEGIN")
        self.assertEqual(cur.statusmessage, "BEGIN")
        self.assertEqual(conn.info.transaction_status,
                         psycopg2.extensions.TRANSACTION_STATUS_INTRANS)
        cur.execute("SAVEPOINT s1")
        cur.execute("COMMIT")
        self.assertEqual(cur.statusmessage, "COMMIT")
        cur.execute("START TRANSACTION")
        with self.assertRaises(psycopg2.Error):
            cur.execute("FAIL 22000")
        cur.execute("COMMIT")  # a failed block's COMMIT rolls back
        self.assertEqual(cur.statusmessage, "ROLLBACK")
        cur.execute("ROLLBACK")  # none in progress: a warning only
        self.assertEqual(conn.info.transaction_status,
                         psycopg2.extensions.TRANSACTION_STATUS_IDLE)
        conn.close()


class PsqlTests(unittest.TestCase):
    def test_query_output(self):
        r = psql("-A", "-t", "-c", "SELECT 2 ROWS")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines()[0],
                         "0|row 0|0.1|t|2024-01-02 03:04:05.123|0.05|00:00:00|")
        self.assertEqual(r.stdout.splitlines()[1],
                         "1|row 1|1.6|f|2024-01-02 03:04:06.123|1.05|1 mon 1 day 00:00:01.5|")

    def test_error_shows_position(self):
        r = psql("-c", "FAIL 22012")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("test failure requested", r.stderr)
        self.assertIn("LINE 1: FAIL 22012", r.stderr)

    def test_describe_relations(self):
        r = psql("-c", "\\d")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("public | orders        | table             | spate", r.stdout)
        self.assertIn("public | order_totals  | materialized view | spate", r.stdout)
        self.assertIn("public | recent_orders | view              | spate", r.stdout)
        r = psql("-A", "-t", "-c", "\\dt")
        self.assertEqual(r.stdout.strip(), "public|orders|table|spate")
        r = psql("-A", "-t", "-c", "\\dv")
        self.assertEqual(r.stdout.strip(), "public|recent_orders|view|spate")
        r = psql("-A", "-t", "-c", "\\dm")
        self.assertEqual(r.stdout.strip(), "public|order_totals|materialized view|spate")
        r = psql("-A", "-t", "-c", "\\dt ord*")
        self.assertEqual(r.stdout.strip(), "public|orders|table|spate")

    def test_describe_one_relation(self):
        r = psql("-c", "\\d orders")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('Table "public.orders"', r.stdout)
        self.assertRegex(r.stdout, r"id\s+\|\s+bigint\s+\|\s+\|\s+not null")
        self.assertRegex(r.stdout, r"amount\s+\|\s+numeric\(10,2\)")
        r = psql("-c", "\\d recent_orders")
        self.assertIn('View "public.recent_orders"', r.stdout)
        r = psql("-c", "\\d order_totals")
        self.assertIn('Materialized view "public.order_totals"', r.stdout)
        r = psql("-c", "\\d nothing_like_this")
        self.assertIn("Did not find any relation named", r.stderr)

    def test_list_databases(self):
        r = psql("-A", "-t", "-c", "\\l")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("spate|spate|UTF8"), r.stdout)


class ExtendedProtocolTests(unittest.TestCase):
    def setUp(self):
        self.c = pg_raw.RawConn(PORT)
        self.c.startup()

    def tearDown(self):
        self.c.close()

    def kinds(self, msgs):
        return "".join(k for k, _ in msgs)

    def test_parse_describe_bind_execute_binary(self):
        c = self.c
        c.send(pg_raw.parse("s1", "ECHO $1, $2, $3", [20, 25, 0]) + pg_raw.describe(b"S", "s1") +
               pg_raw.SYNC)
        msgs = c.read_until_ready()
        self.assertEqual(self.kinds(msgs), "1tTZ")
        n, *oids = struct.unpack("!hiii", msgs[1][1])
        self.assertEqual(oids, [20, 25, 25])
        c.send(pg_raw.bind("", "s1", [struct.pack("!q", -42), b"hello", None], [1, 0, 0], [1, 0, 0]) +
               pg_raw.describe(b"P", "") + pg_raw.execute("") + pg_raw.SYNC)
        msgs = c.read_until_ready()
        self.assertEqual(self.kinds(msgs), "2TDCZ")
        row = pg_raw.data_row(msgs[2][1])
        self.assertEqual(row, [struct.pack("!q", -42), b"hello", None])
        self.assertEqual(msgs[3][1], b"SELECT 1\0")
        self.assertEqual(msgs[4][1], b"I")

    def test_binary_encodings(self):
        c = self.c
        c.send(pg_raw.parse("", "SELECT 2 ROWS") + pg_raw.bind("", "", result_formats=[1]) +
               pg_raw.execute("") + pg_raw.SYNC)
        msgs = c.read_until_ready()
        self.assertEqual(self.kinds(msgs), "12DDCZ")
        row = pg_raw.data_row(msgs[3][1])  # row 1
        self.assertEqual(struct.unpack("!q", row[0])[0], 1)
        self.assertEqual(row[1], b"row 1")
        self.assertEqual(struct.unpack("!d", row[2])[0], 1.6)
        self.assertEqual(row[3], b"\x00")
        micros = struct.unpack("!q", row[4])[0]
        self.assertEqual(micros, (1704164646123 - 946684800000) * 1000)
        # numeric 1.05: ndigits 2, weight 0, sign +, dscale 2, digits [1, 500]
        self.assertEqual(struct.unpack("!hhHhhh", row[5]), (2, 0, 0, 2, 1, 500))
        self.assertEqual(struct.unpack("!qii", row[6]), (1500000, 1, 1))
        self.assertIsNone(row[7])

    def test_max_rows_and_portal_suspended(self):
        c = self.c
        c.send(pg_raw.parse("", "SELECT 5 ROWS") + pg_raw.bind("p1", "") +
               pg_raw.execute("p1", 2) + pg_raw.execute("p1", 2) + pg_raw.execute("p1", 2) +
               pg_raw.SYNC)
        msgs = c.read_until_ready()
        self.assertEqual(self.kinds(msgs), "12DDsDDsDCZ")
        ids = [pg_raw.data_row(b)[0] for k, b in msgs if k == "D"]
        self.assertEqual(ids, [b"0", b"1", b"2", b"3", b"4"])
        # The portal is gone after Sync outside a transaction block.
        c.send(pg_raw.execute("p1") + pg_raw.SYNC)
        msgs = c.read_until_ready()
        self.assertEqual(self.kinds(msgs), "EZ")
        self.assertEqual(pg_raw.error_fields(msgs[0][1])["C"], "34000")

    def test_error_skips_until_sync(self):
        c = self.c
        c.send(pg_raw.parse("", "NONSENSE") + pg_raw.bind("", "") + pg_raw.execute("") +
               pg_raw.SYNC)
        msgs = c.read_until_ready()
        self.assertEqual(self.kinds(msgs), "EZ")
        f = pg_raw.error_fields(msgs[0][1])
        self.assertEqual(f["C"], "42601")
        self.assertEqual(f["P"], "1")
        c.send(pg_raw.parse("", "SELECT 1 ROWS") + pg_raw.bind("", "") + pg_raw.execute("") +
               pg_raw.SYNC)
        self.assertEqual(self.kinds(c.read_until_ready()), "12DCZ")

    def test_bad_parameters(self):
        c = self.c
        c.send(pg_raw.parse("e", "ECHO $1, $2", [23, 20]) + pg_raw.SYNC)
        c.read_until_ready()
        c.send(pg_raw.bind("", "e", [b"12", b"abc"]) + pg_raw.execute("") + pg_raw.SYNC)
        msgs = c.read_until_ready()
        self.assertEqual(self.kinds(msgs), "EZ")
        f = pg_raw.error_fields(msgs[0][1])
        self.assertEqual(f["C"], "22P02")
        self.assertIn("$2", f["M"])
        c.send(pg_raw.bind("", "e", [b"\x00\x01", b"1"], [1, 0]) + pg_raw.SYNC)
        msgs = c.read_until_ready()
        self.assertEqual(pg_raw.error_fields(msgs[0][1])["C"], "22P02")
        self.assertIn("$1", pg_raw.error_fields(msgs[0][1])["M"])
        c.send(pg_raw.bind("", "e", [b"1"]) + pg_raw.SYNC)
        msgs = c.read_until_ready()
        self.assertEqual(pg_raw.error_fields(msgs[0][1])["C"], "08P01")
        # Text parameters of every kind decode.
        c.send(pg_raw.parse("", "ECHO $1, $2, $3, $4, $5, $6", [16, 701, 1700, 1114, 1186, 21]) +
               pg_raw.bind("", "", [b"true", b"2.5", b"-12.340", b"2024-02-29 12:00:00.25",
                                    b"1 day 01:00:00", b"-7"]) +
               pg_raw.execute("") + pg_raw.SYNC)
        msgs = c.read_until_ready()
        self.assertEqual(self.kinds(msgs), "12DCZ")
        self.assertEqual(pg_raw.data_row(msgs[2][1]),
                         [b"t", b"2.5", b"-12.340", b"2024-02-29 12:00:00.25", b"1 day 01:00:00",
                          b"-7"])

    def test_flush_close_and_named_statements(self):
        c = self.c
        c.send(pg_raw.parse("n", "SELECT 1 ROWS") + pg_raw.FLUSH)
        self.assertEqual(c.read()[0], "1")
        c.send(pg_raw.parse("n", "SELECT 1 ROWS") + pg_raw.SYNC)
        msgs = c.read_until_ready()
        self.assertEqual(pg_raw.error_fields(msgs[0][1])["C"], "42P05")
        c.send(pg_raw.close(b"S", "n") + pg_raw.describe(b"S", "n") + pg_raw.SYNC)
        msgs = c.read_until_ready()
        self.assertEqual(self.kinds(msgs), "3EZ")
        self.assertEqual(pg_raw.error_fields(msgs[1][1])["C"], "26000")

    def test_session_statements_and_empty_query(self):
        c = self.c
        c.send(pg_raw.parse("", "SHOW DateStyle") + pg_raw.describe(b"S", "") +
               pg_raw.bind("", "") + pg_raw.execute("") + pg_raw.SYNC)
        msgs = c.read_until_ready()
        self.assertEqual(self.kinds(msgs), "1tT2DCZ")
        self.assertEqual(pg_raw.data_row(msgs[4][1]), [b"ISO, MDY"])
        c.send(pg_raw.parse("", "BEGIN") + pg_raw.bind("", "") + pg_raw.execute("") + pg_raw.SYNC)
        msgs = c.read_until_ready()
        self.assertEqual(msgs[-1], ("Z", b"T"))
        c.send(pg_raw.parse("", "") + pg_raw.bind("", "") + pg_raw.execute("") + pg_raw.SYNC)
        self.assertEqual(self.kinds(c.read_until_ready()), "12IZ")
        c.send(pg_raw.query(""))
        self.assertEqual(self.kinds(c.read_until_ready()), "IZ")

    def test_cancel_request(self):
        c = self.c
        pid, secret = c.key
        c.send(pg_raw.query("SLEEP 1500"))
        time.sleep(0.3)
        other = socket.create_connection(("127.0.0.1", PORT), timeout=5)
        other.sendall(struct.pack("!iiii", 16, 80877102, pid, secret))
        self.assertEqual(other.recv(10), b"")  # answered by closing
        other.close()
        msgs = c.read_until_ready()
        self.assertEqual(self.kinds(msgs), "EZ")
        self.assertEqual(pg_raw.error_fields(msgs[0][1])["C"], "57014")
        c.send(pg_raw.query("SELECT 1 ROWS"))
        self.assertEqual(self.kinds(c.read_until_ready()), "TDCZ")


class BadInputTests(unittest.TestCase):
    def raw(self):
        c = pg_raw.RawConn(PORT)
        self.addCleanup(c.sock.close)
        return c

    def assert_server_alive(self):
        c = self.raw()
        msgs = c.startup()
        self.assertEqual(msgs[-1][0], "Z")
        c.close()

    def read_all(self, sock):
        out = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            out += chunk
        return out

    def test_ssl_and_gss_requests_are_refused_then_startup_works(self):
        c = self.raw()
        c.send(struct.pack("!ii", 8, 80877103))
        self.assertEqual(c.read_bytes(1), b"N")
        c.send(struct.pack("!ii", 8, 80877104))
        self.assertEqual(c.read_bytes(1), b"N")
        msgs = c.startup()
        self.assertEqual(msgs[0], ("R", struct.pack("!i", 0)))
        self.assertIn("K", [k for k, _ in msgs])
        c.close()

    def test_wrong_protocol_version(self):
        c = self.raw()
        c.send(pg_raw.startup_packet({"user": "x"}, version=2 << 16))
        kind, body = c.read()
        self.assertEqual(kind, "E")
        f = pg_raw.error_fields(body)
        self.assertEqual(f["S"], "FATAL")
        self.assertEqual(f["C"], "0A000")
        self.assertIn("unsupported frontend protocol 2.0", f["M"])
        self.assertEqual(self.read_all(c.sock), b"")
        self.assert_server_alive()

    def test_missing_user(self):
        c = self.raw()
        c.send(pg_raw.startup_packet({"database": "x"}))
        kind, body = c.read()
        self.assertEqual(pg_raw.error_fields(body)["C"], "28000")

    def test_bad_startup_lengths(self):
        for packet in [struct.pack("!i", 3), struct.pack("!i", 100000) + b"x" * 10,
                       struct.pack("!ii", 12, 196608) + b"user",
                       struct.pack("!ii", 8, 196608)]:
            c = self.raw()
            c.send(packet)
            kind, body = c.read()
            self.assertEqual((kind, pg_raw.error_fields(body)["S"]), ("E", "FATAL"), packet)
        self.assert_server_alive()

    def test_startup_options_apply(self):
        c = self.raw()
        c.startup(options="-c statement_timeout=77 --search-path=x", application_name="app1")
        c.send(pg_raw.query("SHOW statement_timeout; SHOW search_path; SHOW application_name"))
        rows = [pg_raw.data_row(b) for k, b in c.read_until_ready() if k == "D"]
        self.assertEqual(rows, [[b"77"], [b"x"], [b"app1"]])

    def test_garbage_bytes(self):
        s = socket.create_connection(("127.0.0.1", PORT), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" + os.urandom(200))
        data = self.read_all(s)
        self.assertTrue(data == b"" or data[:1] == b"E", data[:40])
        s.close()
        self.assert_server_alive()

    def test_oversized_message(self):
        c = self.raw()
        c.startup()
        c.send(b"Q" + struct.pack("!I", (64 << 20) + 1))
        kind, body = c.read()
        f = pg_raw.error_fields(body)
        self.assertEqual((kind, f["S"], f["C"]), ("E", "FATAL", "08P01"))
        self.assertIn("64 MiB", f["M"])
        self.assertEqual(self.read_all(c.sock), b"")
        self.assert_server_alive()

    def test_malformed_messages(self):
        for bad in [pg_raw.msg(b"Q", b"no terminator"),
                    pg_raw.msg(b"P", b"\0"),
                    pg_raw.msg(b"B", b"\0\0\xff\xff"),
                    pg_raw.msg(b"E", b"p\0\0"),
                    pg_raw.msg(b"D", b"Xname\0"),
                    pg_raw.msg(b"?", b""),
                    b"Q\x00\x00\x00\x02"]:
            c = self.raw()
            c.startup()
            c.send(bad)
            kind, body = c.read()
            self.assertEqual(kind, "E", bad)
            self.assertEqual(pg_raw.error_fields(body)["C"], "08P01", bad)
            self.assertEqual(self.read_all(c.sock), b"")
        self.assert_server_alive()

    def test_random_messages_never_crash_the_server(self):
        import random
        rng = random.Random(1234)
        kinds = b"QPBDECSHXFdcf?\x00\xff"
        for _ in range(60):
            c = self.raw()
            c.startup()
            c.sock.settimeout(5)
            # The server answers or closes; either way it must not hang.
            try:
                for _ in range(rng.randint(1, 6)):
                    body = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 40)))
                    c.send(pg_raw.msg(bytes([rng.choice(kinds)]), body))
                c.send(pg_raw.SYNC)
                while True:
                    kind, _ = c.read()
                    if kind == "Z":
                        break
            except (EOFError, OSError):
                pass
        self.assert_server_alive()

    def test_handler_exception_ends_only_its_session(self):
        c = self.raw()
        c.startup()
        c.send(pg_raw.query("THROW"))
        c.sock.settimeout(5)
        self.assertEqual(self.read_all(c.sock), b"")
        self.assert_server_alive()

    def test_truncated_message_then_close(self):
        c = self.raw()
        c.startup()
        c.send(b"Q\x00\x00\x01\x00SELECT")
        c.sock.close()
        self.assert_server_alive()

    def test_many_connections_spread_over_shards(self):
        conns = [connect() for _ in range(6)]
        for conn in conns:
            cur = conn.cursor()
            cur.execute("SELECT 2 ROWS")
            self.assertEqual(len(cur.fetchall()), 2)
        for conn in conns:
            conn.close()

    def test_large_result_streams(self):
        conn = connect()
        cur = conn.cursor()
        cur.execute("SELECT 20000 ROWS")
        self.assertEqual(len(cur.fetchall()), 20000)
        conn.close()


if __name__ == "__main__":
    unittest.main()
