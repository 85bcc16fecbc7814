"""`spate nexmark`: the Nexmark generator loading a real spate server through librdkafka, and
writing NDJSON files. The test consumes the three topics with kafka-python and checks every
record: counts per kind (1:3:46 over event ids 1..10000), keys, JSON fields, record timestamps
equal to the events' dateTime; the files hold the same records; bad arguments and an
unreachable server fail quickly with a message.

Run by hand:
    ctest --test-dir build -R system.nexmark_command --output-on-failure
    SPATE_BIN=build/src/app/spate /usr/bin/python3 tests/system/test_nexmark_command.py [-k NAME]
"""

import calendar
import json
import re
import subprocess
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from spate_server import SPATE_BIN, server_test_case  # noqa: E402

from confluent_kafka.admin import AdminClient, ConfigResource  # noqa: E402
from kafka import KafkaConsumer, TopicPartition  # noqa: E402  (python3-kafka)

TOOL_TIMEOUT_S = 90
CONSUME_TIMEOUT_S = 60
EVENTS = 10_000
WANT_COUNTS = {"person": 200, "auction": 600, "bid": 9200}
FIELDS = {
    "person": ["id", "name", "emailAddress", "creditCard", "city", "state", "dateTime", "extra"],
    "auction": ["id", "itemName", "description", "initialBid", "reserve", "dateTime", "expires",
                "seller", "category", "extra"],
    "bid": ["auction", "bidder", "price", "channel", "url", "dateTime", "extra"],
}
INT_FIELDS = {"id", "initialBid", "reserve", "seller", "category", "auction", "bidder", "price"}
TIME_RE = re.compile(r"^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})$")
BASE_TIME_MS = 1_700_000_000_000


def to_ms(text):
    """Epoch ms of a "yyyy-MM-dd HH:mm:ss.SSS" UTC timestamp, or None if it is malformed."""
    m = TIME_RE.match(text)
    if not m:
        return None
    y, mo, d, h, mi, s, ms = (int(g) for g in m.groups())
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0)) * 1000 + ms


def key_of(kind, value):
    return str(value["id"] if kind != "bid" else value["auction"]).encode()


