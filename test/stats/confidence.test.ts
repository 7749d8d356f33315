import { describe, expect, it } from 'vitest';
import {
  batchMeans,
  incompleteBeta,
  lnGamma,
  meanCi,
  normalCdfExact,
  normalQuantile,
  studentTCdf,
  studentTPdf,
  studentTQuantile,
  tCritical,
} from '../../src/stats/confidence.js';
import { standardNormal } from '../../src/engine/distributions.js';
import { stream } from '../../src/engine/random.js';

describe('special functions', () => {
  it('lnGamma at integers and half-integers', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(lnGamma(101)).toBeCloseTo(363.73937555556347, 9);
    expect(lnGamma(0.1)).toBeCloseTo(Math.log(9.513507698668732), 12);
  });
  it('incompleteBeta against closed forms', () => {
    // I_x(1, b) = 1 - (1-x)^b; I_x(a, 1) = x^a; I_x(2, 3) = 6x^2/2 ... (polynomial).
    for (const x of [0.01, 0.3, 0.5, 0.77, 0.999]) {
      expect(incompleteBeta(x, 1, 3.5)).toBeCloseTo(1 - (1 - x) ** 3.5, 13);
      expect(incompleteBeta(x, 2.5, 1)).toBeCloseTo(x ** 2.5, 13);
      // I_x(2, 3) = 6x^2 - 8x^3 + 3x^4.
      expect(incompleteBeta(x, 2, 3)).toBeCloseTo(6 * x ** 2 - 8 * x ** 3 + 3 * x ** 4, 13);
    }
    expect(incompleteBeta(0, 2, 3)).toBe(0);
    expect(incompleteBeta(1, 2, 3)).toBe(1);
  });
  it('normal CDF and quantile', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.9995)).toBeCloseTo(3.2905267314919255, 12);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
    expect(normalCdfExact(1.959963984540054)).toBeCloseTo(0.975, 15);
    // Q(8) = 6.22096057427178e-16: the lower tail keeps its relative precision.
    expect(normalCdfExact(-8) / 6.22096057427178e-16).toBeCloseTo(1, 10);
  });
});

describe('Student t', () => {
  it('matches table values (two-sided 95%, i.e. p = 0.975)', () => {
    const table: Array<[number, number]> = [
      [1, 12.706],
      [4, 2.776],
      [9, 2.262],
      [29, 2.045],
      [Infinity, 1.96],
    ];
    for (const [df, t] of table) expect(Math.abs(studentTQuantile(0.975, df) - t)).toBeLessThan(5e-4);
    expect(tCritical(0.95, 9)).toBe(studentTQuantile(0.975, 9));
  });
  it('matches 7-digit reference values to 1e-6', () => {
    const ref: Array<[p: number, df: number, t: number]> = [
      [0.975, 1, 12.7062047],
      [0.975, 3, 3.1824463],
      [0.975, 4, 2.7764451],
      [0.975, 9, 2.2621572],
      [0.975, 29, 2.0452296],
      [0.975, 100, 1.9839715],
      [0.9995, 1, 636.6192488],
      [0.9995, 9, 4.7809126],
      [0.995, 10, 3.1692727],
      [0.95, 5, 2.0150484],
      [0.9, 20, 1.3253407],
    ];
    for (const [p, df, t] of ref) {
      expect(Math.abs(studentTQuantile(p, df) - t), `t(${p}, ${df})`).toBeLessThan(1e-6);
    }
  });
  it('matches 15-digit reference values to 1e-12 (why jStat.studentt.inv is not used)', () => {
    // R's qt() printed to 15 digits. jstat 1.9.6's studentt.inv is off by 1e-10 (df 1), 7e-9
    // (df 4), 4e-8 (df 30) and 3e-3 at df 1e9 (docs/ARCHITECTURE.md, "Libraries").
    const ref: Array<[p: number, df: number, t: number]> = [
      [0.975, 1, 12.7062047361747],
      [0.975, 4, 2.77644510519779],
      [0.975, 30, 2.04227245630124],
    ];
    for (const [p, df, t] of ref) expect(Math.abs(studentTQuantile(p, df) - t), `t(${p}, ${df})`).toBeLessThan(1e-12);
  });
  it('agrees with the closed forms for df = 1, 2, 4', () => {
    for (const p of [0.51, 0.6, 0.75, 0.9, 0.975, 0.999, 0.99999]) {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 8);
      expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 10);
      // df = 4: t = 2 sqrt(q - 1) with q = cos(acos(sqrt(a)) / 3) / sqrt(a), a = 4p(1-p).
      const a = 4 * p * (1 - p);
      const q = Math.cos(Math.acos(Math.sqrt(a)) / 3) / Math.sqrt(a);
      const t4 = 2 * Math.sqrt(q - 1);
      expect(Math.abs(studentTQuantile(p, 4) / t4 - 1)).toBeLessThan(1e-9);
    }
  });
  it('is the inverse of the CDF for non-integer and large df', () => {
    for (const df of [1.5, 2.5, 3.7, 7.3, 15, 150, 5000, 99_999, 1e5, 1e8]) {
      for (const p of [0.001, 0.2, 0.5, 0.8, 0.95, 0.999]) {
        const t = studentTQuantile(p, df);
        expect(Math.abs(studentTCdf(t, df) - p), `df ${df} p ${p}`).toBeLessThan(1e-9);
      }
    }
    // Symmetry and continuity into the normal limit.
    expect(studentTQuantile(0.025, 7)).toBe(-studentTQuantile(0.975, 7));
    expect(Math.abs(studentTQuantile(0.975, 1e9) - 1.959963984540054)).toBeLessThan(1e-8);
  });
  it('the CDF matches numerical integration of the density', () => {
    // Simpson's rule from 0 to t, plus 1/2 by symmetry.
    for (const [df, t] of [
      [3.5, 1.7],
      [1, 4],
      [12, 2.5],
    ]) {
      const n = 2000;
      const h = t / n;
      let s = studentTPdf(0, df) + studentTPdf(t, df);
      for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * studentTPdf(i * h, df);
      expect(studentTCdf(t, df)).toBeCloseTo(0.5 + (s * h) / 3, 10);
    }
  });
  it('rejects bad arguments', () => {
    expect(() => studentTQuantile(0, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, 0)).toThrow(RangeError);
    expect(() => tCritical(1, 3)).toThrow(RangeError);
  });
});

