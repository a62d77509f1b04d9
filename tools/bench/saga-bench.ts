/**
 * Purchase saga latency: from `POST …/purchase` to the purchase settled as `completed`
 * (webtoon's `settled_at`), through the real webtoon and payment services (built, each its
 * own process) and Kafka; and to the client seeing it: each client reads its purchase with
 * `Prefer: wait=3`, which webtoon answers when the purchase settles (one request per purchase).
 * BENCH_POLL_MS=25 polls every 25 ms instead, as clients did before that existed: ten clients
 * polling in a tight loop keep webtoon busy and slow the saga itself on a small machine.
 * Prints figures; it does not judge them.
 *
 *   npm run bench:saga                      (starts the dev stack if needed, builds both apps)
 *   BENCH_PURCHASES=400 BENCH_CONCURRENCY=20 npm run bench:saga
 *   BENCH_CPU_PROFILE_DIR=/tmp/saga npm run bench:saga   (V8 CPU profiles of both apps)
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import {
  deleteTopicsWithPrefix,
  freePort,
  KafkaProbe,
  userRegistered,
  waitFor,
} from '@lib/platform/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Kafka, logLevel } from 'kafkajs';
import { request } from 'undici';
import { Client } from 'pg';
import { ensureStack } from '@tools/devstack';
import { APP_NODE_FLAGS, APP_RUNTIME_ENV } from '../start/apps';
import { cpuSnapshot, cpuUsedBetween, machineBusySeconds } from './cpu-usage';

const root = resolve(__dirname, '../..');
const purchases = Number(process.env.BENCH_PURCHASES ?? 200);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 10);
/** 0: the client waits with `Prefer: wait`; more: it polls at that interval. */
const pollMs = Number(process.env.BENCH_POLL_MS ?? 0);
const prefix = `bench-saga-${randomUUID().slice(0, 8)}.`;

interface App {
  url: string;
  child: ChildProcess;
}

interface Reader {
  id: string;
  auth: { authorization: string };
}

async function startApp(name: string, env: Record<string, string>): Promise<App> {
  const port = await freePort();
  const adminPort = await freePort();
  const main = `dist/apps/${name}/apps/${name}/src/main.js`;
  const profile = process.env.BENCH_CPU_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}/${name}`]
    : [];
  const child = spawn(process.execPath, [...APP_NODE_FLAGS, ...profile, main], {
    cwd: root,
    env: {
      ...process.env,
      ...APP_RUNTIME_ENV,
      ...env,
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const ready = `http://127.0.0.1:${adminPort}/health/ready`;
  await waitFor(async () => ((await fetch(ready)).ok ? true : undefined), 90_000);
  return { url, child };
}

async function stop(app: App): Promise<void> {
  if (app.child.exitCode !== null) return;
  const exited = new Promise((done) => app.child.once('exit', done));
  app.child.kill('SIGTERM');
  await exited;
}

/** Access tokens shaped like auth's (EdDSA, typ at+jwt), signed by a throwaway key. */
async function tokenIssuer() {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
  const jwks = {
    keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'EdDSA', use: 'sig' }],
  };
  const sign = (userId: string, roles: string[]) =>
    new SignJWT({ roles })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'bench', typ: 'at+jwt' })
      .setSubject(userId)
      .setIssuer('bench')
      .setAudience('bench')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
  return { jwks, sign };
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

export interface SagaFigures {
  purchases: number;
  concurrency: number;
  /** 0: clients waited with `Prefer: wait=3`; more: they polled at this interval. */
  pollMs: number;
  outcomes: Record<string, number>;
  /** Request → settled as completed (webtoon's `settled_at`), ms, one per purchase. */
  latencies: number[];
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Request → the client's poll reads it, ms. */
  seen: number[];
  seenP50: number;
  seenP99: number;
  purchasesPerSecond: number;
  /** CPU used over the whole machine while the purchases ran, ms per purchase. */
  cpuMsPerPurchase: number;
  /** The same by process (an app, `postgres`, `kafka`, this benchmark), largest first. */
  cpuByProcess: [name: string, ms: number][];
  /**
   * The mean latency the CPU allows `concurrency` closed-loop clients: each starts its next
   * purchase when the last settles, so (Little's law) mean latency = clients ÷ throughput, and
   * throughput is at most cores ÷ CPU per purchase.
   */
  cpuBoundMeanMs: number;
  hops: { name: string; p50: number; p99: number }[];
}

