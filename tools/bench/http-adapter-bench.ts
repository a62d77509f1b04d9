// Nest on Express vs Nest on Fastify for a trivial JSON route, each server in its own process
// so the load generator does not share its event loop. Prints a table; does not assert.
//   npm run bench:adapters [-- --duration 10 --connections 50]
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '@lib/platform/testing';

const arg = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const duration = arg('duration', 10);
const connections = arg('connections', 50);

async function measure(adapter: 'express' | 'fastify'): Promise<string[]> {
  const port = await freePort();
  const server = fork(resolve(__dirname, 'adapter-server.ts'), [adapter, String(port)], {
    execArgv: ['-r', '@swc-node/register'],
    env: { ...process.env, SWC_NODE_PROJECT: resolve(__dirname, '../../tsconfig.base.json') },
  });
  await once(server, 'message');
  const url = `http://127.0.0.1:${port}/ping`;
  await autocannon({ url, connections, duration: 2 }); // warm-up
  const result = await autocannon({ url, connections, duration });
  server.kill('SIGTERM');
  return [
    `Nest + ${adapter}`,
    String(Math.round(result.requests.average)),
    String(result.latency.p50),
    String(result.latency.p99),
    String(result.non2xx + result.errors),
  ];
}

async function main(): Promise<void> {
  const rows = [await measure('express'), await measure('fastify')];
  const header = ['server', 'req/s', 'p50 ms', 'p99 ms', 'errors'];
  console.log(`\n${connections} connections, ${duration} s each, GET /ping\n`);
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  const ratio = Number(rows[1][1]) / Number(rows[0][1]);
  console.log(`\nFastify serves ${ratio.toFixed(2)}× the requests of Express.`);
}

void main();
