"""Consumer groups (Kafka's classic group protocol) with real clients against a real spate:
kafka-python consumers in separate processes that share a topic, lose a member to SIGKILL and
one to a clean close; committed offsets across server restarts (SIGTERM and SIGKILL);
confluent-kafka (librdkafka) with the cooperative-sticky assignor and with static membership;
kcat's balanced consumer (-G); the group admin APIs (kafka-python's KafkaAdminClient and raw
OffsetDelete); and the coordinator's error codes over raw requests.

Every test starts its own spate on an ephemeral port with a temporary data directory
(spate_server.py), with --group-initial-rebalance-delay-ms 0 and session timeouts at the
minimum (6 s) so that the whole file stays within a couple of minutes. Offset expiry
(--offsets-retention-minutes, at least a minute) is left to the coordinator's unit tests.

The kafka-python consumers that one test kills run this file as a script:
    /usr/bin/python3 test_consumer_groups.py kp-member BOOTSTRAP TOPIC GROUP OUT_FILE
Run the tests by hand:
    SPATE_BIN=build/src/app/spate /usr/bin/python3 -m unittest -v test_consumer_groups.py
"""

import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kafka_wire  # noqa: E402
from kafka_wire import array, nullable_string, string  # noqa: E402
from spate_server import server_test_case  # noqa: E402

SESSION_TIMEOUT_MS = 6000  # spate's default group.min.session.timeout.ms
HEARTBEAT_MS = 1000
CLIENT_TIMEOUT_S = 20
# The server flags every test uses: no initial rebalance delay.
GROUP_FLAGS = ("--group-initial-rebalance-delay-ms", "0")

# Kafka error codes.
NONE = 0
UNKNOWN_TOPIC_OR_PARTITION = 3
OFFSET_METADATA_TOO_LARGE = 12
INVALID_TOPIC_EXCEPTION = 17
ILLEGAL_GENERATION = 22
INCONSISTENT_GROUP_PROTOCOL = 23
INVALID_GROUP_ID = 24
UNKNOWN_MEMBER_ID = 25
INVALID_SESSION_TIMEOUT = 26
REBALANCE_IN_PROGRESS = 27
NON_EMPTY_GROUP = 68
GROUP_ID_NOT_FOUND = 69
MEMBER_ID_REQUIRED = 79
GROUP_MAX_SIZE_REACHED = 81
FENCED_INSTANCE_ID = 82
GROUP_SUBSCRIBED_TO_TOPIC = 86

API_OFFSET_COMMIT = 8
API_OFFSET_FETCH = 9
API_JOIN_GROUP = 11
API_HEARTBEAT = 12
API_LEAVE_GROUP = 13
API_SYNC_GROUP = 14
API_DELETE_TOPICS = 20
API_DELETE_RECORDS = 21
API_OFFSET_DELETE = 47


