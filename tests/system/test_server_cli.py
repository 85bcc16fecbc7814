"""Whole-system tests of the spate binary, driven as a user drives it: its command line, its
config file, starting and stopping the server with signals, and the data directories it refuses.

The binary comes from the SPATE_BIN environment variable (CTest sets it to the built `spate`).
Every test works in a fresh temporary directory, which is also the working directory of every
process it starts, so nothing lands in the source or build tree. No wait is unbounded: one-shot
commands run under a timeout, a server's output goes to files that are polled until a deadline,
and a server that does not stop in time is killed and the test fails.

Run by hand:
    ctest --test-dir build -L system --output-on-failure
    SPATE_BIN=build/src/app/spate /usr/bin/python3 tests/system/test_server_cli.py [-k NAME]
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

# Bounds on every wait. A one-shot command (help, version, a rejected flag) is quick; a server
# opens its log before it says it is running; stopping it closes the log.
COMMAND_TIMEOUT_S = 10
START_TIMEOUT_S = 10
STOP_TIMEOUT_S = 10

RUNNING_LINE = "spate server running; Ctrl-C stops it"
# The Kafka listener's address, with the port it really got.
KAFKA_LINE_RE = re.compile(r"^kafka listening on 127\.0\.0\.1:[1-9]\d*$")
PG_LINE_RE = re.compile(r"^postgres listening on 127\.0\.0\.1:[1-9]\d*$")
HTTP_LINE_RE = re.compile(r"^http listening on 127\.0\.0\.1:[1-9]\d*$")
STOPPED_LINE = "spate server stopped"
# "spate 0.1.0 (abc1234)": a semantic version, then the build in parentheses.
VERSION_RE = re.compile(
    r"^spate (0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)? \([^()\n]+\)$"
)
# An spdlog line ("[2026-01-01 00:00:00.000] [spate] [info] ..."): these belong on stderr.
LOG_LINE_RE = re.compile(r"^\[\d{4}-\d\d-\d\d [\d:.]+\] \[spate\] \[")


def ready_line(data_dir, topics=0):
    return f"log ready in {Path(data_dir).absolute()} ({topics} topics)"


class completed:
    """What a one-shot command did: exit code and both outputs, for assertions and messages."""

    def __init__(self, args, returncode, stdout, stderr):
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr

    def describe(self):
        return (
            f"spate {' '.join(self.args)} exited {self.returncode}\n"
            f"--- stdout ---\n{self.stdout}--- stderr ---\n{self.stderr}"
        )


class server_process:
    """A `spate server` started in the background. Its stdout and stderr go to files so reading
    them never blocks; wait_for_line polls them until a deadline."""

    def __init__(self, args, cwd):
        self.args = list(args)
        # Never the default 9092: tests run in parallel, and beside whatever else listens.
        if "server" in self.args and "--kafka-addr" not in self.args:
            self.args += ["--kafka-addr", "127.0.0.1:0"]
        if "server" in self.args and "--pg-addr" not in self.args:
            self.args += ["--pg-addr", "127.0.0.1:0"]
        if "server" in self.args and "--http-addr" not in self.args:
            self.args += ["--http-addr", "127.0.0.1:0"]
        self.cwd = Path(cwd)
        fd, out = tempfile.mkstemp(prefix="stdout-", suffix=".txt", dir=self.cwd)
        os.close(fd)
        fd, err = tempfile.mkstemp(prefix="stderr-", suffix=".txt", dir=self.cwd)
        os.close(fd)
        self._out_path = Path(out)
        self._err_path = Path(err)
        with open(self._out_path, "wb") as out_file, open(self._err_path, "wb") as err_file:
            self.proc = subprocess.Popen(
                [SPATE_BIN, *self.args],
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=out_file,
                stderr=err_file,
            )

    def stdout(self):
        return self._out_path.read_text(errors="replace")

    def stderr(self):
        return self._err_path.read_text(errors="replace")

    def describe(self):
        return (
            f"spate {' '.join(self.args)} (pid {self.proc.pid}, exit {self.proc.poll()})\n"
            f"--- stdout ---\n{self.stdout()}--- stderr ---\n{self.stderr()}"
        )

    def wait_for_line(self, line, timeout=START_TIMEOUT_S):
        """Waits until stdout holds exactly this line. Returns False if the process exits first
        or the deadline passes."""
        deadline = time.monotonic() + timeout
        while True:
            if line in self.stdout().splitlines():
                return True
            if self.proc.poll() is not None:
                # It exited: its output is complete, so look once more.
                return line in self.stdout().splitlines()
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    def wait_exit(self, timeout):
        """The exit code, or None if still running after timeout seconds."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                pass


