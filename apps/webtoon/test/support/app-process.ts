import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, waitFor } from '@lib/testing';

const root = resolve(__dirname, '../../../..');
const MAIN = 'dist/apps/payment/apps/payment/src/main.js';

/**
 * The real payment service as its own process (built by `nx run payment:build`), so a saga
 * test talks to it only through Kafka and HTTP, and can stop and restart it.
 */
export class PaymentProcess {
  private child: ChildProcess | undefined;
  private output = '';
  readonly url: Promise<string>;
  private readonly port: Promise<number>;

  constructor(private readonly env: Record<string, string | undefined>) {
    this.port = freePort();
    this.url = this.port.then((port) => `http://127.0.0.1:${port}`);
  }

  async start(): Promise<void> {
    const port = await this.port;
    const child = spawn(process.execPath, [MAIN], {
      cwd: root,
      env: {
        ...this.env,
        PORT: String(port),
        CONSUL_REGISTER: 'false',
        SHUTDOWN_DRAIN_DELAY_MS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.child = child;
    const url = await this.url;
    await waitFor(
      async () => ((await fetch(`${url}/health/ready`)).ok ? true : undefined),
      60_000,
      () => this.output,
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
    this.child = undefined;
  }
}
