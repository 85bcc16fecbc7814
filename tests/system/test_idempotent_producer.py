"""The idempotent producer: InitProducerId, and Produce requests carrying a producer id, epoch
and sequence, which spate writes exactly once.

Raw requests (kafka_wire.py) check the rules one by one: fresh producer ids across restarts, a
repeated batch answered with its original offset, sequence gaps and fenced epochs refused, and
the state surviving SIGTERM and SIGKILL. Then librdkafka (Debian's python3-confluent-kafka) with
enable.idempotence=true produces through a TCP proxy that drops the connection after the broker
answered every Nth Produce request and before the client saw the answer: the client retries
batches that were already written, and the topic must still hold every message exactly once, in
order. The same proxy with idempotence off shows the duplicates those retries cause.

Run by hand:
    ctest --test-dir build -R system.idempotent_producer --output-on-failure
    SPATE_BIN=build/src/app/spate /usr/bin/python3 tests/system/test_idempotent_producer.py
(IDEM_DEBUG=1 prints how many Produce answers the proxy saw and how many it dropped.)
"""

import os
import socket
import struct
import sys
import threading
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kafka_wire  # noqa: E402
from spate_server import server_test_case  # noqa: E402

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition  # noqa: E402
from confluent_kafka.admin import AdminClient, NewTopic  # noqa: E402

TIMEOUT_S = 30


def create_topic(server, name, partitions):
    admin = AdminClient({"bootstrap.servers": server.bootstrap})
    futures = admin.create_topics([NewTopic(name, num_partitions=partitions,
                                            replication_factor=1)])
    futures[name].result(10)


def produce(sock, correlation_id, topic, batch, partition=0):
    """One Produce v3 with acks=all: (error_code, base_offset)."""
    sock.sendall(kafka_wire.produce_v3_request(correlation_id, topic, partition, batch))
    cid, body = kafka_wire.read_response(sock)
    assert cid == correlation_id, (cid, correlation_id)
    err, base, _ = kafka_wire.parse_produce_v3(body)[(topic, partition)]
    return err, base


def pbatch(producer_id, epoch, seq, values):
    return kafka_wire.record_batch([v.encode() for v in values], producer_id=producer_id,
                                   producer_epoch=epoch, base_sequence=seq)


class wire_test(server_test_case):
    def test_producer_ids_are_fresh_across_restarts(self):
        data = self.tmp / "data"
        server = self.start_server(data_dir=data)
        first = [kafka_wire.init_producer_id(server.port) for _ in range(3)]
        for err, pid, epoch in first:
            self.assertEqual((err, epoch), (0, 0))
        # The transaction timeout means nothing without a transactional id.
        first.append(kafka_wire.init_producer_id(server.port, transaction_timeout_ms=-1))
        self.assertEqual((first[-1][0], first[-1][2]), (0, 0))
        ids = [pid for _, pid, _ in first]
        self.assertEqual(len(set(ids)), 4, ids)
        # Transactions are refused, as Produce refuses transactional requests.
        err, pid, _ = kafka_wire.init_producer_id(server.port, "tx-1")
        self.assertEqual((err, pid),
                         (kafka_wire.ERROR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED, -1))
        self.stop_server(server)

        server = self.start_server(data_dir=data, name="spate-restarted")
        err, pid, epoch = kafka_wire.init_producer_id(server.port)
        self.assertEqual((err, epoch), (0, 0))
        self.assertGreater(pid, max(ids))
        server.kill()  # the reserved block is on disk before an id of it is handed out
        server = self.start_server(data_dir=data, name="spate-after-kill")
        err, after_kill, _ = kafka_wire.init_producer_id(server.port)
        self.assertEqual(err, 0)
        self.assertGreater(after_kill, pid)

    def test_retries_are_written_once_and_out_of_order_batches_refused(self):
        data = self.tmp / "data"
        server = self.start_server(data_dir=data)
        create_topic(server, "idem", 1)
        _, pid, epoch = kafka_wire.init_producer_id(server.port)
        with kafka_wire.connect(server.port) as s:
            self.assertEqual(produce(s, 1, "idem", pbatch(pid, epoch, 0, ["a", "b"])), (0, 0))
            second = pbatch(pid, epoch, 2, ["c", "d", "e"])
            self.assertEqual(produce(s, 2, "idem", second), (0, 2))
            # The same request again: the original offset, nothing written.
            self.assertEqual(produce(s, 3, "idem", second), (0, 2))
            self.assertEqual(kafka_wire.end_offset(server.port, "idem"), 5)
            # So is a retry of an earlier batch.
            self.assertEqual(produce(s, 4, "idem", pbatch(pid, epoch, 0, ["a", "b"])), (0, 0))
            # A gap in the sequence; an epoch older than the producer's.
            err, _ = produce(s, 5, "idem", pbatch(pid, epoch, 7, ["x"]))
            self.assertEqual(err, kafka_wire.ERROR_OUT_OF_ORDER_SEQUENCE_NUMBER)
            self.assertEqual(produce(s, 6, "idem", pbatch(pid, 1, 0, ["f"])), (0, 5))
            err, _ = produce(s, 7, "idem", pbatch(pid, 0, 5, ["g"]))
            self.assertEqual(err, kafka_wire.ERROR_INVALID_PRODUCER_EPOCH)
            self.assertEqual(kafka_wire.end_offset(server.port, "idem"), 6)
            last = pbatch(pid, 1, 1, ["h", "i"])
            self.assertEqual(produce(s, 8, "idem", last), (0, 6))
        self.stop_server(server)

        # After a clean stop the state comes from the snapshot written at close; after SIGKILL
        # without any snapshot it is rebuilt from the batch headers. Either way the last
        # batch's retry is still a duplicate with its original offset.
        def check(server, what):
            with kafka_wire.connect(server.port) as s:
                self.assertEqual(produce(s, 9, "idem", last), (0, 6), what)
                self.assertEqual(kafka_wire.end_offset(server.port, "idem"), 8, what)
                err, _ = produce(s, 10, "idem", pbatch(pid, 1, 9, ["j"]))
                self.assertEqual(err, kafka_wire.ERROR_OUT_OF_ORDER_SEQUENCE_NUMBER, what)

        server = self.start_server(data_dir=data, name="spate-restarted")
        check(server, "after a clean restart")
        server.kill()
        snapshots = list((data / "topics" / "idem" / "0").glob("*.producers"))
        self.assertTrue(snapshots, "no producer state snapshot was written at close")
        for f in snapshots:
            f.unlink()
        server = self.start_server(data_dir=data, name="spate-rebuilt")
        check(server, "after SIGKILL, rebuilt from the log")
        with kafka_wire.connect(server.port) as s:
            self.assertEqual(produce(s, 11, "idem", pbatch(pid, 1, 3, ["k"])), (0, 8))


