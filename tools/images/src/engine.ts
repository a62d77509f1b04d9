import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ImageError } from './run';

export const REPO_ROOT = resolve(__dirname, '../../..');
/** Slow-to-make inputs (base root filesystems) are cached with the dev stack's artefacts. */
export const CACHE_DIR =
  process.env.DEVSTACK_CACHE ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'microservices-platform');
export const LOG_DIR = join(REPO_ROOT, '.devstack', 'logs', 'images');

export type EngineStatus = { ok: true; version: string } | { ok: false; why: string };

function docker(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('docker', args, { timeout: 15_000, env: process.env }, (err, stdout, stderr) => {
      const code = err ? ((err as NodeJS.ErrnoException).code === 'ENOENT' ? -1 : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** Whether a Docker engine answers, and if not, what to do about it (one line). */
export async function engineStatus(): Promise<EngineStatus> {
  const res = await docker(['version', '--format', '{{.Server.Version}}']);
  if (res.code === -1) {
    return {
      ok: false,
      why: 'no Docker client on PATH: install Docker (Debian/Ubuntu: `apt-get install docker.io docker-compose`, or Docker Desktop)',
    };
  }
  if (res.code !== 0) {
    const where = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
    return {
      ok: false,
      why: `the Docker engine does not answer at ${where}: start it (as root: \`dockerd &\` or \`systemctl start docker\`) (${res.stderr.trim().split('\n')[0]})`,
    };
  }
  return { ok: true, version: res.stdout.trim() };
}

export async function requireEngine(): Promise<string> {
  const status = await engineStatus();
  if (!status.ok) throw new ImageError(status.why);
  return status.version;
}

/** The image's id, or undefined when it is not in the local engine. */
export async function imageId(ref: string): Promise<string | undefined> {
  const res = await docker(['image', 'inspect', '--format', '{{.Id}}', ref]);
  return res.code === 0 ? res.stdout.trim() : undefined;
}

export async function imageLabel(ref: string, label: string): Promise<string | undefined> {
  const res = await docker([
    'image',
    'inspect',
    '--format',
    `{{index .Config.Labels ${JSON.stringify(label)}}}`,
    ref,
  ]);
  return res.code === 0 ? res.stdout.trim() : undefined;
}

export async function imageSizeMb(ref: string): Promise<number> {
  const res = await docker(['image', 'inspect', '--format', '{{.Size}}', ref]);
  if (res.code !== 0) throw new ImageError(`no image ${ref}`);
  return Math.round(Number(res.stdout.trim()) / 1e6);
}
