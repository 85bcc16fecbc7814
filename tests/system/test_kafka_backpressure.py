"""Backpressure: a consumer that stops reading its socket holds a bounded amount of the server's
memory and never slows producers on other connections.

A raw socket pipelines hundreds of 1 MiB Fetch requests for a topic full of data and then reads
nothing. The server must stop reading that connection once its in-flight budget is spent (about
64 MiB of requests and unsent responses), keep its memory near that bound, and meanwhile serve a
producer on another connection as fast as before. When the slow consumer finally reads, every
response is there, whole and in order.

Run by hand:
    SPATE_BIN=build/src/app/spate /usr/bin/python3 tests/system/test_kafka_backpressure.py
"""

import socket
import struct
import subprocess
import threading
import time
import unittest

import kafka_wire as kw
from spate_server import server_test_case

# Fetch v4: the oldest version spate serves; plain (non-flexible) encoding.
FETCH_VERSION = 4
REQUESTS = 400
FETCH_BYTES = 1024 * 1024
BIG_MESSAGES = 40_000  # of 1 KiB: ~40 MiB to fetch, again and again
FAST_MESSAGES = 100_000  # of 100 B, produced while the slow consumer is stuck
PADDED_CLIENT_ID = b"slow-consumer-" + b"x" * 30_000
# The connection's in-flight budget is 64 MiB; the rest is the server's own working set.
RSS_GROWTH_LIMIT_MB = 200


def fetch_v4_request(correlation_id, topic, partition, offset, max_bytes):
    body = struct.pack(">iiii", -1, 30_000, 1, max_bytes)  # replica, max wait, min bytes, max
    body += struct.pack(">b", 0)  # isolation level: read uncommitted
    body += kw.array(
        [kw.string(topic) + kw.array([struct.pack(">iqi", partition, offset, max_bytes)])]
    )
    # A long client id makes the pipelined requests outgrow the sockets' kernel buffers, so a
    # server that stops reading this connection leaves the sender blocked.
    header = kw.request_header(kw.API_FETCH, FETCH_VERSION, correlation_id, PADDED_CLIENT_ID)
    return kw.frame(header + body)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for pid {pid}")


def kcat_produce(bootstrap, topic, lines, timeout=120):
    """Produces `lines` (bytes, one message per line) with kcat; returns the seconds it took."""
    start = time.monotonic()
    r = subprocess.run(
        ["kcat", "-b", bootstrap, "-P", "-t", topic, "-X", "linger.ms=5",
         "-X", "batch.size=1000000", "-X", "queue.buffering.max.messages=1000000"],
        input=lines, capture_output=True, timeout=timeout,
    )
    elapsed = time.monotonic() - start
    if r.returncode != 0:
        raise AssertionError(f"kcat -P failed ({r.returncode}): {r.stderr.decode(errors='replace')}")
    return elapsed


class slow_consumer_test(server_test_case):
    def test_a_stuck_consumer_is_bounded_and_does_not_slow_producers(self):
        server = self.start_server("--shards", "2", "--num-partitions", "1")
        big = b"".join(b"%08d" % i + b"x" * 1015 + b"\n" for i in range(BIG_MESSAGES))
        kcat_produce(server.bootstrap, "big", big)
        fast = b"y" * 99 + b"\n"
        baseline = kcat_produce(server.bootstrap, "fast", fast * FAST_MESSAGES)
        rss_before = rss_mb(server.proc.pid)

        # The slow consumer: a small receive buffer, and it sends without ever reading.
        slow = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        slow.connect(("127.0.0.1", server.port))
        slow.settimeout(30)
        requests = b"".join(
            fetch_v4_request(i, "big", 0, (i * 997) % (BIG_MESSAGES // 2), FETCH_BYTES)
            for i in range(REQUESTS)
        )
        # The server stops reading once its budget is spent, so the send blocks: do it aside.
        sender = threading.Thread(target=lambda: slow.sendall(requests), daemon=True)
        sender.start()
        time.sleep(2.0)
        self.assertTrue(sender.is_alive(),
                        "the server read every pipelined request of a connection that reads "
                        "nothing: no backpressure")

        stuck = kcat_produce(server.bootstrap, "fast", fast * FAST_MESSAGES)
        rss_during = rss_mb(server.proc.pid)
        print(f"\nproduce {FAST_MESSAGES} x 100 B: {baseline:.2f} s alone, {stuck:.2f} s beside a "
              f"stuck consumer; server RSS {rss_before:.0f} -> {rss_during:.0f} MiB")
        self.assert_alive(server, "with a stuck consumer")
        self.assertLess(
            rss_during - rss_before, RSS_GROWTH_LIMIT_MB,
            f"the server grew from {rss_before:.0f} to {rss_during:.0f} MiB for one stuck "
            f"consumer\n{server.describe()}")
        # Loose bound: the machine is shared with kcat and noisy; a producer held up by the
        # stuck connection would take the whole 30 s of its fetches' long polls or more.
        self.assertLess(stuck, max(5 * baseline, baseline + 3.0),
                        f"producing took {stuck:.2f} s with a stuck consumer, {baseline:.2f} s "
                        f"without")

        # Now read everything: every response is there, in order, each a whole Fetch v4 reply
        # with records for the partition.
        got = 0
        while got < REQUESTS:
            correlation_id, body = kw.read_response(slow)
            self.assertEqual(correlation_id, got, "responses out of order")
            r = kw.reader(body)
            r.int32()  # throttle
            self.assertEqual(r.int32(), 1, "one topic in the response")
            self.assertEqual(r.string(), "big")
            self.assertEqual(r.int32(), 1, "one partition")
            self.assertEqual(r.int32(), 0)
            self.assertEqual(r.int16(), 0, "partition error")
            r.int64()  # high watermark
            r.int64()  # last stable offset
            aborted = r.int32()
            self.assertIn(aborted, (-1, 0))
            records = r.int32()
            self.assertGreater(records, 0, f"fetch {got} returned no records")
            r.take(records)
            got += 1
        sender.join(timeout=30)
        self.assertFalse(sender.is_alive())
        slow.close()
        self.assert_alive(server)


if __name__ == "__main__":
    unittest.main()