class spate_test_case(unittest.TestCase):
    """Gives each test a fresh temporary directory (self.tmp) and kills any server it leaves."""

    def setUp(self):
        if not SPATE_BIN:
            self.fail("SPATE_BIN is not set: point it at the built spate binary")
        if not os.access(SPATE_BIN, os.X_OK):
            self.fail(f"SPATE_BIN={SPATE_BIN} is not an executable file")
        tmp = tempfile.TemporaryDirectory(prefix="spate-system-")
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)

    def spate(self, *args, timeout=COMMAND_TIMEOUT_S):
        """Runs a command that should finish by itself, and fails the test if it does not."""
        try:
            r = subprocess.run(
                [SPATE_BIN, *args],
                cwd=self.tmp,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as e:  # run() has killed it already
            out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else e.stdout
            err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else e.stderr
            self.fail(
                f"spate {' '.join(args)} still running after {timeout} s (a hang; killed)\n"
                f"--- stdout ---\n{out or ''}--- stderr ---\n{err or ''}"
            )
        return completed(list(args), r.returncode, r.stdout, r.stderr)

    def start_server(self, *args):
        server = server_process(["server", *args], self.tmp)
        self.addCleanup(server.kill)
        return server

    def start_running_server(self, *args, data_dir):
        """Starts a server and waits until it has opened data_dir and says it is running."""
        server = self.start_server(*args)
        self.assertTrue(
            server.wait_for_line(RUNNING_LINE),
            f"no '{RUNNING_LINE}' within {START_TIMEOUT_S} s\n{server.describe()}",
        )
        self.assertIn(ready_line(data_dir), server.stdout().splitlines(), server.describe())
        return server

    def stop_server(self, server, sig=signal.SIGTERM):
        """Signals the server and checks that it stops cleanly (exit 0, 'stopped') in time."""
        server.proc.send_signal(sig)
        code = server.wait_exit(STOP_TIMEOUT_S)
        if code is None:
            server.kill()
            self.fail(f"still running {STOP_TIMEOUT_S} s after {sig.name}\n{server.describe()}")
        self.assertEqual(code, 0, f"exit after {sig.name}\n{server.describe()}")
        self.assertIn(STOPPED_LINE, server.stdout().splitlines(), server.describe())

    def assert_refused(self, result, *needles):
        """A command that must fail as a program, not a crash: a positive exit code (a negative
        one means a signal killed it), nothing started, and each needle on stderr."""
        self.assertNotEqual(result.returncode, 0, result.describe())
        self.assertGreater(result.returncode, 0, "killed by a signal\n" + result.describe())
        self.assertNotIn(RUNNING_LINE, result.stdout, result.describe())
        self.assertNotIn("Segmentation fault", result.stderr, result.describe())
        self.assertNotIn("AddressSanitizer", result.stderr, result.describe())
        for needle in needles:
            self.assertIn(needle, result.stderr, result.describe())

    def write_config(self, text, name="spate.toml"):
        path = self.tmp / name
        path.write_text(text)
        return path


class help_and_version_test(spate_test_case):
    def test_top_level_help_lists_config_and_subcommands(self):
        r = self.spate("--help")
        self.assertEqual(r.returncode, 0, r.describe())
        for needle in ("--config", "--version", "server", "version"):
            self.assertIn(needle, r.stdout, r.describe())

    def test_server_help_lists_its_options(self):
        r = self.spate("server", "--help")
        self.assertEqual(r.returncode, 0, r.describe())
        for needle in (
            "--data-dir",
            "--log-flush-policy",
            "--log-segment-bytes",
            "--log-retention-ms",
            "--log-level",
        ):
            self.assertIn(needle, r.stdout, r.describe())

    def test_server_help_mentions_config(self):
        # `spate server --config F` is how the config file is given, so the server's own help
        # should say so.
        r = self.spate("server", "--help")
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertIn("--config", r.stdout, r.describe())

    def test_version_help(self):
        r = self.spate("version", "--help")
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertIn("version", r.stdout, r.describe())
        self.assertIn("--help", r.stdout, r.describe())

    def test_version_subcommand_prints_semver_and_build(self):
        r = self.spate("version")
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertRegex(r.stdout.rstrip("\n"), VERSION_RE)
        self.assertEqual(r.stdout.count("\n"), 1, r.describe())

    def test_version_flag_prints_the_same(self):
        flag = self.spate("--version")
        self.assertEqual(flag.returncode, 0, flag.describe())
        self.assertRegex(flag.stdout.rstrip("\n"), VERSION_RE)
        sub = self.spate("version")
        self.assertEqual(flag.stdout, sub.stdout)

    def test_no_subcommand_is_refused(self):
        r = self.spate()
        self.assert_refused(r, "subcommand")


class flag_test(spate_test_case):
    def test_unknown_flag_on_server(self):
        data = self.tmp / "data"
        r = self.spate("server", "--data-dir", str(data), "--no-such-flag")
        self.assert_refused(r, "--no-such-flag")
        self.assertFalse(data.exists(), "a refused command created the data dir")

    def test_unknown_flag_before_subcommand(self):
        r = self.spate("--no-such-flag", "server", "--data-dir", str(self.tmp / "data"))
        self.assert_refused(r, "--no-such-flag")

    def test_unknown_flag_on_version(self):
        r = self.spate("version", "--no-such-flag")
        self.assert_refused(r, "--no-such-flag")
        self.assertNotRegex(r.stdout, VERSION_RE)

    def test_segment_bytes_too_small(self):
        data = self.tmp / "data"
        r = self.spate("server", "--data-dir", str(data), "--log-segment-bytes", "5")
        self.assert_refused(r, "5")
        self.assertTrue(
            "segment.bytes" in r.stderr or "--log-segment-bytes" in r.stderr, r.describe()
        )
        self.assertFalse(data.exists(), "a refused command created the data dir")

    def test_retention_ms_not_a_number(self):
        data = self.tmp / "data"
        r = self.spate("server", "--data-dir", str(data), "--log-retention-ms", "soon")
        self.assert_refused(r, "soon")
        self.assertTrue(
            "retention.ms" in r.stderr or "--log-retention-ms" in r.stderr, r.describe()
        )
        self.assertFalse(data.exists(), "a refused command created the data dir")

    def test_unknown_flush_policy(self):
        data = self.tmp / "data"
        r = self.spate("server", "--data-dir", str(data), "--log-flush-policy", "sometimes")
        self.assert_refused(r, "sometimes")
        self.assertFalse(data.exists(), "a refused command created the data dir")

    def test_unknown_log_level(self):
        data = self.tmp / "data"
        r = self.spate("server", "--data-dir", str(data), "--log-level", "loud")
        self.assert_refused(r, "loud")
        self.assertFalse(data.exists(), "a refused command created the data dir")

    def test_flag_without_value(self):
        r = self.spate("server", "--data-dir")
        self.assert_refused(r, "--data-dir")


class server_lifecycle_test(spate_test_case):
    def test_start_then_sigterm(self):
        data = self.tmp / "data"
        server = self.start_running_server("--data-dir", str(data), data_dir=data)
        self.stop_server(server, signal.SIGTERM)
        self.assertTrue((data / "topics").is_dir(), f"no {data}/topics after a run")

    def test_start_then_sigint(self):
        data = self.tmp / "data"
        server = self.start_running_server("--data-dir", str(data), data_dir=data)
        self.stop_server(server, signal.SIGINT)
        self.assertTrue((data / "topics").is_dir(), f"no {data}/topics after a run")

    def test_stdout_carries_status_lines_and_logs_go_to_stderr(self):
        data = self.tmp / "data"
        server = self.start_running_server("--data-dir", str(data), data_dir=data)
        self.stop_server(server)
        out = server.stdout().splitlines()
        self.assertEqual(len(out), 6, server.describe())
        self.assertEqual(out[0], ready_line(data), server.describe())
        self.assertRegex(out[1], KAFKA_LINE_RE, server.describe())
        self.assertRegex(out[2], PG_LINE_RE, server.describe())
        self.assertRegex(out[3], HTTP_LINE_RE, server.describe())
        self.assertEqual(out[4:], [RUNNING_LINE, STOPPED_LINE], server.describe())
        err = server.stderr()
        self.assertNotIn(RUNNING_LINE, err, server.describe())
        self.assertTrue(
            any(LOG_LINE_RE.match(line) for line in err.splitlines()),
            "no log lines on stderr\n" + server.describe(),
        )

    def test_relative_data_dir_is_reported_absolute(self):
        # The server runs in self.tmp, so "rel/data" is self.tmp/rel/data.
        server = self.start_running_server(
            "--data-dir", "rel/data", data_dir=self.tmp / "rel" / "data"
        )
        self.stop_server(server)
        self.assertTrue((self.tmp / "rel" / "data" / "topics").is_dir())

    def test_restart_on_the_same_data_dir(self):
        data = self.tmp / "data"
        for sig in (signal.SIGTERM, signal.SIGINT):
            server = self.start_running_server("--data-dir", str(data), data_dir=data)
            self.stop_server(server, sig)


class config_file_test(spate_test_case):
    def test_config_sets_data_dir(self):
        data = self.tmp / "from-file"
        config = self.write_config(f'[server]\ndata-dir = "{data}"\n')
        server = self.start_running_server("--config", str(config), data_dir=data)
        self.stop_server(server)
        self.assertTrue((data / "topics").is_dir())

    def test_config_given_before_the_subcommand(self):
        data = self.tmp / "from-file"
        config = self.write_config(f'[server]\ndata-dir = "{data}"\n')
        server = server_process(["--config", str(config), "server"], self.tmp)
        self.addCleanup(server.kill)
        self.assertTrue(server.wait_for_line(RUNNING_LINE), server.describe())
        self.assertIn(ready_line(data), server.stdout().splitlines(), server.describe())
        self.stop_server(server)

    def test_flag_wins_over_config_file(self):
        from_file = self.tmp / "from-file"
        config = self.write_config(f'[server]\ndata-dir = "{from_file}"\n')
        for n, order in enumerate(("config-first", "flag-first")):
            with self.subTest(order=order):
                from_flag = self.tmp / f"from-flag-{n}"
                config_args = ["--config", str(config)]
                flag_args = ["--data-dir", str(from_flag)]
                args = config_args + flag_args if n == 0 else flag_args + config_args
                server = self.start_running_server(*args, data_dir=from_flag)
                self.stop_server(server)
                self.assertTrue((from_flag / "topics").is_dir())
                self.assertFalse(from_file.exists(), "the config file's data dir was used too")

    def test_config_sets_log_options(self):
        data = self.tmp / "data"
        config = self.write_config(
            "[server]\n"
            f'data-dir = "{data}"\n'
            'log-flush-policy = "interval"\n'
            "log-flush-interval-ms = 50\n"
            "log-segment-bytes = 1048576\n"
            'log-level = "warn"\n'
        )
        server = self.start_running_server("--config", str(config), data_dir=data)
        self.stop_server(server)
        # log-level = "warn" was applied: no info lines.
        self.assertNotIn("[info]", server.stderr(), server.describe())

    def test_missing_config_file(self):
        missing = self.tmp / "no-such.toml"
        data = self.tmp / "data"
        r = self.spate("server", "--config", str(missing), "--data-dir", str(data))
        self.assert_refused(r, str(missing))
        self.assertFalse(data.exists())

    def test_bad_flush_policy_in_config(self):
        data = self.tmp / "data"
        config = self.write_config('[server]\nlog-flush-policy = "sometimes"\n')
        r = self.spate("server", "--config", str(config), "--data-dir", str(data))
        self.assert_refused(r, "sometimes")
        self.assertFalse(data.exists())

    def test_bad_segment_bytes_in_config(self):
        data = self.tmp / "data"
        config = self.write_config("[server]\nlog-segment-bytes = 5\n")
        r = self.spate("server", "--config", str(config), "--data-dir", str(data))
        self.assert_refused(r, "5")
        self.assertTrue(
            "segment.bytes" in r.stderr or "log-segment-bytes" in r.stderr, r.describe()
        )
        self.assertFalse(data.exists())

    def test_malformed_config_file_is_refused(self):
        # An unterminated string is not TOML. Accepting it runs the server on a data dir whose
        # name starts with a quote character, relative to the working directory.
        data = self.tmp / "data"
        config = self.write_config(f'[server]\ndata-dir = "{data}\n')
        server = self.start_server("--config", str(config))
        if server.wait_for_line(RUNNING_LINE):
            server.kill()
            self.fail(f"a malformed config file was accepted: the server ran\n{server.describe()}")
        code = server.wait_exit(STOP_TIMEOUT_S)
        self.assertIsNotNone(code, "neither refused nor running\n" + server.describe())
        self.assertGreater(code, 0, server.describe())
        self.assertIn(str(config), server.stderr(), server.describe())

    def test_unknown_key_in_config_file_is_refused(self):
        # A misspelt key (data_dir for data-dir) must not be ignored silently: the server would
        # run on the default ./spate-data instead of the directory the user chose.
        data = self.tmp / "data"
        config = self.write_config(f'[server]\ndata_dir = "{data}"\n')
        server = self.start_server("--config", str(config))
        if server.wait_for_line(RUNNING_LINE):
            server.kill()
            self.fail(f"unknown key data_dir was ignored: the server ran\n{server.describe()}")
        code = server.wait_exit(STOP_TIMEOUT_S)
        self.assertIsNotNone(code, "neither refused nor running\n" + server.describe())
        self.assertGreater(code, 0, server.describe())
        self.assertIn("data_dir", server.stderr(), server.describe())


class data_dir_test(spate_test_case):
    def test_parent_is_a_regular_file(self):
        blocker = self.tmp / "a-file"
        blocker.write_text("not a directory\n")
        data = blocker / "data"
        r = self.spate("server", "--data-dir", str(data))
        self.assert_refused(r, str(data))

    def test_data_dir_is_a_regular_file(self):
        data = self.tmp / "a-file"
        data.write_text("not a directory\n")
        r = self.spate("server", "--data-dir", str(data))
        self.assert_refused(r, str(data))
        self.assertEqual(data.read_text(), "not a directory\n", "the file was changed")

    def test_corrupt_topic_metadata(self):
        data = self.tmp / "data"
        (data / "topics" / "broken").mkdir(parents=True)
        (data / "topics" / "broken" / "topic.json").write_text("{not json")
        r = self.spate("server", "--data-dir", str(data))
        self.assert_refused(r, "topic.json", "broken")
        self.assertTrue(
            (data / "topics" / "broken" / "topic.json").exists(),
            "the server deleted a topic it could not read",
        )

    def test_half_created_topic_is_removed(self):
        data = self.tmp / "data"
        (data / "topics" / "half" / "0").mkdir(parents=True)
        server = self.start_running_server("--data-dir", str(data), data_dir=data)
        self.assertFalse(
            (data / "topics" / "half").exists(), "half-created topic still there\n"
            + server.describe()
        )
        self.stop_server(server)


if __name__ == "__main__":
    unittest.main(verbosity=2)
