/** Line-oriented progress on stderr (stdout stays clean for `status`), with timings. */
export class Progress {
  private readonly started = Date.now();

  constructor(
    private readonly quiet = false,
    private readonly tool = 'devstack',
  ) {}

  line(component: string, message: string): void {
    if (!this.quiet) process.stderr.write(`[${this.tool}] ${component.padEnd(10)} ${message}\n`);
  }

  elapsed(): string {
    return seconds(Date.now() - this.started);
  }

  /** Announces a long step and repeats a heartbeat every 30 s until the returned callback runs. */
  longTask(component: string, message: string): () => void {
    const start = Date.now();
    this.line(component, `${message}…`);
    const timer = setInterval(
      () => this.line(component, `still ${message.split(' ')[0]}… ${seconds(Date.now() - start)}`),
      30_000,
    );
    return () => {
      clearInterval(timer);
      this.line(component, `${message.split(' ')[0]} done in ${seconds(Date.now() - start)}`);
    };
  }
}

export function seconds(ms: number): string {
  return ms >= 60_000
    ? `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`
    : `${(ms / 1000).toFixed(1)}s`;
}

/** Rows as aligned columns (two spaces apart), the first row being the header. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
