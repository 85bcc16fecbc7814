"""Whole-system tests of spate's Kafka admin APIs, driven by real clients: confluent_kafka's
AdminClient (librdkafka) and kafka-python's KafkaAdminClient create, delete and grow topics and
describe and alter their configs; the APIs those versions of the clients lack (DeleteTopics by
id, CreateTopics v7, IncrementalAlterConfigs, DescribeConfigs v4, DescribeCluster,
DeleteRecords, OffsetForLeaderEpoch) are sent as raw requests by a small encoder below.
Results and error codes are checked for good and bad requests, as Kafka answers them.

The binary comes from the SPATE_BIN environment variable (CTest sets it to the built `spate`).
Every server runs in a fresh temporary directory on an ephemeral port; no wait is unbounded:
output goes to files polled until a deadline, sockets and client calls have timeouts, and a
server that does not stop in time is killed and the test fails.

Run by hand:
    ctest --test-dir build -R system.kafka_admin --output-on-failure
    SPATE_BIN=build/src/app/spate /usr/bin/python3 tests/system/test_kafka_admin.py [-k NAME]
"""

import os
import re
import signal
import socket
import struct
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import (
    AdminClient,
    ConfigResource,
    ConfigSource,
    NewPartitions,
    NewTopic,
)
import kafka.admin as kadmin
import kafka.errors as kerrors

SPATE_BIN = os.environ.get("SPATE_BIN", "")

START_TIMEOUT_S = 15
STOP_TIMEOUT_S = 15
CLIENT_TIMEOUT_S = 10

KAFKA_LINE_RE = re.compile(r"^kafka listening on 127\.0\.0\.1:(?P<port>[1-9]\d*)$")

# Kafka's error codes.
NONE = 0
OFFSET_OUT_OF_RANGE = 1
UNKNOWN_TOPIC_OR_PARTITION = 3
INVALID_TOPIC_EXCEPTION = 17
TOPIC_ALREADY_EXISTS = 36
INVALID_PARTITIONS = 37
INVALID_REPLICATION_FACTOR = 38
INVALID_REPLICA_ASSIGNMENT = 39
INVALID_CONFIG = 40
INVALID_REQUEST = 42
FENCED_LEADER_EPOCH = 74
UNKNOWN_LEADER_EPOCH = 75
UNKNOWN_TOPIC_ID = 100
MISMATCHED_ENDPOINT_TYPE = 114

# ConfigResource types and DescribeConfigs' config sources and types.
TOPIC, BROKER = 2, 4
DYNAMIC_TOPIC_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG = 1, 4, 5
TYPE_STRING, TYPE_INT, TYPE_LONG, TYPE_LIST = 2, 3, 5, 7

INT32_MIN = -(2**31)
ZERO_UUID = bytes(16)


class server:
    """One `spate server` on an ephemeral port; stdout and stderr go to files in `cwd`."""

    def __init__(self, cwd, data_dir, args=()):
        self.cwd = Path(cwd)
        self.args = ["server", "--data-dir", str(data_dir), "--kafka-addr", "127.0.0.1:0",
                     "--pg-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", *args]
        fd, out = tempfile.mkstemp(prefix="stdout-", suffix=".txt", dir=self.cwd)
        os.close(fd)
        fd, err = tempfile.mkstemp(prefix="stderr-", suffix=".txt", dir=self.cwd)
        os.close(fd)
        self.out_path, self.err_path = Path(out), Path(err)
        with open(self.out_path, "wb") as o, open(self.err_path, "wb") as e:
            self.proc = subprocess.Popen([SPATE_BIN, *self.args], cwd=self.cwd,
                                         stdin=subprocess.DEVNULL, stdout=o, stderr=e)
        self.port = None

    def describe(self):
        return (f"spate {' '.join(self.args)} (pid {self.proc.pid}, exit {self.proc.poll()})\n"
                f"--- stdout ---\n{self.out_path.read_text(errors='replace')}"
                f"--- stderr ---\n{self.err_path.read_text(errors='replace')[-6000:]}")

    def wait_listening(self):
        """The port from `kafka listening on 127.0.0.1:PORT`, or None after the deadline."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            for line in self.out_path.read_text(errors="replace").splitlines():
                m = KAFKA_LINE_RE.match(line)
                if m:
                    self.port = int(m.group("port"))
                    return self.port
            if self.proc.poll() is not None:
                return None
            time.sleep(0.05)
        return None

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.port}"

    def stop(self):
        """SIGTERM; the exit code, or None if it did not stop in time (then it is killed)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                pass


# --- A minimal Kafka wire encoder and decoder, for the APIs the installed clients lack. ---


def i8(v):
    return struct.pack(">b", v)


def i16(v):
    return struct.pack(">h", v)


def i32(v):
    return struct.pack(">i", v)


def i64(v):
    return struct.pack(">q", v)


def boolean(v):
    return b"\x01" if v else b"\x00"


def uvarint(n):
    out = b""
    while n >= 0x80:
        out += bytes([(n & 0x7F) | 0x80])
        n >>= 7
    return out + bytes([n])


def string(s):
    if s is None:
        return i16(-1)
    b = s.encode()
    return i16(len(b)) + b


def compact_string(s):
    if s is None:
        return uvarint(0)
    b = s.encode()
    return uvarint(len(b) + 1) + b


def array(items):
    return i32(len(items)) + b"".join(items)


def compact_array(items):
    return uvarint(len(items) + 1) + b"".join(items)


NO_TAGS = b"\x00"


class reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise AssertionError(f"response ends at byte {len(self.data)}, wanted {self.pos + n}")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def i8(self):
        return struct.unpack(">b", self.take(1))[0]

    def i16(self):
        return struct.unpack(">h", self.take(2))[0]

    def i32(self):
        return struct.unpack(">i", self.take(4))[0]

    def i64(self):
        return struct.unpack(">q", self.take(8))[0]

    def boolean(self):
        return self.take(1) != b"\x00"

    def uuid(self):
        return self.take(16)

    def uvarint(self):
        shift = n = 0
        while True:
            b = self.take(1)[0]
            n |= (b & 0x7F) << shift
            if b < 0x80:
                return n
            shift += 7

    def string(self):
        n = self.i16()
        return None if n < 0 else self.take(n).decode()

    def compact_string(self):
        n = self.uvarint()
        return None if n == 0 else self.take(n - 1).decode()

    def array(self, item):
        n = self.i32()
        return None if n < 0 else [item(self) for _ in range(n)]

    def compact_array(self, item):
        n = self.uvarint()
        return None if n == 0 else [item(self) for _ in range(n - 1)]

    def tags(self):
        for _ in range(self.uvarint()):
            self.uvarint()
            self.take(self.uvarint())

    def end(self):
        if self.pos != len(self.data):
            raise AssertionError(f"{len(self.data) - self.pos} bytes left over in the response")


