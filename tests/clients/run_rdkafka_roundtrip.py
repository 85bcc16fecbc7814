"""Runs rdkafka_roundtrip (librdkafka's C API) against a spate of its own: starts spate on an
ephemeral port with a temporary data directory and auto-created topics of 3 partitions, runs
the program under a timeout, and stops spate, which must exit cleanly.

    SPATE_BIN=build/src/app/spate RDKAFKA_ROUNDTRIP_BIN=build/tests/clients/rdkafka_roundtrip \\
        /usr/bin/python3 tests/clients/run_rdkafka_roundtrip.py [COUNT]

Exits 0 when the round trip and the stop succeeded; otherwise 1 with the program's output and
the server's described on stderr.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "system"))
import spate_server  # noqa: E402

PROGRAM_TIMEOUT_S = 120


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    problem = spate_server.check_binary()
    program = os.environ.get("RDKAFKA_ROUNDTRIP_BIN", "")
    if not problem and not os.access(program, os.X_OK):
        problem = f"RDKAFKA_ROUNDTRIP_BIN={program!r} is not an executable file"
    if problem:
        print(f"run_rdkafka_roundtrip: {problem}", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="spate-rdkafka-") as tmp:
        server = spate_server.spate_server(tmp, Path(tmp) / "data", ["--num-partitions", "3"])
        try:
            server.wait_running()
            try:
                r = subprocess.run(
                    [program, server.bootstrap, "roundtrip", str(count)],
                    cwd=tmp,
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    text=True,
                    errors="replace",
                    timeout=PROGRAM_TIMEOUT_S,
                )
            except subprocess.TimeoutExpired as e:
                out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else e.stdout
                err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else e.stderr
                print(
                    f"run_rdkafka_roundtrip: rdkafka_roundtrip still running after "
                    f"{PROGRAM_TIMEOUT_S} s (a hang; killed)\n--- its stdout ---\n{out or ''}"
                    f"--- its stderr ---\n{err or ''}\n{server.describe()}",
                    file=sys.stderr,
                )
                return 1
            sys.stdout.write(r.stdout)
            if r.returncode != 0:
                print(
                    f"run_rdkafka_roundtrip: rdkafka_roundtrip exited {r.returncode}\n"
                    f"--- its stderr ---\n{r.stderr}\n{server.describe()}",
                    file=sys.stderr,
                )
                return 1
            if not server.alive():
                print(f"run_rdkafka_roundtrip: the server died\n{server.describe()}",
                      file=sys.stderr)
                return 1
            server.stop_cleanly()
            markers = server.crash_markers()
            if markers:
                print(f"run_rdkafka_roundtrip: server stderr has {markers}\n{server.describe()}",
                      file=sys.stderr)
                return 1
        except spate_server.server_error as e:
            print(f"run_rdkafka_roundtrip: {e}", file=sys.stderr)
            return 1
        finally:
            server.kill()
    print("run_rdkafka_roundtrip: OK (round trip checked, server stopped cleanly)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
