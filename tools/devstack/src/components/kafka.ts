import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { HOST } from '../config';
import { ensureKafka } from '../install';
import { exec } from '../proc';
import { KAFKA_VERSION } from '../versions';
import type { Component, Runtime } from './types';

const HEALTH_TOPIC = 'devstack.health';
const major = Number(KAFKA_VERSION.split('.')[0]);
let libs = '';

function java(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function serverProperties(rt: Runtime, dataDir: string): string {
  const { kafka, kafkaController } = rt.cfg.ports;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `listeners=PLAINTEXT://${HOST}:${kafka},CONTROLLER://${HOST}:${kafkaController}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${kafka}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    // static quorum: the storage is formatted without --standalone
    `controller.quorum.voters=1@${HOST}:${kafkaController}`,
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    // single broker: without RF 1 here consumers loop on "group coordinator not available"
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=3',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    // tests create groups constantly; don't wait 3 s for more members on the first join
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'delete.topic.enable=true',
    'log.retention.hours=24',
    '',
  ].join('\n');
}

const LOG4J = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
`;

const LOG4J2 = `status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
`;

export function kafkaClient(rt: Runtime, clientId = 'devstack'): Kafka {
  return new Kafka({
    clientId,
    brokers: [`${HOST}:${rt.cfg.ports.kafka}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    retry: { retries: 2, initialRetryTime: 200 },
  });
}

export const kafka: Component = {
  name: 'kafka',
  ports: ['kafka', 'kafkaController'],
  stopSignal: 'SIGTERM',
  stopGraceMs: 30_000,
  readyTimeoutMs: 120_000,

  async install(rt) {
    libs = await ensureKafka(rt.cfg, rt.progress);
  },

  async launch(rt) {
    const dir = join(rt.cfg.dir, 'kafka');
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const props = join(dir, 'server.properties');
    const properties = serverProperties(rt, dataDir);
    writeFileSync(props, properties);
    const logConfig = major >= 4 ? join(dir, 'log4j2.properties') : join(dir, 'log4j.properties');
    writeFileSync(logConfig, major >= 4 ? LOG4J2 : LOG4J);
    const logFlag =
      major >= 4
        ? `-Dlog4j2.configurationFile=${logConfig}`
        : `-Dlog4j.configuration=file:${logConfig}`;
    const cp = ['-cp', join(libs, '*')];
    if (!existsSync(join(dataDir, 'meta.properties'))) {
      // a cluster id is 16 random bytes, base64url without padding
      const clusterId = randomBytes(16).toString('base64url');
      const log = join(rt.cfg.logsDir, 'kafka.log');
      await exec(
        java(),
        [
          ...cp,
          logFlag,
          'kafka.tools.StorageTool',
          'format',
          `--cluster-id=${clusterId}`,
          '-c',
          props,
          '--ignore-formatted',
        ],
        log,
      );
    }
    return {
      exe: java(),
      args: [
        '-Xms256m',
        '-Xmx512m',
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-XX:InitiatingHeapOccupancyPercent=35',
        '-Djava.awt.headless=true',
        logFlag,
        ...cp,
        'kafka.Kafka',
        props,
      ],
      cwd: dir,
      config: properties,
    };
  },

  async probe(rt) {
    const admin = kafkaClient(rt).admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [{ topic: HEALTH_TOPIC, numPartitions: 1, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      const meta = await admin.fetchTopicMetadata({ topics: [HEALTH_TOPIC] });
      if (meta.topics[0]?.partitions[0]?.leader !== 1)
        throw new Error(`${HEALTH_TOPIC} has no leader yet`);
      // finds the group coordinator, which needs __consumer_offsets: consumers work after this
      await admin.describeGroups([HEALTH_TOPIC]);
    } finally {
      await admin.disconnect();
    }
  },
};