/** Runs the saga benchmark with its defaults (env overrides), prints it, returns the figures. */
export async function runSagaBench(): Promise<SagaFigures> {
  console.log(
    `purchase saga benchmark on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n`,
  );
  const stack = await ensureStack({ quiet: true });
  execSync('npx nx run-many -t build -p webtoon payment', { cwd: root, stdio: 'ignore' });

  // Tokens signed here, verified by both services through this JWKS endpoint.
  const issuer = await tokenIssuer();
  const jwks = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(issuer.jwks));
  });
  await new Promise<void>((done) => jwks.listen(0, '127.0.0.1', done));
  const env = {
    ...stack,
    CONSUL_REGISTER: 'false',
    LOG_LEVEL: 'warn',
    SHUTDOWN_DRAIN_DELAY_MS: '0',
    KAFKA_TOPIC_PREFIX: prefix,
    JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
    JWT_ISSUER: 'bench',
    JWT_AUDIENCE: 'bench',
  };
  const apps: App[] = [];
  // auth's side of Kafka: the readers' signup events.
  const authEvents = new KafkaProbe(stack.KAFKA_BROKERS.split(','), prefix);
  try {
    const payment = await startApp('payment', env);
    apps.push(payment);
    const webtoon = await startApp('webtoon', env);
    apps.push(webtoon);

    // Each client is a reader of its own, as concurrent clients are: ten purchases by one
    // reader would all wait for the same wallet row in payment, one after the other.
    const author = randomUUID();
    const authorAuth = {
      authorization: `Bearer ${await issuer.sign(author, ['author'])}`,
    };
    const json = { 'content-type': 'application/json' };
    // A reader signs up (auth's event), then tops up enough for its share of the purchases.
    const signUpReader = async (payment: App, coins: number): Promise<Reader> => {
      const id = randomUUID();
      const auth = { authorization: `Bearer ${await issuer.sign(id, ['reader'])}` };
      await authEvents.send(userRegistered(id, { displayName: 'Bench reader' }));
      await waitFor(
        async () =>
          (await fetch(`${payment.url}/api/payments/wallet`, { headers: auth })).ok
            ? true
            : undefined,
        30_000,
      );
      const topUp = await fetch(`${payment.url}/api/payments/top-ups`, {
        method: 'POST',
        headers: { ...auth, ...json, 'idempotency-key': `bench-${id}` },
        body: JSON.stringify({ amount: coins }),
      });
      if (topUp.status !== 201) throw new Error(`top-up: ${topUp.status} ${await topUp.text()}`);
      return { id, auth };
    };
    const readers = await Promise.all(
      Array.from({ length: concurrency }, () =>
        signUpReader(payment, Math.ceil(purchases / concurrency)),
      ),
    );

    const series = (await (
      await fetch(`${webtoon.url}/api/webtoons`, {
        method: 'POST',
        headers: { ...authorAuth, ...json },
        body: JSON.stringify({ title: `Saga bench ${prefix}`, genres: ['bench'] }),
      })
    ).json()) as { id: string };
    for (let no = 1; no <= purchases; no++) {
      const res = await fetch(`${webtoon.url}/api/webtoons/${series.id}/episodes`, {
        method: 'POST',
        headers: { ...authorAuth, ...json },
        body: JSON.stringify({
          title: `Episode ${no}`,
          imageUrls: ['https://cdn.example.com/p.jpg'],
          priceCoins: 1,
        }),
      });
      if (res.status !== 201) throw new Error(`episode ${no}: ${res.status}`);
    }

    const latencies: number[] = [];
    const timeline = new Map<string, { requested: number; seen: number }>();
    const outcomes: Record<string, number> = {};
    let next = 1;
    const cpuBefore = cpuSnapshot();
    const busyBefore = machineBusySeconds();
    const started = performance.now();
    const worker = async ({ id: reader, auth: readerAuth }: Reader): Promise<void> => {
      for (let no = next++; no <= purchases; no = next++) {
        const t0 = performance.now();
        const requested = Date.now();
        // undici's request rather than fetch: the client shares the two cores with the saga,
        // and fetch costs it about twice the CPU per request.
        const res = await request(
          `${webtoon.url}/api/webtoons/${series.id}/episodes/${no}/purchase`,
          {
            method: 'POST',
            headers: { ...readerAuth, 'idempotency-key': `bench-${reader}-${no}` },
          },
        );
        if (res.statusCode !== 202)
          throw new Error(`purchase ${no}: ${res.statusCode} ${await res.body.text()}`);
        const { purchaseId } = (await res.body.json()) as { purchaseId: string };
        for (;;) {
          const poll = await request(`${webtoon.url}/api/webtoons/purchases/${purchaseId}`, {
            headers: pollMs > 0 ? readerAuth : { ...readerAuth, prefer: 'wait=3' },
          });
          const { status } = (await poll.body.json()) as { status: string };
          if (status !== 'pending') {
            latencies.push(performance.now() - t0);
            timeline.set(purchaseId, { requested, seen: Date.now() });
            outcomes[status] = (outcomes[status] ?? 0) + 1;
            break;
          }
          if (pollMs > 0) await new Promise((wait) => setTimeout(wait, pollMs));
        }
      }
    };
    await Promise.all(readers.map(worker));
    const seconds = (performance.now() - started) / 1000;
    const cpu = {
      machine: machineBusySeconds() - busyBefore,
      byProcess: cpuUsedBetween(cpuBefore, cpuSnapshot()),
    };

    const seen = [...latencies].sort((a, b) => a - b);
    const settled = (await settledAfter(stack.WEBTOON_DATABASE_URL, timeline)).sort(
      (a, b) => a - b,
    );
    const sorted = settled;
    let balance = 0;
    for (const { auth } of readers) {
      const wallet = (await (
        await fetch(`${payment.url}/api/payments/wallet`, { headers: auth })
      ).json()) as { balance: number };
      balance += wallet.balance;
    }
    console.log(
      `${purchases} purchases, ${concurrency} at a time, ${pollMs > 0 ? `polled every ${pollMs} ms` : 'read with Prefer: wait=3'} (LOG_LEVEL=warn)`,
    );
    console.log(
      `  outcomes                 ${JSON.stringify(outcomes)}; readers' balances after ${balance}`,
    );
    console.log(
      `  request → settled        p50 ${percentile(sorted, 50).toFixed(1)} ms   p90 ${percentile(sorted, 90).toFixed(1)} ms   p99 ${percentile(sorted, 99).toFixed(1)} ms   max ${sorted[sorted.length - 1].toFixed(1)} ms`,
    );
    console.log(
      `  request → client sees it p50 ${percentile(seen, 50).toFixed(1)} ms   p90 ${percentile(seen, 90).toFixed(1)} ms   p99 ${percentile(seen, 99).toFixed(1)} ms   max ${seen[seen.length - 1].toFixed(1)} ms`,
    );
    console.log(`  throughput               ${(purchases / seconds).toFixed(1)} purchases/s`);
    const perPurchase = (cpuSeconds: number) => (cpuSeconds * 1000) / purchases;
    const cpuBoundMeanMs = (concurrency * perPurchase(cpu.machine)) / cpus().length;
    console.log(
      `  CPU per purchase         ${perPurchase(cpu.machine).toFixed(1)} ms over the machine (${((cpu.machine / seconds / cpus().length) * 100).toFixed(0)} % of ${cpus().length} cores busy): ${cpu.byProcess
        .slice(0, 6)
        .map(([name, used]) => `${name} ${perPurchase(used).toFixed(1)}`)
        .join(', ')}`,
    );
    console.log(
      `  CPU's bound              ${concurrency} closed-loop clients × ${perPurchase(cpu.machine).toFixed(1)} ms ÷ ${cpus().length} cores: mean latency ≥ ${cpuBoundMeanMs.toFixed(0)} ms (measured mean ${(latencies.reduce((a, b) => a + b, 0) / latencies.length).toFixed(0)} ms seen)`,
    );
    const steps = await hops(
      stack.KAFKA_BROKERS.split(','),
      stack.WEBTOON_DATABASE_URL,
      stack.PAYMENT_DATABASE_URL,
      timeline,
    );
    printHops(steps);
    return {
      purchases,
      concurrency,
      pollMs,
      outcomes,
      latencies: settled,
      seen,
      seenP50: percentile(seen, 50),
      seenP99: percentile(seen, 99),
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1],
      purchasesPerSecond: purchases / seconds,
      cpuMsPerPurchase: perPurchase(cpu.machine),
      cpuByProcess: cpu.byProcess.slice(0, 6).map(([name, used]) => [name, perPurchase(used)]),
      cpuBoundMeanMs,
      hops: steps.map(([name, values]) => {
        const ordered = [...values].sort((a, b) => a - b);
        return { name, p50: percentile(ordered, 50), p99: percentile(ordered, 99) };
      }),
    };
  } finally {
    await authEvents.stop();
    await Promise.all(apps.map(stop));
    jwks.close();
    await deleteTopicsWithPrefix(stack.KAFKA_BROKERS.split(','), prefix);
  }
}

