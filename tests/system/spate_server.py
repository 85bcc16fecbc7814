"""A `spate server` process for whole-system tests: start it on an ephemeral port with a data
directory, learn the port it got, wait for lines it prints, stop it with a signal, and describe
it (command, exit code, stdout and stderr) when an assertion fails.

Standard library only, for Debian's /usr/bin/python3. The binary comes from the SPATE_BIN
environment variable (CTest sets it to the built `spate`). No wait is unbounded: output goes to
files that are polled until a deadline, and a server that does not stop in time is killed.

    server = spate_server(cwd=tmp, data_dir=tmp / "data", args=["--num-partitions", "4"])
    server.wait_running()                 # raises server_error with describe() on failure
    use(server.bootstrap)                 # "127.0.0.1:PORT"
    use(server.pg_port)                   # when args name --pg-addr: its port
    use(server.http_port)                 # the HTTP listener's port
    code = server.stop()                  # SIGTERM; the exit code, or raises after a timeout

server_test_case is a unittest base class that gives each test a temporary directory and stops
or kills every server the test started.
"""

import os
import re
import signal
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

SPATE_BIN = os.environ.get("SPATE_BIN", "")

# Bounds on waits. A server opens its log (recovering it after a crash) before it listens.
START_TIMEOUT_S = 15
STOP_TIMEOUT_S = 15

RUNNING_LINE = "spate server running; Ctrl-C stops it"
STOPPED_LINE = "spate server stopped"
# The Kafka listener's address, with the port it really got.
KAFKA_LINE_RE = re.compile(r"^kafka listening on (?P<host>[^\s:]+|\[[^\]]+\]):(?P<port>[1-9]\d*)$")
# The Postgres listener's, printed when the server was given --pg-addr.
PG_LINE_RE = re.compile(r"^postgres listening on (?P<host>[^\s:]+|\[[^\]]+\]):(?P<port>[1-9]\d*)$")
# The HTTP listener's.
HTTP_LINE_RE = re.compile(r"^http listening on (?P<host>[^\s:]+|\[[^\]]+\]):(?P<port>[1-9]\d*)$")
# Words in stderr that mean the process did not fail as a program should.
CRASH_MARKERS = ("AddressSanitizer", "UndefinedBehaviorSanitizer", "runtime error:",
                 "Segmentation fault", "terminate called", "Assertion")


class server_error(AssertionError):
    """A server that did not start, stop or answer as expected; the message describes it."""


def check_binary():
    """An error message if SPATE_BIN does not name an executable, else None."""
    if not SPATE_BIN:
        return "SPATE_BIN is not set: point it at the built spate binary"
    if not os.access(SPATE_BIN, os.X_OK):
        return f"SPATE_BIN={SPATE_BIN} is not an executable file"
    return None


