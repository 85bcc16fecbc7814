// Consumes a topic with kafkajs in a consumer group, for tests/system/test_kafka_clients.py:
// subscribes from the beginning, reads until COUNT messages have arrived, then disconnects
// (which commits the offsets it consumed). Prints one JSON object on stdout: the values read
// per partition, in order, and the partitions the group assigned.
//
//   node consume_in_group.js BROKER TOPIC GROUP COUNT
//
// Exits 1 with a message on stderr on any client error or if COUNT messages do not arrive
// within 60 s.
'use strict';

const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const [broker, topic, group, countText] = process.argv.slice(2);
  if (!broker || !topic || !group || !countText) {
    console.error('usage: node consume_in_group.js BROKER TOPIC GROUP COUNT');
    process.exit(2);
  }
  const count = Number(countText);
  const kafka = new Kafka({
    clientId: 'spate-kafkajs-group-test',
    brokers: [broker],
    logLevel: logLevel.WARN,
    connectionTimeout: 5000,
    requestTimeout: 10000,
    retry: { retries: 3 },
  });
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10000, heartbeatInterval: 500 });
  const assigned = new Set();
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    for (const p of e.payload.memberAssignment[topic] || []) assigned.add(p);
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const values = {};
  let seen = 0;
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen} of ${count} messages in 60 s`)),
                             60000);
    consumer.run({
      eachMessage: async ({ partition, message }) => {
        (values[partition] = values[partition] || []).push(message.value.toString());
        seen += 1;
        if (seen >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    }).catch(reject);
  });
  await done;
  await consumer.disconnect();
  console.log(JSON.stringify({ consumed: seen, values, assigned: [...assigned].sort() }));
}

main().catch((e) => {
  console.error(`kafkajs: ${e.stack || e}`);
  process.exit(1);
});