type Hop = [name: string, ms: number[]];

/** Request → `settled_at` of each purchase, from webtoon's table (the same machine's clock). */
async function settledAfter(
  databaseUrl: string,
  timeline: Map<string, { requested: number; seen: number }>,
): Promise<number[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string; settled: number }>(
      `SELECT id, extract(epoch from settled_at) * 1000 AS settled FROM purchases WHERE id = ANY($1::uuid[])`,
      [[...timeline.keys()]],
    );
    return rows.map((row) => Number(row.settled) - (timeline.get(row.id)?.requested ?? NaN));
  } finally {
    await db.end();
  }
}

/**
 * When each relay's produce request left (the Kafka message timestamp: kafkajs stamps a
 * message when it builds the produce request), by event id, read back from both topics.
 */
async function producedAt(brokers: string[], ids: Set<string>): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  const consumer = new Kafka({
    clientId: 'saga-bench-trace',
    brokers,
    logLevel: logLevel.NOTHING,
  }).consumer({ groupId: `${prefix}trace`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({
      topics: [`${prefix}webtoon.purchases`, `${prefix}payment.purchases`],
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const { id } = JSON.parse(message.value?.toString() ?? '{}') as { id?: string };
        if (id && ids.has(id)) times.set(id, Number(message.timestamp));
      },
    });
    await waitFor(async () => (times.size >= ids.size ? true : undefined), 60_000);
  } finally {
    await consumer.disconnect();
  }
  return times;
}

