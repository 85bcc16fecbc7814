"""`spate sql`, the SQL shell, run as a user runs it: embedded (a server inside the shell
process) with -c in each output format, -f with a failing statement, statements piped on
stdin, against a running server with --host/--port, interactively through a pty, and a slow
statement's progress line and Ctrl-C cancel against a fake server (slow_pg_server.py).

Standard library only, for Debian's /usr/bin/python3. SPATE_BIN names the built binary.
"""

import json
import os
import pty
import select
import subprocess
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from slow_pg_server import slow_pg_server  # noqa: E402
from spate_server import CRASH_MARKERS, SPATE_BIN, server_test_case  # noqa: E402

TIMEOUT_S = 60


class sql_shell_test(server_test_case):
    def run_sql(self, *args, stdin=None, cwd=None):
        r = subprocess.run([SPATE_BIN, "sql", *args], input=stdin, capture_output=True,
                           text=True, timeout=TIMEOUT_S, cwd=cwd or self.tmp,
                           env={**os.environ, "HOME": str(self.tmp)})
        for marker in CRASH_MARKERS:
            self.assertNotIn(marker, r.stderr)
        return r

    def describe(self, r):
        return f"exit {r.returncode}\n--- stdout ---\n{r.stdout}--- stderr ---\n{r.stderr}"

    def test_embedded_command_in_each_format(self):
        query = "SELECT 1 AS x, 'a' AS y"
        r = self.run_sql("-c", query)
        self.assertEqual(r.returncode, 0, self.describe(r))
        self.assertEqual(r.stdout, " x | y\n---+---\n 1 | a\n(1 row)\n")
        # The embedded server prints nothing of its own on stdout.
        self.assertNotIn("listening", r.stdout + r.stderr)
        r = self.run_sql("--format", "csv", "-c", query)
        self.assertEqual(r.returncode, 0, self.describe(r))
        self.assertEqual(r.stdout, "x,y\n1,a\n")
        r = self.run_sql("--format", "json", "-c", query)
        self.assertEqual(r.returncode, 0, self.describe(r))
        self.assertEqual([json.loads(line) for line in r.stdout.splitlines()],
                         [{"x": 1, "y": "a"}])
        self.assertEqual(r.stdout, '{"x":1,"y":"a"}\n')

    def test_embedded_leaves_no_temporary_directory(self):
        tmpdir = self.tmp / "tmp"
        tmpdir.mkdir()
        r = subprocess.run([SPATE_BIN, "sql", "-c", "SELECT 1"], capture_output=True, text=True,
                           timeout=TIMEOUT_S, cwd=self.tmp,
                           env={**os.environ, "TMPDIR": str(tmpdir), "HOME": str(self.tmp)})
        self.assertEqual(r.returncode, 0, self.describe(r))
        self.assertEqual(list(tmpdir.iterdir()), [])

    def test_embedded_data_dir_keeps_what_was_made(self):
        data = self.tmp / "data"
        r = self.run_sql("--data-dir", str(data), "-c",
                         "CREATE SOURCE kept (a BIGINT) WITH (topic = 'kept')")
        self.assertEqual(r.returncode, 0, self.describe(r))
        self.assertEqual(r.stdout, "CREATE SOURCE\n")
        r = self.run_sql("--data-dir", str(data), "--format", "json", "-c", "SHOW SOURCES")
        self.assertEqual(r.returncode, 0, self.describe(r))
        self.assertEqual([json.loads(l)["name"] for l in r.stdout.splitlines()], ["kept"])

    def test_repeated_commands_timing_and_bad_format(self):
        r = self.run_sql("--timing", "-c", "SELECT 1 AS a", "-c", "SELECT 2 AS b; SELECT 3 AS c")
        self.assertEqual(r.returncode, 0, self.describe(r))
        self.assertEqual(r.stdout.count("(1 row)"), 3, self.describe(r))
        self.assertIn(" 3\n", r.stdout)
        self.assertEqual(len([l for l in r.stderr.splitlines() if l.startswith("Time: ")]), 3,
                         self.describe(r))
        r = self.run_sql("--format", "xml", "-c", "SELECT 1")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("xml", r.stderr)

    def test_meta_commands_in_scripts(self):
        r = self.run_sql(stdin="\\timing\nSELECT 1 AS a;\n\\timing off\n\\format json\n"
                               "SELECT 2 AS b;\n\\?\n\\nosuch\n\\format xml\nSELECT 3 AS c;\n")
        self.assertEqual(r.returncode, 1, self.describe(r))
        self.assertIn("Timing is on.\n a\n---\n 1\n(1 row)\nTiming is off.\n", r.stdout)
        self.assertIn('{"b":2}\n', r.stdout)
        self.assertIn('{"c":3}\n', r.stdout)
        self.assertIn("\\q", r.stdout)  # the help
        self.assertEqual(len([l for l in r.stderr.splitlines() if l.startswith("Time: ")]), 1,
                         self.describe(r))
        self.assertIn("invalid command \\nosuch", r.stderr)
        self.assertIn("xml", r.stderr)
        # \q ends a script early, with success.
        r = self.run_sql("-c", "SELECT 1 AS a;\n\\q\nSELECT nosuch;")
        self.assertEqual(r.returncode, 0, self.describe(r))

    def test_file_stops_at_the_first_error(self):
        script = self.tmp / "script.sql"
        script.write_text("SELECT 1 AS one;\n-- a comment; with a semicolon\n"
                          "SELECT 'a;b' AS s;\nSELECT\n  nosuch FROM nowhere;\nSELECT 42 AS never;\n")
        r = self.run_sql("-f", str(script))
        self.assertEqual(r.returncode, 1, self.describe(r))
        self.assertIn(" one\n-----\n   1\n(1 row)\n", r.stdout)
        self.assertIn(" a;b\n", r.stdout)
        self.assertIn("ERROR:  ", r.stderr)
        self.assertNotIn("never", r.stdout)
        # A statement without a final ';' still runs at the end of the file.
        script.write_text("SELECT 7 AS seven")
        r = self.run_sql("-f", str(script))
        self.assertEqual(r.returncode, 0, self.describe(r))
        self.assertIn("   7\n", r.stdout)
        r = self.run_sql("-f", str(self.tmp / "missing.sql"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("missing.sql", r.stderr)

    def test_error_points_at_its_position(self):
        r = self.run_sql("-c", "SELECT\n  nosuch")
        self.assertEqual(r.returncode, 1, self.describe(r))
        self.assertIn("ERROR:  ", r.stderr)
        lines = r.stderr.splitlines()
        line_index = next((i for i, l in enumerate(lines) if l.startswith("LINE 2: ")), None)
        self.assertIsNotNone(line_index, self.describe(r))
        self.assertEqual(lines[line_index], "LINE 2:   nosuch")
        self.assertEqual(lines[line_index + 1], " " * 10 + "^")

    def test_piped_stdin_runs_past_errors(self):
        r = self.run_sql(stdin="SELECT 1 AS a;\nSELECT nosuch;\nSELECT 2\n AS b;\n")
        self.assertEqual(r.returncode, 1, self.describe(r))
        self.assertIn(" a\n---\n 1\n", r.stdout)
        self.assertIn(" b\n---\n 2\n", r.stdout)
        self.assertNotIn("spate>", r.stdout)
        self.assertEqual(r.stderr.count("ERROR:  "), 1, self.describe(r))
        r = self.run_sql(stdin="SELECT 5 AS five;\n")
        self.assertEqual(r.returncode, 0, self.describe(r))
        r = self.run_sql("-f", "-", stdin="SELECT nosuch;\nSELECT 6 AS six;\n")
        self.assertEqual(r.returncode, 1, self.describe(r))
        self.assertNotIn("six", r.stdout)

    def test_against_a_running_server(self):
        server = self.start_server()
        port = str(server.pg_port)
        r = self.run_sql("--host", "127.0.0.1", "--port", port, "-c",
                         "CREATE SOURCE shell_src (a BIGINT, b TEXT) WITH (topic = 'shell_src')")
        self.assertEqual(r.returncode, 0, self.describe(r) + server.describe())
        self.assertEqual(r.stdout, "CREATE SOURCE\n")
        r = self.run_sql("--port", port, "--format", "csv", "-c", "SHOW SOURCES")
        self.assertEqual(r.returncode, 0, self.describe(r))
        lines = r.stdout.splitlines()
        self.assertTrue(lines[0].startswith("name,"), self.describe(r))
        self.assertTrue(lines[1].startswith("shell_src,"), self.describe(r))
        # A server that is not there: exit 2 and libpq's reason.
        server.stop()
        r = self.run_sql("--port", port, "-c", "SELECT 1")
        self.assertEqual(r.returncode, 2, self.describe(r))
        self.assertIn("cannot connect", r.stderr)
        r = self.run_sql("--port", port, "--data-dir", str(self.tmp / "d"), "-c", "SELECT 1")
        self.assertNotEqual(r.returncode, 0)

    def start_pty(self, *args):
        """`spate sql ARGS` on a pseudo-terminal (stdin, stdout and stderr), killed at the end."""
        shell = pty_shell(self, [SPATE_BIN, "sql", *args], self.tmp)
        self.addCleanup(shell.close)
        return shell

    def test_interactive_through_a_pty(self):
        shell = self.start_pty()
        shell.read_until("spate> ")
        shell.write(b"SELECT 1 AS x,\r")
        shell.read_until("   ...> ")
        shell.write(b"  'two' AS y;\r")
        shell.read_until("(1 row)")
        shell.read_until("spate> ")
        # Ctrl-C abandons a half-typed statement: the next prompt is the first-line one.
        shell.write(b"SELECT 'abandoned\r")
        shell.read_until("   ...> ")
        shell.write(b"\x03")
        shell.read_until("spate> ")
        shell.write(b"\\format csv\r")
        shell.read_until("Output format is csv.")
        shell.write(b"SELECT 3 AS z;\r")
        shell.read_until("z\r\n3\r\n")
        shell.write(b"\\q\r")
        code = shell.wait_exit()
        text = shell.text()
        self.assertEqual(code, 0, text)
        self.assertIn(" x |  y\n---+-----\n 1 | two\n(1 row)\n", text)
        # libedit's history file encodes spaces as \\040; the two lines are one entry.
        history = (self.tmp / ".spate_history").read_text(errors="replace")
        self.assertIn("SELECT 1 AS x, 'two' AS y;", history.replace("\\040", " "))
        self.assertNotIn("abandoned", history)

    def test_ctrl_d_leaves(self):
        shell = self.start_pty()
        shell.read_until("spate> ")
        shell.write(b"\x04")
        self.assertEqual(shell.wait_exit(), 0, shell.text())

    def test_progress_and_cancel_of_a_slow_statement(self):
        server = slow_pg_server()
        self.addCleanup(server.close)
        shell = self.start_pty("--port", str(server.port))
        shell.read_until("spate> ")
        shell.write(b"SELECT 30;\r")
        shell.read_until("] running...")
        shell.write(b"\x03")
        shell.read_until("ERROR:  canceling statement due to user request")
        shell.read_until("spate> ")
        self.assertEqual(server.cancels, 1)
        shell.write(b"\\q\r")
        # A statement failed in the session: exit code 1.
        self.assertEqual(shell.wait_exit(), 1, shell.text())

    def big_input(self, links=2000):
        """A glob over `links` names of one 8 MB CSV file (16 GB in all): a query over it takes
        seconds even on a fast machine."""
        folder = self.tmp / "big"
        folder.mkdir()
        rows = "".join(f"{i},{i % 1000},name{i % 97},{i * 0.5}\n" for i in range(300_000))
        (folder / "part-0000.csv").write_text("id,k,name,v\n" + rows)
        for n in range(1, links):
            (folder / f"part-{n:04d}.csv").symlink_to(folder / "part-0000.csv")
        return f"{folder}/*.csv"

    def test_progress_bar_and_cancel_of_a_query_over_files(self):
        pattern = self.big_input()
        server = self.start_server()
        shell = self.start_pty("--port", str(server.pg_port))
        shell.read_until("spate> ")
        shell.write(f"SELECT k, count(*), sum(v) FROM '{pattern}' GROUP BY k;\r".encode())
        # The bar: how much of the files the server read, asked over a second connection.
        shell.read_until("B / ")
        self.assertRegex(shell.text(), r"\[=*>? *\] +\d+%  [\d.]+ [kMG]?B / [\d.]+ GB")
        # Ctrl-C stops the work itself: the answer comes at once, not when the query is done.
        shell.write(b"\x03")
        shell.read_until("ERROR:  canceling statement due to user request")
        shell.read_until("spate> ")
        shell.write(b"SHOW PROGRESS;\r")
        shell.read_until("(1 row)")  # only the SHOW itself runs now
        shell.write(b"\\q\r")
        self.assertEqual(shell.wait_exit(), 1, shell.text())

    def test_no_progress_when_stderr_is_no_terminal(self):
        server = slow_pg_server()
        self.addCleanup(server.close)
        r = self.run_sql("--port", str(server.port), "-c", "SELECT 1.3")
        self.assertEqual(r.returncode, 0, self.describe(r))
        self.assertEqual(r.stdout, " x\n---\n 1\n(1 row)\n")
        self.assertEqual(r.stderr, "")

    def test_notices_go_to_stderr(self):
        server = slow_pg_server()
        self.addCleanup(server.close)
        r = self.run_sql("--port", str(server.port), "-c", "SELECT notice 0")
        self.assertEqual(r.returncode, 0, self.describe(r))
        self.assertEqual(r.stdout, " x\n---\n 1\n(1 row)\n")
        self.assertEqual(r.stderr, "NOTICE:  hello from the server\n")


class pty_shell:
    """A process on a pseudo-terminal: what it printed so far, keys typed to it, and bounded
    waits for text and for its exit."""

    def __init__(self, test, argv, cwd):
        self.test = test
        self.output = bytearray()
        self.code = None
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(cwd)
            os.environ["HOME"] = str(cwd)
            os.environ["TERM"] = "dumb"
            os.execv(argv[0], argv)

    def text(self):
        return self.output.decode(errors="replace").replace("\r\n", "\n")

    def write(self, data):
        os.write(self.fd, data)

    def _read(self, timeout):
        if select.select([self.fd], [], [], timeout)[0]:
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:
                chunk = b""
            self.output.extend(chunk)
            return bool(chunk)
        return True

    def read_until(self, text, timeout=TIMEOUT_S):
        """Waits until `text` shows in the output after what earlier waits consumed."""
        want = text.encode()
        start = getattr(self, "_mark", 0)
        deadline = time.monotonic() + timeout
        while want not in self.output[start:]:
            left = deadline - time.monotonic()
            if left <= 0:
                self.test.fail(f"no {text!r} in the shell's output:\n{self.text()}")
            if not self._read(left):
                self.test.fail(f"the shell ended before {text!r}:\n{self.text()}")
        self._mark = self.output.index(want, start) + len(want)

    def wait_exit(self):
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.code = os.waitstatus_to_exitcode(status)
                return self.code
            self._read(0.05)
        self.close()
        self.test.fail(f"the shell did not exit:\n{self.text()}")

    def close(self):
        if self.code is None:
            try:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.code = -9
        try:
            os.close(self.fd)
        except OSError:
            pass

if __name__ == "__main__":
    unittest.main()