class nexmark_command_test(server_test_case):
    def run_spate(self, *args, timeout=TOOL_TIMEOUT_S):
        """Runs `spate ARGS` to completion; returns the CompletedProcess (fails on a hang)."""
        cmd = [SPATE_BIN, *[str(a) for a in args]]
        try:
            return subprocess.run(cmd, cwd=self.tmp, stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            self.fail(f"{' '.join(cmd)} still running after {timeout} s\n"
                      f"--- stderr ---\n{e.stderr}")

    def run_ok(self, *args):
        r = self.run_spate(*args)
        self.assertEqual(r.returncode, 0,
                         f"spate {' '.join(map(str, args))} exited {r.returncode}\n"
                         f"--- stdout ---\n{r.stdout}\n--- stderr ---\n{r.stderr}")
        return r

    def consume(self, bootstrap, topic, want):
        """All records of every partition of `topic`, reading until `want` arrived (and a
        moment more, to catch extras) or the deadline. Returns (records, partitions)."""
        consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                 auto_offset_reset="earliest", api_version_auto_timeout_ms=10000)
        try:
            partitions = consumer.partitions_for_topic(topic) or set()
            consumer.assign([TopicPartition(topic, p) for p in sorted(partitions)])
            consumer.seek_to_beginning()
            records = []
            deadline = time.monotonic() + CONSUME_TIMEOUT_S
            extra_until = None
            while time.monotonic() < deadline:
                batch = consumer.poll(timeout_ms=500)
                for recs in batch.values():
                    records.extend(recs)
                if len(records) >= want and extra_until is None:
                    extra_until = time.monotonic() + 1.0
                if extra_until is not None and time.monotonic() >= extra_until:
                    break
            return records, partitions
        finally:
            consumer.close()

    def test_loads_topics_with_every_event(self):
        server = self.start_server()
        r = self.run_ok("nexmark", "--bootstrap-server", server.bootstrap, "--events", EVENTS,
                        "--partitions", 2, "--topic-prefix", "nx-", "--seed", 7)
        self.assertIn("10000 events (200 persons, 600 auctions, 9200 bids)", r.stdout)
        self.assertIn("events/s", r.stdout)

        self.run_ok("nexmark", "--output-dir", self.tmp / "files", "--events", EVENTS,
                    "--seed", 7)
        for kind, want in WANT_COUNTS.items():
            with self.subTest(kind=kind):
                records, partitions = self.consume(server.bootstrap, f"nx-{kind}", want)
                self.assertEqual(partitions, {0, 1})
                self.assertEqual(len(records), want, f"records in nx-{kind}")
                values = []
                for rec in records:
                    value = json.loads(rec.value)
                    self.assertEqual(list(value.keys()), FIELDS[kind], rec.value)
                    for field, v in value.items():
                        if field in INT_FIELDS:
                            self.assertIsInstance(v, int, field)
                        else:
                            self.assertIsInstance(v, str, field)
                    self.assertEqual(rec.key, key_of(kind, value))
                    ts = to_ms(value["dateTime"])
                    self.assertIsNotNone(ts, value["dateTime"])
                    self.assertEqual(rec.timestamp, ts, rec.value)
                    # 10,000 events/s of event time from the fixed base: 1 s for all.
                    self.assertGreaterEqual(ts, BASE_TIME_MS)
                    self.assertLess(ts, BASE_TIME_MS + 1000)
                    if kind == "auction":
                        self.assertGreater(to_ms(value["expires"]), ts)
                    values.append(rec.value.decode())
                if kind == "person":
                    self.assertEqual(sorted(json.loads(v)["id"] for v in values),
                                     list(range(1001, 1201)))
                if kind == "auction":
                    self.assertEqual(sorted(json.loads(v)["id"] for v in values),
                                     list(range(1000, 1600)))
                # Each partition keeps the generator's order; the file has the same records.
                lines = (self.tmp / "files" / f"{kind}.json").read_text().splitlines()
                self.assertEqual(len(lines), want)
                self.assertEqual(sorted(lines), sorted(values))

    def test_existing_topics_are_reused(self):
        server = self.start_server()
        self.run_ok("nexmark", "--bootstrap-server", server.bootstrap, "--events", 100,
                    "--partitions", 2, "--topic-prefix", "again-")
        r = self.run_ok("nexmark", "--bootstrap-server", server.bootstrap, "--events", 100,
                        "--partitions", 3, "--topic-prefix", "again-")
        self.assertIn("100 events (2 persons, 6 auctions, 92 bids)", r.stdout)
        records, partitions = self.consume(server.bootstrap, "again-bid", 184)
        self.assertEqual(partitions, {0, 1})
        self.assertEqual(len(records), 184)
        # Created without time-based retention: the events' times lie in the past.
        admin = AdminClient({"bootstrap.servers": server.bootstrap})
        res = ConfigResource("topic", "again-bid")
        configs = admin.describe_configs([res], request_timeout=30)[res].result(timeout=30)
        self.assertEqual(configs["retention.ms"].value, "-1")

    def test_files_depend_on_the_seed_only(self):
        self.run_ok("nexmark", "--output-dir", self.tmp / "a", "--events", 2000, "--seed", 3)
        self.run_ok("nexmark", "--output-dir", self.tmp / "b", "--events", 2000, "--seed", 3)
        self.run_ok("nexmark", "--output-dir", self.tmp / "c", "--events", 2000, "--seed", 4)
        for kind in WANT_COUNTS:
            a = (self.tmp / "a" / f"{kind}.json").read_bytes()
            self.assertEqual(a, (self.tmp / "b" / f"{kind}.json").read_bytes(), kind)
            self.assertNotEqual(a, (self.tmp / "c" / f"{kind}.json").read_bytes(), kind)

    def test_unreachable_server_fails_with_a_message(self):
        start = time.monotonic()
        r = self.run_spate("nexmark", "--bootstrap-server", "127.0.0.1:1", "--events", 10,
                           "--timeout-s", 3, timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertLess(time.monotonic() - start, 30)
        self.assertIn("spate nexmark: ", r.stderr)
        self.assertIn("127.0.0.1:1", r.stderr)

    def test_server_lost_while_producing_is_a_delivery_error(self):
        server = self.start_server()
        cmd = [SPATE_BIN, "nexmark", "--bootstrap-server", server.bootstrap, "--events",
               "5000000", "--timeout-s", "3", "--topic-prefix", "lost-"]
        proc = subprocess.Popen(cmd, cwd=self.tmp, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        # Wait until the topics exist and events flow, then take the server away.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (self.tmp / "data").exists():
            time.sleep(0.05)
        time.sleep(1.5)
        self.assertIsNone(proc.poll(), "finished before the server was stopped; make it longer")
        server.kill()
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            self.fail("spate nexmark still running 60 s after its server died")
        self.assertEqual(proc.returncode, 1, f"--- stdout ---\n{out}\n--- stderr ---\n{err}")
        self.assertRegex(err, r"spate nexmark: .*(not stored|unacknowledged)")

    def test_bad_arguments(self):
        cases = [
            (["--output-dir", "x", "--events", "-5"], "--events"),
            (["--output-dir", "x"], "--events"),
            (["--events", "10"], "--bootstrap-server"),
            (["--output-dir", "x", "--bootstrap-server", "127.0.0.1:9", "--events", "1"],
             "excludes"),
            (["--output-dir", "x", "--events", "10", "--rate", "0"], "--rate"),
            (["--output-dir", "x", "--events", "10", "--partitions", "0"], "--partitions"),
            (["--output-dir", "x", "--events", "ten"], "--events"),
            (["--output-dir", "x", "--events", "10", "--seed", "-1"], "--seed"),
            (["--output-dir", "x", "--events", "10", "--timeout-s", "0"], "--timeout-s"),
        ]
        for args, word in cases:
            with self.subTest(args=args):
                r = self.run_spate("nexmark", *args, timeout=30)
                self.assertNotEqual(r.returncode, 0, r.stdout)
                self.assertIn(word, r.stderr + r.stdout)
                self.assertFalse((self.tmp / "x" / "bid.json").exists())

    def test_unwritable_output_dir_fails_with_a_message(self):
        (self.tmp / "file").write_text("not a directory")
        r = self.run_spate("nexmark", "--output-dir", self.tmp / "file" / "sub", "--events", 10)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("file/sub", r.stderr)


if __name__ == "__main__":
    unittest.main()