class cutting_proxy:
    """A TCP proxy in front of spate that, after the broker answered every `cut_every`th
    Produce request, closes both connections instead of passing the answer on: the append
    happened but the client never hears of it and retries. One thread per direction and
    connection; `cuts` counts the dropped answers."""

    def __init__(self, cut_every):
        self.cut_every = cut_every
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.upstream_port = None
        self.lock = threading.Lock()
        self.produce_answers = 0
        self.cuts = 0
        self.cutting = True
        self.closed = False

    def start(self, upstream_port):
        self.upstream_port = upstream_port
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self.closed = True
        self.listener.close()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                client.close()
                continue
            produce_ids = set()
            threading.Thread(target=self._requests, args=(client, server, produce_ids),
                             daemon=True).start()
            threading.Thread(target=self._responses, args=(client, server, produce_ids),
                             daemon=True).start()

    @staticmethod
    def _frame(sock):
        size = kafka_wire.recv_exact(sock, 4)
        if len(size) < 4:
            return None
        body = kafka_wire.recv_exact(sock, struct.unpack(">i", size)[0])
        return size + body

    @staticmethod
    def _drop(*socks):
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def _requests(self, client, server, produce_ids):
        try:
            while True:
                frame = self._frame(client)
                if frame is None:
                    break
                api_key, _, correlation_id = struct.unpack_from(">hhi", frame, 4)
                if api_key == kafka_wire.API_PRODUCE:
                    produce_ids.add(correlation_id)
                server.sendall(frame)
        except OSError:
            pass
        self._drop(client, server)

    def _responses(self, client, server, produce_ids):
        try:
            while True:
                frame = self._frame(server)
                if frame is None:
                    break
                (correlation_id,) = struct.unpack_from(">i", frame, 4)
                if correlation_id in produce_ids:
                    produce_ids.discard(correlation_id)
                    with self.lock:
                        self.produce_answers += 1
                        cut = self.cutting and self.produce_answers % self.cut_every == 0
                        if cut:
                            self.cuts += 1
                    if cut:
                        break
                client.sendall(frame)
        except OSError:
            pass
        self._drop(client, server)


