import { SCALED, type Sample, type ScaleDemoResult } from './scale-demo';

const fixed = (v: number | undefined, digits = 0) => (v === undefined ? '–' : v.toFixed(digits));

/** Every Deployment, the scaled one first. */
function names(result: ScaleDemoResult): string[] {
  return [
    SCALED,
    ...Object.keys(result.baseline)
      .filter((n) => n !== SCALED)
      .sort(),
  ];
}

/** One line per sample for the terminal. */
export function sampleLine(s: Sample): string {
  const others = Object.keys(s.replicas)
    .filter((n) => n !== SCALED)
    .sort()
    .map((n) => `${n} ${s.replicas[n]}`)
    .join(' ');
  return [
    `${String(s.t).padStart(4)} s`,
    s.phase.padEnd(5),
    `${SCALED} ${s.ready[SCALED]}/${s.replicas[SCALED]}`,
    `cpu ${fixed(s.webtoonCpuMilli).padStart(4)}m`,
    `hpa ${fixed(s.hpaUtilization).padStart(3)} % → ${fixed(s.hpaDesired)}`,
    `${fixed(s.rps).padStart(4)} req/s`,
    `p95 ${fixed(s.p95Ms).padStart(5)} ms`,
    `| ${others}`,
  ].join('  ');
}