class wire:
    """One connection that sends raw requests and returns each response's body as a reader."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT_S)
        self.correlation = 0

    def close(self):
        self.sock.close()

    def recv_exactly(self, n):
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise AssertionError("the server closed the connection")
            out += chunk
        return out

    def call(self, api_key, version, body, flexible):
        self.correlation += 1
        header = i16(api_key) + i16(version) + i32(self.correlation) + string("admin-test")
        if flexible:
            header += NO_TAGS
        frame = header + body
        self.sock.sendall(i32(len(frame)) + frame)
        size = struct.unpack(">i", self.recv_exactly(4))[0]
        r = reader(self.recv_exactly(size))
        if r.i32() != self.correlation:
            raise AssertionError("response to another request")
        if flexible:
            r.tags()
        return r


def create_topics_v7(w, topics, validate_only=False):
    """topics: (name, partitions, replication, {config: value}). Returns [(name, id, code,
    message, partitions, replication, {config: (value, read_only, source)})]."""
    def topic(name, partitions, replication, configs):
        return (compact_string(name) + i32(partitions) + i16(replication) + compact_array([])
                + compact_array([compact_string(k) + compact_string(v) + NO_TAGS
                                 for k, v in configs.items()]) + NO_TAGS)

    body = (compact_array([topic(*t) for t in topics]) + i32(10000) + boolean(validate_only)
            + NO_TAGS)
    r = w.call(19, 7, body, flexible=True)
    r.i32()

    def config(r):
        c = (r.compact_string(), r.compact_string(), r.boolean(), r.i8(), r.boolean())
        r.tags()
        return c

    out = []
    for _ in range(r.uvarint() - 1):
        name, topic_id, code, message = r.compact_string(), r.uuid(), r.i16(), r.compact_string()
        partitions, replication = r.i32(), r.i16()
        configs = r.compact_array(config)
        r.tags()  # the topic-config error code is a tagged field
        out.append((name, topic_id, code, message, partitions, replication,
                    {c[0]: (c[1], c[2], c[3]) for c in configs or []}))
    r.tags()
    r.end()
    return out


def delete_topics_v6(w, topics):
    """topics: (name or None, id bytes). Returns [(name, id, code, message)]."""
    body = (compact_array([compact_string(n) + i + NO_TAGS for n, i in topics]) + i32(10000)
            + NO_TAGS)
    r = w.call(20, 6, body, flexible=True)
    r.i32()

    def result(r):
        out = (r.compact_string(), r.uuid(), r.i16(), r.compact_string())
        r.tags()
        return out

    results = r.compact_array(result)
    r.tags()
    r.end()
    return results


def incremental_alter_configs_v0(w, resources, validate_only=False):
    """resources: (type, name, [(key, op, value)]). Returns [(code, message, type, name)]."""
    body = array([
        i8(t) + string(n) + array([string(k) + i8(op) + string(v) for k, op, v in configs])
        for t, n, configs in resources
    ]) + boolean(validate_only)
    r = w.call(44, 0, body, flexible=False)
    r.i32()
    results = r.array(lambda r: (r.i16(), r.string(), r.i8(), r.string()))
    r.end()
    return results


def describe_configs_v4(w, resource_type, name, keys=None, synonyms=False, documentation=False):
    """Returns (code, message, {name: (value, read_only, source, type, doc, synonyms)})."""
    keys_field = uvarint(0) if keys is None else compact_array([compact_string(k) for k in keys])
    body = (compact_array([i8(resource_type) + compact_string(name) + keys_field + NO_TAGS])
            + boolean(synonyms) + boolean(documentation) + NO_TAGS)
    r = w.call(32, 4, body, flexible=True)
    r.i32()

    def synonym(r):
        s = (r.compact_string(), r.compact_string(), r.i8())
        r.tags()
        return s

    def config(r):
        name, value, read_only, source, sensitive = (r.compact_string(), r.compact_string(),
                                                     r.boolean(), r.i8(), r.boolean())
        syns = r.compact_array(synonym)
        ctype, doc = r.i8(), r.compact_string()
        r.tags()
        assert not sensitive, f"{name} is marked sensitive"
        return name, (value, read_only, source, ctype, doc, syns)

    def result(r):
        code, message, _, _ = r.i16(), r.compact_string(), r.i8(), r.compact_string()
        configs = dict(r.compact_array(config))
        r.tags()
        return code, message, configs

    results = r.compact_array(result)
    r.tags()
    r.end()
    return results[0]


def describe_cluster(w, version, include_operations=False, endpoint_type=1):
    body = boolean(include_operations) + (i8(endpoint_type) if version >= 1 else b"") + NO_TAGS
    r = w.call(60, version, body, flexible=True)
    out = {"throttle": r.i32(), "error_code": r.i16(), "error_message": r.compact_string()}
    if version >= 1:
        out["endpoint_type"] = r.i8()
    out["cluster_id"] = r.compact_string()
    out["controller_id"] = r.i32()

    def broker(r):
        b = (r.i32(), r.compact_string(), r.i32(), r.compact_string())
        r.tags()
        return b

    out["brokers"] = r.compact_array(broker)
    out["authorized_operations"] = r.i32()
    r.tags()
    r.end()
    return out


def delete_records_v0(w, topic, partitions):
    """partitions: [(index, offset)]. Returns {index: (low_watermark, code)}."""
    body = array([string(topic) + array([i32(p) + i64(o) for p, o in partitions])]) + i32(10000)
    r = w.call(21, 0, body, flexible=False)
    r.i32()
    topics = r.array(lambda r: (r.string(), r.array(lambda r: (r.i32(), r.i64(), r.i16()))))
    r.end()
    return {p: (low, code) for p, low, code in topics[0][1]}


def offset_for_leader_epoch_v2(w, topic, partitions):
    """partitions: [(index, current_leader_epoch, leader_epoch)]. Returns
    [(code, index, leader_epoch, end_offset)]."""
    body = array([string(topic) + array([i32(p) + i32(c) + i32(e) for p, c, e in partitions])])
    r = w.call(23, 2, body, flexible=False)
    r.i32()
    topics = r.array(lambda r: (r.string(), r.array(lambda r: (r.i16(), r.i32(), r.i32(),
                                                                 r.i64()))))
    r.end()
    return topics[0][1]


def api_versions_v0(w):
    r = w.call(18, 0, b"", flexible=False)
    code = r.i16()
    apis = r.array(lambda r: (r.i16(), r.i16(), r.i16()))
    return code, {k: (lo, hi) for k, lo, hi in apis}


# --- Helpers for the real clients. ---


class admin_test_case(unittest.TestCase):
    def start_server(self, data_dir, args=()):
        s = server(self.tmp, data_dir, args)
        self.addCleanup(s.kill)
        if s.wait_listening() is None:
            s.kill()
            self.fail(f"no 'kafka listening on' line within {START_TIMEOUT_S} s\n{s.describe()}")
        return s

    def stop_server(self, s):
        code = s.stop()
        self.assertIsNotNone(code, f"still running {STOP_TIMEOUT_S} s after SIGTERM\n"
                             + s.describe())
        self.assertEqual(code, 0, "exit after SIGTERM\n" + s.describe())

    def make_tmp(self):
        if not SPATE_BIN or not os.access(SPATE_BIN, os.X_OK):
            self.fail(f"SPATE_BIN={SPATE_BIN!r} is not an executable file")
        tmp = tempfile.TemporaryDirectory(prefix="spate-admin-")
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)

    def confluent_admin(self, s):
        return AdminClient({"bootstrap.servers": s.bootstrap, "socket.timeout.ms": 10000})

    def kafka_python_admin(self, s):
        client = kadmin.KafkaAdminClient(bootstrap_servers=s.bootstrap,
                                         request_timeout_ms=CLIENT_TIMEOUT_S * 1000,
                                         api_version_auto_timeout_ms=CLIENT_TIMEOUT_S * 1000)
        self.addCleanup(client.close)
        return client

    def wire(self, s):
        w = wire(s.port)
        self.addCleanup(w.close)
        return w

    def result_of(self, future):
        return future.result(timeout=CLIENT_TIMEOUT_S)

    def assert_fails(self, future, code, *needles):
        with self.assertRaises(KafkaException) as caught:
            self.result_of(future)
        err = caught.exception.args[0]
        self.assertEqual(err.code(), code, f"expected error {code}, got {err}")
        for needle in needles:
            self.assertIn(needle, err.str())

    def topic_partitions(self, admin, topic):
        md = admin.list_topics(timeout=CLIENT_TIMEOUT_S)
        t = md.topics.get(topic)
        return None if t is None or t.error is not None else len(t.partitions)

    def produce(self, s, topic, count, partition=0, value=b"x" * 100):
        p = Producer({"bootstrap.servers": s.bootstrap, "linger.ms": 0})
        for i in range(count):
            p.produce(topic, value=value, key=str(i).encode(), partition=partition)
            p.poll(0)
        self.assertEqual(p.flush(CLIENT_TIMEOUT_S), 0, "records still unsent")

    def watermarks(self, s, topic, partition=0):
        c = Consumer({"bootstrap.servers": s.bootstrap, "group.id": "admin-test"})
        try:
            return c.get_watermark_offsets(TopicPartition(topic, partition),
                                           timeout=CLIENT_TIMEOUT_S)
        finally:
            c.close()


class admin_apis_test(admin_test_case):
    """Every admin API against one server (started with --num-partitions 2, so that a topic
    made with the broker's default count is told apart from one with a single partition)."""

    def setUp(self):
        self.make_tmp()
        self.server = self.start_server(self.tmp / "data", ["--num-partitions", "2"])
        self.admin = self.confluent_admin(self.server)

    def tearDown(self):
        self.admin = None  # closes its connections before the server goes
        self.stop_server(self.server)

    def test_api_versions_advertise_kafka_4_ranges(self):
        code, apis = api_versions_v0(self.wire(self.server))
        self.assertEqual(code, NONE)
        expected = {19: (2, 7), 20: (1, 6), 21: (0, 2), 23: (2, 4), 32: (1, 4), 33: (0, 2),
                    37: (0, 3), 44: (0, 1), 60: (0, 1)}
        for key, versions in expected.items():
            self.assertEqual(apis.get(key), versions, f"API {key}")

    def test_create_topics_with_confluent(self):
        fs = self.admin.create_topics([
            NewTopic("orders", num_partitions=3, replication_factor=1,
                     config={"retention.ms": "3600000"}),
            NewTopic("by-default", num_partitions=-1, replication_factor=-1),
            NewTopic("assigned", num_partitions=2, replica_assignment=[[0], [0]]),
        ], request_timeout=CLIENT_TIMEOUT_S)
        for name, f in fs.items():
            self.assertIsNone(self.result_of(f), name)
        self.assertEqual(self.topic_partitions(self.admin, "orders"), 3)
        self.assertEqual(self.topic_partitions(self.admin, "by-default"), 2)
        self.assertEqual(self.topic_partitions(self.admin, "assigned"), 2)

        bad = self.admin.create_topics([
            NewTopic("orders", num_partitions=1),
            NewTopic("bad name!", num_partitions=1),
            NewTopic("bad-config", num_partitions=1, config={"retention.ms": "soon"}),
            NewTopic("unknown-config", num_partitions=1, config={"no.such.key": "1"}),
            NewTopic("replicated", num_partitions=1, replication_factor=3),
            NewTopic("elsewhere", num_partitions=1, replica_assignment=[[1]]),
            NewTopic("orders_x", num_partitions=1),
        ], request_timeout=CLIENT_TIMEOUT_S)
        self.assertIsNone(self.result_of(bad["orders_x"]))
        self.assert_fails(bad["orders"], TOPIC_ALREADY_EXISTS, "orders")
        self.assert_fails(bad["bad name!"], INVALID_TOPIC_EXCEPTION)
        self.assert_fails(bad["bad-config"], INVALID_CONFIG, "retention.ms", "soon")
        self.assert_fails(bad["unknown-config"], INVALID_CONFIG, "no.such.key")
        self.assert_fails(bad["replicated"], INVALID_REPLICATION_FACTOR, "one node")
        self.assert_fails(bad["elsewhere"], INVALID_REPLICA_ASSIGNMENT, "broker 1")
        for name in ("bad name!", "bad-config", "unknown-config", "replicated", "elsewhere"):
            self.assertIsNone(self.topic_partitions(self.admin, name), f"{name} was created")
        # '.' and '_' collide (Kafka's rule).
        collide = self.admin.create_topics([NewTopic("orders.x", num_partitions=1)],
                                           request_timeout=CLIENT_TIMEOUT_S)
        self.assert_fails(collide["orders.x"], INVALID_TOPIC_EXCEPTION, "collides")

    def test_create_topics_validate_only_creates_nothing(self):
        fs = self.admin.create_topics([NewTopic("checked", num_partitions=4)],
                                      validate_only=True, request_timeout=CLIENT_TIMEOUT_S)
        self.assertIsNone(self.result_of(fs["checked"]))
        self.assertIsNone(self.topic_partitions(self.admin, "checked"))
        fs = self.admin.create_topics(
            [NewTopic("checked", num_partitions=1, config={"segment.bytes": "1"})],
            validate_only=True, request_timeout=CLIENT_TIMEOUT_S)
        self.assert_fails(fs["checked"], INVALID_CONFIG, "segment.bytes")

    def test_create_topics_with_kafka_python(self):
        admin = self.kafka_python_admin(self.server)
        admin.create_topics([kadmin.NewTopic("kp", 2, 1, topic_configs={"segment.ms": "60000"})])
        self.assertEqual(self.topic_partitions(self.admin, "kp"), 2)
        with self.assertRaises(kerrors.TopicAlreadyExistsError):
            admin.create_topics([kadmin.NewTopic("kp", 1, 1)])
        with self.assertRaises(kerrors.InvalidReplicationFactorError):
            admin.create_topics([kadmin.NewTopic("kp-rf", 1, 3)])
        # A name given twice in one request is refused (librdkafka refuses it client-side).
        with self.assertRaises(kerrors.InvalidRequestError):
            admin.create_topics([kadmin.NewTopic("twice", 1, 1), kadmin.NewTopic("twice", 1, 1)])
        self.assertIsNone(self.topic_partitions(self.admin, "twice"))

    def test_create_topics_v7_reports_id_partitions_and_configs(self):
        w = self.wire(self.server)
        results = create_topics_v7(w, [
            ("v7", -1, -1, {"retention.ms": "60000"}),
            ("v7-null", 1, 1, {"retention.ms": None}),
            ("v7-dup", 1, 1, {}),
            ("v7-dup", 1, 1, {}),
        ])
        by_name = {r[0]: r for r in results}
        name, topic_id, code, message, partitions, replication, configs = by_name["v7"]
        self.assertEqual((code, message), (NONE, None))
        self.assertNotEqual(topic_id, ZERO_UUID)
        self.assertEqual((partitions, replication), (2, 1))
        self.assertEqual(configs["retention.ms"], ("60000", False, DYNAMIC_TOPIC_CONFIG))
        self.assertEqual(configs["segment.bytes"], ("1073741824", False, DEFAULT_CONFIG))
        self.assertEqual(configs["cleanup.policy"], ("delete", False, DEFAULT_CONFIG))
        self.assertEqual(by_name["v7-null"][2], INVALID_CONFIG)
        self.assertIn("Null value", by_name["v7-null"][3])
        self.assertEqual(by_name["v7-dup"][2:4], (INVALID_REQUEST, "Duplicate topic name."))
        self.assertIsNone(self.topic_partitions(self.admin, "v7-dup"))
        # Validate-only: the same answer, but no id and no topic.
        checked = create_topics_v7(w, [("v7-check", 3, 1, {})], validate_only=True)
        self.assertEqual(checked[0][2], NONE)
        self.assertEqual(checked[0][1], ZERO_UUID)
        self.assertEqual(checked[0][4], 3)
        self.assertIsNone(self.topic_partitions(self.admin, "v7-check"))
        # Bad counts, with Kafka's messages.
        bad = {r[0]: r for r in create_topics_v7(w, [("zero", 0, 1, {}), ("rf0", 1, 0, {})])}
        self.assertEqual(bad["zero"][2], INVALID_PARTITIONS)
        self.assertEqual(bad["rf0"][2], INVALID_REPLICATION_FACTOR)
        self.assertEqual((bad["zero"][4], bad["zero"][5]), (-1, -1))

    def test_delete_topics(self):
        for f in self.admin.create_topics([NewTopic(n, num_partitions=1) for n in
                                           ("gone", "gone-kp", "gone-id")],
                                          request_timeout=CLIENT_TIMEOUT_S).values():
            self.result_of(f)
        self.produce(self.server, "gone", 5)
        fs = self.admin.delete_topics(["gone", "never-was"], request_timeout=CLIENT_TIMEOUT_S)
        self.assertIsNone(self.result_of(fs["gone"]))
        self.assert_fails(fs["never-was"], UNKNOWN_TOPIC_OR_PARTITION)
        self.assertIsNone(self.topic_partitions(self.admin, "gone"))

        kp = self.kafka_python_admin(self.server)
        kp.delete_topics(["gone-kp"])
        self.assertIsNone(self.topic_partitions(self.admin, "gone-kp"))
        with self.assertRaises(kerrors.UnknownTopicOrPartitionError):
            kp.delete_topics(["gone-kp"])

        # By id (v6): learn the id from CreateTopics v7 of a fresh topic.
        w = self.wire(self.server)
        (made,) = create_topics_v7(w, [("by-id", 1, 1, {})])
        topic_id = made[1]
        results = delete_topics_v6(w, [(None, topic_id), (None, b"\x01" * 16),
                                       ("gone-id", ZERO_UUID), ("x", b"\x02" * 16)])
        self.assertIn(("by-id", topic_id, NONE, None), results)
        self.assertIn((None, b"\x01" * 16, UNKNOWN_TOPIC_ID), [r[:3] for r in results])
        self.assertIn(("gone-id", NONE), [(r[0], r[2]) for r in results])
        self.assertIn(("x", INVALID_REQUEST), [(r[0], r[2]) for r in results])
        self.assertIsNone(self.topic_partitions(self.admin, "by-id"))

        # The name is free again, and the new topic starts empty.
        fs = self.admin.create_topics([NewTopic("gone", num_partitions=1)],
                                      request_timeout=CLIENT_TIMEOUT_S)
        self.assertIsNone(self.result_of(fs["gone"]))
        self.assertEqual(self.watermarks(self.server, "gone"), (0, 0))

    def test_create_partitions(self):
        self.result_of(self.admin.create_topics([NewTopic("grow", num_partitions=1)],
                                                request_timeout=CLIENT_TIMEOUT_S)["grow"])
        fs = self.admin.create_partitions([NewPartitions("grow", 3)],
                                          request_timeout=CLIENT_TIMEOUT_S)
        self.assertIsNone(self.result_of(fs["grow"]))
        self.assertEqual(self.topic_partitions(self.admin, "grow"), 3)
        fs = self.admin.create_partitions([NewPartitions("grow", 5)], validate_only=True,
                                          request_timeout=CLIENT_TIMEOUT_S)
        self.assertIsNone(self.result_of(fs["grow"]))
        self.assertEqual(self.topic_partitions(self.admin, "grow"), 3)
        fs = self.admin.create_partitions([NewPartitions("grow", 4, replica_assignment=[[0]])],
                                          request_timeout=CLIENT_TIMEOUT_S)
        self.assertIsNone(self.result_of(fs["grow"]))
        self.assertEqual(self.topic_partitions(self.admin, "grow"), 4)

        for count, needle in ((2, "currently has 4 partition(s); 2 would not be an increase"),
                              (4, "already has 4 partition(s)")):
            fs = self.admin.create_partitions([NewPartitions("grow", count)],
                                              request_timeout=CLIENT_TIMEOUT_S)
            self.assert_fails(fs["grow"], INVALID_PARTITIONS, needle)
        fs = self.admin.create_partitions([NewPartitions("grow", 5, replica_assignment=[[2]])],
                                          request_timeout=CLIENT_TIMEOUT_S)
        self.assert_fails(fs["grow"], INVALID_REPLICA_ASSIGNMENT)
        fs = self.admin.create_partitions([NewPartitions("no-such-topic", 2)],
                                          request_timeout=CLIENT_TIMEOUT_S)
        self.assert_fails(fs["no-such-topic"], UNKNOWN_TOPIC_OR_PARTITION)
        self.assertEqual(self.topic_partitions(self.admin, "grow"), 4)

        kp = self.kafka_python_admin(self.server)
        kp.create_partitions({"grow": kadmin.NewPartitions(6)})
        self.assertEqual(self.topic_partitions(self.admin, "grow"), 6)
        with self.assertRaises(kerrors.InvalidPartitionsError):
            kp.create_partitions({"grow": kadmin.NewPartitions(1)})

    def test_describe_and_alter_topic_configs(self):
        self.result_of(self.admin.create_topics(
            [NewTopic("conf", num_partitions=1, config={"segment.ms": "600000"})],
            request_timeout=CLIENT_TIMEOUT_S)["conf"])
        res = ConfigResource("topic", "conf")

        def describe():
            return self.result_of(self.admin.describe_configs(
                [res], request_timeout=CLIENT_TIMEOUT_S)[res])

        configs = describe()
        for key in ("retention.ms", "retention.bytes", "segment.bytes", "segment.ms",
                    "cleanup.policy", "message.timestamp.type", "max.message.bytes",
                    "index.interval.bytes", "flush.ms"):
            self.assertIn(key, configs)
        self.assertEqual(configs["segment.ms"].value, "600000")
        self.assertEqual(configs["segment.ms"].source, ConfigSource.DYNAMIC_TOPIC_CONFIG.value)
        self.assertEqual(configs["retention.ms"].value, str(7 * 24 * 3600 * 1000))
        self.assertEqual(configs["retention.ms"].source, ConfigSource.DEFAULT_CONFIG.value)
        self.assertFalse(configs["retention.ms"].is_read_only)
        self.assertFalse(configs["retention.ms"].is_sensitive)

        # Legacy AlterConfigs replaces every override: segment.ms goes back to its default.
        res = ConfigResource("topic", "conf", set_config={"retention.ms": "1234"})
        self.assertIsNone(self.result_of(self.admin.alter_configs(
            [res], request_timeout=CLIENT_TIMEOUT_S)[res]))
        configs = describe()
        self.assertEqual(configs["retention.ms"].value, "1234")
        self.assertEqual(configs["retention.ms"].source, ConfigSource.DYNAMIC_TOPIC_CONFIG.value)
        self.assertEqual(configs["segment.ms"].source, ConfigSource.DEFAULT_CONFIG.value)

        for bad, code, needle in (({"retention.ms": "soon"}, INVALID_CONFIG, "retention.ms"),
                                  ({"no.such.key": "1"}, INVALID_CONFIG, "no.such.key")):
            res = ConfigResource("topic", "conf", set_config=bad)
            self.assert_fails(self.admin.alter_configs([res], request_timeout=CLIENT_TIMEOUT_S)
                              [res], code, needle)
        res = ConfigResource("topic", "conf", set_config={"retention.ms": "99"})
        self.assertIsNone(self.result_of(self.admin.alter_configs(
            [res], validate_only=True, request_timeout=CLIENT_TIMEOUT_S)[res]))
        self.assertEqual(describe()["retention.ms"].value, "1234")
        res = ConfigResource("topic", "no-such-topic", set_config={"retention.ms": "1"})
        self.assert_fails(self.admin.alter_configs([res], request_timeout=CLIENT_TIMEOUT_S)[res],
                          UNKNOWN_TOPIC_OR_PARTITION)
        res = ConfigResource("topic", "no-such-topic")
        self.assert_fails(self.admin.describe_configs([res], request_timeout=CLIENT_TIMEOUT_S)
                          [res], UNKNOWN_TOPIC_OR_PARTITION)

        # kafka-python: describe (v2, with synonyms) and alter.
        kp = self.kafka_python_admin(self.server)
        kp.alter_configs([kadmin.ConfigResource(kadmin.ConfigResourceType.TOPIC, "conf",
                                                configs={"retention.bytes": "1048576"})])
        (response,) = kp.describe_configs(
            [kadmin.ConfigResource(kadmin.ConfigResourceType.TOPIC, "conf")],
            include_synonyms=True)
        error_code, _, _, _, entries = response.resources[0]
        self.assertEqual(error_code, NONE)
        by_name = {e[0]: e for e in entries}
        self.assertEqual(by_name["retention.bytes"][1], "1048576")
        self.assertEqual(by_name["retention.bytes"][3], DYNAMIC_TOPIC_CONFIG)
        # The override replaced retention.ms's: it is the default again.
        self.assertEqual(by_name["retention.ms"][3], DEFAULT_CONFIG)
        synonyms = by_name["retention.bytes"][5]
        self.assertEqual([(s[0], s[2]) for s in synonyms],
                         [("retention.bytes", DYNAMIC_TOPIC_CONFIG),
                          ("log.retention.bytes", DEFAULT_CONFIG)])

    def test_describe_configs_v4_types_docs_and_filter(self):
        self.result_of(self.admin.create_topics([NewTopic("docs", num_partitions=1)],
                                                request_timeout=CLIENT_TIMEOUT_S)["docs"])
        w = self.wire(self.server)
        code, _, configs = describe_configs_v4(w, TOPIC, "docs",
                                               keys=["retention.ms", "cleanup.policy",
                                                     "segment.bytes", "no.such.key"],
                                               documentation=True)
        self.assertEqual(code, NONE)
        self.assertEqual(sorted(configs), ["cleanup.policy", "retention.ms", "segment.bytes"])
        self.assertEqual(configs["retention.ms"][3], TYPE_LONG)
        self.assertEqual(configs["segment.bytes"][3], TYPE_INT)
        self.assertEqual(configs["cleanup.policy"][3], TYPE_LIST)
        for name, c in configs.items():
            self.assertTrue(c[4], f"{name} has no documentation")
            self.assertEqual(c[5], [], "synonyms were not asked for")
        _, _, configs = describe_configs_v4(w, TOPIC, "docs")
        self.assertIsNone(configs["retention.ms"][4], "documentation was not asked for")
        code, message, _ = describe_configs_v4(w, TOPIC, "bad name!")
        self.assertEqual(code, INVALID_TOPIC_EXCEPTION)
        code, message, _ = describe_configs_v4(w, 99, "x")
        self.assertEqual(code, INVALID_REQUEST)

    def test_broker_configs_are_described_and_static(self):
        res = ConfigResource("broker", "0")
        configs = self.result_of(self.admin.describe_configs(
            [res], request_timeout=CLIENT_TIMEOUT_S)[res])
        self.assertEqual(configs["num.partitions"].value, "2")
        self.assertEqual(configs["num.partitions"].source,
                         ConfigSource.STATIC_BROKER_CONFIG.value)
        self.assertEqual(configs["log.retention.ms"].source, ConfigSource.DEFAULT_CONFIG.value)
        self.assertEqual(configs["node.id"].value, "0")
        self.assertTrue(all(c.is_read_only for c in configs.values()))
        w = self.wire(self.server)
        code, _, configs = describe_configs_v4(w, BROKER, "0", keys=["num.partitions", "log.dirs"],
                                               synonyms=True)
        self.assertEqual(code, NONE)
        value, read_only, source, ctype, _, synonyms = configs["num.partitions"]
        self.assertEqual((value, read_only, source, ctype), ("2", True, STATIC_BROKER_CONFIG,
                                                             TYPE_INT))
        self.assertEqual(synonyms, [("num.partitions", "2", STATIC_BROKER_CONFIG),
                                    ("num.partitions", "1", DEFAULT_CONFIG)])
        self.assertEqual(configs["log.dirs"][3], TYPE_STRING)
        code, _, cluster_defaults = describe_configs_v4(w, BROKER, "")
        self.assertEqual((code, cluster_defaults), (NONE, {}))
        code, message, _ = describe_configs_v4(w, BROKER, "7")
        self.assertEqual(code, INVALID_REQUEST)
        self.assertIn("Unexpected broker id", message)

        res = ConfigResource("broker", "0", set_config={"log.retention.ms": "1000"})
        self.assert_fails(self.admin.alter_configs([res], request_timeout=CLIENT_TIMEOUT_S)[res],
                          INVALID_REQUEST, "static")
        (result,) = incremental_alter_configs_v0(w, [(BROKER, "0", [("num.partitions", 0, "5")])])
        self.assertEqual(result[0], INVALID_REQUEST)
        self.assertIn("static", result[1])

    def test_incremental_alter_configs(self):
        self.result_of(self.admin.create_topics(
            [NewTopic("inc", num_partitions=1, config={"segment.ms": "600000"})],
            request_timeout=CLIENT_TIMEOUT_S)["inc"])
        w = self.wire(self.server)
        SET, DELETE, APPEND = 0, 1, 2
        results = incremental_alter_configs_v0(w, [(TOPIC, "inc", [
            ("retention.ms", SET, "5000"),
            ("segment.ms", DELETE, None),
            ("cleanup.policy", APPEND, "delete"),
        ])])
        self.assertEqual(results, [(NONE, None, TOPIC, "inc")])
        _, _, configs = describe_configs_v4(w, TOPIC, "inc")
        self.assertEqual(configs["retention.ms"][:3], ("5000", False, DYNAMIC_TOPIC_CONFIG))
        self.assertEqual(configs["segment.ms"][2], DEFAULT_CONFIG)
        self.assertEqual(configs["cleanup.policy"][:3], ("delete", False, DYNAMIC_TOPIC_CONFIG))

        # Unlike AlterConfigs, keys not named keep their overrides.
        incremental_alter_configs_v0(w, [(TOPIC, "inc", [("retention.bytes", SET, "999999")])])
        _, _, configs = describe_configs_v4(w, TOPIC, "inc")
        self.assertEqual(configs["retention.ms"][0], "5000")

        bad = incremental_alter_configs_v0(w, [
            (TOPIC, "inc", [("retention.ms", APPEND, "1")]),
            (TOPIC, "no-such-topic", [("retention.ms", SET, "1")]),
            (TOPIC, "inc-2", [("retention.ms", SET, None)]),
        ])
        self.assertEqual(bad[0][0], INVALID_CONFIG)
        self.assertIn("not LIST", bad[0][1])
        self.assertEqual(bad[1][0], UNKNOWN_TOPIC_OR_PARTITION)
        self.assertEqual(bad[2][0], INVALID_REQUEST)
        twice = incremental_alter_configs_v0(w, [(TOPIC, "inc", [("retention.ms", SET, "1")]),
                                                 (TOPIC, "inc", [("retention.ms", SET, "2")])])
        self.assertEqual([r[0] for r in twice], [INVALID_REQUEST, INVALID_REQUEST])
        checked = incremental_alter_configs_v0(w, [(TOPIC, "inc", [("retention.ms", SET, "7")])],
                                               validate_only=True)
        self.assertEqual(checked[0][0], NONE)
        _, _, configs = describe_configs_v4(w, TOPIC, "inc")
        self.assertEqual(configs["retention.ms"][0], "5000")

    def test_describe_cluster(self):
        w = self.wire(self.server)
        cluster_id = self.admin.list_topics(timeout=CLIENT_TIMEOUT_S).cluster_id
        for version in (0, 1):
            d = describe_cluster(w, version)
            self.assertEqual(d["error_code"], NONE, d)
            self.assertEqual(d["cluster_id"], cluster_id)
            self.assertEqual(d["controller_id"], 0)
            self.assertEqual(d["brokers"], [(0, "127.0.0.1", self.server.port, None)])
            self.assertEqual(d["authorized_operations"], INT32_MIN)
        self.assertEqual(describe_cluster(w, 1)["endpoint_type"], 1)
        self.assertGreater(describe_cluster(w, 0, include_operations=True)
                           ["authorized_operations"], 0)
        d = describe_cluster(w, 1, endpoint_type=2)
        self.assertEqual(d["error_code"], MISMATCHED_ENDPOINT_TYPE)

    def test_delete_records(self):
        self.result_of(self.admin.create_topics([NewTopic("trim", num_partitions=2)],
                                                request_timeout=CLIENT_TIMEOUT_S)["trim"])
        self.produce(self.server, "trim", 10)
        w = self.wire(self.server)
        self.assertEqual(delete_records_v0(w, "trim", [(0, 4)]), {0: (4, NONE)})
        self.assertEqual(self.watermarks(self.server, "trim"), (4, 10))
        # Before an earlier offset: nothing changes.
        self.assertEqual(delete_records_v0(w, "trim", [(0, 2)]), {0: (4, NONE)})
        self.assertEqual(delete_records_v0(w, "trim", [(0, 11), (1, 0), (7, 0)]),
                         {0: (-1, OFFSET_OUT_OF_RANGE), 1: (0, NONE),
                          7: (-1, UNKNOWN_TOPIC_OR_PARTITION)})
        # -1: up to the high watermark.
        self.assertEqual(delete_records_v0(w, "trim", [(0, -1)]), {0: (10, NONE)})
        self.assertEqual(self.watermarks(self.server, "trim"), (10, 10))
        self.assertEqual(delete_records_v0(w, "no-such-topic", [(0, 0)]),
                         {0: (-1, UNKNOWN_TOPIC_OR_PARTITION)})

    def test_offset_for_leader_epoch(self):
        self.result_of(self.admin.create_topics([NewTopic("epochs", num_partitions=1)],
                                                request_timeout=CLIENT_TIMEOUT_S)["epochs"])
        self.produce(self.server, "epochs", 5)
        w = self.wire(self.server)
        results = offset_for_leader_epoch_v2(w, "epochs", [(0, 0, 0)])
        self.assertEqual(results, [(NONE, 0, 0, 5)])
        self.assertEqual(offset_for_leader_epoch_v2(w, "epochs", [(0, -1, 0)]),
                         [(NONE, 0, 0, 5)])
        # An epoch after the current one, or none: undefined (-1, -1), as Kafka answers.
        self.assertEqual(offset_for_leader_epoch_v2(w, "epochs", [(0, -1, 1)]),
                         [(NONE, 0, -1, -1)])
        self.assertEqual(offset_for_leader_epoch_v2(w, "epochs", [(0, -1, -1)]),
                         [(NONE, 0, -1, -1)])
        self.assertEqual(offset_for_leader_epoch_v2(w, "epochs", [(0, 1, 0)])[0][0],
                         UNKNOWN_LEADER_EPOCH)
        self.assertEqual(offset_for_leader_epoch_v2(w, "epochs", [(0, -5, 0)])[0][0],
                         FENCED_LEADER_EPOCH)
        self.assertEqual(offset_for_leader_epoch_v2(w, "epochs", [(3, 0, 0)])[0][0],
                         UNKNOWN_TOPIC_OR_PARTITION)


class retention_change_test(admin_test_case):
    def setUp(self):
        self.make_tmp()

    def test_retention_change_takes_effect_and_survives_restart(self):
        data = self.tmp / "data"
        s = self.start_server(data)
        admin = self.confluent_admin(s)
        fs = admin.create_topics([NewTopic("kept", num_partitions=1,
                                           config={"segment.bytes": "1024"})],
                                 request_timeout=CLIENT_TIMEOUT_S)
        self.assertIsNone(self.result_of(fs["kept"]))
        # 10 batches of about 1 KiB, flushed one by one: a segment each.
        for _ in range(10):
            self.produce(s, "kept", 6, value=b"r" * 150)
        self.assertEqual(self.watermarks(s, "kept"), (0, 60))

        res = ConfigResource("topic", "kept", set_config={"segment.bytes": "1024",
                                                          "retention.ms": "1"})
        self.assertIsNone(self.result_of(admin.alter_configs(
            [res], request_timeout=CLIENT_TIMEOUT_S)[res]))
        # The per-shard upkeep (every second) deletes every segment but the active one.
        deadline = time.monotonic() + 10
        while self.watermarks(s, "kept")[0] == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        low, high = self.watermarks(s, "kept")
        self.assertGreater(low, 0, "retention.ms=1 deleted nothing\n" + s.describe())
        self.assertEqual(high, 60)
        del admin  # closes its connections before the server goes
        self.stop_server(s)

        s = self.start_server(data)
        admin = self.confluent_admin(s)
        res = ConfigResource("topic", "kept")
        configs = self.result_of(admin.describe_configs([res],
                                                        request_timeout=CLIENT_TIMEOUT_S)[res])
        self.assertEqual(configs["retention.ms"].value, "1")
        self.assertEqual(configs["retention.ms"].source, ConfigSource.DYNAMIC_TOPIC_CONFIG.value)
        self.assertEqual(configs["segment.bytes"].value, "1024")
        self.assertEqual(self.watermarks(s, "kept"), (low, 60))
        del admin
        self.stop_server(s)


if __name__ == "__main__":
    unittest.main(verbosity=2)
