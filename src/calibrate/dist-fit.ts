import type { DistSpec } from '../workload/schema.js';
import { parseDuration } from '../engine/duration.js';

/** Durations in µs as scenario text, to the nanosecond. */
export function us(v: number): string {
  return `${+Math.max(0, v).toFixed(3)}us`;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

export function median(xs: readonly number[]): number {
  return quantile([...xs].sort((a, b) => a - b), 0.5);
}

/** Quantile of sorted values, linear between order statistics (type 7). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

const GRID = [0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1];

/**
 * Empirical distribution of samples (µs): quantiles on a fixed grid, linear in between (as the
 * simulator's Empirical draws), with the top value set so that the distribution's mean is the
 * samples' mean: a piecewise-linear CDF would otherwise miss the mass of the extreme tail.
 */
export function empiricalOf(samples: readonly number[]): DistSpec {
  const sorted = [...samples].sort((a, b) => a - b);
  const target = mean(sorted);
  if (sorted.length === 1 || sorted[0] === sorted[sorted.length - 1]) return us(target);
  const grid = sorted.length >= 1000 ? GRID : GRID.filter((p) => p !== 0.995 && p !== 0.999);
  const vs = grid.map((p) => quantile(sorted, p));
  const n = vs.length;
  let body = 0;
  for (let i = 0; i < n - 2; i++) body += ((grid[i + 1] - grid[i]) * (vs[i] + vs[i + 1])) / 2;
  const last = 1 - grid[n - 2];
  const top = (2 * (target - body)) / last - vs[n - 2];
  if (top >= vs[n - 2]) vs[n - 1] = top;
  else {
    // Mean below what the body implies (cannot happen for exact quantiles; guard for rounding).
    const m = body + (last * (vs[n - 2] + vs[n - 1])) / 2;
    for (let i = 0; i < n; i++) vs[i] *= target / m;
  }
  return { dist: 'empirical', quantiles: grid.map((p, i) => [p, us(vs[i])] as [number, string]) };
}

/** Robust coefficient of variation of a lognormal fitted to samples (from the 10th and 90th percentiles). */
export function lognormalCv(samples: readonly number[]): number {
  const sorted = samples.filter((x) => x > 0).sort((a, b) => a - b);
  if (sorted.length < 10) return 0.3;
  const s = (Math.log(quantile(sorted, 0.9)) - Math.log(quantile(sorted, 0.1))) / (2 * 1.2815515655446004);
  return Math.max(0.01, Math.min(3, Math.sqrt(Math.exp(s * s) - 1)));
}

/** Multiplies every duration of a distribution by `f` (shape kept). */
export function scaleDist(d: DistSpec, f: number): DistSpec {
  const s = (t: string): string => us(parseDuration(t) * f);
  if (typeof d === 'string') return s(d);
  switch (d.dist) {
    case 'constant':
      return { ...d, value: s(d.value) };
    case 'exponential':
      return { ...d, mean: s(d.mean) };
    case 'uniform':
      return { ...d, min: s(d.min), max: s(d.max) };
    case 'normal':
      return { ...d, mean: s(d.mean), sd: s(d.sd) };
    case 'lognormal':
      return 'cv' in d ? { ...d, mean: s(d.mean) } : { ...d, p50: s(d.p50), p99: s(d.p99) };
    case 'gamma':
      return { ...d, mean: s(d.mean) };
    case 'pareto':
      return { ...d, min: s(d.min) };
    case 'empirical':
      return { ...d, quantiles: d.quantiles.map(([p, v]) => [p, s(v)] as [number, string]) };
    case 'mixture':
      return { ...d, components: d.components.map((c) => ({ ...c, value: scaleDist(c.value, f) })) };
  }
}
