import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gateViolations } from './load-gate';

const slo = { maxErrorRatio: 0.001, maxP99Ms: 250 };
const figures = { requests: 400, errors: 0, errorRatio: 0, p99Ms: 42.5, rps: 20 };

describe('gateViolations', () => {
  it('passes a run within the SLOs', () => {
    expect(gateViolations(figures, slo)).toEqual([]);
  });

  it('names each threshold a run exceeds', () => {
    expect(gateViolations({ ...figures, errors: 2, errorRatio: 0.005, p99Ms: 612.3 }, slo)).toEqual(
      ['error ratio 0.50 % (2 of 400) above 0.10 %', 'p99 612.3 ms above 250 ms'],
    );
  });

  it('fails a run that got no answer at all', () => {
    expect(gateViolations({ ...figures, requests: 0 }, slo)).toEqual(['no request was answered']);
  });
});

describe('ci:load-gate through tools/load', () => {
  // A stand-in gateway (this is a unit test) serving a one-series catalogue, each answer held
  // back by `delayMs`: the injected latency a deliberately slow build would have.
  let server: Server;
  let delayMs = 0;
  let url = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '/';
      const body = path.startsWith('/api/webtoons?')
        ? { items: [{ id: 's1', genres: ['drama'] }], total: 1 }
        : path.startsWith('/api/webtoons/s1/episodes?')
          ? { items: [{ no: 1, priceCoins: 0 }] }
          : { id: 's1' };
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      }, delayMs);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // Async: the stand-in answers from this process, so the event loop must keep running.
  const gate = (): Promise<{ status: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const stateDir = mkdtempSync(join(tmpdir(), 'load-gate-'));
      const child = spawn(
        'npm',
        [
          'run',
          '-s',
          'ci:load-gate',
          '--',
          '--url',
          url,
          '--rate',
          '10',
          '--duration',
          '3',
          // Far from both runs' latencies: the stand-in shares two busy cores with other tests.
          '--max-p99-ms',
          '1000',
        ],
        { cwd: join(__dirname, '..', '..', '..'), env: { ...process.env, CI_STATE_DIR: stateDir } },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => {
        rmSync(stateDir, { recursive: true, force: true });
        resolve({ status: code ?? 1, stdout, stderr });
      });
    });

  it('passes a fast build and fails one made slower than the p99 limit', async () => {
    delayMs = 0;
    const fast = await gate();
    expect(fast.stdout).toMatch(/\[ci:load-gate\] passed: \d+ requests, error ratio 0\.00 %/);
    expect(fast.status).toBe(0);
    delayMs = 1500;
    const slow = await gate();
    expect(slow.stderr).toMatch(/load gate failed: p99 1\d{3}\.\d ms above 1000 ms/);
    expect(slow.status).toBe(1);
  }, 120_000);
});
