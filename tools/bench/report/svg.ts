// Small, dependency-free SVG charts for docs/benchmarks.md: horizontal bars (one or more
// series per label, an optional goal line) and latency distributions (percentile curves).

const FONT = 'font-family="system-ui, sans-serif" font-size="12"';
const COLOURS = ['#2b6cb0', '#dd6b20', '#38a169', '#805ad5', '#e53e3e', '#718096'];

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const round = (n: number): string => (Math.round(n * 10) / 10).toString();

/** A round number ≥ max for the axis end: 1, 2 or 5 × a power of ten. */
function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * power).find((v) => v >= max) ?? 10 * power;
}

function legend(series: string[], x: number, y: number): string {
  return series
    .map(
      (name, i) =>
        `<rect x="${x + i * 170}" y="${y - 10}" width="12" height="12" fill="${COLOURS[i % COLOURS.length]}"/>` +
        `<text x="${x + i * 170 + 18}" y="${y}" ${FONT}>${escape(name)}</text>`,
    )
    .join('');
}

export interface BarChart {
  title: string;
  unit: string;
  /** Names of the series; each bar row has one value per series. */
  series: string[];
  rows: { label: string; values: number[] }[];
  /** A vertical line at the goal, labelled. */
  goal?: { value: number; label: string };
}

export function barChart(chart: BarChart): string {
  const labelWidth = 330;
  const plotWidth = 420;
  const barHeight = 16;
  const rowHeight = chart.series.length * barHeight + 10;
  const top = chart.series.length > 1 ? 52 : 34;
  const height = top + chart.rows.length * rowHeight + 30;
  const max = niceMax(
    Math.max(
      chart.goal?.value ?? 0,
      ...chart.rows.flatMap((r) => r.values.filter(Number.isFinite)),
    ),
  );
  const x = (v: number) => labelWidth + (v / max) * plotWidth;
  const parts: string[] = [
    `<text x="10" y="20" ${FONT} font-weight="bold">${escape(chart.title)}</text>`,
  ];
  if (chart.series.length > 1) parts.push(legend(chart.series, 10, 40));
  chart.rows.forEach((row, r) => {
    const y0 = top + r * rowHeight;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y0 + (chart.series.length * barHeight) / 2 + 4}" text-anchor="end" ${FONT}>${escape(row.label)}</text>`,
    );
    row.values.forEach((value, s) => {
      if (!Number.isFinite(value)) return;
      const y = y0 + s * barHeight;
      parts.push(
        `<rect x="${labelWidth}" y="${y}" width="${round(x(value) - labelWidth)}" height="${barHeight - 3}" fill="${COLOURS[s % COLOURS.length]}"/>`,
        `<text x="${round(x(value) + 4)}" y="${y + barHeight - 5}" ${FONT}>${escape(format(value))}</text>`,
      );
    });
  });
  const axisY = top + chart.rows.length * rowHeight;
  parts.push(
    `<line x1="${labelWidth}" y1="${axisY}" x2="${labelWidth + plotWidth}" y2="${axisY}" stroke="#999"/>`,
  );
  for (const tick of [0, 0.25, 0.5, 0.75, 1].map((f) => f * max)) {
    parts.push(
      `<text x="${round(x(tick))}" y="${axisY + 16}" text-anchor="middle" ${FONT} fill="#555">${escape(format(tick))}</text>`,
    );
  }
  parts.push(
    `<text x="${labelWidth + plotWidth + 22}" y="${axisY + 16}" ${FONT} fill="#555">${escape(chart.unit)}</text>`,
  );
  if (chart.goal) {
    const gx = round(x(chart.goal.value));
    parts.push(
      `<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${axisY}" stroke="#c53030" stroke-dasharray="4 3"/>`,
      `<text x="${gx}" y="${top - 10}" text-anchor="middle" ${FONT} fill="#c53030">${escape(chart.goal.label)}</text>`,
    );
  }
  return svg(labelWidth + plotWidth + 70, height, parts);
}

export interface LatencyChart {
  title: string;
  /** Each series: its latencies in ms, any order. */
  series: { name: string; values: number[] }[];
  /** Vertical goal lines, e.g. p99 ≤ 100 ms. */
  goals?: { value: number; label: string }[];
}

/**
 * Latency distribution: x is the latency (ms), y the share of requests at or below it, so the
 * p50 and p99 read off where a curve crosses 50 % and 99 %.
 */
export function latencyChart(chart: LatencyChart): string {
  const left = 50;
  const top = 52;
  const width = 640;
  const height = 260;
  // The axis ends past the largest p99, not at the slowest outlier, which would squash the rest.
  const p99s = chart.series.map((s) => {
    const sorted = [...s.values].sort((a, b) => a - b);
    return sorted[Math.max(0, Math.ceil(sorted.length * 0.99) - 1)] ?? 0;
  });
  const max = niceMax(
    Math.max(...p99s.map((p) => p * 1.2), ...(chart.goals ?? []).map((g) => g.value)),
  );
  const x = (ms: number) => left + (Math.min(ms, max) / max) * width;
  const y = (share: number) => top + (1 - share) * height;
  const parts: string[] = [
    `<text x="10" y="20" ${FONT} font-weight="bold">${escape(chart.title)}</text>`,
    legend(
      chart.series.map((s) => s.name),
      10,
      40,
    ),
    `<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#999"/>`,
  ];
  for (const share of [0.5, 0.9, 0.99]) {
    parts.push(
      `<line x1="${left}" y1="${round(y(share))}" x2="${left + width}" y2="${round(y(share))}" stroke="#ddd"/>`,
      `<text x="${left - 4}" y="${round(y(share) + 4)}" text-anchor="end" ${FONT} fill="#555">p${Math.round(share * 100)}</text>`,
    );
  }
  for (const tick of [0, 0.25, 0.5, 0.75, 1].map((f) => f * max)) {
    parts.push(
      `<text x="${round(x(tick))}" y="${top + height + 16}" text-anchor="middle" ${FONT} fill="#555">${escape(format(tick))}</text>`,
    );
  }
  parts.push(
    `<text x="${left + width + 14}" y="${top + height + 16}" ${FONT} fill="#555">ms</text>`,
    `<text x="${left + width}" y="${top - 4}" text-anchor="end" ${FONT} fill="#555">slower ones drawn at the right edge</text>`,
  );
  chart.series.forEach((series, s) => {
    const sorted = [...series.values].sort((a, b) => a - b);
    const points = sorted.map((ms, i) => `${round(x(ms))},${round(y((i + 1) / sorted.length))}`);
    parts.push(
      `<polyline points="${round(x(sorted[0] ?? 0))},${round(y(0))} ${points.join(' ')}" fill="none" stroke="${COLOURS[s % COLOURS.length]}" stroke-width="2"/>`,
    );
  });
  // Labels to the right of their line, one row each, so close goals do not overprint.
  (chart.goals ?? []).forEach((goal, i) => {
    const gx = round(x(goal.value));
    parts.push(
      `<line x1="${gx}" y1="${top}" x2="${gx}" y2="${top + height}" stroke="#c53030" stroke-dasharray="4 3"/>`,
      `<text x="${round(x(goal.value) + 4)}" y="${top + 28 + i * 14}" ${FONT} fill="#c53030">${escape(goal.label)}</text>`,
    );
  });
  return svg(left + width + 40, top + height + 30, parts);
}

function format(value: number): string {
  if (value >= 10_000) return `${Math.round(value / 1000)}k`;
  if (value >= 100) return String(Math.round(value));
  return String(Math.round(value * 10) / 10);
}

function svg(width: number, height: number, parts: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
