import { createServer } from 'node:net';

/**
 * Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`
 * with the last error and, if given, what `context()` says (e.g. a child process's output).
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  context?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const reason = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
  throw new Error(
    `condition not met within ${timeoutMs} ms${reason}${context ? `\n${context()}` : ''}`,
  );
}

const handedOut = new Set<number>();

/** Whether a server can listen on `port` on loopback right now. */
async function canListen(port: number): Promise<boolean> {
  const server = createServer();
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (listening) await new Promise((resolve) => server.close(resolve));
  return listening;
}

/**
 * A TCP port that was free a moment ago on loopback, from 20000–29999: below the kernel's
 * ephemeral ports (32768 and up on Linux), which outgoing connections take their local ports
 * from, so an app that binds it seconds later does not find it taken by a connection opened
 * meanwhile; and below Kubernetes' NodePorts (30000 and up).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    // Never the same port twice to one process: several asked at once are all still free.
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port in 20000-29999 on 127.0.0.1');
}
