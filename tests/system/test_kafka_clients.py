"""Kafka compatibility: real clients against a real spate. kcat, kafka-python, confluent-kafka
(librdkafka) and kafkajs produce and consume through spate, and the test compares everything
they get back with what was sent: keys, values, headers, offsets, partitions, timestamps.
Also restarts (SIGTERM and SIGKILL) on the same data directory and the Fetch long poll.

Every test starts its own spate on an ephemeral port with a temporary data directory
(spate_server.py). The Python clients are Debian's (/usr/bin/python3: python3-kafka,
python3-confluent-kafka); kafkajs comes from tests/clients/node (scripts/bootstrap runs
`npm ci` there). A missing client fails the test: bootstrap installs them all.

Run by hand:
    ctest --test-dir build -R system.kafka_clients --output-on-failure
    SPATE_BIN=build/src/app/spate /usr/bin/python3 tests/system/test_kafka_clients.py [-k NAME]
"""

import json
import shutil
import signal
import subprocess
import sys
import threading
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kafka_wire  # noqa: E402
from spate_server import server_test_case  # noqa: E402

import confluent_kafka  # noqa: E402  (python3-confluent-kafka)
from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition  # noqa: E402
from kafka import KafkaConsumer, KafkaProducer  # noqa: E402  (python3-kafka)
from kafka import TopicPartition as kp_topic_partition  # noqa: E402
from kafka.admin import KafkaAdminClient, NewTopic  # noqa: E402

NODE_DIR = Path(__file__).resolve().parent.parent / "clients" / "node"

TOOL_TIMEOUT_S = 60
CONSUME_TIMEOUT_S = 30
CODECS = ("gzip", "snappy", "lz4", "zstd")
CODEC_IDS = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}


def first_difference(got, want):
    """A message naming the first index where two sequences differ, and their lengths."""
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return f"first difference at index {i}: got {g!r}, expected {w!r}"
    return f"lengths differ: got {len(got)}, expected {len(want)}"


