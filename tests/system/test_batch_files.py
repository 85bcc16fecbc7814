"""Batch SQL over files against a real `spate server`, as the seed's examples ask, each one SQL
statement checked against an independent computation in Python:

- Spark's `spark.read.csv('data.csv', header=True, inferSchema=True).groupBy('column_name')
  .count()` over a generated CSV (plain and gzip-compressed);
- Hadoop's word count over a folder of text files;

and COPY: a query's rows to CSV and JSON files read back, a file loaded into a topic (keyed,
partitioned like Kafka's default partitioner) and read back with a Kafka client, a bad file
that loads nothing, and the query memory limit's error.

Debian's /usr/bin/python3 (psycopg2, kafka-python).
"""

import collections
import csv
import gzip
import json
import random
import re
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from spate_server import server_test_case  # noqa: E402

import psycopg2  # noqa: E402  (python3-psycopg2)
from kafka import KafkaConsumer, TopicPartition  # noqa: E402  (python3-kafka)

ROWS = 60_000
CATEGORIES = ["books", "games", "garden", "music", "toys", "tools", "Food & Drink"]


def write_sales(path, rows, seed=7):
    """A CSV with a header and inferable types; returns the rows as written."""
    rng = random.Random(seed)
    out = []
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["order_id", "customer", "column_name", "amount", "ordered_at"])
        for i in range(rows):
            row = [i, f"c{rng.randrange(5000)}", rng.choice(CATEGORIES),
                   f"{rng.randrange(1, 100000) / 100:.2f}",
                   f"2024-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:00:00"]
            w.writerow(row)
            out.append(row)
    return out


WORDS = ("the quick brown fox jumps over lazy dog a stream of events flows into the log and "
         "out again The Fox said hello world").split()


def write_texts(folder, files=6, lines=400, seed=3):
    rng = random.Random(seed)
    folder.mkdir()
    texts = []
    for k in range(files):
        body = []
        for _ in range(lines):
            words = [rng.choice(WORDS) for _ in range(rng.randrange(0, 12))]
            body.append(" ".join(words))
        text = "\n".join(body) + "\n"
        (folder / f"part-{k:05d}.txt").write_text(text)
        texts.append(text)
    return texts


