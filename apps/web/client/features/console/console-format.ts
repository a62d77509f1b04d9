/** The console's figures as short text; null means Prometheus had no value (no traffic yet). */
export function perSecond(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return `${value < 10 ? value.toFixed(2) : Math.round(value)} req/s`;
}

export function ratio(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return `${(value * 100).toFixed(value > 0 && value < 0.01 ? 2 : 1)} %`;
}

export function milliseconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '–';
  const ms = seconds * 1000;
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/** SVG polyline points for `values` in a `width` × `height` box, the top at the largest value. */
export function sparklinePoints(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return '';
  const top = Math.max(...values);
  const x = (i: number) => (values.length === 1 ? width : (i / (values.length - 1)) * width);
  // A flat zero line sits at the bottom; one pixel of margin keeps the stroke inside the box.
  const y = (v: number) => (top > 0 ? height - 1 - (v / top) * (height - 2) : height - 1);
  return values.map((v, i) => `${round(x(i))},${round(y(v))}`).join(' ');
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