/** The timeline as a markdown table: replicas per Deployment, webtoon's CPU, the load. */
export function timelineTable(result: ScaleDemoResult): string {
  const cols = names(result);
  const head = [
    't (s)',
    'phase',
    `${SCALED} ready/wanted`,
    ...cols.slice(1),
    `${SCALED} CPU (m)`,
    'HPA CPU %',
    'req/s',
    'p95 ms',
    'errors',
  ];
  const rows = result.samples.map((s) => [
    String(s.t),
    s.phase,
    `${s.ready[SCALED]}/${s.replicas[SCALED]}`,
    ...cols.slice(1).map((n) => String(s.replicas[n])),
    fixed(s.webtoonCpuMilli),
    fixed(s.hpaUtilization),
    fixed(s.rps),
    fixed(s.p95Ms),
    fixed(s.errors),
  ]);
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export function summary(result: ScaleDemoResult): string[] {
  const { hpa, figures } = result;
  const lines = [
    `load: ${result.load.rate} req/s (open loop), ramp ${result.load.rampUpS} s, hold ${result.load.holdS} s, down ${result.load.rampDownS} s; ended at ${result.loadEndedAtS} s`,
    `HPA: ${hpa.min}–${hpa.max} pods, target ${hpa.targetUtilization} % of ${hpa.cpuRequestMilli}m (${(hpa.targetUtilization * hpa.cpuRequestMilli) / 100}m per pod)`,
    `${SCALED}: ${hpa.min} → ${result.maxWebtoonReplicas} pods, first scale-out at ${result.scaledOutAtS ?? '–'} s, back at ${hpa.min} at ${result.scaledInAtS ?? '– (not within the bound)'} s${result.scaledInAtS !== undefined ? ` (${result.scaledInAtS - result.loadEndedAtS} s after the load)` : ''}`,
    result.othersChanged.length === 0
      ? `every other Deployment kept its replicas: ${Object.entries(result.baseline)
          .filter(([n]) => n !== SCALED)
          .map(([n, r]) => `${n} ${r}`)
          .join(', ')}`
      : `CHANGED besides ${SCALED}: ${result.othersChanged.join(', ')}`,
  ];
  if (figures) {
    const statuses: Record<string, number> = {};
    for (const e of Object.values(figures.endpoints))
      for (const [s, n] of Object.entries(e.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
    lines.push(
      `load generator: ${figures.requests} requests, ${figures.rps.toFixed(1)} req/s, p50 ${figures.p50Ms.toFixed(1)} ms, p99 ${figures.p99Ms.toFixed(1)} ms, error ratio ${(figures.errorRatio * 100).toFixed(2)} % (${Object.entries(
        statuses,
      )
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')})`,
    );
  }
  return lines;
}

interface Series {
  label: string;
  color: string;
  width: number;
  points: [number, number | undefined][];
  step?: boolean;
  dashed?: boolean;
}

/** 1, 2 or 5 times a power of ten, at least `v`: an axis maximum with readable halves. */
export function niceMax(v: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(v, 1e-9)));
  return [1, 2, 5].map((m) => m * power).find((c) => c >= v) ?? 10 * power;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A panel of the chart: its own y scale from 0 to `yMax`, the shared time axis. */
function panel(
  title: string,
  series: Series[],
  yMax: number,
  top: number,
  tMax: number,
  loadEnd: number,
): string {
  const left = 60;
  const width = 640;
  const height = 110;
  const x = (t: number) => left + (t / tMax) * width;
  const y = (v: number) => top + height - (v / yMax) * height;
  const label = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
  const parts = [
    `<text x="${left}" y="${top - 8}" font-size="13" font-weight="bold">${esc(title)}</text>`,
    `<rect x="${x(0)}" y="${top}" width="${x(loadEnd) - x(0)}" height="${height}" fill="#f3f0e6"/>`,
    `<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#999"/>`,
  ];
  for (const frac of [0, 0.5, 1]) {
    const v = yMax * frac;
    parts.push(
      `<text x="${left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${label(v)}</text>`,
    );
  }
  series.forEach((s, i) => {
    let d = '';
    let prev: [number, number] | undefined;
    for (const [t, v] of s.points) {
      if (v === undefined) {
        prev = undefined;
        continue;
      }
      const px = x(t);
      const py = y(Math.min(v, yMax));
      if (!prev) d += `M${px.toFixed(1)},${py.toFixed(1)}`;
      else if (s.step) d += `H${px.toFixed(1)}V${py.toFixed(1)}`;
      else d += `L${px.toFixed(1)},${py.toFixed(1)}`;
      prev = [px, py];
    }
    if (d)
      parts.push(
        `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width}"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    parts.push(
      `<text x="${left + width + 8}" y="${top + 12 + i * 14}" font-size="11" fill="${s.color}">${esc(s.label)}</text>`,
    );
  });
  return parts.join('\n');
}

/**
 * The demo as an SVG: replicas per Deployment, webtoon's CPU against the HPA's target, and
 * what the load generator saw (req/s, p95), over the same time axis; the load's span shaded.
 */
export function timelineSvg(result: ScaleDemoResult): string {
  const { samples, hpa } = result;
  const tMax = Math.max(1, ...samples.map((s) => s.t));
  const pts = (f: (s: Sample) => number | undefined) =>
    samples.map((s) => [s.t, f(s)] as [number, number | undefined]);
  const others = names(result).slice(1);
  const grey = ['#777', '#999', '#555', '#aaa', '#888', '#666', '#bbb'];
  const maxReplicas = Math.max(hpa.max, ...samples.flatMap((s) => Object.values(s.replicas)));
  const maxCpu = Math.max(hpa.targetUtilization * 2, ...samples.map((s) => s.hpaUtilization ?? 0));
  const maxRps = Math.max(1, ...samples.map((s) => s.rps ?? 0));
  const maxP95 = Math.max(1, ...samples.map((s) => s.p95Ms ?? 0));
  const panels = [
    panel(
      'Replicas wanted per Deployment',
      [
        {
          label: SCALED,
          color: '#c0392b',
          width: 3,
          step: true,
          points: pts((s) => s.replicas[SCALED]),
        },
        {
          label: `${SCALED} ready`,
          color: '#e67e22',
          width: 1.5,
          step: true,
          dashed: true,
          points: pts((s) => s.ready[SCALED]),
        },
        ...others.map((n, i) => ({
          label: n,
          color: grey[i % grey.length],
          width: 1,
          step: true,
          points: pts((s) => s.replicas[n] + (i + 1) * 0.04),
        })),
      ],
      niceMax(maxReplicas + 0.5),
      52,
      tMax,
      result.loadEndedAtS,
    ),
    panel(
      `${SCALED} CPU, % of its request (HPA)`,
      [
        { label: 'CPU %', color: '#2c7fb8', width: 2, points: pts((s) => s.hpaUtilization) },
        {
          label: `target ${hpa.targetUtilization} %`,
          color: '#c0392b',
          width: 1,
          dashed: true,
          points: [
            [0, hpa.targetUtilization],
            [tMax, hpa.targetUtilization],
          ],
        },
      ],
      niceMax(maxCpu),
      202,
      tMax,
      result.loadEndedAtS,
    ),
    panel(
      'Load generator: requests per second',
      [{ label: 'req/s', color: '#27ae60', width: 2, points: pts((s) => s.rps) }],
      niceMax(maxRps * 1.1),
      352,
      tMax,
      result.loadEndedAtS,
    ),
    panel(
      'Load generator: p95 latency (ms)',
      [{ label: 'p95 ms', color: '#8e44ad', width: 2, points: pts((s) => s.p95Ms) }],
      niceMax(maxP95 * 1.1),
      502,
      tMax,
      result.loadEndedAtS,
    ),
  ];
  const ticks: string[] = [];
  const step = tMax > 300 ? 60 : 30;
  for (let t = 0; t <= tMax; t += step) {
    const px = 60 + (t / tMax) * 640;
    ticks.push(
      `<text x="${px.toFixed(1)}" y="630" font-size="11" text-anchor="middle">${t}</text>`,
    );
  }
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="820" height="660" viewBox="0 0 820 660" font-family="sans-serif">',
    '<rect width="820" height="660" fill="#fff"/>',
    `<text x="60" y="18" font-size="14">Scaling demo, ${esc(result.startedAt.slice(0, 16).replace('T', ' '))} UTC: shaded = load generator running</text>`,
    ...panels,
    ...ticks,
    '<text x="380" y="648" font-size="11" text-anchor="middle">seconds since the load generator started</text>',
    '</svg>',
    '',
  ].join('\n');
}

/** The whole report as markdown, the chart beside it as `chartFile`. */
export function reportMarkdown(result: ScaleDemoResult, chartFile: string): string {
  return [
    '# Scaling demo report',
    '',
    ...summary(result).map((l) => `- ${l}`),
    '',
    `![replicas, CPU, req/s and p95 over time](${chartFile})`,
    '',
    timelineTable(result),
    '',
  ].join('\n');
}