/**
 * Where the time goes, purchase by purchase, from the services' own tables and the topics:
 * when each outbox row was written (`created_at`, the start of the writing transaction), when
 * its relay's produce request left (the message timestamp) and was marked sent after the
 * broker's ack (`sent_at`), and when each consumer started the transaction that applied the
 * event (`processed_at`).
 * One clock: the database and this process run on the same machine.
 */
async function hops(
  brokers: string[],
  webtoonUrl: string,
  paymentUrl: string,
  timeline: Map<string, { requested: number; seen: number }>,
): Promise<Hop[]> {
  const webtoon = new Client({ connectionString: webtoonUrl });
  const payment = new Client({ connectionString: paymentUrl });
  await Promise.all([webtoon.connect(), payment.connect()]);
  const ms = (column: string) => `extract(epoch from ${column}) * 1000`;
  try {
    const requests = await webtoon.query<{
      purchase: string;
      id: string;
      created: number;
      sent: number;
    }>(
      `SELECT envelope->'data'->>'purchaseId' AS purchase, id, ${ms('created_at')} AS created, ${ms('sent_at')} AS sent
       FROM outbox_events WHERE type = 'webtoon.purchase.requested.v1' AND envelope->'data'->>'purchaseId' = ANY($1)`,
      [[...timeline.keys()]],
    );
    const requestIds = requests.rows.map((r) => r.id);
    const settled = await payment.query<{ event: string; applied: number }>(
      `SELECT event_id AS event, ${ms('processed_at')} AS applied FROM processed_events WHERE event_id = ANY($1::uuid[])`,
      [requestIds],
    );
    const answers = await payment.query<{
      cause: string;
      id: string;
      created: number;
      sent: number;
    }>(
      `SELECT envelope->>'causationId' AS cause, id, ${ms('created_at')} AS created, ${ms('sent_at')} AS sent
       FROM outbox_events WHERE envelope->>'causationId' = ANY($1) AND type LIKE 'payment.purchase.%'`,
      [requestIds],
    );
    const applied = await webtoon.query<{ event: string; applied: number }>(
      `SELECT event_id AS event, ${ms('processed_at')} AS applied FROM processed_events WHERE event_id = ANY($1::uuid[])`,
      [answers.rows.map((r) => r.id)],
    );
    const produced = await producedAt(
      brokers,
      new Set([...requestIds, ...answers.rows.map((r) => r.id)]),
    );
    const appliedInPayment = new Map(settled.rows.map((r) => [r.event, Number(r.applied)]));
    const answerOf = new Map(answers.rows.map((r) => [r.cause, r]));
    const appliedInWebtoon = new Map(applied.rows.map((r) => [r.event, Number(r.applied)]));
    // A chain from the request to the client's poll (its steps add up), then, aside, how long
    // each relay took from its produce request to marking the rows sent after the broker's ack.
    const steps: Hop[] = [
      ['POST → webtoon starts its transaction', []],
      ['… commits; relay woken, claims, produces', []],
      ['Kafka → payment fetches, starts applying', []],
      ['payment applies, commits; relay produces', []],
      ['Kafka → webtoon fetches, starts applying', []],
      ['webtoon applies → the client sees it', []],
      ['(aside) webtoon relay: produce → acked', []],
      ['(aside) payment relay: produce → acked', []],
    ];
    for (const request of requests.rows) {
      const times = timeline.get(request.purchase);
      const answer = answerOf.get(request.id);
      const paid = appliedInPayment.get(request.id);
      const done = answer ? appliedInWebtoon.get(answer.id) : undefined;
      const requestProduced = produced.get(request.id);
      const answerProduced = answer ? produced.get(answer.id) : undefined;
      if (
        !times ||
        !answer ||
        paid === undefined ||
        done === undefined ||
        requestProduced === undefined ||
        answerProduced === undefined
      )
        continue;
      const chain = [
        times.requested,
        Number(request.created),
        requestProduced,
        paid,
        answerProduced,
        done,
        times.seen,
      ];
      for (let i = 0; i < chain.length - 1; i++) steps[i][1].push(chain[i + 1] - chain[i]);
      steps[6][1].push(Number(request.sent) - requestProduced);
      steps[7][1].push(Number(answer.sent) - answerProduced);
    }
    return steps;
  } finally {
    await Promise.all([webtoon.end(), payment.end()]);
  }
}

function printHops(steps: Hop[]): void {
  console.log(`\n  where the time goes (${steps[0][1].length} purchases traced)`);
  for (const [name, values] of steps) {
    const sorted = [...values].sort((a, b) => a - b);
    console.log(
      `  ${name.padEnd(44)} p50 ${percentile(sorted, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(sorted, 99).toFixed(1).padStart(6)} ms`,
    );
  }
}

if (require.main === module) {
  runSagaBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
