import * as hdr from 'hdr-histogram-js';
import { meanCi, normalCdfExact } from '../stats/confidence.js';
import { round6 } from '../stats/latency.js';
import { mser5Weighted } from './warmup.js';
import type { LatencyStats } from './result.js';

/**
 * Output analysis of one run or of a set of replications: intervals for the mean and the
 * percentiles of transaction latency that hold for correlated output, the correlation of the
 * output (batch means and the von Neumann test), and the start-up transient left in the window.
 *
 * One run: the measured window is cut into CELLS equal time cells (count and latency sum each),
 * grouped into BATCHES batches of equal length, each with its own latency histogram.
 *  - mean: non-overlapping batch means (Law, Simulation Modeling and Analysis, 5th ed., 9.5.3):
 *    the run's mean ± t_{b-1} s_b / sqrt(b), s_b the spread of the batch means;
 *  - percentiles: the whole window's percentile, with bounds from batch means of the indicator
 *    "at or below it", inverted through the window's distribution (OutputRecorder.percentileInterval).
 * Both are valid when the batches are long next to the output's correlation time: the
 * `correlation` block says whether they were (von Neumann 1941 ratio test of batch means,
 * doubling the batch length until independence is accepted, as Fishman's LABATCH does).
 * Replications: replications as sections (Asmussen and Glynn, Stochastic Simulation, 2007,
 * III.5; Nakayama, ACM TOMACS 24 (2014)): the t interval of their means, and for a percentile
 * the pooled histogram's percentile ± t_{n-1} s_q / sqrt(n), s_q the spread of the
 * replications' own percentiles (valid when each replication is long next to its correlation).
 */

/** Time cells of the measured window (20 x 64: batch lengths can double six times). */
export const CELLS = 1280;
/** Batches of the intervals (t with 19 df: 2.09 against the normal's 1.96). */
export const BATCHES = 20;
/** Fewer independent batches than this in the measured window: the run is too short for its correlation. */
export const MIN_INDEPENDENT_BATCHES = 100;
/** One-sided level of the von Neumann test of batch independence. */
const VN_ALPHA = 0.05;

/** Percentiles with intervals (the LatencyStats keys). */
export const PERCENTILES = [
  ['p50', 50],
  ['p95', 95],
  ['p99', 99],
  ['p999', 99.9],
] as const;
export type PercentileKey = (typeof PERCENTILES)[number][0];

/** Latency histogram buckets: 512 per power of two (0.14% wide), from 2^-10 µs to 2^30 µs. */
const PER_OCTAVE = 512;
const LOG_MIN = -10;
const BUCKETS = 40 * PER_OCTAVE;

/**
 * Per-cell counts and sums and per-batch histograms of transaction latency over the measured
 * window: preallocated, nothing allocated per transaction.
 */
export class OutputRecorder {
  readonly counts = new Float64Array(CELLS);
  readonly sums = new Float64Array(CELLS);
  readonly hist = new Uint32Array(BATCHES * BUCKETS);
  readonly cellUs: number;

  constructor(readonly windowUs: number) {
    this.cellUs = windowUs / CELLS;
  }

  /** A transaction completed `sinceStartUs` into the window with this response time. */
  record(sinceStartUs: number, responseUs: number): void {
    let cell = Math.floor(sinceStartUs / this.cellUs);
    if (cell < 0) cell = 0;
    else if (cell >= CELLS) cell = CELLS - 1;
    this.counts[cell]++;
    this.sums[cell] += responseUs;
    let b = Math.floor((Math.log2(responseUs) - LOG_MIN) * PER_OCTAVE);
    if (!(b >= 0)) b = 0;
    else if (b >= BUCKETS) b = BUCKETS - 1;
    this.hist[Math.floor(cell / (CELLS / BATCHES)) * BUCKETS + b]++;
  }

  /** The bucket holding the p-th percentile (0..100) of all batches together; -1 if empty. */
  private totalBucket(p: number, total: Float64Array): number {
    let n = 0;
    for (let i = 0; i < BUCKETS; i++) n += total[i];
    if (n === 0) return -1;
    const rank = Math.max(1, Math.ceil((p / 100) * n));
    let cum = 0;
    for (let i = 0; i < BUCKETS; i++) {
      cum += total[i];
      if (cum >= rank) return i;
    }
    return BUCKETS - 1;
  }

