import { describe, expect, it } from 'vitest';
import {
  Constant,
  type Distribution,
  Empirical,
  Exponential,
  Gamma,
  LogNormal,
  Mixture,
  Pareto,
  TruncatedNormal,
  Uniform,
  normalCdf,
} from '../../src/engine/distributions.js';
import { stream } from '../../src/engine/random.js';

const N = 200_000;
/** Two-sided 99.9% normal quantile. */
const Z999 = 3.2905267314919255;

function draw(d: Distribution, seed: string): Float64Array {
  const rng = stream(seed, 'dist-test');
  const xs = new Float64Array(N);
  for (let i = 0; i < N; i++) xs[i] = d.sample(rng);
  return xs;
}

function moments(xs: Float64Array): { mean: number; sd: number } {
  let s = 0;
  for (const x of xs) s += x;
  const mean = s / xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return { mean, sd: Math.sqrt(ss / (xs.length - 1)) };
}

function quantile(xs: Float64Array, p: number): number {
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.floor(p * (sorted.length - 1))];
}

/** Each case: a distribution and, where cheap to state, its exact standard deviation. */
const cases: Array<[string, Distribution, number | undefined]> = [
  ['Exponential(100)', new Exponential(100), 100],
  ['Uniform(10, 30)', new Uniform(10, 30), 20 / Math.sqrt(12)],
  ['TruncatedNormal(1, 1)', new TruncatedNormal(1, 1), undefined],
  ['TruncatedNormal(-1, 2)', new TruncatedNormal(-1, 2), undefined],
  ['LogNormal.fromMeanCv(50, 0.5)', LogNormal.fromMeanCv(50, 0.5), 25],
  ['LogNormal.fromMeanCv(50, 1.5)', LogNormal.fromMeanCv(50, 1.5), undefined],
  ['LogNormal.fromP50P99(200, 2000)', LogNormal.fromP50P99(200, 2000), undefined],
  ['Gamma.fromMeanCv(80, 0.5)', Gamma.fromMeanCv(80, 0.5), 40],
  ['Gamma.fromMeanCv(80, 2)', Gamma.fromMeanCv(80, 2), 160],
  ['Gamma(1, 3) (shape exactly 1)', new Gamma(1, 3), 3],
  ['Pareto(10, 3)', new Pareto(10, 3), 10 * Math.sqrt(3 / (4 * 1))],
  [
    'Empirical',
    new Empirical([
      [0, 1],
      [0.5, 2],
      [0.9, 10],
      [0.9, 20],
      [1, 50],
    ]),
    undefined,
  ],
  [
    'Mixture',
    new Mixture([
      { weight: 1, dist: new Constant(5) },
      { weight: 3, dist: new Exponential(100) },
      { weight: 0, dist: new Constant(1e9) },
    ]),
    undefined,
  ],
];

describe('distributions: sample mean vs mean property', () => {
  it.each(cases)('%s', (name, d, sd) => {
    const xs = draw(d, name);
    const m = moments(xs);
    for (const x of xs) if (!(x >= 0)) throw new Error(`${name} drew ${x}`);
    // 99.9% CI of the mean from the sample standard deviation.
    const half = (Z999 * m.sd) / Math.sqrt(N);
    expect(Math.abs(m.mean - d.mean), `${name}: mean ${m.mean} vs ${d.mean} ± ${half}`).toBeLessThan(half);
    // Catch samplers with the right mean but the wrong spread.
    if (sd !== undefined) expect(Math.abs(m.sd / sd - 1), `${name}: sd ${m.sd} vs ${sd}`).toBeLessThan(0.03);
  });

  it('documented mean values are right', () => {
    expect(new Pareto(10, 3).mean).toBeCloseTo(15, 12);
    expect(new Pareto(10, 1).mean).toBe(Infinity);
    expect(
      new Empirical([
        [0, 1],
        [0.5, 2],
        [0.9, 10],
        [0.9, 20],
        [1, 50],
      ]).mean,
    ).toBeCloseTo(0.5 * 1.5 + 0.4 * 6 + 0.1 * 35, 12);
    expect(LogNormal.fromMeanCv(50, 1.5).mean).toBeCloseTo(50, 10);
    expect(Gamma.fromMeanCv(80, 2).mean).toBeCloseTo(80, 10);
    // E[X | X >= 0] for N(1, 1): 1 + phi(1) / Phi(1).
    expect(new TruncatedNormal(1, 1).mean).toBeCloseTo(1 + 0.24197072451914337 / 0.8413447460685429, 6);
    expect(new TruncatedNormal(5, 0).mean).toBe(5);
    expect(new TruncatedNormal(-5, 0).mean).toBe(0);
    expect(new Constant(7).sample()).toBe(7);
  });

  it('LogNormal.fromP50P99 hits its percentiles within 2%', () => {
    const d = LogNormal.fromP50P99(200, 2000);
    const xs = draw(d, 'p50p99');
    expect(Math.abs(quantile(xs, 0.5) / 200 - 1)).toBeLessThan(0.02);
    expect(Math.abs(quantile(xs, 0.99) / 2000 - 1)).toBeLessThan(0.02);
  });

  it('Empirical reproduces its breakpoints as quantiles', () => {
    const d = new Empirical([
      [0, 0],
      [0.25, 100],
      [1, 400],
    ]);
    const xs = draw(d, 'emp-q');
    expect(quantile(xs, 0.25)).toBeCloseTo(100, -0.5);
    expect(quantile(xs, 0.625)).toBeCloseTo(250, -0.5);
  });

  it('normalCdf matches reference values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-2.3263478740408408)).toBeCloseTo(0.01, 6);
  });
});

describe('LogNormal quantile table', () => {
  it('matches the exact quantile within 1e-4 (relative) over the whole range, tails exact', () => {
    for (const cv of [0.1, 0.4, 1, 1.5]) {
      const d = LogNormal.fromMeanCv(100, cv);
      let worst = 0;
      for (let k = 1; k < 200_000; k++) {
        const u = k / 200_000;
        const got = d.sample(() => u);
        worst = Math.max(worst, Math.abs(got - d.quantile(u)) / d.quantile(u));
      }
      expect(worst, `cv ${cv}`).toBeLessThan(1e-4);
    }
    // Exact below 1% and above 99%.
    const d = LogNormal.fromMeanCv(100, 1);
    expect(d.sample(() => 0.001)).toBe(d.quantile(0.001));
    expect(d.sample(() => 0.9995)).toBe(d.quantile(0.9995));
  });
});
