// Drives spate with kafkajs, for tests/system/test_kafka_clients.py: produces messages with keys
// and headers (acks -1), then reads the topic's metadata and offsets with the admin client. It
// prints one JSON object on stdout with what the producer and the admin client were told; the
// test consumes the topic with kcat and compares (consume_in_group.js is the kafkajs consumer).
//
//   node produce_and_inspect.js BROKER TOPIC COUNT [BATCH]
//
// Message i has key "key-i", value "value-i-<payload>", headers {index: "i", source: "kafkajs"}.
// Exits 1 with a message on stderr on any client error.
'use strict';

const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const [broker, topic, countText, batchText] = process.argv.slice(2);
  if (!broker || !topic || !countText) {
    console.error('usage: node produce_and_inspect.js BROKER TOPIC COUNT [BATCH]');
    process.exit(2);
  }
  const count = Number(countText);
  const batch = Number(batchText || 100);

  const kafka = new Kafka({
    clientId: 'spate-kafkajs-test',
    brokers: [broker],
    logLevel: logLevel.WARN,
    connectionTimeout: 5000,
    requestTimeout: 10000,
    retry: { retries: 3 },
  });

  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const records = [];
  let produced = 0;
  for (let start = 0; start < count; start += batch) {
    const messages = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      messages.push({
        key: `key-${i}`,
        value: `value-${i}-` + 'x'.repeat(i % 50),
        headers: { index: String(i), source: 'kafkajs' },
      });
    }
    const metadata = await producer.send({ topic, acks: -1, messages });
    for (const m of metadata) {
      records.push({
        topic: m.topicName,
        partition: m.partition,
        errorCode: m.errorCode,
        baseOffset: m.baseOffset,
      });
    }
    produced += messages.length;
  }
  await producer.disconnect();

  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const topics = await admin.listTopics();
  await admin.disconnect();

  process.stdout.write(JSON.stringify({ produced, records, offsets, metadata, topics }) + '\n');
}

main().catch((e) => {
  console.error(`kafkajs failed: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