  /**
   * Interval of the p-th percentile by batch means of the indicator, inverted (the CDF method:
   * Law, Simulation Modeling and Analysis, 5th ed., 9.7; Seila, "A batching approach to quantile
   * estimation in regenerative simulations", Mgmt. Sci. 28 (1982)): F_b, the share of batch b's
   * transactions at or below the whole window's percentile, are batch means of a 0/1 output;
   * their t interval p/100 ± h bounds the window's CDF there, and the window's own quantiles at
   * p/100 - h and p/100 + h bound the percentile. Unlike the spread of batch percentiles, this
   * stays valid when a batch's tail is made by a few long excursions (a batch percentile cannot
   * exceed the batch's maximum, so its spread understates the window's): on M/M/1 at rho 0.9
   * the batch-percentile interval covered p99 63% of the time, this one about 95%.
   * Returns [lo, hi] in ms, or undefined when fewer than 2 batches have transactions.
   */
  percentileInterval(p: number, level: number): [number, number] | undefined {
    const total = new Float64Array(BUCKETS);
    for (let b = 0; b < BATCHES; b++) for (let i = 0; i < BUCKETS; i++) total[i] += this.hist[b * BUCKETS + i];
    const at = this.totalBucket(p, total);
    if (at < 0) return undefined;
    const shares: number[] = [];
    for (let b = 0; b < BATCHES; b++) {
      let n = 0;
      let below = 0;
      for (let i = 0; i < BUCKETS; i++) {
        const c = this.hist[b * BUCKETS + i];
        n += c;
        if (i <= at) below += c;
      }
      if (n > 0) shares.push(below / n);
    }
    if (shares.length < 2) return undefined;
    const h = meanCi(shares, level).halfWidth;
    const q = (pp: number): number => {
      const i = this.totalBucket(Math.min(100, Math.max(0, pp)), total);
      return 2 ** ((i + 0.5) / PER_OCTAVE + LOG_MIN) / 1000;
    };
    return [q(p - 100 * h), q(p + 100 * h)];
  }
}

export interface IntervalEstimate {
  /** Point estimate (the run's own figure). */
  estimate: number;
  lo: number;
  hi: number;
  /** Half-width over |estimate|: what --precision compares with its target. */
  relativeHalfWidth: number;
}

export interface OutputAnalysis {
  /** 'batch-means': one run cut into batches; 'replications': independent replications as sections. */
  method: 'batch-means' | 'replications';
  level: number;
  /** Batches (or replications) behind the intervals. */
  sections: number;
  /** Length of a batch in simulated seconds (batch means only). */
  batchSeconds?: number;
  /** Transaction latency (ms): mean by batch means, percentiles by the batch-means CDF inversion (or replications). */
  latency: { mean: IntervalEstimate } & Partial<Record<PercentileKey, IntervalEstimate>>;
  /** Transactions per second. */
  tps: IntervalEstimate;
  /** Batch means only: how correlated the output is. */
  correlation?: Correlation;
  /** Batch means only: MSER-5 over the measured window, i.e. what of the start-up remained. */
  transient?: Transient;
  /** Replications only: how many replications had a start-up transient left in their window. */
  replicationsWithTransient?: number;
  /** Replications only: the fewest independent batches any replication's window held. */
  fewestIndependentBatches?: number;
}

export interface Correlation {
  /** Lag-1 autocorrelation of the BATCHES batch means of latency. */
  lag1: number;
  /**
   * Shortest batch (s) whose means passed the von Neumann test of independence (one-sided, 5%),
   * doubling from CELLS batches; undefined if none did down to BATCHES batches.
   */
  independentBatchSeconds?: number;
  /** Measured window / independentBatchSeconds (0: fewer than BATCHES). */
  independentBatches: number;
  /** The von Neumann statistic C and its p-value at each batch length tried. */
  tests: Array<{ batches: number; statistic: number; pValue: number }>;
}

export interface Transient {
  /** Simulated seconds at the start of the measured window that MSER-5 would discard. */
  seconds: number;
  /** Mean latency (ms) of the window without them. */
  meanWithout: number;
  /** True when discarding them moves the mean by more than half the interval's half-width. */
  significant: boolean;
}

