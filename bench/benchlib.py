"""What the Python scripts of bench/ share: progress output, medians, a server process with its
own data dir (spate's, or a peer's), a load tool's one-line JSON result, and /proc readings of a
process's CPU time and memory.

Imported by the scripts beside it (bench/ is on their sys.path as the script's own directory).
Everything here runs on the calling script's main thread.
"""

import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class BenchError(Exception):
    """A measurement that could not be made: the script reports it and fails."""


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_num(v, decimals=0):
    return "–" if v is None else f"{v:,.{decimals}f}"


def ratio(a, b):
    """a / b, or None when either is missing or b is zero."""
    return a / b if a is not None and b else None


# ---- processes -----------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_cpu_seconds(pid):
    """utime + stime of a process (all its threads) so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def status_kib(pid, key):
    """A kB field of /proc/PID/status (VmRSS, VmHWM, ...), 0 when absent."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def reset_peak_rss(pid):
    """Resets VmHWM to the current RSS; False when the kernel does not allow it."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def build_type(build_dir):
    try:
        m = re.search(r"^CMAKE_BUILD_TYPE:\w+=(\w*)",
                      open(os.path.join(build_dir, "CMakeCache.txt")).read(), re.M)
        return m.group(1) if m else "?"
    except OSError:
        return "?"


def run_json(cmd, timeout, show_stderr=False):
    """Runs a load tool that prints one JSON line (and '#' comment lines); returns the parsed
    JSON, which must say "ok": true. show_stderr: also log what the tool wrote on stderr."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchError(f"{os.path.basename(cmd[0])} {cmd[1]} did not finish in {timeout} s")
    result = None
    for line in p.stdout.splitlines():
        if line.startswith("{"):
            result = json.loads(line)
        elif line.startswith("#"):
            log("      " + line[1:].strip())
    if show_stderr:
        for line in p.stderr.splitlines():
            log("      stderr: " + line)
    if p.returncode != 0 or result is None or not result.get("ok"):
        why = result.get("error") if result else p.stderr.strip()[-500:]
        raise BenchError(f"{' '.join(cmd)} exited {p.returncode}: {why}")
    return result


def measured(cmd, pid, timeout):
    """Runs one load-tool case and adds the server's CPU seconds and peak RSS during it."""
    hwm_reset = reset_peak_rss(pid)
    cpu0 = proc_cpu_seconds(pid)
    r = run_json(cmd, timeout)
    r["server"] = {"pid": pid, "cpu_seconds": round(proc_cpu_seconds(pid) - cpu0, 3),
                   "peak_rss_mib": round(status_kib(pid, "VmHWM") / 1024, 1),
                   "peak_rss_since": "case start" if hwm_reset else "server start"}
    return r


def pipeline_row(cur, name):
    """The SHOW PIPELINES row of pipeline `name` (a view or sink), through a psycopg2 cursor."""
    cur.execute("SHOW PIPELINES")
    for row in cur.fetchall():
        if row[0] == name:
            return row
    raise BenchError(f"SHOW PIPELINES has no pipeline {name}")


# ---- servers -------------------------------------------------------------------------------


class Server:
    """A server process of one system with its own data dir; subclasses say how to start it and
    how to tell that it listens."""

    name = "?"
    stop_signal = signal.SIGTERM
    start_timeout = 30  # seconds to start listening (more under a wrapper such as valgrind)

    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.proc = None
        self.port = None
        os.makedirs(data_dir, exist_ok=True)
        self.out_path = os.path.join(data_dir, "server.stdout")
        self.err_path = os.path.join(data_dir, "server.stderr")

    def command(self):
        raise NotImplementedError

    def ready(self):
        raise NotImplementedError

    @property
    def pid(self):
        return self.proc.pid

    def start(self):
        cmd = self.command()
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=self.data_dir)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"{self.name} exited {self.proc.returncode} before listening: "
                                 f"{self.output_tail()}")
            if self.ready():
                return self
            time.sleep(0.05)
        self.proc.kill()
        self.proc.wait()
        raise BenchError(f"{self.name} did not listen within {self.start_timeout} s: "
                         f"{self.output_tail()}")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def output_tail(self):
        text = ""
        for path in (self.out_path, self.err_path):
            try:
                text += open(path, errors="replace").read()
            except OSError:
                pass
        return " | ".join(text.strip().splitlines()[-5:])

    def stop(self):
        """Sends stop_signal; returns a problem or None. The server must exit 0 within 60 s."""
        if not self.alive():
            return f"{self.name} had already exited with {self.proc.returncode}"
        self.proc.send_signal(self.stop_signal)
        try:
            code = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return f"{self.name} did not stop within 60 s of {self.stop_signal.name} (killed)"
        return None if code == 0 else f"{self.name} exited {code} after {self.stop_signal.name}"

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        if self.alive():
            self.stop()


def tcp_greets(port, expect_prefix, send=b""):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            if send:
                s.sendall(send)
            return s.recv(64).startswith(expect_prefix)
    except OSError:
        return False


class SpateServer(Server):
    """`spate server` on ephemeral Kafka, Postgres and HTTP ports; `port` is the Kafka one,
    `pg_port` and `http_port` the others. `partitions` is the default for new topics (the
    server's own default when None); `extra` are more server flags."""

    name = "spate"

    def __init__(self, data_dir, binary, flush_policy="always", partitions=None, extra=(),
                 wrapper=()):
        super().__init__(data_dir)
        self.binary = os.path.abspath(binary)
        self.flush_policy = flush_policy
        self.partitions = partitions
        self.extra = list(extra)
        self.wrapper = list(wrapper)  # a command the server runs under (perf, valgrind)
        self.pg_port = None
        self.http_port = None

    def command(self):
        cmd = self.wrapper + [
            self.binary, "server", "--data-dir", os.path.join(self.data_dir, "data"),
            "--kafka-addr", "127.0.0.1:0", "--pg-addr", "127.0.0.1:0", "--http-addr",
            "127.0.0.1:0", "--log-flush-policy", self.flush_policy,
            "--log-flush-interval-ms", "1000"]
        if self.partitions:
            cmd += ["--num-partitions", str(self.partitions)]
        return cmd + self.extra

    def ready(self):
        text = open(self.out_path).read()
        ports = {}
        for what in ("kafka", "postgres", "http"):
            m = re.search(what + r" listening on 127\.0\.0\.1:(\d+)", text)
            if m:
                ports[what] = int(m.group(1))
        self.port = ports.get("kafka")
        self.pg_port = ports.get("postgres")
        self.http_port = ports.get("http")
        return len(ports) == 3 and "spate server running" in text

    def url(self, path):
        """An HTTP URL of this server."""
        return f"http://127.0.0.1:{self.http_port}{path}"

    def problems_logged(self):
        """Lines the server logged at warn level or above."""
        try:
            with open(self.err_path) as f:
                return [line for line in f.read().splitlines()
                        if re.search(r"\] \[(warning|error|critical)\]", line)]
        except OSError:
            return []

    def connect(self):
        """A psycopg2 connection (autocommit) to the server's Postgres port."""
        import psycopg2
        c = psycopg2.connect(host="127.0.0.1", port=self.pg_port, user="bench", dbname="spate")
        c.autocommit = True
        return c
