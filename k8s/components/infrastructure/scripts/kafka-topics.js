// Creates the topics of libs/contracts (and their dead-letter topics) the way the apps' own
// start-up does (3 partitions; replication factor and min.insync.replicas from the same env
// variables as the apps, default 1), before the apps start, and waits until each
// partition has a leader. Safe to repeat: existing topics are left alone. Runs in an app image,
// whose node_modules hold kafkajs (NODE_PATH).
'use strict';
const { Kafka, logLevel } = require('kafkajs');

const TOPICS = [
  'auth.users',
  'webtoon.episodes',
  'webtoon.purchases',
  'payment.purchases',
  'payment.wallets',
  'news.articles',
  'blog.posts',
].flatMap((topic) => [topic, `${topic}.dlq`]);
const PARTITIONS = 3;
const REPLICATION_FACTOR = Number(process.env.KAFKA_TOPIC_REPLICATION_FACTOR ?? 1);
const MIN_INSYNC_REPLICAS = String(process.env.KAFKA_TOPIC_MIN_INSYNC_REPLICAS ?? 1);
const DEADLINE_MS = 300_000;

const pause = () => new Promise((resolve) => setTimeout(resolve, 2000));

async function untilDone(what, attempt, deadline) {
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${error.message}`);
      await pause();
    }
  }
}

async function main() {
  const deadline = Date.now() + DEADLINE_MS;
  const kafka = new Kafka({
    clientId: 'kafka-topics',
    brokers: (process.env.KAFKA_BROKERS ?? 'kafka:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await untilDone('connecting', () => admin.connect(), deadline);
  try {
    const existing = new Set(await untilDone('listing topics', () => admin.listTopics(), deadline));
    const missing = TOPICS.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      // false (not an error) when another client created some of them first
      await untilDone(
        'creating topics',
        () =>
          admin.createTopics({
            waitForLeaders: false,
            topics: missing.map((topic) => ({
              topic,
              numPartitions: PARTITIONS,
              replicationFactor: REPLICATION_FACTOR,
              configEntries: [{ name: 'min.insync.replicas', value: MIN_INSYNC_REPLICAS }],
            })),
          }),
        deadline,
      );
    }
    await untilDone(
      'waiting for leaders',
      async () => {
        const { topics } = await admin.fetchTopicMetadata({ topics: TOPICS });
        const leaderless = topics.filter(
          (t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0),
        );
        if (leaderless.length > 0) throw new Error(`no leader yet for ${leaderless[0].name}`);
      },
      deadline,
    );
    console.log(
      `topics ready: ${missing.length} created, ${TOPICS.length - missing.length} existed`,
    );
  } finally {
    await admin.disconnect();
  }
}

module.exports = { PARTITIONS, TOPICS };

if (require.main === module) {
  main().catch((error) => {
    console.error(`kafka topics: ${error.message}`);
    process.exit(1);
  });
}