/** A symmetric interval; callers leave an interval out rather than pass an unbounded half-width. */
function estimate(point: number, hw: number): IntervalEstimate {
  return {
    estimate: round6(point),
    lo: round6(point - hw),
    hi: round6(point + hw),
    relativeHalfWidth: point !== 0 ? round6(hw / Math.abs(point)) : 0,
  };
}

/** An asymmetric interval; its relative half-width is half its width over the estimate. */
function bounded(point: number, lo: number, hi: number): IntervalEstimate {
  return { estimate: round6(point), lo: round6(lo), hi: round6(hi), relativeHalfWidth: point !== 0 ? round6((hi - lo) / 2 / Math.abs(point)) : 0 };
}

/** Half-width of the t interval of the mean of xs (NaNs dropped); Infinity below 2 values. */
function halfWidthOf(xs: readonly number[], level: number): number {
  const ok = xs.filter((x) => Number.isFinite(x));
  if (ok.length < 2) return Infinity;
  return meanCi(ok, level).halfWidth;
}

/**
 * The von Neumann ratio test of independence on a series (von Neumann 1941; Fishman, Principles
 * of Discrete Event Simulation, 1978): C = 1 - sum (x_{i+1} - x_i)^2 / (2 sum (x_i - mean)^2),
 * approximately normal with mean 0 and variance (k - 2) / (k^2 - 1) under independence; a large
 * C means positive correlation. One-sided p-value.
 */
export function vonNeumann(xs: ArrayLike<number>): { statistic: number; pValue: number } {
  const k = xs.length;
  if (k < 3) return { statistic: 0, pValue: 1 };
  let mean = 0;
  for (let i = 0; i < k; i++) mean += xs[i];
  mean /= k;
  let ss = 0;
  let d2 = 0;
  for (let i = 0; i < k; i++) {
    ss += (xs[i] - mean) ** 2;
    if (i > 0) d2 += (xs[i] - xs[i - 1]) ** 2;
  }
  if (ss === 0) return { statistic: 0, pValue: 1 };
  const c = 1 - d2 / (2 * ss);
  const z = c / Math.sqrt((k - 2) / (k * k - 1));
  return { statistic: c, pValue: 1 - normalCdfExact(z) };
}

/** Latency means (ms) of groups of `size` cells; groups without a completion are left out. */
function groupMeans(counts: Float64Array, sums: Float64Array, size: number, cells: number): number[] {
  const out: number[] = [];
  for (let g = 0; g + size <= cells; g += size) {
    let c = 0;
    let s = 0;
    for (let i = g; i < g + size; i++) {
      c += counts[i];
      s += sums[i];
    }
    if (c > 0) out.push(s / c / 1000);
  }
  return out;
}

function lag1(xs: readonly number[]): number {
  const k = xs.length;
  if (k < 3) return 0;
  const mean = xs.reduce((a, b) => a + b, 0) / k;
  let num = 0;
  let den = 0;
  for (let i = 0; i < k; i++) {
    den += (xs[i] - mean) ** 2;
    if (i > 0) num += (xs[i] - mean) * (xs[i - 1] - mean);
  }
  return den > 0 ? num / den : 0;
}

/**
 * The analysis of one run from its recorder. `stats` are the run's own latency figures (the
 * centres of the intervals); `seconds` the measured window. Undefined when too few transactions
 * completed (fewer than 2 per batch) for batches to mean anything.
 */
export function analyseRun(rec: OutputRecorder, stats: LatencyStats, seconds: number, level = 0.95): OutputAnalysis | undefined {
  if (stats.count < 2 * BATCHES || !(seconds > 0)) return undefined;
  const perBatch = CELLS / BATCHES;
  const batchSeconds = rec.cellUs * perBatch / 1e6;
  const means = groupMeans(rec.counts, rec.sums, perBatch, CELLS);
  const tpsBatches: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    let c = 0;
    for (let i = b * perBatch; i < (b + 1) * perBatch; i++) c += rec.counts[i];
    tpsBatches.push(c / batchSeconds);
  }
  const meanHw = halfWidthOf(means, level);
  if (!Number.isFinite(meanHw)) return undefined;
  const latency: OutputAnalysis['latency'] = { mean: estimate(stats.mean, meanHw) };
  for (const [key, p] of PERCENTILES) {
    const iv = rec.percentileInterval(p, level);
    const x = stats[key];
    // The run's own (HDR) figure stays the estimate; the bounds come from the CDF inversion and
    // may be asymmetric (the histogram buckets differ by at most 0.14%, hence min/max).
    if (iv !== undefined) latency[key] = bounded(x, Math.min(iv[0], x), Math.max(iv[1], x));
  }
  const tps = meanCi(tpsBatches, level);
  return {
    method: 'batch-means',
    level,
    sections: BATCHES,
    batchSeconds: round6(batchSeconds),
    latency,
    tps: estimate(stats.count / seconds, tps.halfWidth),
    correlation: correlationOf(rec, seconds),
    transient: transientOf(rec, stats.mean, meanHw),
  };
}