class spate_server:
    """One `spate server` process, started at construction. Its stdout and stderr go to files in
    `cwd` (also its working directory), so reading them never blocks. Unless `args` name
    --kafka-addr (--pg-addr), it listens on 127.0.0.1 port 0 (an ephemeral port: tests run in
    parallel)."""

    def __init__(self, cwd, data_dir=None, args=(), name="spate"):
        self.cwd = Path(cwd)
        self.args = ["server"]
        if data_dir is not None:
            self.args += ["--data-dir", str(data_dir)]
        self.args += [str(a) for a in args]
        if "--kafka-addr" not in self.args:
            self.args += ["--kafka-addr", "127.0.0.1:0"]
        # The Postgres listener too, so that servers of tests running in parallel never meet
        # on its default port.
        if "--pg-addr" not in self.args:
            self.args += ["--pg-addr", "127.0.0.1:0"]
        # And the HTTP listener (default port 8080).
        if "--http-addr" not in self.args:
            self.args += ["--http-addr", "127.0.0.1:0"]
        fd, out = tempfile.mkstemp(prefix=f"{name}-stdout-", suffix=".txt", dir=self.cwd)
        os.close(fd)
        fd, err = tempfile.mkstemp(prefix=f"{name}-stderr-", suffix=".txt", dir=self.cwd)
        os.close(fd)
        self.stdout_path = Path(out)
        self.stderr_path = Path(err)
        self._port = None
        self._pg_port = None
        self._http_port = None
        # Set when the test stops or kills it; an exit without it is a crash.
        self.stop_requested = False
        with open(self.stdout_path, "wb") as out_file, open(self.stderr_path, "wb") as err_file:
            self.proc = subprocess.Popen(
                [SPATE_BIN, *self.args],
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=out_file,
                stderr=err_file,
            )

    # --- output -------------------------------------------------------------------------------

    def stdout(self):
        return self.stdout_path.read_text(errors="replace")

    def stderr(self):
        return self.stderr_path.read_text(errors="replace")

    def describe(self, stderr_tail=200):
        """The command, pid, exit code and both outputs (the last stderr_tail lines of stderr),
        for failure messages."""
        err = self.stderr().splitlines(keepends=True)
        if len(err) > stderr_tail:
            err = [f"... ({len(err) - stderr_tail} earlier lines)\n"] + err[-stderr_tail:]
        return (
            f"spate {' '.join(self.args)} (pid {self.proc.pid}, exit {self.proc.poll()})\n"
            f"--- stdout ---\n{self.stdout()}--- stderr ---\n{''.join(err)}"
        )

    def wait_for_line(self, predicate, timeout=START_TIMEOUT_S):
        """Waits until a line of stdout satisfies predicate (a string to equal, a compiled
        regex to match, or a callable). Returns that line, or None if the process exits first
        or the deadline passes."""
        if isinstance(predicate, str):
            want = predicate
            predicate = lambda line: line == want  # noqa: E731
        elif isinstance(predicate, re.Pattern):
            pattern = predicate
            predicate = lambda line: pattern.match(line) is not None  # noqa: E731
        deadline = time.monotonic() + timeout
        while True:
            exited = self.proc.poll() is not None
            for line in self.stdout().splitlines():
                if predicate(line):
                    return line
            if exited or time.monotonic() >= deadline:
                return None
            time.sleep(0.02)

    # --- lifecycle ----------------------------------------------------------------------------

    def wait_running(self, timeout=START_TIMEOUT_S):
        """Waits for the running line and parses the Kafka port (and the Postgres port when
        started with --pg-addr). Raises server_error (with describe()) if they do not come in
        time. Returns self."""
        if self.wait_for_line(RUNNING_LINE, timeout) is None:
            code = self.proc.poll()
            when = f"within {timeout} s" if code is None else f"before it exited with {code}"
            raise server_error(f"no '{RUNNING_LINE}' {when}\n{self.describe()}")
        line = self.wait_for_line(KAFKA_LINE_RE, 0)
        if line is None:
            raise server_error(f"no 'kafka listening on HOST:PORT' line\n{self.describe()}")
        self._port = int(KAFKA_LINE_RE.match(line).group("port"))
        if "--pg-addr" in self.args:
            line = self.wait_for_line(PG_LINE_RE, timeout)
            if line is None:
                raise server_error(
                    f"no 'postgres listening on HOST:PORT' line\n{self.describe()}")
            self._pg_port = int(PG_LINE_RE.match(line).group("port"))
        line = self.wait_for_line(HTTP_LINE_RE, 0)
        if line is not None:
            self._http_port = int(HTTP_LINE_RE.match(line).group("port"))
        return self

    @property
    def port(self):
        if self._port is None:
            raise server_error("the port is known only after wait_running()\n" + self.describe())
        return self._port

    @property
    def bootstrap(self):
        """host:port for a client's bootstrap.servers."""
        return f"127.0.0.1:{self.port}"

    @property
    def pg_port(self):
        """The Postgres listener's port; known after wait_running() on a --pg-addr server."""
        if self._pg_port is None:
            raise server_error("the Postgres port is known only after wait_running() on a "
                               "server started with --pg-addr\n" + self.describe())
        return self._pg_port

    @property
    def http_port(self):
        """The HTTP listener's port; known after wait_running()."""
        if self._http_port is None:
            raise server_error("no 'http listening on HOST:PORT' line (yet)\n" + self.describe())
        return self._http_port

    def alive(self):
        return self.proc.poll() is None

    def wait_exit(self, timeout):
        """The exit code, or None if still running after timeout seconds."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, sig=signal.SIGTERM, timeout=STOP_TIMEOUT_S):
        """Signals the server and waits for it to exit. Returns the exit code; kills it and
        raises server_error if it is still running after timeout seconds."""
        if self.proc.poll() is None:
            self.stop_requested = True
            self.proc.send_signal(sig)
        code = self.wait_exit(timeout)
        if code is None:
            self.kill()
            raise server_error(
                f"still running {timeout} s after {signal.Signals(sig).name} (killed)\n"
                + self.describe()
            )
        return code

    def stop_cleanly(self, sig=signal.SIGTERM, timeout=STOP_TIMEOUT_S):
        """stop(), then raises server_error unless it exited 0 and printed the stopped line."""
        code = self.stop(sig, timeout)
        if code != 0 or STOPPED_LINE not in self.stdout().splitlines():
            raise server_error(
                f"unclean stop after {signal.Signals(sig).name}: exit {code}\n{self.describe()}"
            )

    def kill(self):
        """SIGKILL, if it still runs, and reap it."""
        if self.proc.poll() is None:
            self.stop_requested = True
            self.proc.kill()
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                pass

    def crash_markers(self):
        """The crash markers (sanitizer reports, assertion failures) found on stderr."""
        err = self.stderr()
        return [m for m in CRASH_MARKERS if m in err]


class server_test_case(unittest.TestCase):
    """Gives each test a fresh temporary directory (self.tmp) and stops every server it started:
    one still running at the end must stop cleanly on SIGTERM, and one that exited without
    being told to (a crash) fails the test."""

    def setUp(self):
        problem = check_binary()
        if problem:
            self.fail(problem)
        tmp = tempfile.TemporaryDirectory(prefix="spate-system-")
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)

    def connect(self, server):
        """A psycopg2 connection (autocommit) to the server's Postgres port, closed when the
        test ends. (psycopg2 is imported here: the tests that do not use it need only the
        standard library.)"""
        import psycopg2
        conn = psycopg2.connect(host="127.0.0.1", port=server.pg_port, user="spate",
                                dbname="spate", connect_timeout=10)
        conn.autocommit = True
        self.addCleanup(conn.close)
        return conn

    def start_server(self, *args, data_dir=None, wait=True, name="spate"):
        """Starts a server on data_dir (default self.tmp/data) and, if wait, waits until it
        runs. A server still running when the test ends is stopped with SIGTERM and must exit
        0; its describe() goes into the failure."""
        if data_dir is None:
            data_dir = self.tmp / "data"
        server = spate_server(self.tmp, data_dir, args, name=name)
        self.addCleanup(self._stop_at_end, server)
        if wait:
            try:
                server.wait_running()
            except server_error as e:
                server.kill()
                server.stop_requested = True  # reported here, not again at cleanup
                self.fail(str(e))
        return server

    def _stop_at_end(self, server):
        if not server.alive():
            if not server.stop_requested:
                self.fail(f"the server exited by itself (exit {server.proc.returncode}) during "
                          f"the test\n{server.describe()}")
            return
        try:
            server.stop_cleanly()
        except server_error as e:
            self.fail(f"at the end of the test: {e}")
        markers = server.crash_markers()
        if markers:
            self.fail(f"the server's stderr has {markers}\n{server.describe()}")

    def stop_server(self, server, sig=signal.SIGTERM):
        """Stops a server with sig and checks the clean exit (0 and the stopped line)."""
        try:
            server.stop_cleanly(sig)
        except server_error as e:
            self.fail(str(e))

    def assert_alive(self, server, what=""):
        self.assertTrue(
            server.alive(), f"the server died{' ' + what if what else ''}\n{server.describe()}"
        )
