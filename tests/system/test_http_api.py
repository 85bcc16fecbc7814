"""The HTTP API (docs/http.md) of a real spate server: records produced with POST (NDJSON and
JSON arrays, keys, headers, partitions, timestamps) and read back with kafka-python and with
GET; SQL over POST (rows, errors with their SQLSTATE); a materialized view and its change
stream's snapshot; every bad request answered with the right status and a JSON error; records
acknowledged before a kill -9 are there after the restart.

Run by hand:
    ctest --test-dir build -R system.http_api --output-on-failure
    SPATE_BIN=build/src/app/spate /usr/bin/python3 tests/system/test_http_api.py [-k NAME]
"""

import http.client
import json
import signal
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from spate_server import server_test_case  # noqa: E402

from kafka import KafkaConsumer, KafkaProducer, TopicPartition  # noqa: E402  (python3-kafka)
from kafka.admin import KafkaAdminClient, NewTopic  # noqa: E402

from kafka_partitioner import java_partition  # noqa: E402

TIMEOUT_S = 30


class http_api_test(server_test_case):

    # --- helpers ------------------------------------------------------------------------------

    def call(self, server, method, path, body=None, content_type=None):
        """(status, headers, body bytes) of one request on a fresh connection."""
        conn = http.client.HTTPConnection("127.0.0.1", server.http_port, timeout=TIMEOUT_S)
        headers = {}
        if content_type:
            headers["Content-Type"] = content_type
        if isinstance(body, str):
            body = body.encode()
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def call_json(self, server, method, path, body=None, content_type=None):
        status, headers, data = self.call(server, method, path, body, content_type)
        self.assertEqual(headers.get("content-type"), "application/json",
                         f"{method} {path}: {status} {data!r}")
        return status, json.loads(data)

    def assert_error(self, server, method, path, status, code, body=None, content_type=None,
                     message_part=None):
        got, doc = self.call_json(server, method, path, body, content_type)
        self.assertEqual(got, status, f"{method} {path}: {doc}")
        self.assertIn("error", doc, doc)
        self.assertEqual(doc["error"]["code"], code, doc)
        self.assertTrue(doc["error"]["message"], doc)
        if message_part:
            self.assertIn(message_part, doc["error"]["message"])
        return doc

    def create_topic(self, server, name, partitions):
        admin = KafkaAdminClient(bootstrap_servers=server.bootstrap)
        try:
            admin.create_topics([NewTopic(name, partitions, 1)])
        finally:
            admin.close()

    def produce(self, server, topic, records, ndjson=True):
        if ndjson:
            body = "\n".join(json.dumps(r) for r in records) + "\n"
            status, doc = self.call_json(server, "POST", f"/api/topics/{topic}/records", body,
                                         "application/x-ndjson")
        else:
            status, doc = self.call_json(server, "POST", f"/api/topics/{topic}/records",
                                         json.dumps(records), "application/json")
        self.assertEqual(status, 200, doc)
        self.assertEqual(len(doc["offsets"]), len(records), doc)
        return doc["offsets"]

    def consume_all(self, server, topic, partitions, count):
        consumer = KafkaConsumer(bootstrap_servers=server.bootstrap, enable_auto_commit=False,
                                 consumer_timeout_ms=2000)
        try:
            tps = [TopicPartition(topic, p) for p in range(partitions)]
            consumer.assign(tps)
            consumer.seek_to_beginning(*tps)
            got = []
            deadline = time.monotonic() + TIMEOUT_S
            while len(got) < count and time.monotonic() < deadline:
                for batch in consumer.poll(timeout_ms=500).values():
                    got.extend(batch)
            return got
        finally:
            consumer.close()

    def end_offsets(self, server, topic):
        status, doc = self.call_json(server, "GET", "/api/topics")
        self.assertEqual(status, 200, doc)
        for t in doc["topics"]:
            if t["name"] == topic:
                return [p["end_offset"] for p in t["partitions"]]
        self.fail(f"topic {topic} not listed: {doc}")

    def sql(self, server, text):
        status, doc = self.call_json(server, "POST", "/api/sql", json.dumps({"sql": text}),
                                     "application/json")
        self.assertEqual(status, 200, f"{text}: {doc}")
        return doc

    # --- tests --------------------------------------------------------------------------------

    def test_health_and_unknown_routes(self):
        server = self.start_server()
        self.assertRegex(server.stdout(), r"(?m)^http listening on 127\.0\.0\.1:\d+$")
        status, doc = self.call_json(server, "GET", "/health")
        self.assertEqual((status, doc), (200, {"status": "ok"}))
        self.assert_error(server, "GET", "/api/nothing", 404, "NOT_FOUND")
        doc = self.assert_error(server, "DELETE", "/api/topics", 405, "INVALID_REQUEST")
        status, headers, _ = self.call(server, "PUT", "/api/topics/x/records")
        self.assertEqual(status, 405)
        self.assertEqual(headers.get("allow"), "GET, POST")

    def test_produce_and_read_back_with_kafka_and_get(self):
        server = self.start_server()
        self.create_topic(server, "events", 3)
        records = [
            {"key": "device-1", "value": {"temp": 21.5}, "headers": {"source": "http"},
             "timestamp": 1700000000000},
            {"key": "device-2", "value": "plain text"},
            {"value": None, "partition": 2},
            {"key": 42, "value": [1, 2, 3], "partition": 0, "headers": {"n": 7}},
        ]
        offsets = self.produce(server, "events", records)
        array_offsets = self.produce(server, "events",
                                     [{"key": "device-1", "value": "second"}], ndjson=False)
        # Keyed records go where Kafka's default partitioner puts them; explicit ones stay.
        self.assertEqual(offsets[0]["partition"], java_partition(b"device-1", 3))
        self.assertEqual(offsets[1]["partition"], java_partition(b"device-2", 3))
        self.assertEqual(offsets[2]["partition"], 2)
        self.assertEqual(offsets[3]["partition"], 0)
        self.assertEqual(array_offsets[0]["partition"], offsets[0]["partition"])
        self.assertGreater(array_offsets[0]["offset"], offsets[0]["offset"]
                           if offsets[0]["partition"] == array_offsets[0]["partition"] else -1)

        got = self.consume_all(server, "events", 3, 5)
        self.assertEqual(len(got), 5, got)
        by_place = {(m.partition, m.offset): m for m in got}
        first = by_place[(offsets[0]["partition"], offsets[0]["offset"])]
        self.assertEqual(first.key, b"device-1")
        self.assertEqual(json.loads(first.value), {"temp": 21.5})
        self.assertEqual(first.timestamp, 1700000000000)
        self.assertEqual(list(first.headers), [("source", b"http")])
        second = by_place[(offsets[1]["partition"], offsets[1]["offset"])]
        self.assertEqual(second.value, b"plain text")
        third = by_place[(2, offsets[2]["offset"])]
        self.assertIsNone(third.key)
        self.assertIsNone(third.value)
        fourth = by_place[(0, offsets[3]["offset"])]
        self.assertEqual(fourth.key, b"42")
        self.assertEqual(fourth.value, b"[1, 2, 3]")  # JSON text as posted
        self.assertEqual(list(fourth.headers), [("n", b"7")])

        # The same records through GET, with paging.
        p = offsets[0]["partition"]
        status, doc = self.call_json(server, "GET",
                                     f"/api/topics/events/records?partition={p}&offset=0&limit=1")
        self.assertEqual(status, 200, doc)
        self.assertEqual(len(doc["records"]), 1, doc)
        rec = doc["records"][0]
        self.assertEqual(rec["partition"], p)
        self.assertEqual(rec["key"], "device-1")
        self.assertEqual(json.loads(rec["value"]), {"temp": 21.5})
        self.assertEqual(rec["headers"], {"source": "http"})
        self.assertEqual(rec["timestamp"], 1700000000000)
        self.assertEqual(doc["next_offset"], rec["offset"] + 1)
        status, doc = self.call_json(
            server, "GET", f"/api/topics/events/records?partition={p}&offset={doc['next_offset']}")
        self.assertIn("second", [r["value"] for r in doc["records"]], doc)

        # Bytes that are not UTF-8 come back as base64.
        producer = KafkaProducer(bootstrap_servers=server.bootstrap)
        producer.send("events", key=b"\xff\x00", value=b"\xfe", partition=1).get(TIMEOUT_S)
        producer.close()
        status, doc = self.call_json(server, "GET", "/api/topics/events/records?partition=1")
        raw = [r for r in doc["records"] if r.get("key_encoding") == "base64"]
        self.assertEqual(len(raw), 1, doc)
        self.assertEqual(raw[0]["key"], "/wA=")
        self.assertEqual(raw[0]["value"], "/g==")
        self.assertEqual(raw[0]["value_encoding"], "base64")

        # The topic list has the offsets.
        ends = self.end_offsets(server, "events")
        self.assertEqual(sum(ends), 6)
        status, doc = self.call_json(server, "GET", "/api/topics")
        names = {t["name"]: t for t in doc["topics"]}
        self.assertFalse(names["events"]["internal"])
        self.assertTrue(names["__consumer_offsets"]["internal"])

    def test_bad_produce_requests(self):
        server = self.start_server("--http-max-body-bytes", "4096")
        self.create_topic(server, "t", 2)
        path = "/api/topics/t/records"
        self.assert_error(server, "POST", path, 400, "INVALID_RECORD",
                          '{"value": 1}\n{"value": \n', "application/x-ndjson", "line 2")
        self.assert_error(server, "POST", path, 400, "INVALID_RECORD",
                          '[{"value": 1}, {"key": "k"}]', "application/json", "element 1")
        self.assert_error(server, "POST", path, 400, "INVALID_RECORD",
                          '[{"value": 1}, ', "application/json", "not valid JSON")
        self.assert_error(server, "POST", path, 400, "INVALID_RECORD", "[]", "application/json")
        self.assert_error(server, "POST", path, 400, "INVALID_RECORD", '["x"]',
                          "application/json", "element 0")
        self.assert_error(server, "POST", path, 400, "UNKNOWN_TOPIC_OR_PARTITION",
                          '{"value": 1, "partition": 2}', "application/x-ndjson", "partition 2")
        self.assert_error(server, "POST", path, 400, "UNKNOWN_TOPIC_OR_PARTITION",
                          '{"value": 1, "partition": "zero"}', "application/x-ndjson")
        self.assert_error(server, "POST", path, 400, "INVALID_TIMESTAMP",
                          '{"value": 1, "timestamp": "now"}', "application/x-ndjson")
        self.assert_error(server, "POST", "/api/topics/nope/records", 404,
                          "UNKNOWN_TOPIC_OR_PARTITION", '{"value": 1}', "application/x-ndjson")
        big = "\n".join(json.dumps({"value": "x" * 100}) for _ in range(100))
        self.assert_error(server, "POST", path, 413, "MESSAGE_TOO_LARGE", big,
                          "application/x-ndjson")
        # Nothing of the refused requests was written.
        self.assertEqual(self.end_offsets(server, "t"), [0, 0])
        # Bad reads.
        self.assert_error(server, "GET", "/api/topics/nope/records", 404,
                          "UNKNOWN_TOPIC_OR_PARTITION")
        self.assert_error(server, "GET", "/api/topics/t/records?partition=5", 404,
                          "UNKNOWN_TOPIC_OR_PARTITION")
        self.assert_error(server, "GET", "/api/topics/t/records?offset=abc", 400,
                          "INVALID_REQUEST", message_part="offset")
        self.assert_error(server, "GET", "/api/topics/t/records?limit=0", 400, "INVALID_REQUEST")
        self.assert_error(server, "GET", "/api/topics/t/records?offset=10", 400,
                          "OFFSET_OUT_OF_RANGE")
        # The server still works.
        self.produce(server, "t", [{"value": "ok"}])
        self.assertEqual(sum(self.end_offsets(server, "t")), 1)

    def test_sql_over_post(self):
        server = self.start_server()
        doc = self.sql(server, "SELECT 1 AS a, 'x' AS b, 2.5 AS c, true AS d, NULL AS e")
        self.assertEqual([c["name"] for c in doc["columns"]], ["a", "b", "c", "d", "e"])
        self.assertEqual(doc["rows"], [[1, "x", 2.5, True, None]])
        self.assertEqual(doc["tag"], "SELECT 1")
        self.assertEqual(doc["notices"], [])
        status, doc = self.call_json(server, "POST", "/api/sql",
                                     "SELECT CAST('2024-01-02 03:04:05.5' AS TIMESTAMP) AS ts",
                                     "text/plain")
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["rows"], [["2024-01-02 03:04:05.5"]])
        self.assertEqual(doc["columns"], [{"name": "ts", "type": "timestamp"}])
        status, doc = self.call_json(server, "POST", "/api/sql",
                                     json.dumps({"sql": "SELECT $1 AS p", "params": ["hi"]}),
                                     "application/json")
        self.assertEqual((status, doc["rows"]), (200, [["hi"]]), doc)
        self.assert_error(server, "POST", "/api/sql", 400, "42P01",
                          json.dumps({"sql": "SELECT * FROM missing_table"}), "application/json")
        self.assert_error(server, "POST", "/api/sql", 400, "42601", "SELEKT 1", "text/plain")
        self.assert_error(server, "POST", "/api/sql", 400, "INVALID_REQUEST", '{"query": 1}',
                          "application/json")
        self.assert_error(server, "POST", "/api/sql", 400, "INVALID_REQUEST", "{nope",
                          "application/json")
        self.assert_error(server, "GET", "/api/sql", 405, "INVALID_REQUEST")

    def test_view_and_its_change_stream(self):
        server = self.start_server()
        self.sql(server, "CREATE SOURCE words (w TEXT NOT NULL) WITH (topic = 'words')")
        self.sql(server, "CREATE MATERIALIZED VIEW word_count AS SELECT w, count(*) AS n "
                         "FROM words GROUP BY w")
        self.produce(server, "words", [{"value": {"w": "a"}}, {"value": {"w": "b"}},
                                       {"value": {"w": "a"}}])
        deadline = time.monotonic() + TIMEOUT_S
        rows = None
        while time.monotonic() < deadline:
            status, doc = self.call_json(server, "GET", "/api/views/word_count")
            self.assertEqual(status, 200, doc)
            rows = sorted(doc["rows"])
            if rows == [["a", 2], ["b", 1]]:
                break
            time.sleep(0.1)
        self.assertEqual(rows, [["a", 2], ["b", 1]])
        self.assertEqual(doc["columns"], [{"name": "w", "type": "text"},
                                          {"name": "n", "type": "bigint"}])
        self.assert_error(server, "GET", "/api/views/no_such_view", 404, "42P01")
        self.assert_error(server, "GET", "/api/views/words", 404, "42P01")

        conn = http.client.HTTPConnection("127.0.0.1", server.http_port, timeout=TIMEOUT_S)
        conn.request("GET", "/api/views/word_count/changes")
        resp = conn.getresponse()
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.getheader("Content-Type"), "text/event-stream")
        self.assertEqual(resp.fp.readline(), b"event: snapshot\n")
        data = resp.fp.readline()
        self.assertTrue(data.startswith(b"data: "), data)
        snapshot = json.loads(data[len(b"data: "):])
        self.assertEqual(sorted(snapshot["rows"]), [["a", 2], ["b", 1]])
        self.assertEqual(resp.fp.readline(), b"\n")

        # Changes after the snapshot: a's count moves (an update), c arrives (an insert).
        self.produce(server, "words", [{"value": {"w": "a"}}, {"value": {"w": "c"}}])
        seen = {}
        while len(seen) < 2:
            event, data = self.next_event(resp)
            self.assertEqual(event, "changes", data)
            for change in data["changes"]:
                seen[change["row"][0]] = (change["kind"], change["row"][1])
        self.assertEqual(seen, {"a": ("update", 3), "c": ("insert", 1)})

        # Dropping the view ends the stream with its reason.
        self.sql(server, "DROP MATERIALIZED VIEW word_count")
        event, data = self.next_event(resp)
        self.assertEqual((event, data), ("end", {"reason": "dropped"}))
        self.assertEqual(resp.fp.readline(), b"")  # the server closed the stream
        conn.close()

    def next_event(self, resp):
        """The next Server-Sent Event of `resp` as (event, decoded data), skipping comments."""
        event, data = None, []
        while True:
            line = resp.fp.readline()
            self.assertTrue(line, "the stream ended")
            line = line.decode().rstrip("\n")
            if line.startswith(":"):
                continue
            if line.startswith("event: "):
                event = line[len("event: "):]
            elif line.startswith("data: "):
                data.append(line[len("data: "):])
            elif line == "" and event:
                return event, json.loads("\n".join(data))

    def test_pipelines_and_metrics(self):
        server = self.start_server()
        self.sql(server, "CREATE SOURCE temps (device TEXT NOT NULL, t DOUBLE) "
                         "WITH (topic = 'temps')")
        self.sql(server, "CREATE MATERIALIZED VIEW hot AS SELECT device, count(*) AS n "
                         "FROM temps WHERE t > 30 GROUP BY device")
        self.produce(server, "temps", [{"value": {"device": "d1", "t": 35}},
                                       {"value": {"device": "d2", "t": 20}},
                                       {"value": {"device": "d1", "t": 31}},
                                       {"value": "not json"}])
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            status, doc = self.call_json(server, "GET", "/api/pipelines")
            self.assertEqual(status, 200, doc)
            if doc["pipelines"] and doc["pipelines"][0]["records_in"] == 4:
                break
            time.sleep(0.1)
        [p] = doc["pipelines"]  # the source's validation is not listed by default
        self.assertEqual((p["name"], p["kind"], p["records_in"], p["invalid"]), ("hot", "view", 4, 1))
        self.assertIn("CREATE MATERIALIZED VIEW hot", p["sql"])
        ops = {o["id"]: o for o in p["operators"]}
        self.assertEqual(ops[0]["kind"], "source")
        self.assertEqual(p["operators"][-1]["kind"], "view")
        self.assertEqual(p["operators"][-1]["rows_in"], 1)  # one group: d1
        for a, b in p["edges"]:
            self.assertIn(a, ops)
            self.assertIn(b, ops)
        status, doc = self.call_json(server, "GET", "/api/pipelines?validations=true")
        self.assertEqual(sorted(x["kind"] for x in doc["pipelines"]), ["validation", "view"])

        status, doc = self.call_json(server, "GET", "/api/topics")
        [temps] = [t for t in doc["topics"] if t["name"] == "temps"]
        self.assertEqual(temps["records_in"], 4)
        self.assertGreater(temps["bytes_in"], 0)

        status, headers, body = self.call(server, "GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/plain; version=0.0.4"))
        text = body.decode()
        samples = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                samples[name] = float(value)
        self.assertEqual(samples['spate_topic_records_in_total{topic="temps"}'], 4)
        self.assertEqual(samples['spate_pipeline_records_in_total{pipeline="hot"}'], 4)
        self.assertEqual(samples['spate_pipeline_invalid_records_total{pipeline="hot"}'], 1)
        self.assertIn("# TYPE spate_http_request_duration_seconds histogram", text)
        self.assertTrue(any(k.startswith('spate_http_request_duration_seconds_count{method="POST"'
                                         ',route="/api/topics/{topic}/records"}') for k in samples),
                        text[:3000])

    def test_acknowledged_records_survive_kill_9(self):
        data_dir = self.tmp / "data"
        server = self.start_server(data_dir=data_dir)
        self.create_topic(server, "durable", 2)
        acked = []
        for i in range(20):
            batch = [{"key": f"k{i}-{j}", "value": f"v{i}-{j}"} for j in range(25)]
            offsets = self.produce(server, "durable", batch, ndjson=(i % 2 == 0))
            acked.extend(zip(batch, offsets))
        server.stop(signal.SIGKILL)
        server = self.start_server(data_dir=data_dir, name="restarted")
        seen = {}
        for p in range(2):
            offset = 0
            while True:
                status, doc = self.call_json(
                    server, "GET",
                    f"/api/topics/durable/records?partition={p}&offset={offset}&limit=1000")
                self.assertEqual(status, 200, doc)
                for r in doc["records"]:
                    seen[(p, r["offset"])] = (r["key"], r["value"])
                if not doc["records"]:
                    break
                offset = doc["next_offset"]
        for record, place in acked:
            self.assertEqual(seen.get((place["partition"], place["offset"])),
                             (record["key"], record["value"]), place)
        self.assertEqual(len(seen), 500)


if __name__ == "__main__":
    unittest.main()