class librdkafka_test(server_test_case):
    PARTITIONS = 3

    def produce_through_cutting_proxy(self, topic, n, idempotent, cut_every):
        """Produces n numbered messages (message i to partition i % PARTITIONS) through a
        proxy cutting after every `cut_every`th Produce answer; returns (delivery errors, proxy,
        data dir)."""
        data = self.tmp / f"data-{topic}"
        proxy = cutting_proxy(cut_every)
        self.addCleanup(proxy.close)
        server = self.start_server("--kafka-advertised-addr", f"127.0.0.1:{proxy.port}",
                                   data_dir=data, name=f"spate-{topic}")
        proxy.start(server.port)
        create_topic(server, topic, self.PARTITIONS)
        client_errors = []
        producer = Producer({
            "bootstrap.servers": f"127.0.0.1:{proxy.port}",
            "enable.idempotence": idempotent,
            "acks": "all",
            "linger.ms": 2,
            "batch.num.messages": 200,
            "max.in.flight.requests.per.connection": 5,
            "message.timeout.ms": 60000,
            "retry.backoff.ms": 10,
            "reconnect.backoff.ms": 10,
            "reconnect.backoff.max.ms": 100,
            "log_level": 2,  # the dropped connections are expected
            "error_cb": lambda e: client_errors.append(e),
        })
        failures = []
        delivered = [0]

        def on_delivery(err, msg):
            delivered[0] += 1
            if err is not None:
                failures.append(err)

        for i in range(n):
            while True:
                try:
                    producer.produce(topic, str(i).encode(), partition=i % self.PARTITIONS,
                                     on_delivery=on_delivery)
                    break
                except BufferError:
                    producer.poll(0.01)
            producer.poll(0)
        left = producer.flush(TIMEOUT_S)
        self.assertEqual(left, 0, f"{left} undelivered; client errors {client_errors[:5]}")
        self.assertEqual(delivered[0], n)
        proxy.cutting = False
        if os.environ.get("IDEM_DEBUG"):
            print(f"\n{topic}: {proxy.produce_answers} produce answers, {proxy.cuts} cuts",
                  file=sys.stderr)
        self.stop_server(server)
        return failures, proxy, data

    def consume_directly(self, topic, data):
        """Every value of every partition, in offset order, from a spate that advertises its
        own address (the proxy is out of the way)."""
        server = self.start_server(data_dir=data, name=f"spate-{topic}-read")
        consumer = Consumer({"bootstrap.servers": server.bootstrap, "group.id": "idem-check",
                             "enable.auto.commit": False, "enable.partition.eof": True,
                             "auto.offset.reset": "earliest"})
        try:
            consumer.assign([TopicPartition(topic, p, 0) for p in range(self.PARTITIONS)])
            out = {p: [] for p in range(self.PARTITIONS)}
            at_end = set()
            deadline = time.monotonic() + TIMEOUT_S
            while len(at_end) < self.PARTITIONS and time.monotonic() < deadline:
                m = consumer.poll(0.2)
                if m is None:
                    continue
                if m.error():
                    if m.error().code() == KafkaError._PARTITION_EOF:
                        at_end.add(m.partition())
                        continue
                    self.fail(f"consuming {topic}: {m.error()}")
                at_end.discard(m.partition())
                out[m.partition()].append(int(m.value()))
            self.assertEqual(len(at_end), self.PARTITIONS, f"consuming {topic} timed out")
            return out
        finally:
            consumer.close()

    def test_idempotent_producer_writes_every_message_once_despite_lost_answers(self):
        n = 20000
        failures, proxy, data = self.produce_through_cutting_proxy("exactly_once", n, True, 7)
        self.assertEqual(failures[:5], [])
        self.assertGreaterEqual(proxy.cuts, 3, "the proxy hardly cut: the test proves nothing")
        got = self.consume_directly("exactly_once", data)
        for p in range(self.PARTITIONS):
            want = list(range(p, n, self.PARTITIONS))
            if got[p] != want:
                dups = len(got[p]) - len(set(got[p]))
                missing = sorted(set(want) - set(got[p]))
                self.fail(f"partition {p}: {len(got[p])} messages for {len(want)}, {dups} "
                          f"duplicates, missing {missing[:10]}, {proxy.cuts} cuts")

    def test_without_idempotence_the_lost_answers_cause_duplicates(self):
        # The control: the same cuts make a plain producer write some batches twice.
        n = 5000
        failures, proxy, data = self.produce_through_cutting_proxy("at_least_once", n, False, 4)
        self.assertEqual(failures[:5], [])
        self.assertGreaterEqual(proxy.cuts, 3)
        got = self.consume_directly("at_least_once", data)
        values = [v for p in got.values() for v in p]
        self.assertEqual(set(values), set(range(n)), "a message was lost")
        self.assertGreater(len(values), n, "no duplicates: the proxy's cuts had no effect")


if __name__ == "__main__":
    unittest.main()
