"""`spate produce`: loading files into a real spate server through librdkafka. The test consumes
with kafka-python and checks every record: keyed CSV rows land in the partition Kafka's murmur2
default partitioner gives, JSON values carry the right types, gzip NDJSON, raw text lines, a bad
file (nothing produced, exit 1, FILE:LINE in the message), --ignore-errors, a missing topic, and
an unreachable broker (a clear error within ~15 s).

Run by hand:
    ctest --test-dir build -R system.produce_command --output-on-failure
    SPATE_BIN=build/src/app/spate /usr/bin/python3 tests/system/test_produce_command.py [-k NAME]
"""

import gzip
import json
import socket
import subprocess
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from spate_server import SPATE_BIN, server_test_case  # noqa: E402

from kafka import KafkaConsumer, TopicPartition  # noqa: E402  (python3-kafka)

from kafka_partitioner import java_partition  # noqa: E402

TOOL_TIMEOUT_S = 90
CONSUME_TIMEOUT_S = 30


class produce_command_test(server_test_case):
    def run_spate(self, *args, timeout=TOOL_TIMEOUT_S):
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

    def run_fail(self, *args):
        r = self.run_spate(*args)
        self.assertEqual(r.returncode, 1, f"exit code\n--- stderr ---\n{r.stderr}")
        return r

    def consume(self, bootstrap, topic, want):
        """All records of `topic` (reading until `want` arrived and a moment more, or the
        deadline), as (records, partitions)."""
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
                for recs in consumer.poll(timeout_ms=300).values():
                    records.extend(recs)
                if len(records) >= want and extra_until is None:
                    extra_until = time.monotonic() + 1.0
                if extra_until is not None and time.monotonic() >= extra_until:
                    break
            return records, partitions
        finally:
            consumer.close()

    def write(self, name, text):
        path = self.tmp / name
        path.write_text(text)
        return path

    def test_keyed_csv_lands_where_murmur2_says(self):
        server = self.start_server("--num-partitions", "3")
        rows = ["id,name,price,active"]
        for i in range(300):
            rows.append(f"{i},user {i},{i * 1.5},{'true' if i % 2 else 'false'}")
        rows.append("300,,2.5,true")
        path = self.write("users.csv", "\n".join(rows) + "\n")
        r = self.run_ok("produce", path, "--topic", "users", "--key", "name",
                        "--bootstrap-server", server.bootstrap,
                        "--create-topic-partitions", 3)
        self.assertRegex(r.stderr, r"produced 301 records to users in [0-9.]+ s \([0-9]+ "
                                   r"records/s\)")
        records, partitions = self.consume(server.bootstrap, "users", 301)
        self.assertEqual(partitions, {0, 1, 2})
        self.assertEqual(len(records), 301)
        seen = set()
        used = set()
        for rec in records:
            value = json.loads(rec.value)
            self.assertEqual(list(value.keys()), ["id", "name", "price", "active"])
            i = value["id"]
            self.assertIsInstance(i, int)
            self.assertIsInstance(value["price"], (int, float))  # 0.0 is written 0
            if i % 2:
                self.assertIsInstance(value["price"], float)
            self.assertIsInstance(value["active"], bool)
            seen.add(i)
            if i == 300:
                self.assertIsNone(value["name"])
                self.assertIsNone(rec.key)  # a NULL key column: no key
                continue
            self.assertEqual(value["name"], f"user {i}")
            self.assertEqual(value["price"], i * 1.5)
            self.assertEqual(value["active"], i % 2 == 1)
            self.assertEqual(rec.key, f"user {i}".encode())
            self.assertEqual(rec.partition, java_partition(rec.key, 3), rec.key)
            used.add(rec.partition)
        self.assertEqual(seen, set(range(301)))
        self.assertEqual(used, {0, 1, 2})

    def test_csv_values_and_integer_keys(self):
        server = self.start_server("--num-partitions", "3")
        path = self.write("t.tsv", "k\tv\n17\ta,b\n-4\tx\n")
        self.run_ok("produce", path, "--topic", "t", "--key", "k", "--value-format", "csv",
                    "--bootstrap-server", server.bootstrap, "--create-topic-partitions", 2)
        records, _ = self.consume(server.bootstrap, "t", 2)
        got = sorted((rec.key, rec.value, rec.partition) for rec in records)
        self.assertEqual(got, [(b"-4", b"-4,x", java_partition(b"-4", 2)),
                               (b"17", b'17,"a,b"', java_partition(b"17", 2))])

    def test_gzip_ndjson(self):
        server = self.start_server("--num-partitions", "3")
        path = self.tmp / "events.ndjson.gz"
        with gzip.open(path, "wt") as f:
            for i in range(50):
                f.write(json.dumps({"id": i, "tags": {"a": i}, "ts": "2024-01-02 03:04:05"})
                        + "\n")
        self.run_ok("produce", path, "--topic", "events", "--key", "id",
                    "--bootstrap-server", server.bootstrap, "--create-topic-partitions", 3)
        records, _ = self.consume(server.bootstrap, "events", 50)
        self.assertEqual(len(records), 50)
        for rec in records:
            value = json.loads(rec.value)
            self.assertEqual(value["tags"], {"a": value["id"]})
            self.assertEqual(value["ts"], "2024-01-02 03:04:05.000")
            self.assertEqual(rec.key, str(value["id"]).encode())
            self.assertEqual(rec.partition, java_partition(rec.key, 3))

    def test_text_raw(self):
        server = self.start_server("--num-partitions", "3")
        lines = ["first line", "", "  spaced, with comma  ", '{"not": "parsed"}']
        path = self.write("notes.txt", "\n".join(lines) + "\n")
        self.run_ok("produce", path, "--topic", "notes", "--value-format", "raw",
                    "--bootstrap-server", server.bootstrap, "--create-topic-partitions", 1)
        records, _ = self.consume(server.bootstrap, "notes", len(lines))
        self.assertEqual([rec.value.decode() for rec in records], lines)
        self.assertTrue(all(rec.key is None for rec in records))

        r = self.run_spate("produce", path, "--topic", "notes", "--value-format", "raw",
                           "--format", "csv", "--bootstrap-server", server.bootstrap)
        self.assertEqual(r.returncode, 2)
        self.assertIn("raw is only for text files", r.stderr)

    def test_bad_file_produces_nothing(self):
        server = self.start_server("--num-partitions", "3")
        # More rows than the 20480 the schema is inferred from, so b is a bigint when "abc"
        # comes; then a row with too many fields.
        good = "\n".join(f"{i},{i}" for i in range(25_000))
        path = self.write("bad.csv", "a,b\n" + good + "\n7,abc\n8,8\n9,9,9\n")
        r = self.run_fail("produce", path, "--topic", "bad", "--bootstrap-server",
                          server.bootstrap, "--create-topic-partitions", 1)
        self.assertIn("bad.csv:25002:3", r.stderr)
        self.assertIn("is not a bigint", r.stderr)
        self.assertNotIn("produced", r.stderr)
        # Nothing was produced: the topic was not even created.
        consumer = KafkaConsumer(bootstrap_servers=server.bootstrap)
        try:
            self.assertNotIn("bad", consumer.topics())
        finally:
            consumer.close()

        short = self.write("short.csv", "a,b\n1,2\n3,4,5\n")
        r = self.run_fail("produce", short, "--topic", "bad", "--bootstrap-server",
                          server.bootstrap, "--create-topic-partitions", 1)
        self.assertIn("short.csv:3: expected 2 fields, got 3", r.stderr)

        r = self.run_ok("produce", path, "--topic", "bad", "--ignore-errors",
                        "--bootstrap-server", server.bootstrap, "--create-topic-partitions", 1)
        self.assertIn("skipped 2 bad rows", r.stderr)
        self.assertIn("produced 25001 records to bad", r.stderr)
        records, _ = self.consume(server.bootstrap, "bad", 25_001)
        self.assertEqual(len(records), 25_001)
        values = [json.loads(rec.value) for rec in records]
        self.assertEqual(values[-1], {"a": 8, "b": 8})
        self.assertEqual(sorted(v["a"] for v in values), sorted([*range(25_000), 8]))

    def test_unknown_key_and_missing_file(self):
        server = self.start_server("--num-partitions", "3")
        path = self.write("k.csv", "a,b\n1,2\n")
        r = self.run_spate("produce", path, "--topic", "k", "--key", "nope",
                           "--bootstrap-server", server.bootstrap)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--key nope is not a column", r.stderr)
        r = self.run_fail("produce", self.tmp / "none*.csv", "--topic", "k",
                          "--bootstrap-server", server.bootstrap)
        self.assertIn("no file matches", r.stderr)

    def test_missing_topic(self):
        server = self.start_server("--num-partitions", "3")
        path = self.write("m.csv", "a,b\n1,2\n")
        r = self.run_fail("produce", path, "--topic", "missing", "--bootstrap-server",
                          server.bootstrap)
        self.assertIn("topic missing does not exist", r.stderr)
        consumer = KafkaConsumer(bootstrap_servers=server.bootstrap)
        try:
            self.assertNotIn("missing", consumer.topics())
        finally:
            consumer.close()

    def test_unreachable_broker(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        path = self.write("u.csv", "a,b\n1,2\n")
        start = time.monotonic()
        r = self.run_fail("produce", path, "--topic", "u", "--bootstrap-server",
                          f"127.0.0.1:{port}")
        self.assertLess(time.monotonic() - start, 15)
        self.assertIn(f"127.0.0.1:{port}", r.stderr)
        self.assertIn("spate produce:", r.stderr)


if __name__ == "__main__":
    unittest.main()
