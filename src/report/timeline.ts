import type { RunResult } from '../run/result.js';

/**
 * The timeline's intervals are whole seconds of the measured window, but the window need not be
 * a whole number of them (3 s minus a 500 ms warm-up leaves 2.5 s): its last interval is then
 * shorter, and its raw count is not a per-interval rate. These helpers give each interval's true
 * length and its throughput as a rate.
 */

/** Length in seconds of each interval of `timeline.tps` (the last one may be partial). */
export function intervalLengths(r: Pick<RunResult, 'timeline' | 'summary'>): number[] {
  const dt = r.timeline.intervalSeconds;
  const n = r.timeline.tps.length;
  return r.timeline.tps.map((_, i) => {
    if (i < n - 1) return dt;
    const rest = r.summary.simulatedSeconds - i * dt;
    // Within float noise of a whole interval (or an older file whose window is unknown): whole.
    return rest > 0 && rest < dt * (1 - 1e-9) ? rest : dt;
  });
}

export interface IntervalRate {
  /** Start of the interval, seconds after the warm-up. */
  t: number;
  /** Length of the interval, seconds (`intervalSeconds` but for a partial last one). */
  seconds: number;
  /** Transactions per second over the interval: its count over its own length. */
  tps: number;
  partial: boolean;
}

/** Throughput of every interval as a rate over its own length (a partial last one scaled). */
export function intervalRates(r: Pick<RunResult, 'timeline' | 'summary'>): IntervalRate[] {
  const dt = r.timeline.intervalSeconds;
  const lengths = intervalLengths(r);
  return r.timeline.tps.map((count, i) => ({ t: i * dt, seconds: lengths[i], tps: count / lengths[i], partial: lengths[i] < dt }));
}

/**
 * The intervals a throughput chart draws: a partial last interval scaled to a rate, unless it is
 * shorter than half an interval, whose few transactions make a noisy rate (then it is left out,
 * but for a window shorter than that: its rate is all there is).
 */
export function chartedRates(r: Pick<RunResult, 'timeline' | 'summary'>): IntervalRate[] {
  const all = intervalRates(r);
  const kept = all.filter((x) => x.seconds >= r.timeline.intervalSeconds / 2);
  return kept.length > 0 ? kept : all;
}
