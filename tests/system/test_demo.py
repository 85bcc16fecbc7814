"""`spate server --demo`, README command one: the sensor generator feeds the `sensors` topic
through the Kafka protocol, the demo's views fill within seconds, invalid and late readings reach
their topics with reasons, a restart over the same data keeps everything, and SIGINT stops it
cleanly.

Debian's /usr/bin/python3 with psycopg2 and kafka-python.
"""

import json
import signal
import time
import unittest

import psycopg2
from kafka import KafkaConsumer, TopicPartition

from spate_server import server_test_case

DEADLINE_S = 40


class demo_test(server_test_case):
    def start_demo(self):
        return self.start_server("--demo", "--demo-rate", "400", "--kafka-addr", "127.0.0.1:0",
                                 "--pg-addr", "127.0.0.1:0")

    def query(self, server, sql):
        conn = psycopg2.connect(host="127.0.0.1", port=server.pg_port, user="spate",
                                dbname="spate", connect_timeout=10)
        conn.autocommit = True
        try:
            cur = conn.cursor()
            cur.execute(sql)
            return cur.fetchall()
        finally:
            conn.close()

    def wait_rows(self, server, sql, predicate, what):
        deadline = time.monotonic() + DEADLINE_S
        rows = []
        while time.monotonic() < deadline:
            rows = self.query(server, sql)
            if predicate(rows):
                return rows
            time.sleep(0.5)
        self.fail(f"{what}: still {rows[:5]} after {DEADLINE_S} s\n{server.describe()}")

    def records(self, server, topic, count):
        consumer = KafkaConsumer(bootstrap_servers=server.bootstrap, consumer_timeout_ms=2000,
                                 api_version=(2, 5, 0))
        self.addCleanup(consumer.close)
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        got = []
        deadline = time.monotonic() + DEADLINE_S
        while len(got) < count and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                got.extend(json.loads(r.value) for r in batch)
        return got

    def test_views_fill_and_bad_readings_are_routed_with_reasons(self):
        server = self.start_demo()
        out = server.stdout()
        self.assertIn("demo: 20 sensors write to topic sensors", out)
        self.assertIn(f"psql -h 127.0.0.1 -p {server.pg_port}", out)

        # Early emission: the current window's averages show up before it closes.
        rows = self.wait_rows(
            server, "SELECT device, avg_temperature, avg_humidity, readings FROM sensor_averages",
            lambda rows: len({r[0] for r in rows}) == 20, "sensor_averages for every device")
        for device, temperature, humidity, readings in rows:
            self.assertRegex(device, r"^sensor-\d\d$")
            self.assertTrue(-40 <= temperature <= 125, rows)
            self.assertTrue(0 <= humidity <= 100, rows)
            self.assertGreater(readings, 0)

        # A window that started after the generator did and is closed holds, per device, about
        # the rate's share of readings: 400/s over 20 devices for 10 s is 200, less the ~2% that
        # are invalid or late. The generator catches up in bursts stamped with the time of the
        # burst when it falls behind (a loaded machine, a sanitizer build), so a window's
        # share can be a little over or under.
        # (Late readings in the first batch read, before there is a watermark, make a window a
        # minute back with a handful of rows: only windows with every device count.)
        def full_windows(rows):
            devices = {}
            for start, device, _ in rows:
                devices.setdefault(start, set()).add(device)
            starts = sorted(start for start, seen in devices.items() if len(seen) == 20)
            return [r for r in rows if starts[0] < r[0] < starts[-1]] if len(starts) > 2 else []
        rows = self.wait_rows(server, "SELECT window_start, device, readings FROM sensor_averages",
                              full_windows, "a whole window")
        for _, device, readings in full_windows(rows):
            self.assertTrue(160 <= readings <= 240, (device, readings))

        dead = self.records(server, "sensors_dead_letter", 3)
        self.assertGreaterEqual(len(dead), 3, server.describe())
        for d in dead:
            self.assertEqual(d["source"], "sensors")
            self.assertEqual(d["topic"], "sensors")
            self.assertTrue(d["reason"], d)
        late = self.records(server, "sensors_late", 1)
        self.assertGreaterEqual(len(late), 1, server.describe())
        self.assertIn("watermark", late[0]["reason"])

        pipelines = {r[0]: r for r in self.query(server, "SHOW PIPELINES")}
        self.assertIn("sensor_averages", pipelines)
        self.assertIn("overheating", pipelines)
        self.assertGreater(pipelines["sensors (validation)"][3], 0)  # invalid

        # SIGINT (Ctrl-C) stops the server and the generator cleanly.
        self.assertEqual(server.stop(signal.SIGINT), 0, server.describe())
        self.assertIn("spate server stopped", server.stdout())

    def test_restart_keeps_the_demo_objects_and_goes_on(self):
        server = self.start_demo()
        self.wait_rows(server, "SELECT count(*) FROM sensor_averages",
                       lambda rows: rows[0][0] > 0, "first rows")
        self.assertEqual(server.stop(signal.SIGINT), 0, server.describe())

        again = self.start_demo()
        self.assertNotIn("NOTICE", again.stderr())
        self.assertEqual(sorted(r[0] for r in self.query(again, "SHOW MATERIALIZED VIEWS")),
                         ["overheating", "sensor_averages"])
        self.wait_rows(again, "SELECT count(*) FROM sensor_averages",
                       lambda rows: rows[0][0] > 0, "rows after the restart")


if __name__ == "__main__":
    unittest.main()