class batch_files_test(server_test_case):
    def query(self, conn, sql):
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()

    def test_spark_group_by_count_on_csv(self):
        rows = write_sales(self.tmp / "data.csv", ROWS)
        with open(self.tmp / "data.csv", "rb") as f, \
                gzip.open(self.tmp / "data.csv.gz", "wb") as g:
            g.write(f.read())
        expected = collections.Counter(r[2] for r in rows)
        conn = self.connect(self.start_server())
        for name in ("data.csv", "data.csv.gz"):
            got = self.query(conn, f"SELECT column_name, count(*) FROM '{self.tmp / name}' "
                                   "GROUP BY column_name")
            self.assertEqual(dict(got), dict(expected), name)
        # The same with read_csv's options spelled out, and a filter and sum on top.
        got = self.query(conn, "SELECT column_name, count(*), sum(amount) FROM read_csv("
                               f"'{self.tmp / 'data.csv'}', header => true) "
                               "WHERE amount > 500 GROUP BY column_name ORDER BY column_name")
        want = collections.defaultdict(lambda: [0, 0.0])
        for r in rows:
            if float(r[3]) > 500:
                want[r[2]][0] += 1
                want[r[2]][1] += float(r[3])
        self.assertEqual([g[0] for g in got], sorted(want))
        for name, count, total in got:
            self.assertEqual(count, want[name][0])
            self.assertAlmostEqual(float(total), want[name][1], places=4)
        # High cardinality: one group per customer.
        got = self.query(conn, f"SELECT customer, count(*) FROM '{self.tmp / 'data.csv'}' "
                               "GROUP BY customer")
        self.assertEqual(dict(got), dict(collections.Counter(r[1] for r in rows)))

    def test_hadoop_word_count_over_a_folder(self):
        texts = write_texts(self.tmp / "books")
        expected = collections.Counter()
        for t in texts:
            for line in t.splitlines():
                for w in re.split(r"\s+", line.lower()):
                    if w:
                        expected[w] += 1
        conn = self.connect(self.start_server())
        folder = self.tmp / "books"
        got = self.query(conn, "SELECT word, count(*) FROM read_text('" + str(folder) + "/*.txt'),"
                               " regexp_split_to_table(lower(line), '\\s+') AS word "
                               "WHERE word <> '' GROUP BY word")
        self.assertEqual(dict(got), dict(expected))
        # The same with unnest(string_to_array(...)) in the SELECT list.
        got = self.query(conn, "SELECT w, count(*) FROM (SELECT unnest(string_to_array(lower("
                               "line), ' ')) AS w FROM read_text('" + str(folder) + "/*.txt')) t "
                               "WHERE w <> '' GROUP BY w")
        self.assertEqual(dict(got), dict(expected))

    def test_copy_to_csv_and_json_read_back(self):
        rows = write_sales(self.tmp / "data.csv", 2000)
        conn = self.connect(self.start_server())
        out_csv, out_json = self.tmp / "out.csv", self.tmp / "out.json"
        with conn.cursor() as cur:
            cur.execute(f"COPY (SELECT column_name, count(*) AS n FROM '{self.tmp / 'data.csv'}' "
                        f"GROUP BY column_name ORDER BY column_name) TO '{out_csv}'")
            self.assertEqual(cur.statusmessage, f"COPY {len(set(r[2] for r in rows))}")
            cur.execute(f"COPY (SELECT order_id, amount, ordered_at FROM '{self.tmp / 'data.csv'}'"
                        f" WHERE order_id < 3) TO '{out_json}'")
            self.assertEqual(cur.statusmessage, "COPY 3")
        with open(out_csv, newline="") as f:
            got = list(csv.reader(f))
        counts = collections.Counter(r[2] for r in rows)
        self.assertEqual(got[0], ["column_name", "n"])
        self.assertEqual([(a, int(b)) for a, b in got[1:]], sorted(counts.items()))
        lines = [json.loads(line) for line in out_json.read_text().splitlines()]
        self.assertEqual(len(lines), 3)
        self.assertEqual(sorted(x["order_id"] for x in lines), [0, 1, 2])
        self.assertEqual({x["order_id"]: x["amount"] for x in lines},
                         {int(r[0]): float(r[3]) for r in rows[:3]})
        # What was written reads back as a table.
        got = self.query(conn, f"SELECT sum(n) FROM '{out_csv}'")
        self.assertEqual(got[0][0], 2000)

    def test_copy_from_file_into_a_topic_keyed_like_kafka(self):
        rows = write_sales(self.tmp / "data.csv", 3000)
        server = self.start_server("--num-partitions", "3")
        conn = self.connect(server)
        with conn.cursor() as cur:
            cur.execute(f"COPY orders FROM '{self.tmp / 'data.csv'}' WITH (KEY 'customer')")
            self.assertEqual(cur.statusmessage, "COPY 3000")
        consumer = KafkaConsumer(bootstrap_servers=server.bootstrap,
                                 auto_offset_reset="earliest", consumer_timeout_ms=5000)
        self.addCleanup(consumer.close)
        parts = [TopicPartition("orders", p) for p in range(3)]
        consumer.assign(parts)
        seen = []
        for msg in consumer:
            seen.append((msg.partition, msg.key.decode(), json.loads(msg.value)))
            if len(seen) == 3000:
                break
        self.assertEqual(len(seen), 3000)
        by_customer = collections.defaultdict(set)
        for p, key, value in seen:
            self.assertEqual(key, value["customer"])
            by_customer[key].add(p)
        # Every key in one partition, and more than one partition used.
        self.assertTrue(all(len(ps) == 1 for ps in by_customer.values()))
        self.assertEqual(len({p for p, _, _ in seen}), 3)
        self.assertEqual(sorted(v["order_id"] for _, _, v in seen), list(range(3000)))
        # A source over the topic reads the records back through SQL.
        conn.cursor().execute("CREATE SOURCE orders_src (order_id BIGINT, customer TEXT, "
                         "column_name TEXT, amount DECIMAL(10,2)) WITH (topic = 'orders')")
        got = self.query(conn, "SELECT count(*), count(DISTINCT customer) FROM orders_src")
        self.assertEqual(got[0], (3000, len(by_customer)))
        # A bad row: nothing is written, and the error names the line.
        (self.tmp / "bad.csv").write_text("order_id,customer\n1,a\nx\n2,b\n")
        with self.assertRaises(psycopg2.Error) as e:
            self.query(conn, f"COPY orders2 FROM '{self.tmp / 'bad.csv'}'")
        self.assertIn("bad.csv:3", str(e.exception))
        with conn.cursor() as cur:
            cur.execute(f"COPY orders2 FROM '{self.tmp / 'bad.csv'}' WITH (HEADER, IGNORE_ERRORS)")
            self.assertEqual(cur.statusmessage, "COPY 2")

    def test_memory_limit_is_a_clear_error(self):
        write_sales(self.tmp / "data.csv", ROWS)
        server = self.start_server("--query-memory-limit", "1")
        conn = self.connect(server)
        with self.assertRaises(psycopg2.Error) as e:
            self.query(conn, f"SELECT order_id, count(*) FROM '{self.tmp / 'data.csv'}' "
                             "GROUP BY order_id")
        self.assertEqual(e.exception.pgcode, "53200")
        self.assertIn("--query-memory-limit", str(e.exception))
        # A small GROUP BY still runs under the limit, and the server still serves.
        got = self.query(conn, f"SELECT count(*) FROM '{self.tmp / 'data.csv'}'")
        self.assertEqual(got[0][0], ROWS)
        # The result counts: every row of the file is over the limit, the first five are not
        # (a LIMIT without ORDER BY stops reading once it has its rows).
        with self.assertRaises(psycopg2.Error) as e:
            self.query(conn, f"SELECT * FROM '{self.tmp / 'data.csv'}'")
        self.assertEqual(e.exception.pgcode, "53200")
        got = self.query(conn, f"SELECT * FROM '{self.tmp / 'data.csv'}' LIMIT 5")
        self.assertEqual(len(got), 5)


if __name__ == "__main__":
    unittest.main()
