"""COPY FROM holds little memory however big the file: the server appends each chunk's batches
as it goes instead of keeping the whole file encoded until the end (it used to grow by about
1.5x the file). Checked through the server's peak RSS, so not under the sanitizers (label
nosan), whose allocator keeps freed memory in quarantine.

Debian's /usr/bin/python3 (psycopg2).
"""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from spate_server import server_test_case  # noqa: E402


class copy_memory_test(server_test_case):
    def test_copy_from_a_big_file_holds_little_memory(self):
        # 1.5M rows, about 85 MB.
        path = self.tmp / "big.json"
        rows = 1_500_000
        with open(path, "w") as f:
            for start in range(0, rows, 100_000):
                f.write("".join(f'{{"id":{i},"name":"n{i % 977}","pad":"{"x" * 24}"}}\n'
                                for i in range(start, start + 100_000)))
        size_mb = path.stat().st_size / 2**20
        server = self.start_server()
        conn = self.connect(server)

        def status_mb(field):
            with open(f"/proc/{server.proc.pid}/status") as f:
                for line in f:
                    if line.startswith(field + ":"):
                        return int(line.split()[1]) / 1024
            self.fail(f"no {field} in /proc/PID/status")

        with conn.cursor() as cur:
            cur.execute("CREATE SOURCE big (id BIGINT, name TEXT, pad TEXT) "
                        "WITH (topic = 'big', format = 'json')")
            before = status_mb("VmRSS")
            cur.execute(f"COPY big FROM '{path}'")
            self.assertEqual(cur.statusmessage, f"COPY {rows}")
            grew = status_mb("VmHWM") - before
        self.assertLess(grew, size_mb / 2, f"peak RSS grew {grew:.0f} MiB loading a "
                        f"{size_mb:.0f} MiB file")
        with conn.cursor() as cur:
            cur.execute("SELECT count(*), count(DISTINCT id), max(id) FROM big")
            self.assertEqual(cur.fetchone(), (rows, rows, rows - 1))


if __name__ == "__main__":
    unittest.main()