/** Doubles the batch length from one cell until the von Neumann test accepts independence. */
function correlationOf(rec: OutputRecorder, seconds: number): Correlation {
  const tests: Correlation['tests'] = [];
  let found: number | undefined;
  for (let size = 1; CELLS / size >= BATCHES; size *= 2) {
    const xs = groupMeans(rec.counts, rec.sums, size, CELLS);
    const t = vonNeumann(xs);
    tests.push({ batches: CELLS / size, statistic: round6(t.statistic), pValue: round6(t.pValue) });
    if (t.pValue >= VN_ALPHA) {
      found = size;
      break;
    }
  }
  const batchLag1 = lag1(groupMeans(rec.counts, rec.sums, CELLS / BATCHES, CELLS));
  const out: Correlation = { lag1: round6(batchLag1), independentBatches: found === undefined ? 0 : CELLS / found, tests };
  if (found !== undefined) out.independentBatchSeconds = round6((seconds * found) / CELLS);
  return out;
}

/** MSER-5 on the window's cells: what of the start-up transient the warm-up left in. */
function transientOf(rec: OutputRecorder, mean: number, halfWidth: number): Transient {
  const m = mser5Weighted(rec.sums, rec.counts);
  let c = 0;
  let s = 0;
  for (let i = m.truncate; i < CELLS; i++) {
    c += rec.counts[i];
    s += rec.sums[i];
  }
  const without = c > 0 ? s / c / 1000 : mean;
  return {
    seconds: round6((m.truncate * rec.cellUs) / 1e6),
    meanWithout: round6(without),
    significant: m.truncate > 0 && Math.abs(mean - without) > 0.5 * halfWidth,
  };
}

/** A replication's own figures, as analyseReplications needs them. */
export interface ReplicationFigures {
  latency: LatencyStats;
  tps: number;
  analysis?: OutputAnalysis;
}

/**
 * Replications as sections: the mean's interval is the t interval of the replications' means
 * around their mean; a percentile's is centred on the pooled histogram's percentile (all
 * replications' transactions) with the spread of the replications' own percentiles.
 */
export function analyseReplications(reps: readonly ReplicationFigures[], pooledHistogram: string | undefined, level = 0.95): OutputAnalysis | undefined {
  const n = reps.length;
  if (n < 2) return undefined;
  const mean = meanCi(reps.map((r) => r.latency.mean), level);
  let pooled: ((p: number) => number) | undefined;
  if (pooledHistogram !== undefined) {
    const h = hdr.decodeFromCompressedBase64(pooledHistogram, 64, false);
    const max = Math.max(...reps.map((r) => r.latency.max));
    pooled = (p: number): number => round6(Math.min(h.getValueAtPercentile(p) / 1e6, max));
  }
  const latency: OutputAnalysis['latency'] = { mean: estimate(mean.mean, mean.halfWidth) };
  for (const [key, p] of PERCENTILES) {
    const qs = reps.map((r) => r.latency[key]);
    const centre = pooled !== undefined ? pooled(p) : qs.reduce((a, b) => a + b, 0) / n;
    const hw = halfWidthOf(qs, level);
    if (Number.isFinite(hw)) latency[key] = estimate(centre, hw);
  }
  const tps = meanCi(reps.map((r) => r.tps), level);
  const out: OutputAnalysis = { method: 'replications', level, sections: n, latency, tps: estimate(tps.mean, tps.halfWidth) };
  const analysed = reps.map((r) => r.analysis).filter((a) => a !== undefined);
  if (analysed.length > 0) {
    out.replicationsWithTransient = analysed.filter((a) => a.transient?.significant === true).length;
    out.fewestIndependentBatches = Math.min(...analysed.map((a) => a.correlation?.independentBatches ?? 0));
  }
  return out;
}