def wait_until(predicate, timeout, interval=0.05):
    """Polls predicate until it returns something true or timeout seconds pass; returns its
    last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


# --- the kafka-python member process -----------------------------------------------------------


def kp_member_main(bootstrap, topic, group, out_path):
    """A kafka-python consumer in a group: writes every assignment ("A wall_time p,p"),
    revocation ("R wall_time p,p") and processed message ("M partition offset value") to
    out_path, flushing each line, and commits each message's offset synchronously after
    writing it. SIGTERM makes it finish the message in hand, close() (LeaveGroup) and exit 0."""
    from kafka import KafkaConsumer, ConsumerRebalanceListener, TopicPartition
    from kafka.errors import CommitFailedError
    from kafka.structs import OffsetAndMetadata

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    out = open(out_path, "a", buffering=1)

    def line(text):
        out.write(text + "\n")
        out.flush()

    class listener(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked):
            line(f"R {time.time():.3f} {','.join(str(tp.partition) for tp in sorted(revoked))}")

        def on_partitions_assigned(self, assigned):
            line(f"A {time.time():.3f} {','.join(str(tp.partition) for tp in sorted(assigned))}")

    consumer = KafkaConsumer(
        bootstrap_servers=[bootstrap], group_id=group, enable_auto_commit=False,
        auto_offset_reset="earliest", session_timeout_ms=SESSION_TIMEOUT_MS,
        heartbeat_interval_ms=HEARTBEAT_MS, max_poll_interval_ms=30000, max_poll_records=20,
        request_timeout_ms=40000, retry_backoff_ms=50)
    consumer.subscribe([topic], listener=listener())
    line(f"S {time.time():.3f}")
    while not stop:
        batch = consumer.poll(timeout_ms=100)
        for tp, messages in sorted(batch.items()):
            for m in messages:
                if stop:
                    break
                line(f"M {tp.partition} {m.offset} {m.value.decode()}")
                try:
                    consumer.commit({TopicPartition(topic, tp.partition):
                                     OffsetAndMetadata(m.offset + 1, None)})
                except CommitFailedError as e:
                    line(f"CF {tp.partition} {m.offset} {e!r}".replace("\n", " "))
                    break
    consumer.close()
    line(f"C {time.time():.3f}")
    out.close()


def read_member_file(path):
    """(assignments [(wall, [partitions])], processed [(partition, offset, value)], lines)."""
    assignments, processed, lines = [], [], []
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        return assignments, processed, lines
    for raw in text.split("\n")[:-1]:  # the last piece is a line being written, or empty
        lines.append(raw)
        parts = raw.split(" ")
        if parts[0] == "A":
            ps = [int(p) for p in parts[2].split(",")] if len(parts) > 2 and parts[2] else []
            assignments.append((float(parts[1]), ps))
        elif parts[0] == "M" and len(parts) == 4:
            processed.append((int(parts[1]), int(parts[2]), parts[3]))
    return assignments, processed, lines


# --- raw group requests (non-flexible versions) ------------------------------------------------


def i16(n):
    return struct.pack(">h", n)


def i32(n):
    return struct.pack(">i", n)


def i64(n):
    return struct.pack(">q", n)


def kbytes(b):
    return struct.pack(">i", -1) if b is None else struct.pack(">i", len(b)) + b


def consumer_subscription(topics):
    """ConsumerProtocolSubscription v0."""
    return i16(0) + array([string(t) for t in topics]) + kbytes(None)


def consumer_assignment(assigned):
    """ConsumerProtocolAssignment v0 from {topic: [partitions]}."""
    return i16(0) + array([string(t) + array([i32(p) for p in ps])
                           for t, ps in sorted(assigned.items())]) + kbytes(None)


class wire:
    """One connection to the broker for raw requests; send() and recv() may be split to leave a
    blocking request (JoinGroup, SyncGroup) outstanding."""

    def __init__(self, port):
        self.sock = kafka_wire.connect(port, timeout=CLIENT_TIMEOUT_S)
        self.next_id = 1
        self.outstanding = []

    def close(self):
        self.sock.close()

    def send(self, api, version, body):
        cid = self.next_id
        self.next_id += 1
        self.sock.sendall(kafka_wire.frame(kafka_wire.request_header(api, version, cid) + body))
        self.outstanding.append(cid)
        return cid

    def recv(self, timeout=CLIENT_TIMEOUT_S):
        self.sock.settimeout(timeout)
        cid, body = kafka_wire.read_response(self.sock)
        want = self.outstanding.pop(0)
        if cid != want:
            raise AssertionError(f"correlation id {cid}, expected {want}")
        return kafka_wire.reader(body)

    def call(self, api, version, body):
        self.send(api, version, body)
        return self.recv()

    # JoinGroup v5
    def join_send(self, group, member_id="", session_ms=SESSION_TIMEOUT_MS, rebalance_ms=10000,
                  protocol_type="consumer", protocols=None, instance_id=None, topics=("t",)):
        if protocols is None:
            protocols = [("range", consumer_subscription(topics))]
        body = (string(group) + i32(session_ms) + i32(rebalance_ms) + string(member_id)
                + nullable_string(instance_id) + string(protocol_type)
                + array([string(n) + kbytes(m) for n, m in protocols]))
        return self.send(API_JOIN_GROUP, 5, body)

    def join_recv(self, timeout=CLIENT_TIMEOUT_S):
        r = self.recv(timeout)
        r.int32()  # throttle
        out = {"error": r.int16(), "generation": r.int32(), "protocol": r.string(),
               "leader": r.string(), "member_id": r.string()}
        out["members"] = r.array(lambda r: (r.string(), r.string(), r.take(r.int32())))
        return out

    def join(self, group, **kw):
        self.join_send(group, **kw)
        return self.join_recv()

    # SyncGroup v3
    def sync_send(self, group, generation, member_id, assignments=(), instance_id=None):
        body = (string(group) + i32(generation) + string(member_id)
                + nullable_string(instance_id)
                + array([string(m) + kbytes(a) for m, a in assignments]))
        return self.send(API_SYNC_GROUP, 3, body)

    def sync_recv(self, timeout=CLIENT_TIMEOUT_S):
        r = self.recv(timeout)
        r.int32()
        err = r.int16()
        n = r.int32()
        return err, (r.take(n) if n >= 0 else None)

    def sync(self, group, generation, member_id, assignments=()):
        self.sync_send(group, generation, member_id, assignments)
        return self.sync_recv()

    # Heartbeat v3
    def heartbeat(self, group, generation, member_id, instance_id=None):
        r = self.call(API_HEARTBEAT, 3, string(group) + i32(generation) + string(member_id)
                      + nullable_string(instance_id))
        r.int32()
        return r.int16()

    # LeaveGroup v3
    def leave(self, group, member_id):
        r = self.call(API_LEAVE_GROUP, 3, string(group) + array([string(member_id)
                                                                 + nullable_string(None)]))
        r.int32()
        top = r.int16()
        members = r.array(lambda r: (r.string(), r.string(), r.int16()))
        return top, members

    # OffsetCommit v7: offsets {(topic, partition): (offset, metadata)}
    def commit(self, group, generation, member_id, offsets):
        by_topic = {}
        for (t, p), (off, md) in sorted(offsets.items()):
            by_topic.setdefault(t, []).append(i32(p) + i64(off) + i32(-1) + nullable_string(md))
        body = (string(group) + i32(generation) + string(member_id) + nullable_string(None)
                + array([string(t) + array(ps) for t, ps in by_topic.items()]))
        r = self.call(API_OFFSET_COMMIT, 7, body)
        r.int32()
        out = {}
        for name, parts in r.array(lambda r: (r.string(), r.array(lambda r: (r.int32(),
                                                                             r.int16())))):
            for p, err in parts:
                out[(name, p)] = err
        return out

    # OffsetFetch v5: {(topic, partition): (offset, metadata, error)}, top-level error
    def fetch_offsets(self, group, partitions):
        by_topic = {}
        for t, p in partitions:
            by_topic.setdefault(t, []).append(i32(p))
        body = string(group) + array([string(t) + array(ps) for t, ps in by_topic.items()])
        r = self.call(API_OFFSET_FETCH, 5, body)
        r.int32()
        out = {}
        for name, parts in r.array(lambda r: (r.string(), r.array(
                lambda r: (r.int32(), r.int64(), r.int32(), r.string(), r.int16())))):
            for p, off, _, md, err in parts:
                out[(name, p)] = (off, md, err)
        return out, r.int16()

    # OffsetDelete v0: (top error, {(topic, partition): error})
    def offset_delete(self, group, partitions):
        by_topic = {}
        for t, p in partitions:
            by_topic.setdefault(t, []).append(i32(p))
        body = string(group) + array([string(t) + array(ps) for t, ps in by_topic.items()])
        r = self.call(API_OFFSET_DELETE, 0, body)
        top = r.int16()
        r.int32()
        out = {}
        for name, parts in r.array(lambda r: (r.string(), r.array(lambda r: (r.int32(),
                                                                             r.int16())))):
            for p, err in parts:
                out[(name, p)] = err
        return top, out

    # DeleteTopics v3: {topic: error}
    def delete_topics(self, topics):
        r = self.call(API_DELETE_TOPICS, 3, array([string(t) for t in topics]) + i32(10000))
        r.int32()
        return dict(r.array(lambda r: (r.string(), r.int16())))


# --- confluent-kafka members in threads --------------------------------------------------------


class rk_member:
    """A confluent_kafka Consumer polled by a thread of its own: records its rebalance
    callbacks (as ("assign"|"revoke"|"lost", monotonic time, [partitions])), its current
    assignment, what it processed ((partition, offset, value)) and its errors. Each message is
    committed synchronously after it is recorded when commit is true."""

    def __init__(self, name, bootstrap, group, topic, ownership=None, commit=True, **conf):
        from confluent_kafka import Consumer
        self.name = name
        self.topic = topic
        self.events = []
        self.assigned = set()
        self.processed = []
        self.errors = []
        self.commit_errors = []
        self.ownership = ownership  # shared {partition: owner name}, with .lock and .violations
        self.commit = commit
        # Offsets to commit, by partition: a commit refused during a rebalance
        # (REBALANCE_IN_PROGRESS while the group completes it, as Kafka does) is retried with the
        # next message and before the partition is given up.
        self.pending = {}
        self.lock = threading.Lock()
        self.stop_flag = threading.Event()
        self.closed = threading.Event()
        config = {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "session.timeout.ms": SESSION_TIMEOUT_MS,
            "heartbeat.interval.ms": HEARTBEAT_MS,
            "max.poll.interval.ms": 30000,
            "topic.metadata.refresh.interval.ms": 2000,
            "error_cb": self._on_error,
        }
        config.update(conf)
        self.consumer = Consumer(config)
        self.consumer.subscribe([topic], on_assign=self._on_assign, on_revoke=self._on_revoke,
                                on_lost=self._on_lost)
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def _on_error(self, err):
        with self.lock:
            self.errors.append(err)

    def _on_assign(self, consumer, partitions):
        ps = sorted(p.partition for p in partitions)
        with self.lock:
            self.events.append(("assign", time.monotonic(), ps))
            self.assigned |= set(ps)
        if self.ownership is not None:
            with self.ownership.lock:
                for p in ps:
                    owner = self.ownership.owners.get(p)
                    if owner is not None and owner != self.name:
                        self.ownership.violations.append(
                            f"{self.name} assigned partition {p} still owned by {owner}")
                    self.ownership.owners[p] = self.name

    def _release(self, kind, partitions):
        ps = sorted(p.partition for p in partitions)
        if kind == "revoke":
            self._commit_pending(ps)
        # What could not be committed before the partition went is given up: a later commit
        # would move back an offset its next owner committed.
        for p in ps:
            self.pending.pop(p, None)
        with self.lock:
            self.events.append((kind, time.monotonic(), ps))
            self.assigned -= set(ps)
        if self.ownership is not None:
            with self.ownership.lock:
                for p in ps:
                    if self.ownership.owners.get(p) == self.name:
                        del self.ownership.owners[p]

    def _on_revoke(self, consumer, partitions):
        self._release("revoke", partitions)

    def _on_lost(self, consumer, partitions):
        self._release("lost", partitions)

    def _run(self):
        try:
            while not self.stop_flag.is_set():
                m = self.consumer.poll(0.1)
                if m is None:
                    continue
                if m.error():
                    with self.lock:
                        self.errors.append(m.error())
                    if m.error().fatal():
                        return
                    continue
                with self.lock:
                    self.processed.append((m.partition(), m.offset(), m.value().decode()))
                if self.commit:
                    self.pending[m.partition()] = m.offset() + 1
                    self._commit_pending()
        except Exception as e:  # noqa: BLE001  (reported by the test)
            with self.lock:
                self.errors.append(e)
        finally:
            self.closed.set()

    def _commit_pending(self, partitions=None):
        """Commits the pending offsets (of partitions, or all), synchronously; keeps those that
        fail for the next try. Runs on the polling thread (callbacks run in poll())."""
        from confluent_kafka import KafkaException, TopicPartition
        todo = {p: o for p, o in self.pending.items() if partitions is None or p in partitions}
        if not todo:
            return
        try:
            self.consumer.commit(offsets=[TopicPartition(self.topic, p, o)
                                          for p, o in sorted(todo.items())],
                                 asynchronous=False)
        except KafkaException as e:
            with self.lock:
                self.commit_errors.append((sorted(todo.items()), e.args[0]))
            return
        for p, o in todo.items():
            if self.pending.get(p) == o:
                del self.pending[p]

    def snapshot(self):
        with self.lock:
            return (list(self.events), set(self.assigned), list(self.processed),
                    list(self.errors))

    def close(self, timeout=CLIENT_TIMEOUT_S):
        """Stops the thread and closes the consumer (LeaveGroup unless static)."""
        self.stop_flag.set()
        self.thread.join(timeout)
        try:
            self.consumer.close()
        except Exception:  # noqa: BLE001  (a fenced consumer may refuse)
            pass


class ownership_table:
    def __init__(self):
        self.lock = threading.Lock()
        self.owners = {}
        self.violations = []


# --- the tests ---------------------------------------------------------------------------------


class groups_test_case(server_test_case):
    def start_groups_server(self, *args, **kw):
        return self.start_server(*GROUP_FLAGS, *args, **kw)

    def create_topic(self, server, name, partitions):
        from confluent_kafka.admin import AdminClient, NewTopic
        admin = AdminClient({"bootstrap.servers": server.bootstrap, "socket.timeout.ms": 10000})
        fs = admin.create_topics([NewTopic(name, num_partitions=partitions,
                                           replication_factor=1)])
        fs[name].result(CLIENT_TIMEOUT_S)

    def produce(self, server, topic, values_by_partition):
        """Produces [(partition, value)] and returns {(partition, offset): value}."""
        from confluent_kafka import Producer
        errors = []
        producer = Producer({"bootstrap.servers": server.bootstrap, "linger.ms": 5,
                             "message.timeout.ms": 20000, "error_cb": errors.append})
        delivered = {}
        failed = []

        def cb(err, msg):
            if err is not None:
                failed.append(err)
            else:
                delivered[(msg.partition(), msg.offset())] = msg.value().decode()

        for p, v in values_by_partition:
            producer.produce(topic, v.encode(), partition=p, on_delivery=cb)
            producer.poll(0)
        left = producer.flush(CLIENT_TIMEOUT_S)
        self.assertEqual((left, failed), (0, []), f"producing to {topic}: errors {errors}")
        return delivered

    def kp_admin(self, server):
        from kafka.admin import KafkaAdminClient
        admin = KafkaAdminClient(bootstrap_servers=server.bootstrap,
                                 request_timeout_ms=CLIENT_TIMEOUT_S * 1000,
                                 api_version_auto_timeout_ms=CLIENT_TIMEOUT_S * 1000)
        self.addCleanup(admin.close)
        return admin

    def wire(self, server):
        w = wire(server.port)
        self.addCleanup(w.close)
        return w

    def committed(self, server, group, topic, partitions):
        """{partition: committed offset or -1} by raw OffsetFetch."""
        w = wire(server.port)
        try:
            got, err = w.fetch_offsets(group, [(topic, p) for p in partitions])
        finally:
            w.close()
        self.assertEqual(err, NONE, f"OffsetFetch {group}: error {err}")
        return {p: got[(topic, p)][0] for p in partitions}


class kafka_python_group_test(groups_test_case):
    """Three kafka-python consumers in separate processes share a six-partition topic while a
    producer writes numbered messages; one is killed with SIGKILL, one closes cleanly."""

    PARTITIONS = 6

    def start_member(self, server, topic, group, name):
        out = self.tmp / f"member-{name}.txt"
        log = open(self.tmp / f"member-{name}.log", "wb")
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "kp-member", server.bootstrap, topic,
             group, str(out)],
            cwd=self.tmp, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        log.close()

        def cleanup():
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        self.addCleanup(cleanup)
        return proc, out

    def member_log(self, name):
        p = self.tmp / f"member-{name}.log"
        return p.read_text(errors="replace")[-3000:] if p.exists() else ""

    def test_members_share_partitions_survive_kill_and_clean_leave(self):
        server = self.start_groups_server()
        topic, group = "shared", "g-shared"
        self.create_topic(server, topic, self.PARTITIONS)
        all_partitions = set(range(self.PARTITIONS))

        # A producer thread writes numbered messages round-robin until told to stop.
        from confluent_kafka import Producer
        delivered = {}
        produce_errors = []
        stop_producing = threading.Event()
        producer = Producer({"bootstrap.servers": server.bootstrap, "linger.ms": 2,
                             "message.timeout.ms": 20000})

        def on_delivery(err, msg):
            if err is not None:
                produce_errors.append(err)
            else:
                delivered[(msg.partition(), msg.offset())] = msg.value().decode()

        def produce_loop():
            n = 0
            while not stop_producing.is_set():
                producer.produce(topic, str(n).encode(), partition=n % self.PARTITIONS,
                                 on_delivery=on_delivery)
                producer.poll(0)
                n += 1
                time.sleep(0.01)
            producer.flush(CLIENT_TIMEOUT_S)

        producer_thread = threading.Thread(target=produce_loop, daemon=True)
        producer_thread.start()
        self.addCleanup(lambda: (stop_producing.set(), producer_thread.join(30)))

        names = ["a", "b", "c"]
        procs, files = {}, {}
        for n in names:
            procs[n], files[n] = self.start_member(server, topic, group, n)

        def latest(names_):
            out = {}
            for n in names_:
                assignments, _, _ = read_member_file(files[n])
                if assignments:
                    out[n] = assignments[-1]
            return out

        def balanced(names_, each, after=0.0):
            cur = latest(names_)
            if set(cur) != set(names_):
                return None
            if any(t < after for t, _ in cur.values()):
                return None
            sets = [set(ps) for _, ps in cur.values()]
            if any(len(s) != each for s in sets):
                return None
            union = set().union(*sets)
            if union != all_partitions or sum(len(s) for s in sets) != self.PARTITIONS:
                return None
            return cur

        def state():
            return "\n".join(
                f"--- member {n} (exit {procs[n].poll()}): assignments "
                f"{read_member_file(files[n])[0][-4:]}\n{self.member_log(n)}" for n in names
            ) + f"\n{server.describe(60)}"

        first = wait_until(lambda: balanced(names, 2), 40)
        self.assertTrue(first, f"three members never held 2 disjoint partitions each\n{state()}")

        def processed_set(names_):
            out = set()
            for n in names_:
                out |= {(p, o) for p, o, _ in read_member_file(files[n])[1]}
            return out

        # Let every member process something, then kill the one holding partitions of its own.
        self.assertTrue(wait_until(lambda: all(read_member_file(files[n])[1] for n in names), 30),
                        f"not every member processed messages\n{state()}")
        victim = "c"
        victim_partitions = set(latest([victim])[victim][1])
        killed_at = time.time()
        procs[victim].kill()
        procs[victim].wait(10)
        survivors = ["a", "b"]
        moved = wait_until(lambda: balanced(survivors, 3, after=killed_at), 25)
        self.assertTrue(moved, f"the killed member's partitions {sorted(victim_partitions)} did "
                               f"not move to the other two\n{state()}")
        kill_move_s = max(t for t, _ in moved.values()) - killed_at
        self.assertLess(kill_move_s, SESSION_TIMEOUT_MS / 1000 + 6,
                        f"reassignment took {kill_move_s:.1f} s\n{state()}")

        # A clean leave: b closes (LeaveGroup); a gets everything quickly.
        time.sleep(0.5)  # let the survivors process a little under the new assignment
        left_at = time.time()
        procs["b"].send_signal(signal.SIGTERM)
        self.assertEqual(procs["b"].wait(CLIENT_TIMEOUT_S), 0, state())
        alone = wait_until(lambda: balanced(["a"], 6, after=left_at), 20)
        self.assertTrue(alone, f"after b left, a did not get all partitions\n{state()}")
        leave_move_s = alone["a"][0] - left_at
        time.sleep(0.5)
        stop_producing.set()
        producer_thread.join(30)
        self.assertEqual(produce_errors, [])
        self.assertTrue(delivered)

        want = set(delivered)
        self.assertTrue(wait_until(lambda: want <= processed_set(names), 30),
                        f"{len(want - processed_set(names))} of {len(want)} messages never "
                        f"processed, e.g. {sorted(want - processed_set(names))[:10]}\n{state()}")
        # Values match what was produced.
        for n in names:
            for p, o, v in read_member_file(files[n])[1]:
                self.assertEqual(delivered.get((p, o)), v, f"member {n} read {p}/{o}={v}")

        # Duplicates: only the killed member's last uncommitted message of a partition may be
        # processed again (by its successor); the clean leave causes none.
        seen = {}
        for n in names:
            for p, o, _ in read_member_file(files[n])[1]:
                seen.setdefault((p, o), []).append(n)
        dups = {k: v for k, v in seen.items() if len(v) > 1}
        bad = {k: v for k, v in dups.items()
               if victim not in v or k[0] not in victim_partitions}
        self.assertEqual(bad, {}, f"messages processed twice outside the killed member's "
                                  f"partitions\n{state()}")
        self.assertLessEqual(len(dups), len(victim_partitions), f"duplicates {dups}")
        commit_failures = [ln for n in names for ln in read_member_file(files[n])[2]
                           if ln.startswith("CF")]
        self.assertEqual(commit_failures, [], state())

        # The committed offsets are the ends of the partitions once a closes.
        procs["a"].send_signal(signal.SIGTERM)
        self.assertEqual(procs["a"].wait(CLIENT_TIMEOUT_S), 0, state())
        ends = {p: max(o for q, o in want if q == p) + 1 for p in all_partitions}
        self.assertEqual(self.committed(server, group, topic, sorted(all_partitions)), ends)
        print(f"\n    [figures] {len(want)} messages; killed member's partitions moved in "
              f"{kill_move_s:.2f} s (session timeout {SESSION_TIMEOUT_MS} ms); after a clean "
              f"leave in {leave_move_s:.2f} s; {len(dups)} duplicates after the kill",
              file=sys.stderr)


class restart_test(groups_test_case):
    """Committed offsets survive a clean stop and a SIGKILL of the server."""

    def consume_kp(self, server, topic, group, count, timeout=30):
        """(messages [(partition, offset, value)], consumer) once count arrived."""
        from kafka import KafkaConsumer
        consumer = KafkaConsumer(
            topic, bootstrap_servers=[server.bootstrap], group_id=group,
            enable_auto_commit=False, auto_offset_reset="earliest",
            session_timeout_ms=SESSION_TIMEOUT_MS, heartbeat_interval_ms=HEARTBEAT_MS,
            request_timeout_ms=40000)
        self.addCleanup(consumer.close)
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < count and time.monotonic() < deadline:
            for tp, msgs in consumer.poll(timeout_ms=200).items():
                out += [(tp.partition, m.offset, m.value.decode()) for m in msgs]
        # Anything more would be a re-read: look a little longer.
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            for tp, msgs in consumer.poll(timeout_ms=200).items():
                out += [(tp.partition, m.offset, m.value.decode()) for m in msgs]
        return out, consumer

    def commit_kp(self, consumer, topic, offsets):
        from kafka import TopicPartition
        from kafka.structs import OffsetAndMetadata
        consumer.commit({TopicPartition(topic, p): OffsetAndMetadata(o, "m") for p, o in
                         offsets.items()})

    def test_resume_from_committed_offsets_after_restart_and_kill(self):
        server = self.start_groups_server()
        topic, group, parts = "resume", "g-resume", 3
        self.create_topic(server, topic, parts)
        delivered = self.produce(server, topic, [(i % parts, f"v{i}") for i in range(90)])

        got, consumer = self.consume_kp(server, topic, group, 90)
        self.assertEqual(sorted((p, o) for p, o, _ in got), sorted(delivered), server.describe())
        first_commit = {p: 10 + p for p in range(parts)}
        self.commit_kp(consumer, topic, first_commit)
        consumer.close()

        for how in ("SIGTERM", "SIGKILL"):
            if how == "SIGTERM":
                self.stop_server(server)
            else:
                server.kill()
            server = self.start_groups_server()
            self.assertEqual(self.committed(server, group, topic, range(parts)), first_commit,
                             f"after a {how} restart\n{server.describe()}")
            want = sorted(k for k in delivered if k[1] >= first_commit[k[0]])
            got, consumer = self.consume_kp(server, topic, group, len(want))
            self.assertEqual(sorted((p, o) for p, o, _ in got), want,
                             f"after a {how} restart the group must resume at {first_commit}\n"
                             f"{server.describe()}")
            first_commit = {p: o + 5 for p, o in first_commit.items()}
            self.commit_kp(consumer, topic, first_commit)
            consumer.close()

    def test_live_member_keeps_its_assignment_across_server_kill(self):
        """A member connected while the server is SIGKILLed and restarted: the restored group
        keeps it, it goes on consuming and committing, and nothing is lost."""
        server = self.start_groups_server()
        topic, group, parts = "live", "g-live", 2
        self.create_topic(server, topic, parts)
        first = self.produce(server, topic, [(i % parts, f"a{i}") for i in range(20)])
        port = server.port
        m = rk_member("live", server.bootstrap, group, topic)
        self.addCleanup(m.close)
        self.assertTrue(wait_until(lambda: len(m.snapshot()[2]) >= 20, 30),
                        f"{m.snapshot()}\n{server.describe()}")
        self.assertEqual(self.committed(server, group, topic, range(parts)), {0: 10, 1: 10})
        server.kill()
        server = self.start_groups_server("--kafka-addr", f"127.0.0.1:{port}")
        second = self.produce(server, topic, [(i % parts, f"b{i}") for i in range(20)])
        want = set(first) | set(second)
        self.assertTrue(wait_until(lambda: {(p, o) for p, o, _ in m.snapshot()[2]} >= want, 40),
                        f"the member did not read on after the restart: {m.snapshot()}\n"
                        f"{server.describe()}")
        self.assertTrue(wait_until(lambda: self.committed(server, group, topic, range(parts))
                                   == {0: 20, 1: 20}, 20),
                        f"{self.committed(server, group, topic, range(parts))} {m.snapshot()}")
        processed = [(p, o) for p, o, _ in m.snapshot()[2]]
        self.assertEqual(len(processed), len(set(processed)), f"re-read: {processed}")
        m.close()


class cooperative_test(groups_test_case):
    def test_cooperative_sticky_third_member_incremental(self):
        server = self.start_groups_server()
        topic, group, parts = "coop", "g-coop", 6
        self.create_topic(server, topic, parts)
        own = ownership_table()
        conf = {"partition.assignment.strategy": "cooperative-sticky"}
        delivered = self.produce(server, topic, [(i % parts, f"x{i}") for i in range(60)])
        m1 = rk_member("m1", server.bootstrap, group, topic, own, **conf)
        self.addCleanup(m1.close)
        m2 = rk_member("m2", server.bootstrap, group, topic, own, **conf)
        self.addCleanup(m2.close)
        members = [m1, m2]

        def split(ms, each):
            sets = [m.snapshot()[1] for m in ms]
            return (all(len(s) == each for s in sets)
                    and set().union(*sets) == set(range(parts)))

        def state():
            return "\n".join(f"{m.name}: events {m.snapshot()[0]} assigned {m.snapshot()[1]} "
                             f"errors {m.snapshot()[3]} commit errors {m.commit_errors}"
                             for m in members) + f"\n{server.describe(60)}"

        self.assertTrue(wait_until(lambda: split(members, 3), 30), state())
        before = {m.name: set(m.snapshot()[1]) for m in (m1, m2)}
        events_before = {m.name: len(m.snapshot()[0]) for m in (m1, m2)}
        more = self.produce(server, topic, [(i % parts, f"y{i}") for i in range(60)])
        m3 = rk_member("m3", server.bootstrap, group, topic, own, **conf)
        self.addCleanup(m3.close)
        members.append(m3)
        self.assertTrue(wait_until(lambda: split(members, 2), 30), state())
        # Incremental: the first two only gave up partitions (revoke of a subset), and never
        # lost what they kept.
        for m in (m1, m2):
            new_events = m.snapshot()[0][events_before[m.name]:]
            revoked = set()
            for kind, _, ps in new_events:
                if kind == "revoke":
                    revoked |= set(ps)
                self.assertNotEqual(kind, "lost", state())
                if kind == "assign":
                    self.assertEqual(ps, [], f"{m.name} was assigned {ps} though it only gives "
                                             f"partitions away\n{state()}")
            kept = before[m.name] - revoked
            self.assertEqual(kept, m.snapshot()[1], state())
            self.assertEqual(len(revoked), 1, f"{m.name} revoked {revoked}\n{state()}")
        self.assertEqual([(k, ps) for k, _, ps in m3.snapshot()[0] if ps],
                         [("assign", sorted(m3.snapshot()[1]))], state())
        self.assertEqual(own.violations, [], state())

        want = set(delivered) | set(more)
        got = lambda: [(p, o) for m in members for p, o, _ in m.snapshot()[2]]  # noqa: E731
        self.assertTrue(wait_until(lambda: set(got()) >= want, 30),
                        f"missing {sorted(want - set(got()))[:10]}\n{state()}")
        time.sleep(0.5)  # a late duplicate would show up now
        self.assertEqual(len(got()), len(set(got())),
                         f"messages consumed twice: "
                         f"{sorted(k for k in set(got()) if got().count(k) > 1)[:10]}\n{state()}")
        for m in members:
            self.assertEqual(m.pending, {}, f"{m.name}: offsets never committed\n{state()}")
            self.assertEqual([e for e in m.commit_errors if "REBALANCE_IN_PROGRESS" not in str(e)],
                             [], state())
        for m in members:
            m.close()
        self.assertEqual(self.committed(server, group, topic, range(parts)),
                         {p: 20 for p in range(parts)})


class kcat_group_test(groups_test_case):
    def run_kcat(self, server, group, topic, count, timeout=40):
        # No -o: in -G mode kcat starts every assigned partition there; the reset policy
        # applies only where the group has no committed offset.
        args = ["kcat", "-b", server.bootstrap, "-G", group, "-X", "auto.offset.reset=earliest",
                "-c", str(count),
                "-q", "-f", "%p %o %s\\n", "-X", f"session.timeout.ms={SESSION_TIMEOUT_MS}",
                "-X", f"heartbeat.interval.ms={HEARTBEAT_MS}", topic]
        try:
            r = subprocess.run(args, cwd=self.tmp, stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            self.fail(f"{' '.join(args)} still running after {timeout} s; stdout "
                      f"{(e.stdout or b'')[-2000:]!r} stderr {(e.stderr or b'')[-2000:]!r}\n"
                      f"{server.describe(60)}")
        self.assertEqual(r.returncode, 0, f"{args}: {r.stderr.decode(errors='replace')}")
        out = []
        for line in r.stdout.decode().splitlines():
            p, o, v = line.split(" ", 2)
            out.append((int(p), int(o), v))
        return out

    def test_kcat_balanced_consumer_commits(self):
        server = self.start_groups_server()
        topic, group, parts = "kc", "g-kcat", 3
        self.create_topic(server, topic, parts)
        first = self.produce(server, topic, [(i % parts, f"k{i}") for i in range(30)])
        got = self.run_kcat(server, group, topic, 30)
        self.assertEqual(sorted((p, o) for p, o, _ in got), sorted(first))
        # kcat commits what it consumed when it closes.
        admin = self.kp_admin(server)
        from kafka import TopicPartition
        offsets = admin.list_consumer_group_offsets(group)
        self.assertEqual({tp: om.offset for tp, om in offsets.items()},
                         {TopicPartition(topic, p): 10 for p in range(parts)})
        # A second run resumes after the committed offsets.
        second = self.produce(server, topic, [(i % parts, f"l{i}") for i in range(9)])
        got = self.run_kcat(server, group, topic, 9)
        self.assertEqual(sorted((p, o) for p, o, _ in got), sorted(second))
        self.assertEqual(self.committed(server, group, topic, range(parts)),
                         {p: 13 for p in range(parts)})


class static_membership_test(groups_test_case):
    def static_member(self, name, server, group, topic, instance, **conf):
        m = rk_member(name, server.bootstrap, group, topic, commit=False,
                      **{"group.instance.id": instance, **conf})
        self.addCleanup(m.close)
        return m

    def wait_split(self, members, parts, server):
        ok = wait_until(lambda: all(m.snapshot()[1] for m in members) and set().union(
            *[m.snapshot()[1] for m in members]) == set(range(parts)) and sum(
            len(m.snapshot()[1]) for m in members) == parts, 30)
        self.assertTrue(ok, "\n".join(f"{m.name}: {m.snapshot()}" for m in members)
                        + f"\n{server.describe(60)}")

    def check_restart_without_rebalance(self, restarted_first):
        server = self.start_groups_server()
        topic, group, parts = "static", "g-static", 4
        self.create_topic(server, topic, parts)
        a = self.static_member("a", server, group, topic, "inst-a")
        self.assertTrue(wait_until(lambda: len(a.snapshot()[1]) == parts, 20), a.snapshot())
        b = self.static_member("b", server, group, topic, "inst-b")
        self.wait_split([a, b], parts, server)
        # "a" joined first and leads the group; restart one of them.
        old, other = (a, b) if restarted_first else (b, a)
        kept = set(old.snapshot()[1])
        other_events = len(other.snapshot()[0])
        other_assigned = set(other.snapshot()[1])
        old.close()  # no LeaveGroup for a static member
        new = self.static_member(old.name + "2", server, group, topic, "inst-" + old.name)
        self.assertTrue(wait_until(lambda: new.snapshot()[1], SESSION_TIMEOUT_MS / 1000 + 10),
                        f"{new.snapshot()}\n{server.describe(60)}")
        self.assertEqual(new.snapshot()[1], kept, "the restarted static member must get its "
                                                  "partitions back")
        # No rebalance for the other member, for longer than a session timeout.
        wait_until(lambda: len(other.snapshot()[0]) > other_events,
                   SESSION_TIMEOUT_MS / 1000 + 2)
        self.assertEqual(other.snapshot()[0][other_events:], [],
                         f"the other member saw a rebalance when static member "
                         f"{old.name} ({'the leader' if restarted_first else 'a follower'}) "
                         f"came back\n{server.describe(60)}")
        self.assertEqual(other.snapshot()[1], other_assigned)
        self.assertEqual(new.snapshot()[1], kept)

    def test_static_follower_restart_keeps_assignment(self):
        self.check_restart_without_rebalance(restarted_first=False)

    def test_static_leader_restart_keeps_assignment(self):
        self.check_restart_without_rebalance(restarted_first=True)

    def test_duplicate_instance_id_fences_the_older(self):
        server = self.start_groups_server()
        topic, group, parts = "fence", "g-fence", 2
        self.create_topic(server, topic, parts)
        a = self.static_member("a", server, group, topic, "same")
        self.assertTrue(wait_until(lambda: len(a.snapshot()[1]) == parts, 20), a.snapshot())
        a2 = self.static_member("a2", server, group, topic, "same")
        from confluent_kafka import KafkaError

        def fatal(m):
            return [e for e in m.snapshot()[3]
                    if getattr(e, "code", lambda: None)() == KafkaError._FATAL]

        self.assertTrue(wait_until(lambda: fatal(a), SESSION_TIMEOUT_MS / 1000 + 10),
                        f"the older member with the same group.instance.id was not fenced: "
                        f"{a.snapshot()}\n{server.describe(60)}")
        # librdkafka turns FENCED_INSTANCE_ID into a fatal error (_FATAL) that names it.
        self.assertTrue(any("fenced" in str(e) for e in fatal(a)), a.snapshot())
        self.assertTrue(wait_until(lambda: len(a2.snapshot()[1]) == parts, 20),
                        f"{a2.snapshot()}\n{server.describe(60)}")
        self.assertEqual(fatal(a2), [])


class admin_test(groups_test_case):
    def test_list_describe_offsets_delete(self):
        server = self.start_groups_server()
        topic, group, parts = "adm", "g-adm", 2
        self.create_topic(server, topic, parts)
        delivered = self.produce(server, topic, [(i % parts, f"d{i}") for i in range(10)])
        admin = self.kp_admin(server)
        m1 = rk_member("m1", server.bootstrap, group, topic)
        self.addCleanup(m1.close)
        m2 = rk_member("m2", server.bootstrap, group, topic)
        self.addCleanup(m2.close)
        self.assertTrue(wait_until(lambda: len(m1.snapshot()[2]) + len(m2.snapshot()[2]) >= 10
                                   and m1.snapshot()[1] and m2.snapshot()[1], 30),
                        f"{m1.snapshot()} {m2.snapshot()}\n{server.describe(60)}")
        self.assertEqual(sorted((p, o) for m in (m1, m2) for p, o, _ in m.snapshot()[2]),
                         sorted(delivered))

        def described():
            (d,) = admin.describe_consumer_groups([group])
            return d

        d = wait_until(lambda: (lambda d: d if d.state == "Stable" else None)(described()), 10)
        self.assertTrue(d, described())
        self.assertEqual((d.group, d.protocol_type, d.protocol), (group, "consumer", "range"), d)
        self.assertEqual(len(d.members), 2, d)
        assigned = []
        for member in d.members:
            self.assertTrue(member.member_id, d)
            a = member.member_assignment
            for t, ps in a.assignment:
                self.assertEqual(t, topic, d)
                assigned += ps
        self.assertEqual(sorted(assigned), list(range(parts)), d)
        listed = admin.list_consumer_groups()
        self.assertIn((group, "consumer"), listed)

        offsets = admin.list_consumer_group_offsets(group)
        self.assertEqual({tp.partition: om.offset for tp, om in offsets.items()},
                         {0: 5, 1: 5})

        from kafka.errors import GroupIdNotFoundError, NonEmptyGroupError
        (res,) = admin.delete_consumer_groups([group])
        self.assertEqual(res[0], group)
        self.assertIs(res[1], NonEmptyGroupError, res)
        (res,) = admin.delete_consumer_groups(["no-such-group"])
        self.assertIs(res[1], GroupIdNotFoundError, res)

        w = self.wire(server)
        top, errs = w.offset_delete(group, [(topic, 0)])
        self.assertEqual((top, errs), (NONE, {(topic, 0): GROUP_SUBSCRIBED_TO_TOPIC}))
        top, errs = w.offset_delete("no-such-group", [(topic, 0)])
        self.assertEqual(top, GROUP_ID_NOT_FOUND)

        m1.close()
        m2.close()
        d = wait_until(lambda: (lambda d: d if d.state == "Empty" else None)(described()), 10)
        self.assertTrue(d, described())
        self.assertEqual(d.members, [], d)
        self.assertIn((group, "consumer"), admin.list_consumer_groups())

        top, errs = w.offset_delete(group, [(topic, 0)])
        self.assertEqual((top, errs), (NONE, {(topic, 0): NONE}))
        self.assertEqual(self.committed(server, group, topic, range(parts)), {0: -1, 1: 5})

        (res,) = admin.delete_consumer_groups([group])
        self.assertEqual(res, (group, kafka_errors_none()))
        self.assertEqual(self.committed(server, group, topic, range(parts)), {0: -1, 1: -1})
        self.assertNotIn(group, [g for g, _ in admin.list_consumer_groups()])
        (d,) = admin.describe_consumer_groups([group])
        self.assertEqual(d.state, "Dead", d)

        w.close()
        self.stop_server(server)
        server = self.start_groups_server()
        self.assertEqual(self.committed(server, group, topic, range(parts)), {0: -1, 1: -1})
        admin = self.kp_admin(server)
        self.assertNotIn(group, [g for g, _ in admin.list_consumer_groups()])


def kafka_errors_none():
    from kafka.errors import NoError
    return NoError


class protocol_errors_test(groups_test_case):
    def setUp(self):
        super().setUp()
        self.server = self.start_groups_server()
        self.topic = "errs"
        self.create_topic(self.server, self.topic, 2)

    def join_leader(self, w, group):
        """A member joins alone: MEMBER_ID_REQUIRED, then the join proper; then syncs.
        Returns (member_id, generation)."""
        r = w.join(group, topics=(self.topic,))
        self.assertEqual(r["error"], MEMBER_ID_REQUIRED, r)
        self.assertTrue(r["member_id"], r)
        member = r["member_id"]
        r = w.join(group, member_id=member, topics=(self.topic,))
        self.assertEqual(r["error"], NONE, r)
        self.assertEqual((r["member_id"], r["leader"]), (member, member), r)
        self.assertEqual(r["protocol"], "range", r)
        self.assertEqual([m[0] for m in r["members"]], [member], r)
        gen = r["generation"]
        self.assertGreaterEqual(gen, 1, r)
        err, assignment = w.sync(group, gen, member,
                                 [(member, consumer_assignment({self.topic: [0, 1]}))])
        self.assertEqual(err, NONE)
        self.assertEqual(assignment, consumer_assignment({self.topic: [0, 1]}))
        return member, gen

    def test_join_and_heartbeat_errors(self):
        w = self.wire(self.server)
        group = "g-raw"
        member, gen = self.join_leader(w, group)
        self.assertEqual(w.heartbeat(group, gen, member), NONE)
        self.assertEqual(w.heartbeat(group, gen + 1, member), ILLEGAL_GENERATION)
        self.assertEqual(w.heartbeat(group, gen, "nobody"), UNKNOWN_MEMBER_ID)
        self.assertEqual(w.heartbeat("no-such-group", 1, "nobody"), UNKNOWN_MEMBER_ID)
        self.assertEqual(w.join(group, member_id="", session_ms=500)["error"],
                         INVALID_SESSION_TIMEOUT)
        self.assertEqual(w.join("", member_id="")["error"], INVALID_GROUP_ID)
        r = w.join(group, member_id="", protocol_type="connect")
        self.assertEqual(r["error"], INCONSISTENT_GROUP_PROTOCOL, r)
        r = w.join(group, member_id="", protocols=[("roundrobin", consumer_subscription(["t"]))])
        self.assertEqual(r["error"], INCONSISTENT_GROUP_PROTOCOL, r)
        r = w.join(group, member_id="made-up", topics=(self.topic,))
        self.assertEqual(r["error"], UNKNOWN_MEMBER_ID, r)
        # The group still works.
        self.assertEqual(w.heartbeat(group, gen, member), NONE)
        top, members = w.leave(group, member)
        self.assertEqual((top, members), (NONE, [(member, None, NONE)]))
        self.assertEqual(w.heartbeat(group, gen, member), UNKNOWN_MEMBER_ID)

    def test_rebalance_in_progress_and_stale_generation(self):
        group = "g-rebalance"
        w1 = self.wire(self.server)
        w2 = self.wire(self.server)
        m1, gen1 = self.join_leader(w1, group)
        tp = (self.topic, 0)
        self.assertEqual(w1.commit(group, gen1, m1, {tp: (3, "x")}), {tp: NONE})
        # A second member: MEMBER_ID_REQUIRED, then a join that waits for the rebalance.
        r = w2.join(group, topics=(self.topic,))
        self.assertEqual(r["error"], MEMBER_ID_REQUIRED, r)
        m2 = r["member_id"]
        w2.join_send(group, member_id=m2, topics=(self.topic,))
        # The group prepares to rebalance: the first member learns it by heartbeat.
        self.assertTrue(wait_until(lambda: w1.heartbeat(group, gen1, m1) == REBALANCE_IN_PROGRESS,
                                   5), "no REBALANCE_IN_PROGRESS on heartbeat")
        self.assertEqual(w1.sync(group, gen1, m1, []), (REBALANCE_IN_PROGRESS, b""))
        # Commits of the current generation are still accepted while preparing (as Kafka).
        self.assertEqual(w1.commit(group, gen1, m1, {tp: (4, "x")}), {tp: NONE})
        # The first member rejoins: both get generation gen1 + 1.
        r1 = w1.join(group, member_id=m1, topics=(self.topic,))
        r2 = w2.join_recv()
        self.assertEqual((r1["error"], r2["error"]), (NONE, NONE), (r1, r2))
        gen2 = r1["generation"]
        self.assertEqual((gen2, r2["generation"]), (gen1 + 1, gen1 + 1))
        self.assertEqual(r1["leader"], m1, r1)
        self.assertEqual(sorted(m[0] for m in r1["members"]), sorted([m1, m2]))
        self.assertEqual(r2["members"], [])
        # Before the leader syncs, the follower's SyncGroup waits; heartbeats are fine.
        w2.sync_send(group, gen2, m2)
        self.assertEqual(w1.heartbeat(group, gen2, m1), NONE)
        # A commit now (CompletingRebalance) is refused.
        self.assertEqual(w1.commit(group, gen2, m1, {tp: (5, "x")}), {tp: REBALANCE_IN_PROGRESS})
        err, a1 = w1.sync(group, gen2, m1, [
            (m1, consumer_assignment({self.topic: [0]})),
            (m2, consumer_assignment({self.topic: [1]}))])
        self.assertEqual((err, a1), (NONE, consumer_assignment({self.topic: [0]})))
        self.assertEqual(w2.sync_recv(), (NONE, consumer_assignment({self.topic: [1]})))
        # The old generation's commit is stale.
        self.assertEqual(w1.commit(group, gen1, m1, {tp: (6, "x")}), {tp: ILLEGAL_GENERATION})
        self.assertEqual(w1.heartbeat(group, gen1, m1), ILLEGAL_GENERATION)
        self.assertEqual(w1.commit(group, gen2, "nobody", {tp: (6, "x")}),
                         {tp: UNKNOWN_MEMBER_ID})
        self.assertEqual(w1.commit(group, gen2, m1, {tp: (7, "x")}), {tp: NONE})
        got, err = w1.fetch_offsets(group, [tp, (self.topic, 1)])
        self.assertEqual(err, NONE)
        self.assertEqual(got, {tp: (7, "x", NONE), (self.topic, 1): (-1, "", NONE)})
        # SyncGroup of a stale generation.
        self.assertEqual(w2.sync(group, gen1, m2)[0], ILLEGAL_GENERATION)

    def test_offset_commit_errors(self):
        w = self.wire(self.server)
        group = "g-commit"
        member, gen = self.join_leader(w, group)
        tp = (self.topic, 1)
        self.assertEqual(w.commit(group, gen, member, {tp: (1, "m" * 4096)}), {tp: NONE})
        self.assertEqual(w.commit(group, gen, member, {tp: (2, "m" * 4097)}),
                         {tp: OFFSET_METADATA_TOO_LARGE})
        got = w.commit(group, gen, member, {("no-such-topic", 0): (1, None), (self.topic, 7): (
            1, None), tp: (3, None)})
        self.assertEqual(got, {("no-such-topic", 0): UNKNOWN_TOPIC_OR_PARTITION,
                               (self.topic, 7): UNKNOWN_TOPIC_OR_PARTITION, tp: NONE})
        got, err = w.fetch_offsets(group, [tp])
        self.assertEqual((got, err), ({tp: (3, "", NONE)}, NONE))
        # A simple consumer (generation -1, no member) may commit to a group of its own, but not
        # to one with members.
        self.assertEqual(w.commit("g-simple", -1, "", {tp: (9, None)}), {tp: NONE})
        self.assertEqual(w.commit(group, -1, "", {tp: (9, None)}), {tp: UNKNOWN_MEMBER_ID})
        self.assertEqual(w.commit("g-never", 3, "someone", {tp: (9, None)}),
                         {tp: ILLEGAL_GENERATION})
        got, err = w.fetch_offsets("no-such-group", [tp, (self.topic, 0)])
        self.assertEqual((got, err), ({tp: (-1, "", NONE), (self.topic, 0): (-1, "", NONE)},
                                      NONE))
        got, err = w.fetch_offsets("g-simple", [tp])
        self.assertEqual(got[tp][0], 9)

    def test_offsets_topic_is_protected(self):
        w = self.wire(self.server)
        # Make sure there is something in it: a member and a committed offset.
        member, gen = self.join_leader(w, "g-protect")
        tp = (self.topic, 0)
        self.assertEqual(w.commit("g-protect", gen, member, {tp: (11, "kept")}), {tp: NONE})
        w.sock.sendall(kafka_wire.produce_v3_request(
            99, "__consumer_offsets", 0, kafka_wire.record_batch([b"junk"])))
        cid, body = kafka_wire.read_response(w.sock)
        self.assertEqual(cid, 99)
        (err, _, _), = kafka_wire.parse_produce_v3(body).values()
        self.assertEqual(err, INVALID_TOPIC_EXCEPTION)
        # DeleteRecords v1 on every partition of it: Kafka refuses (INVALID_TOPIC_EXCEPTION),
        # since deleting records there loses committed offsets at the next start.
        body = (array([string("__consumer_offsets") + array(
            [struct.pack(">iq", p, -1) for p in range(16)])]) + i32(10000))
        r = w.call(API_DELETE_RECORDS, 1, body)
        r.int32()
        (_, parts), = r.array(lambda r: (r.string(), r.array(
            lambda r: (r.int32(), r.int64(), r.int16()))))
        self.assertEqual({err for _, _, err in parts}, {INVALID_TOPIC_EXCEPTION},
                         f"DeleteRecords on __consumer_offsets: {parts}")
        got = w.delete_topics(["__consumer_offsets"])
        self.assertNotEqual(got.get("__consumer_offsets", NONE), NONE, got)
        from confluent_kafka.admin import AdminClient
        md = AdminClient({"bootstrap.servers": self.server.bootstrap}).list_topics(timeout=10)
        self.assertIn("__consumer_offsets", md.topics)
        self.assertEqual(w.heartbeat("g-protect", gen, member), NONE)
        # Whatever was refused, the group's offset is still there after a restart.
        w.close()
        self.stop_server(self.server)
        self.server = self.start_groups_server()
        w = self.wire(self.server)
        self.assertEqual(w.fetch_offsets("g-protect", [tp])[0], {tp: (11, "kept", NONE)},
                         self.server.describe(30))

    def test_static_leader_rejoin_without_rebalance(self):
        """KIP-345: a static member that comes back with an unknown member id (a restarted
        process) and the same subscription gets the current generation at once, without a
        rebalance, even when it leads the group. Below JoinGroup v9 Kafka answers with the old
        leader id (so that the member does not assign) and skip_assignment false."""
        group = "g-static-raw"
        wa, wb = self.wire(self.server), self.wire(self.server)
        wa.join_send(group, instance_id="inst-a", topics=(self.topic,))
        ra = wa.join_recv()
        self.assertEqual(ra["error"], NONE, ra)
        a = ra["member_id"]
        self.assertEqual(ra["leader"], a)
        self.assertEqual(wa.sync(group, ra["generation"], a,
                                 [(a, consumer_assignment({self.topic: [0, 1]}))])[0], NONE)
        # b joins; a rejoins (it leads), both sync.
        wb.join_send(group, instance_id="inst-b", topics=(self.topic,))
        self.assertTrue(wait_until(lambda: wa.heartbeat(group, ra["generation"], a)
                                   == REBALANCE_IN_PROGRESS, 5))
        ra = wa.join(group, member_id=a, instance_id="inst-a", topics=(self.topic,))
        rb = wb.join_recv()
        gen = ra["generation"]
        b = rb["member_id"]
        self.assertEqual((ra["error"], rb["error"], ra["leader"], rb["generation"]),
                         (NONE, NONE, a, gen), (ra, rb))
        wb.sync_send(group, gen, b)
        self.assertEqual(wa.sync(group, gen, a, [
            (a, consumer_assignment({self.topic: [0]})),
            (b, consumer_assignment({self.topic: [1]}))]),
            (NONE, consumer_assignment({self.topic: [0]})))
        self.assertEqual(wb.sync_recv(), (NONE, consumer_assignment({self.topic: [1]})))

        # The leader's process restarts: a new connection, no member id, the same instance id.
        wa2 = self.wire(self.server)
        wa2.join_send(group, instance_id="inst-a", topics=(self.topic,))
        try:
            r = wa2.join_recv(timeout=3)
        except socket.timeout:
            self.fail(f"the returning static leader's JoinGroup waits for a rebalance (Kafka "
                      f"answers at once with generation {gen})\n{self.server.describe(30)}")
        self.assertEqual(r["error"], NONE, r)
        self.assertEqual(r["generation"], gen, r)
        self.assertNotEqual(r["member_id"], a, r)
        self.assertEqual(r["members"], [], r)
        self.assertNotEqual(r["leader"], r["member_id"], f"below v9 the member must not be told "
                                                         f"to lead (it would assign): {r}")
        # Its SyncGroup gets its old assignment; b's generation is unchanged.
        self.assertEqual(wa2.sync(group, gen, r["member_id"]),
                         (NONE, consumer_assignment({self.topic: [0]})))
        self.assertEqual(wb.heartbeat(group, gen, b), NONE)
        # The old incarnation is fenced.
        self.assertEqual(wa.heartbeat(group, gen, a, instance_id="inst-a"), FENCED_INSTANCE_ID)

    def test_group_max_size(self):
        server = self.start_groups_server("--group-max-size", "1", data_dir=self.tmp / "max")
        w1, w2 = self.wire(server), self.wire(server)
        r = w1.join("g-max", topics=(self.topic,))
        r = w1.join("g-max", member_id=r["member_id"], topics=(self.topic,))
        self.assertEqual(r["error"], NONE, r)
        r2 = w2.join("g-max", topics=(self.topic,))
        self.assertEqual(r2["error"], GROUP_MAX_SIZE_REACHED, r2)

    def test_offsets_of_deleted_topic_are_removed(self):
        """Kafka drops the committed offsets of a deleted topic's partitions (its coordinator
        cleans up group metadata on partition deletion): a topic re-created under the same name
        does not inherit them."""
        w = self.wire(self.server)
        from confluent_kafka.admin import AdminClient, NewTopic
        admin = AdminClient({"bootstrap.servers": self.server.bootstrap})
        tp0, tp1 = (self.topic, 0), (self.topic, 1)
        self.assertEqual(w.commit("g-deleted", -1, "", {tp0: (5, None), tp1: (7, None)}),
                         {tp0: NONE, tp1: NONE})
        admin.delete_topics([self.topic])[self.topic].result(CLIENT_TIMEOUT_S)
        got = wait_until(lambda: (lambda g: g if g[tp0][0] == -1 else None)(
            w.fetch_offsets("g-deleted", [tp0, tp1])[0]), 5)
        self.assertTrue(got, f"offsets of the deleted topic {self.topic} are still committed: "
                             f"{w.fetch_offsets('g-deleted', [tp0, tp1])}")
        self.assertEqual(got, {tp0: (-1, "", NONE), tp1: (-1, "", NONE)})
        admin.create_topics([NewTopic(self.topic, 2, 1)])[self.topic].result(CLIENT_TIMEOUT_S)
        self.assertEqual(w.fetch_offsets("g-deleted", [tp0, tp1])[0],
                         {tp0: (-1, "", NONE), tp1: (-1, "", NONE)})

    def test_offset_retention_flags_exist(self):
        """Offset expiry needs at least a minute (--offsets-retention-minutes 1): only the flags
        are checked here; the coordinator's unit tests cover expiry."""
        self.start_server(*GROUP_FLAGS, "--offsets-retention-minutes", "1",
                          "--offsets-retention-check-interval-ms", "100",
                          "--offsets-topic-num-partitions", "3",
                          "--group-min-session-timeout-ms", "100",
                          "--group-max-session-timeout-ms", "60000", "--group-max-size", "2",
                          data_dir=self.tmp / "flags")


if __name__ == "__main__":
    if sys.argv[1:2] == ["kp-member"]:
        kp_member_main(*sys.argv[2:6])
    else:
        unittest.main()
