import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@tools/images';
import type { LoadGateOptions } from './args';
import { stateDir } from './state';

/** The figures `npm run load -- --out <file>` writes (tools/load), as far as the gate reads them. */
export interface LoadFigures {
  requests: number;
  errors: number;
  errorRatio: number;
  p99Ms: number;
  rps: number;
}

/**
 * The load gate's verdict: one line per threshold exceeded. The defaults are the SLOs of
 * docs/monitoring.md (99.9 % without error, 99 % within 250 ms); a run that sent nothing fails
 * too, since it proves nothing.
 */
export function gateViolations(
  f: LoadFigures,
  gate: Pick<LoadGateOptions, 'maxErrorRatio' | 'maxP99Ms'>,
): string[] {
  const out: string[] = [];
  if (f.requests === 0) out.push('no request was answered');
  if (f.errorRatio > gate.maxErrorRatio)
    out.push(
      `error ratio ${(f.errorRatio * 100).toFixed(2)} % (${f.errors} of ${f.requests}) above ${(gate.maxErrorRatio * 100).toFixed(2)} %`,
    );
  if (f.p99Ms > gate.maxP99Ms) out.push(`p99 ${f.p99Ms.toFixed(1)} ms above ${gate.maxP99Ms} ms`);
  return out;
}

/**
 * ci:load-gate: a short open-loop run of tools/load through the gateway (readers only: no
 * signups in the environment), then the verdict on its figures.
 */
export async function loadGate(url: string, gate: LoadGateOptions): Promise<void> {
  const out = join(stateDir(), 'load-gate.json');
  mkdirSync(stateDir(), { recursive: true });
  const args = [
    'run',
    '-s',
    'load',
    '--',
    '--url',
    url,
    '--rate',
    String(gate.rate),
    '--duration',
    String(gate.durationS),
    '--ramp-up',
    '2',
    '--ramp-down',
    '0',
    '--purchase-share',
    '0',
    '--out',
    out,
  ];
  console.log(
    `[ci:load-gate] ${gate.rate} req/s for ${gate.durationS} s on ${url}; limits: error ratio ${gate.maxErrorRatio}, p99 ${gate.maxP99Ms} ms`,
  );
  const code = await new Promise<number>((resolve) => {
    const child = spawn('npm', args, { cwd: REPO_ROOT, stdio: 'inherit' });
    child.on('error', () => resolve(1));
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`the load run itself failed (exit ${code})`);
  const figures = JSON.parse(readFileSync(out, 'utf8')) as LoadFigures;
  const violations = gateViolations(figures, gate);
  if (violations.length > 0) throw new Error(`load gate failed: ${violations.join('; ')}`);
  console.log(
    `[ci:load-gate] passed: ${figures.requests} requests, error ratio ${(figures.errorRatio * 100).toFixed(2)} %, p99 ${figures.p99Ms.toFixed(1)} ms`,
  );
}
