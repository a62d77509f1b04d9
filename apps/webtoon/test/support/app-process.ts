import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, waitFor } from '@lib/platform/testing';

const root = resolve(__dirname, '../../../..');

/**
 * A real service as its own process (built by `nx run <name>:build`), so a saga test talks to
 * it only through Kafka and HTTP, and can stop it, kill it and start it again on the same port.
 */
export class AppProcess {
  private child: ChildProcess | undefined;
  private output = '';
  readonly url: Promise<string>;
  /** Its admin port: health and metrics. */
  readonly adminUrl: Promise<string>;
  private readonly port: Promise<number>;
  private readonly adminPort: Promise<number>;

  constructor(
    private readonly name: 'webtoon' | 'payment',
    private readonly env: Record<string, string | undefined>,
  ) {
    this.port = freePort();
    this.url = this.port.then((port) => `http://127.0.0.1:${port}`);
    this.adminPort = this.port.then(() => freePort());
    this.adminUrl = this.adminPort.then((port) => `http://127.0.0.1:${port}`);
  }

  /** The last lines it wrote, for a failure message. */
  get log(): string {
    return this.output;
  }

  async start(): Promise<void> {
    const port = await this.port;
    const child = spawn(
      process.execPath,
      [`dist/apps/${this.name}/apps/${this.name}/src/main.js`],
      {
        cwd: root,
        env: {
          ...this.env,
          PORT: String(port),
          ADMIN_PORT: String(await this.adminPort),
          CONSUL_REGISTER: 'false',
          SHUTDOWN_DRAIN_DELAY_MS: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.child = child;
    const adminUrl = await this.adminUrl;
    await waitFor(
      async () => ((await fetch(`${adminUrl}/health/ready`)).ok ? true : undefined),
      90_000,
      () => `${this.name}: ${this.output}`,
    );
  }

  /** SIGTERM: the graceful shutdown (consumer stops, in-flight events are redelivered). */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  /** SIGKILL: a crash, in the middle of whatever it was doing. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill(signal);
    await exited;
    this.child = undefined;
  }
}
