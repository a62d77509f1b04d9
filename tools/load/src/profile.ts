/**
 * The load's shape over time: ramp up linearly to the target, hold it, ramp down to zero.
 * In open-loop mode the target is a rate (requests/s); in closed-loop mode it is a number of
 * connections, each sending its next request when the last one answered.
 */
export interface Stages {
  rampUpS: number;
  holdS: number;
  rampDownS: number;
}

export function totalSeconds(stages: Stages): number {
  return stages.rampUpS + stages.holdS + stages.rampDownS;
}

/** The target's share (0–1) at `t` seconds after the start. */
export function levelAt(stages: Stages, t: number): number {
  const { rampUpS, holdS, rampDownS } = stages;
  if (t < 0 || t >= totalSeconds(stages)) return 0;
  if (t < rampUpS) return t / rampUpS;
  if (t < rampUpS + holdS) return 1;
  return 1 - (t - rampUpS - holdS) / rampDownS;
}

/**
 * The moments (seconds after the start) at which an open-loop load sends its requests: the
 * n-th request goes when the integral of the rate reaches n, so the count sent by any moment
 * does not depend on how fast the machine answers (that is what makes the loop open).
 */
export function arrivals(stages: Stages, rate: number): number[] {
  const times: number[] = [];
  const end = totalSeconds(stages);
  const step = 1 / Math.max(rate * 20, 100);
  let sent = 0;
  let area = 0;
  for (let t = 0; t < end; t += step) {
    area += rate * levelAt(stages, t + step / 2) * step;
    while (area >= sent + 1 - 1e-9) {
      times.push(t + step);
      sent++;
    }
  }
  return times;
}