class clients_test_case(server_test_case):
    """Helpers shared by the client tests: running a command-line tool under a timeout, and
    producing and consuming with librdkafka (confluent_kafka)."""

    def run_tool(self, args, stdin_path=None, timeout=TOOL_TIMEOUT_S):
        """Runs a command to completion (stdin from stdin_path, or nothing) and returns it;
        fails the test if it hangs or exits non-zero."""
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        try:
            r = subprocess.run(
                args,
                cwd=self.tmp,
                stdin=stdin,
                capture_output=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as e:
            self.fail(
                f"{' '.join(map(str, args))} still running after {timeout} s (killed)\n"
                f"--- stderr ---\n{(e.stderr or b'').decode(errors='replace')[-4000:]}"
            )
        finally:
            if stdin_path:
                stdin.close()
        if r.returncode != 0:
            self.fail(
                f"{' '.join(map(str, args))} exited {r.returncode}\n"
                f"--- stdout ---\n{r.stdout.decode(errors='replace')[-4000:]}\n"
                f"--- stderr ---\n{r.stderr.decode(errors='replace')[-4000:]}"
            )
        return r

    def kcat_consume(self, server, topic, fmt="%k\t%s\t%h\t%o\t%p\n"):
        """Everything in the topic's partitions, as kcat prints it with fmt (key, value,
        headers, offset, partition by default), one line per message."""
        r = self.run_tool(["kcat", "-b", server.bootstrap, "-C", "-t", topic, "-o", "beginning",
                           "-e", "-q", "-f", fmt])
        return r.stdout.decode().splitlines()

    def rk_produce(self, server, topic, messages, **conf):
        """Produces messages (dicts with value and optional key, headers, partition,
        timestamp) with librdkafka and waits for every delivery report. Returns the reports in
        message order as (error, partition, offset, timestamp)."""
        config = {"bootstrap.servers": server.bootstrap, "linger.ms": 5,
                  "message.timeout.ms": 20000}
        config.update(conf)
        errors = []
        config["error_cb"] = lambda e: errors.append(e)
        producer = Producer(config)
        reports = [None] * len(messages)

        def on_delivery(index):
            def cb(err, msg):
                reports[index] = (err, msg.partition(), msg.offset(), msg.timestamp())
            return cb

        for i, m in enumerate(messages):
            kwargs = {k: m[k] for k in ("key", "headers", "partition", "timestamp") if k in m}
            while True:
                try:
                    producer.produce(topic, m["value"], on_delivery=on_delivery(i), **kwargs)
                    break
                except BufferError:
                    producer.poll(0.05)
            producer.poll(0)
        left = producer.flush(TOOL_TIMEOUT_S)
        self.assertEqual(left, 0, f"{left} messages undelivered after {TOOL_TIMEOUT_S} s; "
                                  f"client errors {errors}\n{server.describe()}")
        missing = [i for i, r in enumerate(reports) if r is None]
        self.assertEqual(missing[:10], [], f"{len(missing)} messages have no delivery report")
        failed = [(i, r[0]) for i, r in enumerate(reports) if r[0] is not None]
        self.assertEqual(failed[:10], [], f"{len(failed)} deliveries failed\n{server.describe()}")
        return reports

    def rk_consume(self, server, assignment, count=None, timeout=CONSUME_TIMEOUT_S, **conf):
        """Consumes with librdkafka and assign() (no group membership): assignment is a list
        of (topic, partition, offset). Returns (messages, client errors) once every partition
        reached its end and, if count is given, at least count messages arrived. Each message is
        a dict: topic, partition, offset, key, value, headers, timestamp (type, ms)."""
        errors = []
        config = {
            "bootstrap.servers": server.bootstrap,
            "group.id": "spate-system-test",
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "enable.partition.eof": True,
            "auto.offset.reset": "error",
            "error_cb": lambda e: errors.append(e),
        }
        config.update(conf)
        consumer = Consumer(config)
        try:
            consumer.assign([TopicPartition(t, p, o) for t, p, o in assignment])
            at_end = set()
            out = []
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if len(at_end) == len(assignment) and (count is None or len(out) >= count):
                    break
                m = consumer.poll(0.2)
                if m is None:
                    continue
                if m.error():
                    if m.error().code() == KafkaError._PARTITION_EOF:
                        at_end.add((m.topic(), m.partition()))
                    else:
                        errors.append(m.error())
                    continue
                at_end.discard((m.topic(), m.partition()))
                out.append({
                    "topic": m.topic(), "partition": m.partition(), "offset": m.offset(),
                    "key": m.key(), "value": m.value(), "headers": m.headers(),
                    "timestamp": m.timestamp(),
                })
            else:
                self.fail(
                    f"consuming {assignment}: {len(out)} messages"
                    f"{f' of {count}' if count else ''} and ends of {sorted(at_end)} after "
                    f"{timeout} s; client errors {errors}\n{server.describe()}"
                )
            return out, errors
        finally:
            consumer.close()

    def segment_batches(self, data_dir, topic, partition=0):
        """The record batches in a partition's segment files, as stored."""
        part_dir = Path(data_dir) / "topics" / topic / str(partition)
        logs = sorted(part_dir.glob("*.log"))
        self.assertTrue(logs, f"no segment files in {part_dir}")
        out = []
        for log in logs:
            out += kafka_wire.split_batches(log.read_bytes())
        return out

    def assert_stored_compressed(self, data_dir, topic, codec, hint=""):
        """Every batch in the partition's segments is compressed with codec (spate stores
        batches as the producer sent them)."""
        batches = self.segment_batches(data_dir, topic)
        codecs = sorted({kafka_wire.batch_compression(b) for _, b in batches})
        self.assertEqual(codecs, [CODEC_IDS[codec]],
                         f"{topic}: the {len(batches)} batches on disk use codec ids {codecs}, "
                         f"expected only {codec} ({CODEC_IDS[codec]}): the producer did not "
                         f"compress{hint}")


# --- kcat --------------------------------------------------------------------------------------


class kcat_test(clients_test_case):
    def test_metadata(self):
        server = self.start_server()
        # Produce one message so the topic exists (auto-created).
        path = self.tmp / "one.txt"
        path.write_text("hello\n")
        self.run_tool(["kcat", "-b", server.bootstrap, "-P", "-t", "meta_topic"], stdin_path=path)

        r = self.run_tool(["kcat", "-b", server.bootstrap, "-L"])
        text = r.stdout.decode()
        self.assertRegex(text, rf"broker \d+ at 127\.0\.0\.1:{server.port}", text)
        self.assertIn('topic "meta_topic" with 1 partitions', text, text)

        r = self.run_tool(["kcat", "-b", server.bootstrap, "-L", "-J", "-t", "meta_topic"])
        md = json.loads(r.stdout)
        self.assertEqual([b["name"] for b in md["brokers"]], [f"127.0.0.1:{server.port}"], md)
        broker_id = md["brokers"][0]["id"]
        self.assertEqual(len(md["topics"]), 1, md)
        t = md["topics"][0]
        self.assertEqual(t["topic"], "meta_topic", md)
        self.assertNotIn("error", t, md)
        self.assertEqual(len(t["partitions"]), 1, md)
        p = t["partitions"][0]
        self.assertEqual((p["partition"], p["leader"]), (0, broker_id), md)
        self.assertEqual([r["id"] for r in p["replicas"]], [broker_id], md)
        self.assertEqual([r["id"] for r in p["isrs"]], [broker_id], md)

    def test_100k_messages_with_keys_and_headers_round_trip(self):
        server = self.start_server()
        n = 100_000
        path = self.tmp / "messages.txt"
        keys = [f"key-{i}" for i in range(n)]
        values = [f"value-{i}-" + "v" * (i % 40) for i in range(n)]
        with open(path, "w") as f:
            for k, v in zip(keys, values):
                f.write(f"{k}:{v}\n")
        self.run_tool(
            ["kcat", "-b", server.bootstrap, "-P", "-t", "kcat_100k", "-K:",
             "-H", "source=kcat", "-H", "trace=0af7651916cd43dd",
             "-X", "acks=all", "-X", "linger.ms=20"],
            stdin_path=path,
        )
        got = self.kcat_consume(server, "kcat_100k")
        want = [f"{k}\t{v}\tsource=kcat,trace=0af7651916cd43dd\t{i}\t0"
                for i, (k, v) in enumerate(zip(keys, values))]
        self.assertEqual(len(got), n, first_difference(got, want))
        if got != want:
            self.fail(first_difference(got, want))
        self.assertEqual(kafka_wire.end_offset(server.port, "kcat_100k"), n)


# --- kafka-python ------------------------------------------------------------------------------


class kafka_python_test(clients_test_case):
    def consume_kp(self, port, topic, count, timeout_ms=5000):
        """Up to count messages, with kafka-python's consumer as the seed uses it (no group
        id, earliest, a consumer timeout)."""
        out = []
        consumer = KafkaConsumer(topic, bootstrap_servers=[f"localhost:{port}"],
                                 auto_offset_reset="earliest", consumer_timeout_ms=timeout_ms)
        try:
            for message in consumer:
                out.append(message)
                if len(out) >= count:
                    break
        finally:
            consumer.close()
        return out

    def test_seed_snippets(self):
        server = self.start_server()
        port = server.port
        # The seed's producer snippet, unchanged.
        producer = KafkaProducer(bootstrap_servers=[f"localhost:{port}"])
        future = producer.send("topic_name", value=b"Hello, world!")
        producer.flush()
        metadata = future.get(timeout=10)
        producer.close()
        self.assertEqual((metadata.topic, metadata.partition, metadata.offset),
                         ("topic_name", 0, 0))
        # The seed's consumer snippet, unchanged but for collecting what it reads.
        producer = KafkaProducer(bootstrap_servers=[f"localhost:{port}"])
        for i in range(3):
            producer.send("my_topic", value=f"message {i}".encode())
        producer.flush()
        producer.close()
        got = []
        for message in KafkaConsumer("my_topic", bootstrap_servers=[f"localhost:{port}"],
                                     auto_offset_reset="earliest", consumer_timeout_ms=5000):
            got.append((message.topic, message.partition, message.offset, message.value))
        self.assertEqual(got, [("my_topic", 0, i, f"message {i}".encode()) for i in range(3)])
        got = self.consume_kp(port, "topic_name", 1)
        self.assertEqual([m.value for m in got], [b"Hello, world!"])

    def test_compression_codecs(self):
        server = self.start_server()
        n = 300
        for codec in CODECS:
            with self.subTest(codec=codec):
                topic = f"kp_{codec}"
                producer = KafkaProducer(bootstrap_servers=[server.bootstrap],
                                         compression_type=codec, linger_ms=20)
                futures = [
                    producer.send(topic, key=f"k{i}".encode(),
                                  value=(f"{codec} value {i} " * 20).encode(),
                                  headers=[("i", str(i).encode())])
                    for i in range(n)
                ]
                producer.flush()
                offsets = [f.get(timeout=10).offset for f in futures]
                producer.close()
                self.assertEqual(offsets, list(range(n)))
                self.assert_stored_compressed(server.cwd / "data", topic, codec)
                got = self.consume_kp(server.port, topic, n)
                self.assertEqual(
                    [(m.offset, m.key, m.value, m.headers) for m in got],
                    [(i, f"k{i}".encode(), (f"{codec} value {i} " * 20).encode(),
                      [("i", str(i).encode())]) for i in range(n)],
                )

    def test_create_time_round_trips(self):
        server = self.start_server()
        base = 1_600_000_000_123  # September 2020: well in the past, exact to the ms
        producer = KafkaProducer(bootstrap_servers=[server.bootstrap])
        futures = [producer.send("kp_times", value=f"t{i}".encode(),
                                 timestamp_ms=base + i * 1000) for i in range(10)]
        producer.flush()
        reported = [f.get(timeout=10).timestamp for f in futures]
        producer.close()
        self.assertEqual(reported, [base + i * 1000 for i in range(10)])
        got = self.consume_kp(server.port, "kp_times", 10)
        self.assertEqual([(m.value, m.timestamp, m.timestamp_type) for m in got],
                         [(f"t{i}".encode(), base + i * 1000, 0) for i in range(10)])

    def test_log_append_time_topic_gets_broker_time(self):
        server = self.start_server()
        _, apis = kafka_wire.api_versions(server.port)
        if kafka_wire.API_CREATE_TOPICS not in apis:
            self.skipTest("needs CreateTopics (API 19) to make a topic with "
                          "message.timestamp.type=LogAppendTime; the server does not serve it "
                          f"yet (served: {sorted(apis)})")
        from kafka.admin import KafkaAdminClient, NewTopic
        admin = KafkaAdminClient(bootstrap_servers=[server.bootstrap])
        try:
            admin.create_topics([NewTopic("kp_append_time", 1, 1, topic_configs={
                "message.timestamp.type": "LogAppendTime"})])
        finally:
            admin.close()
        before = int(time.time() * 1000)
        producer = KafkaProducer(bootstrap_servers=[server.bootstrap])
        futures = [producer.send("kp_append_time", value=f"a{i}".encode(),
                                 timestamp_ms=1_000_000_000_000) for i in range(5)]
        producer.flush()
        reported = [f.get(timeout=10).timestamp for f in futures]
        producer.close()
        after = int(time.time() * 1000)
        for ts in reported:
            self.assertTrue(before - 5 <= ts <= after + 5,
                            f"produce response timestamp {ts} not broker time in "
                            f"[{before}, {after}]")
        got = self.consume_kp(server.port, "kp_append_time", 5)
        self.assertEqual([m.value for m in got], [f"a{i}".encode() for i in range(5)])
        for m in got:
            self.assertEqual(m.timestamp_type, 1, f"offset {m.offset}: not LogAppendTime")
            self.assertTrue(before - 5 <= m.timestamp <= after + 5,
                            f"offset {m.offset}: timestamp {m.timestamp} not in "
                            f"[{before}, {after}]")

    def test_list_offsets(self):
        server = self.start_server()
        base = 1_650_000_000_000
        producer = KafkaProducer(bootstrap_servers=[server.bootstrap])
        for i in range(10):
            producer.send("kp_offsets", value=f"o{i}".encode(), timestamp_ms=base + i * 1000)
            producer.flush()  # one batch each, so the time index has several entries
        producer.close()
        tp = kp_topic_partition("kp_offsets", 0)
        consumer = KafkaConsumer(bootstrap_servers=[server.bootstrap])
        try:
            self.assertEqual(consumer.beginning_offsets([tp]), {tp: 0})
            self.assertEqual(consumer.end_offsets([tp]), {tp: 10})
            cases = [
                (base - 5000, 0, base),              # before everything: the first
                (base, 0, base),                     # exact
                (base + 3500, 4, base + 4000),       # between: the next one
                (base + 9000, 9, base + 9000),       # the last
            ]
            for query, offset, ts in cases:
                found = consumer.offsets_for_times({tp: query})[tp]
                self.assertIsNotNone(found, f"offsets_for_times({query}) is None")
                self.assertEqual((found.offset, found.timestamp), (offset, ts),
                                 f"offsets_for_times({query})")
            self.assertIsNone(consumer.offsets_for_times({tp: base + 10_000})[tp],
                              "a time after the last message")
        finally:
            consumer.close()


# --- confluent-kafka (librdkafka) --------------------------------------------------------------


class confluent_kafka_test(clients_test_case):
    def test_acks_1_all_0(self):
        server = self.start_server()
        n = 2000
        for acks in ("1", "all", "0"):
            with self.subTest(acks=acks):
                topic = f"ck_acks_{acks}"
                messages = [{"key": f"k{i}".encode(), "value": f"acks {acks} #{i}".encode(),
                             "headers": [("n", str(i).encode())]} for i in range(n)]
                reports = self.rk_produce(server, topic, messages, acks=acks)
                if acks != "0":
                    # Every message acknowledged, in order, at its offset.
                    self.assertEqual([(p, o) for _, p, o, _ in reports],
                                     [(0, i) for i in range(n)],
                                     first_difference([(p, o) for _, p, o, _ in reports],
                                                      [(0, i) for i in range(n)]))
                got, _ = self.rk_consume(server, [(topic, 0, 0)], count=n)
                self.assertEqual(
                    [(m["offset"], m["key"], m["value"], m["headers"]) for m in got],
                    [(i, m["key"], m["value"], m["headers"]) for i, m in enumerate(messages)],
                )
                self.assertEqual(kafka_wire.end_offset(server.port, topic), n)

    def test_compression_codecs(self):
        server = self.start_server()
        n = 1000
        for codec in CODECS:
            with self.subTest(codec=codec):
                topic = f"ck_{codec}"
                # Each value compresses well even alone: librdkafka sends a batch uncompressed
                # when compressing would make it larger.
                messages = [{"key": f"k{i}".encode(),
                             "value": (f"{codec}:{i}:" + "abc" * (60 + i % 30)).encode()}
                            for i in range(n)]
                reports = self.rk_produce(server, topic, messages, acks="all",
                                          **{"compression.type": codec})
                self.assertEqual([o for _, _, o, _ in reports], list(range(n)))
                got, _ = self.rk_consume(server, [(topic, 0, 0)], count=n)
                self.assertEqual([(m["offset"], m["key"], m["value"]) for m in got],
                                 [(i, m["key"], m["value"]) for i, m in enumerate(messages)])
                _, apis = kafka_wire.api_versions(server.port)
                self.assert_stored_compressed(
                    server.cwd / "data", topic, codec,
                    hint=f". librdkafka {confluent_kafka.libversion()[0]} logs \"Broker does "
                    f"not support compression type {codec}: not compressing batch\" when "
                    f"ApiVersions advertises a Produce minimum version above 0 (gzip, snappy, "
                    f"lz4; librdkafka issue #4956, fixed in later releases), and lz4 also without "
                    f"FindCoordinator. Kafka 4.0 advertises Produce from v0 for this reason "
                    f"(KAFKA-18659) and refuses v0-v2 requests. spate advertises Produce "
                    f"{apis.get(kafka_wire.API_PRODUCE)}, FindCoordinator "
                    f"{apis.get(10, 'not at all')}")

    def test_too_large_message_is_refused_and_the_server_survives(self):
        # Over the broker's max.message.bytes but under the client's own limit: the broker
        # answers MESSAGE_TOO_LARGE (10) for each, and keeps serving.
        server = self.start_server("--message-max-bytes", "10000")
        producer = Producer({"bootstrap.servers": server.bootstrap, "acks": "all",
                             "linger.ms": 0, "message.timeout.ms": 10000})
        results = []
        for i in range(3):
            producer.produce("ck_too_large", b"x" * 20000, key=f"big{i}".encode(),
                             on_delivery=lambda err, msg: results.append(err))
            left = producer.flush(15)
            self.assertTrue(server.alive(), f"the server died after {i + 1} refused "
                                            f"produce(s)\n{server.describe(40)}")
            self.assertEqual(left, 0, f"undelivered\n{server.describe(40)}")
        self.assertEqual([e.code() if e else None for e in results],
                         [KafkaError.MSG_SIZE_TOO_LARGE] * 3, results)
        reports = self.rk_produce(server, "ck_too_large", [{"value": b"small"}], acks="all")
        self.assertEqual(reports[0][2], 0)

    def test_consumer_with_group_id_and_assign(self):
        # group.id is set, as applications do, but partitions are assigned by hand and nothing
        # is committed; librdkafka still finds the group's coordinator, and nothing fails.
        server = self.start_server()
        n = 100
        self.rk_produce(server, "ck_assign", [{"value": f"m{i}".encode()} for i in range(n)])
        got, errors = self.rk_consume(server, [("ck_assign", 0, 40)], count=n - 40)
        self.assertEqual([(m["offset"], m["value"]) for m in got],
                         [(i, f"m{i}".encode()) for i in range(40, n)],
                         f"client errors {errors}")
        self.assertEqual(errors, [])

    def test_four_partitions_keep_order(self):
        server = self.start_server("--num-partitions", "4")
        n = 4000
        messages = [{"key": f"user-{i % 37}".encode(), "value": f"{i}".encode()}
                    for i in range(n)]
        reports = self.rk_produce(server, "ck_parts", messages, acks="all")

        c = Consumer({"bootstrap.servers": server.bootstrap, "group.id": "md"})
        md = c.list_topics("ck_parts", timeout=10)
        c.close()
        self.assertEqual(sorted(md.topics["ck_parts"].partitions), [0, 1, 2, 3])

        # Keys map to partitions consistently; all four are used.
        by_key = {}
        for m, (_, p, _, _) in zip(messages, reports):
            by_key.setdefault(m["key"], set()).add(p)
        self.assertTrue(all(len(ps) == 1 for ps in by_key.values()), by_key)
        used = sorted({p for _, p, _, _ in reports})
        self.assertEqual(used, [0, 1, 2, 3], "the partitioner used only some partitions")

        # Per partition: offsets 0, 1, 2, ... in the order the messages were produced.
        expected = {p: [] for p in range(4)}
        for m, (_, p, o, _) in zip(messages, reports):
            expected[p].append((o, m["key"], m["value"]))
        for p in range(4):
            self.assertEqual([o for o, _, _ in expected[p]], list(range(len(expected[p]))),
                             f"partition {p}: delivery offsets")

        got, _ = self.rk_consume(server, [("ck_parts", p, 0) for p in range(4)], count=n)
        consumed = {p: [] for p in range(4)}
        for m in got:
            consumed[m["partition"]].append((m["offset"], m["key"], m["value"]))
        for p in range(4):
            self.assertEqual(consumed[p], expected[p],
                             f"partition {p}: " + first_difference(consumed[p], expected[p]))
            self.assertEqual(kafka_wire.end_offset(server.port, "ck_parts", p), len(expected[p]))


# --- restart -----------------------------------------------------------------------------------


class restart_test(clients_test_case):
    def test_sigterm_then_restart_keeps_everything_in_order(self):
        data = self.tmp / "data"
        server = self.start_server(data_dir=data)
        n = 3000
        messages = [{"key": f"k{i}".encode(), "value": f"before restart {i}".encode(),
                     "headers": [("i", str(i).encode())]} for i in range(n)]
        reports = self.rk_produce(server, "restart_term", messages, acks="all")
        self.assertEqual([o for _, _, o, _ in reports], list(range(n)))
        self.stop_server(server, signal.SIGTERM)

        server = self.start_server(data_dir=data, name="spate-restarted")
        got, _ = self.rk_consume(server, [("restart_term", 0, 0)], count=n)
        self.assertEqual([(m["offset"], m["key"], m["value"], m["headers"]) for m in got],
                         [(i, m["key"], m["value"], m["headers"])
                          for i, m in enumerate(messages)])
        # And it appends after them.
        more = self.rk_produce(server, "restart_term", [{"value": b"after"}], acks="all")
        self.assertEqual(more[0][2], n)

    def test_sigkill_keeps_every_acknowledged_message(self):
        data = self.tmp / "data"
        server = self.start_server(data_dir=data)
        errors = []
        # log_level 2: the client's complaints about the killed broker are expected.
        producer = Producer({"bootstrap.servers": server.bootstrap, "acks": "all",
                             "linger.ms": 2, "message.timeout.ms": 5000, "log_level": 2,
                             "error_cb": lambda e: errors.append(e)})
        acked = {}  # index -> offset

        def on_delivery(index):
            def cb(err, msg):
                if err is None:
                    acked[index] = msg.offset()
            return cb

        # Produce until 3000 are acknowledged, then SIGKILL while more are in flight.
        sent = 0
        deadline = time.monotonic() + TOOL_TIMEOUT_S
        while len(acked) < 3000 and time.monotonic() < deadline:
            try:
                producer.produce("restart_kill", f"kill {sent}".encode(),
                                 key=f"k{sent}".encode(), on_delivery=on_delivery(sent))
                sent += 1
            except BufferError:
                pass
            producer.poll(0 if sent % 50 else 0.001)
        self.assertGreaterEqual(len(acked), 3000,
                                f"only {len(acked)} acknowledged; errors {errors}\n"
                                f"{server.describe()}")
        # A burst the server cannot have acknowledged yet (each acknowledgement waits for an
        # fsync), so that the kill surely lands with messages in flight.
        for _ in range(2000):
            try:
                producer.produce("restart_kill", f"kill {sent}".encode(),
                                 key=f"k{sent}".encode(), on_delivery=on_delivery(sent))
                sent += 1
            except BufferError:
                break
        server.kill()
        # Reports for responses that arrived before the kill still count.
        producer.poll(0.5)
        producer.purge()
        producer.flush(5)
        self.assertGreater(sent, len(acked), "nothing was in flight at the kill")

        server = self.start_server(data_dir=data, name="spate-after-kill")
        end = kafka_wire.end_offset(server.port, "restart_kill")
        self.assertGreaterEqual(end, len(acked))
        got, _ = self.rk_consume(server, [("restart_kill", 0, 0)], count=end)
        by_offset = {m["offset"]: m for m in got}
        self.assertEqual(sorted(by_offset), list(range(end)), "offsets after restart")
        lost = [(i, o) for i, o in sorted(acked.items())
                if o not in by_offset or by_offset[o]["value"] != f"kill {i}".encode()]
        self.assertEqual(lost[:10], [], f"{len(lost)} acknowledged messages lost or changed "
                                        f"after SIGKILL ({len(acked)} acknowledged, end {end})")
        # Everything present was sent, in the order it was sent.
        indexes = [int(m["value"].split()[1]) for m in got]
        self.assertEqual(indexes, sorted(indexes), "messages out of order after restart")


# --- long poll ---------------------------------------------------------------------------------


class long_poll_test(clients_test_case):
    def test_waiting_fetch_is_woken_by_produce(self):
        server = self.start_server()
        # The topic exists and holds one message; the producer is connected and warm.
        producer = Producer({"bootstrap.servers": server.bootstrap, "acks": "all",
                             "linger.ms": 0})
        producer.produce("long_poll", b"warm-up")
        self.assertEqual(producer.flush(10), 0)

        consumer = Consumer({
            "bootstrap.servers": server.bootstrap, "group.id": "long-poll",
            "enable.auto.commit": False, "fetch.wait.max.ms": 10000, "fetch.min.bytes": 1,
        })
        latencies = []
        try:
            consumer.assign([TopicPartition("long_poll", 0, 1)])
            self.assertIsNone(consumer.poll(1.0), "a message past the end")
            for round_ in range(3):
                produced_at = []

                def produce_later(round_=round_):
                    produced_at.append(time.monotonic())
                    producer.produce("long_poll", f"wake {round_}".encode())
                    producer.poll(0)

                timer = threading.Timer(0.3, produce_later)
                timer.start()
                m = None
                deadline = time.monotonic() + 15
                while m is None and time.monotonic() < deadline:
                    m = consumer.poll(0.05)
                    if m is not None and m.error():
                        m = None
                received_at = time.monotonic()
                timer.join()
                self.assertIsNotNone(m, "nothing received within 15 s")
                self.assertEqual(m.value(), f"wake {round_}".encode())
                latencies.append((received_at - produced_at[0]) * 1000)
            producer.flush(10)
        finally:
            consumer.close()
        # The fetch waits up to 10 s: only a broker that wakes it delivers within ~100 ms.
        self.assertLess(sorted(latencies)[1], 100, f"median over 3 rounds; latencies (ms): "
                                                   f"{latencies}")
        self.assertLess(max(latencies), 500, f"latencies (ms): {latencies}")


# --- kafkajs -----------------------------------------------------------------------------------


class kafkajs_test(clients_test_case):
    def test_produce_with_kafkajs_and_read_back_with_kcat(self):
        node = shutil.which("node")
        self.assertIsNotNone(node, "node is not on PATH: run scripts/bootstrap")
        self.assertTrue((NODE_DIR / "node_modules" / "kafkajs" / "package.json").is_file(),
                        f"kafkajs is not installed in {NODE_DIR}: run scripts/bootstrap "
                        f"(npm ci --prefix {NODE_DIR})")
        server = self.start_server()
        n = 500
        r = self.run_tool([node, str(NODE_DIR / "produce_and_inspect.js"), server.bootstrap,
                           "kafkajs_topic", str(n), "100"])
        try:
            report = json.loads(r.stdout.decode().strip().splitlines()[-1])
        except (ValueError, IndexError):
            self.fail(f"no JSON from the kafkajs script\n{r.stdout.decode()}\n"
                      f"{r.stderr.decode()}")
        self.assertEqual(report["produced"], n)
        self.assertEqual(
            [(x["topic"], x["partition"], x["errorCode"], x["baseOffset"])
             for x in report["records"]],
            [("kafkajs_topic", 0, 0, str(i)) for i in range(0, n, 100)],
        )
        self.assertEqual(report["offsets"],
                         [{"partition": 0, "offset": str(n), "high": str(n), "low": "0"}])
        topics = report["metadata"]["topics"]
        self.assertEqual([(t["name"], len(t["partitions"])) for t in topics],
                         [("kafkajs_topic", 1)], report["metadata"])
        self.assertIn("kafkajs_topic", report["topics"])

        got = self.kcat_consume(server, "kafkajs_topic")
        want = [f"key-{i}\tvalue-{i}-{'x' * (i % 50)}\tindex={i},source=kafkajs\t{i}\t0"
                for i in range(n)]
        if got != want:
            self.fail(first_difference(got, want))

    def test_kafkajs_consumer_group_reads_everything_and_commits(self):
        node = shutil.which("node")
        self.assertIsNotNone(node, "node is not on PATH: run scripts/bootstrap")
        server = self.start_server("--group-initial-rebalance-delay-ms", "0")
        n = 300
        messages = [{"value": f"m{i}".encode(), "partition": i % 3} for i in range(n)]
        admin = KafkaAdminClient(bootstrap_servers=server.bootstrap)
        try:
            admin.create_topics([NewTopic("kafkajs_group", 3, 1)])
            self.rk_produce(server, "kafkajs_group", messages)
            r = self.run_tool([node, str(NODE_DIR / "consume_in_group.js"), server.bootstrap,
                               "kafkajs_group", "jsgroup", str(n)])
            report = json.loads(r.stdout.decode().strip().splitlines()[-1])
            self.assertEqual(report["consumed"], n)
            self.assertEqual(report["assigned"], [0, 1, 2])
            for p in range(3):
                self.assertEqual(report["values"][str(p)], [f"m{i}" for i in range(p, n, 3)])
            committed = admin.list_consumer_group_offsets("jsgroup")
            self.assertEqual({tp.partition: om.offset for tp, om in committed.items()},
                             {0: n // 3, 1: n // 3, 2: n // 3})
        finally:
            admin.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