describe('meanCi', () => {
  it('computes mean ± t s / sqrt(n) by hand', () => {
    // Mean 5, s^2 = 10/4 = 2.5; half = 2.776445 * sqrt(2.5/5).
    const ci = meanCi([3, 4, 5, 6, 7]);
    expect(ci.n).toBe(5);
    expect(ci.mean).toBe(5);
    expect(ci.sd).toBeCloseTo(Math.sqrt(2.5), 14);
    expect(ci.halfWidth).toBeCloseTo(2.7764451051977987 * Math.sqrt(0.5), 10);
    expect(ci.lo).toBeCloseTo(5 - ci.halfWidth, 14);
    expect(ci.hi).toBeCloseTo(5 + ci.halfWidth, 14);
    expect(meanCi(Float64Array.of(3, 4, 5, 6, 7), 0.99).halfWidth).toBeCloseTo(
      4.604094871415897 * Math.sqrt(0.5),
      9,
    );
  });
  it('handles degenerate inputs', () => {
    expect(meanCi([4]).halfWidth).toBe(Infinity);
    expect(meanCi([2, 2, 2]).halfWidth).toBe(0);
    expect(() => meanCi([])).toThrow(RangeError);
  });
  it('covers the true mean about 95% of the time for small normal samples', () => {
    const rng = stream(11, 'ci-coverage');
    let hits = 0;
    const reps = 4000;
    const xs = new Float64Array(5);
    for (let r = 0; r < reps; r++) {
      for (let i = 0; i < xs.length; i++) xs[i] = 10 + 3 * standardNormal(rng);
      const ci = meanCi(xs);
      if (ci.lo <= 10 && 10 <= ci.hi) hits++;
    }
    // Binomial sd of the coverage is 0.0034; with z = 1.96 instead of t(4) it would be ~0.88.
    expect(hits / reps).toBeGreaterThan(0.935);
    expect(hits / reps).toBeLessThan(0.965);
  });
});

describe('batchMeans', () => {
  it('splits into equal batches, dropping the remainder at the start', () => {
    const series = [100, 1, 1, 2, 2, 3, 3];
    const r = batchMeans(series, 3);
    expect(r.batchSize).toBe(2);
    expect(r.discarded).toBe(1);
    expect(r.mean).toBe(2);
    expect(r.n).toBe(3);
    // Batch means 1, 2, 3: s = 1, half = t(0.975, 2) / sqrt(3).
    expect(r.halfWidth).toBeCloseTo(4.302652729749464 / Math.sqrt(3), 10);
    expect(r.lag1).toBeCloseTo(0, 14);
    expect(() => batchMeans([1, 2, 3], 5)).toThrow(RangeError);
    expect(() => batchMeans([1, 2, 3], 1)).toThrow(RangeError);
  });
  it('gives honest intervals for an autocorrelated AR(1) series', () => {
    // x_t = mu + phi (x_{t-1} - mu) + e_t, phi = 0.9: the naive iid interval is ~4.4x too narrow.
    const rng = stream(3, 'ar1');
    const mu = 50;
    const phi = 0.9;
    const reps = 200;
    const n = 20_000;
    const xs = new Float64Array(n);
    let hits = 0;
    let naiveHits = 0;
    let lag1Sum = 0;
    for (let r = 0; r < reps; r++) {
      // Start in the stationary law: sd of x is 1/sqrt(1 - phi^2).
      let x = mu + standardNormal(rng) / Math.sqrt(1 - phi * phi);
      for (let i = 0; i < n; i++) {
        xs[i] = x;
        x = mu + phi * (x - mu) + standardNormal(rng);
      }
      const bm = batchMeans(xs, 20);
      if (bm.lo <= mu && mu <= bm.hi) hits++;
      const naive = meanCi(xs);
      if (naive.lo <= mu && mu <= naive.hi) naiveHits++;
      lag1Sum += bm.lag1;
    }
    expect(hits / reps).toBeGreaterThan(0.9);
    expect(hits / reps).toBeLessThanOrEqual(0.99);
    expect(naiveHits / reps).toBeLessThan(0.6);
    expect(Math.abs(lag1Sum / reps)).toBeLessThan(0.15);
  });
});
