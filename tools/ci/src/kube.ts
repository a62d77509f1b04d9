import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@tools/images';

const execFileAsync = promisify(execFile);

/** kubectl from `KUBECTL` (the dev cluster's cluster.env sets it) or the PATH; KUBECONFIG as set. */
export function kubectlPath(): string {
  return process.env.KUBECTL || 'kubectl';
}

/** Runs kubectl; resolves with stdout, rejects with its stderr. */
export function kubectl(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlPath(), args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new Error(`kubectl: ${e.message}`)));
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(
            new Error(`kubectl ${args.slice(0, 3).join(' ')} … exited with ${code}: ${err.trim()}`),
          ),
    );
    child.stdin.end(input ?? '');
  });
}

export async function kubectlJson<T>(args: string[]): Promise<T> {
  return JSON.parse(await kubectl([...args, '-o', 'json'])) as T;
}

export async function git(args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, {
    cwd: REPO_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.trim();
}
