import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class ImageError extends Error {}

/** Lines on stderr with the time since the command started, like the dev stack's progress. */
export class Progress {
  private readonly started = Date.now();

  constructor(private readonly quiet = false) {}

  line(what: string, message: string): void {
    if (!this.quiet) process.stderr.write(`[images] ${what.padEnd(10)} ${message}\n`);
  }

  since(start = this.started): string {
    return seconds(Date.now() - start);
  }
}

export function seconds(ms: number): string {
  return ms >= 60_000
    ? `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`
    : `${(ms / 1000).toFixed(1)}s`;
}

export interface RunOptions {
  /** Everything the command prints is appended here. */
  log: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called with each line of output (progress). */
  onLine?: (line: string) => void;
  /** Fed to the command's stdin: a string, or a producer process's stdout. */
  input?: string | NodeJS.ReadableStream;
}

export interface RunResult {
  stdout: string;
  /** stdout and stderr interleaved, for error messages. */
  output: string;
}

/** Runs a command to completion; on failure rejects with its exit code and last lines. */
export function run(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  mkdirSync(dirname(opts.log), { recursive: true });
  appendFileSync(opts.log, `$ ${cmd} ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let output = '';
    let partial = '';
    const onData = (isStdout: boolean) => (chunk: Buffer) => {
      const text = chunk.toString();
      appendFileSync(opts.log, text);
      if (isStdout) stdout += text;
      output = (output + text).slice(-64 * 1024);
      if (opts.onLine) {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) opts.onLine(line);
      }
    };
    child.stdout?.on('data', onData(true));
    child.stderr?.on('data', onData(false));
    if (typeof opts.input === 'string') child.stdin?.end(opts.input);
    else if (opts.input && child.stdin) opts.input.pipe(child.stdin);
    child.on('error', (err) =>
      reject(
        new ImageError(
          `cannot run ${cmd} (${(err as NodeJS.ErrnoException).code}): is it installed and on PATH?`,
        ),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) return resolve({ stdout, output });
      const last = output.trimEnd().split('\n').slice(-12).join('\n');
      reject(
        new ImageError(
          `\`${cmd} ${args.slice(0, 4).join(' ')}…\` exited with code ${code} (log: ${opts.log})\n${last}`,
        ),
      );
    });
  });
}

export function resetLog(log: string): void {
  mkdirSync(dirname(log), { recursive: true });
  writeFileSync(log, '');
}
