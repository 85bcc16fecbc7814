"""The Kafka side of .test files: produce records and read a topic from its beginning, with
kafka-python (Debian's python3-kafka, so /usr/bin/python3). One kafka_side per server
incarnation; the runner closes it and makes a new one after a restart (the port changes).
"""

import json
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

CLIENT_TIMEOUT_MS = 10000


class kafka_failure(Exception):
    """A produce or consume that could not be done (not a wrong result)."""


def format_record_bytes(data):
    """A record's key or value as a .test file writes it: (null), (empty), or its UTF-8 text
    with tab, newline and carriage return escaped."""
    if data is None:
        return "(null)"
    if data == b"":
        return "(empty)"
    text = data.decode("utf-8", errors="backslashreplace")
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def normalize_json(text):
    """JSON text with sorted keys and no spaces, or the text itself if it is not JSON."""
    try:
        return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False)
    except ValueError:
        return text


class kafka_side:
    """Clients of one Kafka listener, created on first use and owned by the runner's thread."""

    def __init__(self, bootstrap):
        self.bootstrap = bootstrap
        self._producer = None

    def close(self):
        if self._producer is not None:
            try:
                self._producer.close(timeout=5)
            except KafkaError:
                pass
            self._producer = None

    def _admin(self):
        return KafkaAdminClient(bootstrap_servers=[self.bootstrap],
                                request_timeout_ms=CLIENT_TIMEOUT_MS,
                                api_version_auto_timeout_ms=CLIENT_TIMEOUT_MS)

    def ensure_topic(self, topic, partitions):
        """Creates topic with `partitions` partitions unless it exists. Raises kafka_failure."""
        admin = self._admin()
        try:
            admin.create_topics([NewTopic(topic, partitions, 1)], timeout_ms=CLIENT_TIMEOUT_MS)
        except TopicAlreadyExistsError:
            pass
        except KafkaError as e:
            raise kafka_failure(f"creating topic {topic} with {partitions} partitions: {e!r}")
        finally:
            admin.close()

    def produce(self, rec):
        """Sends the records of a produce_record with acks=all and waits for every
        acknowledgement. Raises kafka_failure."""
        if rec.partitions is not None:
            self.ensure_topic(rec.topic, rec.partitions)
        if not rec.records:
            return
        if self._producer is None:
            self._producer = KafkaProducer(bootstrap_servers=[self.bootstrap], acks="all",
                                           linger_ms=0, request_timeout_ms=CLIENT_TIMEOUT_MS,
                                           max_block_ms=CLIENT_TIMEOUT_MS,
                                           api_version_auto_timeout_ms=CLIENT_TIMEOUT_MS)
        futures = []
        for key, value in rec.records:
            partition = rec.partition
            if partition is None and key is None:
                partition = 0
            futures.append(self._producer.send(rec.topic, value=value, key=key,
                                               partition=partition))
        self._producer.flush(timeout=CLIENT_TIMEOUT_MS / 1000)
        for number, future in enumerate(futures, 1):
            try:
                future.get(timeout=CLIENT_TIMEOUT_MS / 1000)
            except KafkaError as e:
                raise kafka_failure(f"record {number} to {rec.topic}: {e!r}")

    def consume(self, topic, count, wait_s):
        """Reads topic from the beginning of every partition until `count` records came or
        wait_s passed (at once when count is 0), then everything already written after them
        (so extra records show). Returns the records as (key, value) in partition then offset
        order, and whether the topic was found."""
        consumer = KafkaConsumer(bootstrap_servers=[self.bootstrap], group_id=None,
                                 enable_auto_commit=False, auto_offset_reset="earliest",
                                 request_timeout_ms=CLIENT_TIMEOUT_MS + 1000,
                                 api_version_auto_timeout_ms=CLIENT_TIMEOUT_MS)
        if count == 0:  # nothing to wait for: look at what is there now
            wait_s = 0.0
        try:
            return self._consume(consumer, topic, count, time.monotonic() + wait_s)
        finally:
            consumer.close()

    def _consume(self, consumer, topic, count, deadline):
        partitions = None
        while True:
            partitions = consumer.partitions_for_topic(topic)
            if partitions or time.monotonic() >= deadline:
                break
            time.sleep(0.1)
        if not partitions:
            return [], False
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
        got = {tp.partition: [] for tp in assigned}
        total = 0

        def poll(timeout_ms):
            nonlocal total
            for tp, messages in consumer.poll(timeout_ms=timeout_ms).items():
                got[tp.partition].extend((m.offset, m.key, m.value) for m in messages)
                total += len(messages)

        while total < count and time.monotonic() < deadline:
            poll(max(1, min(200, int((deadline - time.monotonic()) * 1000))))
        # Whatever else is already in the topic (a duplicate, a record too many).
        ends = consumer.end_offsets(assigned)
        extra_deadline = time.monotonic() + 5
        while time.monotonic() < extra_deadline and any(
                consumer.position(tp) < ends[tp] for tp in assigned):
            poll(100)
        return [(key, value) for p in sorted(got) for _, key, value in sorted(
            got[p], key=lambda m: m[0])], True
