import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsulWatcher } from './consul-watcher';
import type { ServiceInstance } from './service-instance';

/** Just enough of Consul's blocking health endpoint: answer when the index moves, else hold. */
class FakeConsul {
  index = 5;
  entries: unknown[] = [];
  failNext = 0;
  readonly queries: string[] = [];
  private waiting: (() => void)[] = [];
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves once a watcher's blocking query is being held here. */
  async parked(): Promise<void> {
    while (this.waiting.length === 0) await new Promise((r) => setTimeout(r, 2));
  }

  publish(entries: unknown[], index = this.index + 1): void {
    this.entries = entries;
    this.index = index;
    for (const wake of this.waiting.splice(0)) wake();
  }

  async stop(): Promise<void> {
    for (const wake of this.waiting.splice(0)) wake();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.queries.push(req.url ?? '');
    if (this.failNext > 0) {
      this.failNext -= 1;
      res.writeHead(500).end('agent trouble');
      return;
    }
    const asked = Number(new URL(req.url ?? '', 'http://consul').searchParams.get('index'));
    const answer = () =>
      res
        .writeHead(200, {
          'content-type': 'application/json',
          'x-consul-index': String(this.index),
        })
        .end(JSON.stringify(this.entries));
    if (asked < this.index) answer();
    else this.waiting.push(answer);
  }
}

const entry = (id: string, port: number, serviceAddress = '10.0.0.1', status = 'passing') => ({
  Node: { Address: '10.0.0.99' },
  Service: { ID: id, Address: serviceAddress, Port: port, Meta: { version: '1' } },
  Checks: [{ Status: 'passing' }, { Status: status }],
});

describe('ConsulWatcher', () => {
  let consul: FakeConsul;
  let watcher: ConsulWatcher;
  let updates: ServiceInstance[][];
  let errors: number;

  const nextUpdate = async (count: number) => {
    const deadline = Date.now() + 2000;
    while (updates.length < count && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    return updates[count - 1];
  };

  beforeEach(async () => {
    consul = new FakeConsul();
    const url = await consul.start();
    updates = [];
    errors = 0;
    watcher = new ConsulWatcher({
      consulUrl: url,
      services: ['news'],
      onChange: (_service, instances) => updates.push(instances),
      onError: () => (errors += 1),
      retryMinMs: 10,
      retryMaxMs: 20,
    });
  });

  afterEach(async () => {
    await watcher.stop();
    await consul.stop();
  });

  it('reads the passing instances, falling back to the node address', async () => {
    consul.entries = [entry('news-1', 3004), entry('news-2', 3005, '')];
    watcher.start();
    expect(await nextUpdate(1)).toEqual([
      { id: 'news-1', address: '10.0.0.1', port: 3004, meta: { version: '1' } },
      { id: 'news-2', address: '10.0.0.99', port: 3005, meta: { version: '1' } },
    ]);
    expect(watcher.ready).toBe(true);
    expect(consul.queries[0]).toBe('/v1/health/service/news?index=0&wait=55s');
  });

  it('routes to the passing instances only; when none passes, to those that passed before (panic routing)', async () => {
    consul.entries = [entry('news-1', 3004), entry('news-2', 3005, '10.0.0.2', 'critical')];
    watcher.start();
    expect((await nextUpdate(1)).map((i) => i.id)).toEqual(['news-1']);
    await consul.parked();
    // news-2 never passed (still starting), news-3 is new: neither is taken in a panic.
    consul.publish([
      entry('news-1', 3004, '10.0.0.1', 'critical'),
      entry('news-2', 3005, '10.0.0.2', 'warning'),
      entry('news-3', 3006, '10.0.0.3', 'critical'),
    ]);
    expect((await nextUpdate(2)).map((i) => i.id)).toEqual(['news-1']);
    await consul.parked();
    consul.publish([]);
    expect(await nextUpdate(3)).toEqual([]);
    await consul.parked();
    // Registered anew after leaving, news-1 has to pass again before a panic may use it.
    consul.publish([entry('news-1', 3004, '10.0.0.1', 'critical')]);
    expect(await nextUpdate(4)).toEqual([]);
  });

  it('sends nothing to instances that are all still starting', async () => {
    consul.entries = [
      entry('news-1', 3004, '10.0.0.1', 'critical'),
      entry('news-2', 3005, '10.0.0.2', 'critical'),
    ];
    watcher.start();
    expect(await nextUpdate(1)).toEqual([]);
  });

  it('blocks on the last index and hears of a change at once', async () => {
    watcher.start();
    await nextUpdate(1);
    await consul.parked();
    const started = Date.now();
    consul.publish([entry('news-3', 3006)]);
    expect((await nextUpdate(2)).map((i) => i.id)).toEqual(['news-3']);
    expect(Date.now() - started).toBeLessThan(500);
    expect(consul.queries[1]).toContain('index=5');
  });

  it('starts over when the index goes backwards', async () => {
    watcher.start();
    await nextUpdate(1);
    await consul.parked();
    consul.publish([entry('news-4', 3007)], 2);
    expect((await nextUpdate(2)).map((i) => i.id)).toEqual(['news-4']);
    // One non-blocking read from scratch, then blocking again on the new index.
    await consul.parked();
    expect(consul.queries.slice(2)).toEqual([
      expect.stringContaining('index=0'),
      expect.stringContaining('index=2'),
    ]);
  });

  it('retries through Consul errors without reporting an empty list, then follows changes', async () => {
    consul.entries = [entry('news-1', 3004)];
    consul.failNext = 2;
    watcher.start();
    expect((await nextUpdate(1)).map((i) => i.id)).toEqual(['news-1']);
    expect(errors).toBe(2);
    expect(watcher.ready).toBe(true);
    await consul.parked();
    consul.publish([entry('news-1', 3004), entry('news-5', 3008)]);
    expect((await nextUpdate(2)).map((i) => i.id)).toEqual(['news-1', 'news-5']);
  });

  it('is not ready before the first successful answer', async () => {
    consul.failNext = 1000;
    watcher.start();
    await new Promise((r) => setTimeout(r, 50));
    expect(errors).toBeGreaterThan(0);
    expect(watcher.ready).toBe(false);
    expect(updates).toEqual([]);
  });
});
