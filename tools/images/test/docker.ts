import { execFile, execFileSync, spawn } from 'node:child_process';

/**
 * Tests that need a Docker engine run wherever one answers. With CI=true a missing engine is
 * a failure; elsewhere the suite is skipped with one line that says what is missing.
 */
export function engineOrReason(): string | undefined {
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      stdio: 'pipe',
      timeout: 15_000,
    });
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    return e.code === 'ENOENT'
      ? 'no Docker client on PATH (install docker.io)'
      : `the Docker engine does not answer (${(e.stderr?.toString() ?? '').trim().split('\n')[0]})`;
  }
}

/** `describe` when the engine answers; otherwise a failing test under CI, a noted skip elsewhere. */
export function describeWithEngine(name: string, body: () => void): void {
  const missing = engineOrReason();
  if (!missing) return describe(name, body);
  if (process.env.CI === 'true') {
    return describe(name, () => {
      it('needs a Docker engine', () => {
        throw new Error(`${name}: ${missing}; CI must provide one (.ci/run starts dockerd)`);
      });
    });
  }
  console.warn(`skipping "${name}": ${missing}`);
  describe.skip(name, body);
}

export function docker(args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'docker',
      args,
      { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) =>
        err
          ? reject(new Error(`docker ${args.slice(0, 3).join(' ')}…: ${stderr || err.message}`))
          : resolve(stdout.trim()),
    );
  });
}

/** Every path in an image's filesystem (from `docker export` of a container never started). */
export async function imageFiles(image: string): Promise<string[]> {
  const id = await docker(['create', image]);
  try {
    return await new Promise((resolve, reject) => {
      const exp = spawn('docker', ['export', id], { stdio: ['ignore', 'pipe', 'inherit'] });
      const tar = spawn('tar', ['-t'], { stdio: ['pipe', 'pipe', 'inherit'] });
      exp.stdout.pipe(tar.stdin);
      let out = '';
      tar.stdout.on('data', (d: Buffer) => (out += d.toString()));
      tar.on('close', (code) =>
        code === 0 ? resolve(out.split('\n').filter(Boolean)) : reject(new Error(`tar ${code}`)),
      );
    });
  } finally {
    await docker(['rm', id]);
  }
}

export { freePort } from '@lib/platform/testing';

export { until } from '../src/round-trip';
