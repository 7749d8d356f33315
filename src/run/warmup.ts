import { formatDuration, parseDuration } from '../engine/duration.js';

/**
 * Warm-up (initial transient) detection by MSER-5 (White 1997; White, Cobb and Spratt 2000):
 * average the output series in batches of 5, then truncate the d batches that minimise
 *   MSER(d) = Σ_{i>d} (Y_i - Ȳ_d)^2 / (n - d)^2,
 * the squared standard error of the truncated mean, over d <= n/2 (beyond half the series the
 * statistic is unreliable and the run is too short for its transient).
 */

export interface MserResult {
  /** Raw observations to discard (a multiple of the batch size). */
  truncate: number;
  /** Batches discarded and batches in all. */
  batchesDropped: number;
  batches: number;
  /** True if the minimum fell at the n/2 limit: the run may be too short for its transient. */
  atLimit: boolean;
}

/** MSER on a series of batch means (no further batching): the number of leading values to drop. */
export function mser(y: ArrayLike<number>): { d: number; atLimit: boolean } {
  const n = y.length;
  if (n < 2) return { d: 0, atLimit: false };
  // Suffix sums give each candidate's mean and sum of squares in O(1).
  const suf = new Float64Array(n + 1);
  const suf2 = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i--) {
    suf[i] = suf[i + 1] + y[i];
    suf2[i] = suf2[i + 1] + y[i] * y[i];
  }
  const dMax = Math.floor(n / 2);
  let best = 0;
  let bestVal = Infinity;
  for (let d = 0; d <= dMax; d++) {
    const k = n - d;
    const mean = suf[d] / k;
    const ss = Math.max(0, suf2[d] - k * mean * mean);
    const v = ss / (k * k);
    if (v < bestVal) {
      bestVal = v;
      best = d;
    }
  }
  return { d: best, atLimit: best === dMax && dMax > 0 };
}

/** MSER-5 on a raw series: batch means of 5, then MSER. */
export function mser5(series: ArrayLike<number>, batch = 5): MserResult {
  const batches = Math.floor(series.length / batch);
  const y = new Float64Array(batches);
  for (let b = 0; b < batches; b++) {
    let s = 0;
    for (let i = b * batch; i < (b + 1) * batch; i++) s += series[i];
    y[b] = s / batch;
  }
  const { d, atLimit } = mser(y);
  return { truncate: d * batch, batchesDropped: d, batches, atLimit };
}

/**
 * MSER-5 on a latency series kept as per-interval sums and counts: each batch of 5 intervals
 * becomes the mean response of the transactions completed in it (empty batches repeat the
 * previous mean, so they add no spurious variation).
 */
export function mser5Weighted(sums: ArrayLike<number>, counts: ArrayLike<number>, batch = 5): MserResult {
  const batches = Math.floor(sums.length / batch);
  const y = new Float64Array(batches);
  let prev = 0;
  let seen = false;
  for (let b = 0; b < batches; b++) {
    let s = 0;
    let c = 0;
    for (let i = b * batch; i < (b + 1) * batch; i++) {
      s += sums[i];
      c += counts[i];
    }
    if (c > 0) {
      prev = s / c;
      if (!seen) for (let j = 0; j < b; j++) y[j] = prev; // leading empty batches take the first mean
      seen = true;
    }
    y[b] = prev;
  }
  const { d, atLimit } = mser(y);
  return { truncate: d * batch, batchesDropped: d, batches, atLimit };
}

/**
 * Fewer mean transaction latencies than this in a fixed warm-up may leave the start-up transient
 * in the figures: with 2.5 (1 s against 0.4 s, read_write with the pool at 1,024 clients) p99 came
 * out 885 ms instead of 412; with 5 and more the figures no longer moved (docs/VALIDATION.md).
 */
export const WARMUP_LATENCIES = 5;

/**
 * A warning when a fixed warm-up is short next to the transactions' mean latency, else undefined.
 * `warmup: "auto"` chooses its own (MSER-5) and is not checked.
 */
export function shortWarmupWarning(r: { scenario: { warmup: string }; summary: { warmupSeconds: number }; latency: { all: { count: number; mean: number } } }): string | undefined {
  if (r.scenario.warmup === 'auto' || r.latency.all.count === 0) return undefined;
  const latencyUs = r.latency.all.mean * 1000;
  const warmupUs = r.summary.warmupSeconds * 1e6;
  const needUs = WARMUP_LATENCIES * latencyUs;
  // The tolerance keeps a warm-up of exactly the suggested figure from warning again.
  if (warmupUs >= needUs * (1 - 1e-9)) return undefined;
  // Suggested: rounded up to 3 significant digits, so that it is enough as printed.
  const step = 10 ** (Math.floor(Math.log10(needUs)) - 2);
  return (
    `the warm-up (${formatDuration(warmupUs)}) is shorter than ${WARMUP_LATENCIES} mean transaction latencies ` +
    `(${WARMUP_LATENCIES} x ${formatDuration(latencyUs)}): the start-up transient may still be in the figures, the tail first; ` +
    `use a warm-up of ${formatDuration(Math.ceil(needUs / step) * step)} or more, or "warmup": "auto"`
  );
}

/** shortWarmupWarning for the points of a sweep or tune (the warm-up may itself be varied): how many, and the worst. */
export function pointsWarmupWarning(
  points: ReadonlyArray<{ values: Record<string, number | string | boolean>; summary: { mean: number } }>,
  baseWarmup: string,
): string | undefined {
  let worst: { at: string; text: string } | undefined;
  let worstRatio = 0;
  let count = 0;
  for (const p of points) {
    const warmup = String(p.values.warmup ?? baseWarmup);
    const seconds = warmup === 'auto' ? 0 : parseDuration(warmup) / 1e6;
    const text = shortWarmupWarning({ scenario: { warmup }, summary: { warmupSeconds: seconds }, latency: { all: { count: 1, mean: p.summary.mean } } });
    if (text === undefined) continue;
    count++;
    const ratio = p.summary.mean / 1000 / Math.max(seconds, 1e-12);
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = { at: Object.entries(p.values).map(([k, v]) => `${k}=${String(v)}`).join(', '), text };
    }
  }
  if (worst === undefined) return undefined;
  const where = count === points.length ? 'every point' : `${count} of ${points.length} points`;
  return `at ${where}; the worst, ${worst.at}: ${worst.text}`;
}
