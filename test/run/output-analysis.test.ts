import { describe, expect, it } from 'vitest';
import { stream } from '../../src/engine/random.js';
import { runScenario } from '../../src/run/run.js';
import { outputWarnings } from '../../src/run/model-warnings.js';
import { vonNeumann } from '../../src/run/output-analysis.js';
import { mm1MeanResponse, mm1SojournAsymptoticVariance, mm1SojournQuantile, mmcMeanResponse, mmcSojournQuantile } from '../../src/stats/theory.js';
import type { ScenarioSpec } from '../../src/workload/schema.js';
import { openMmc } from '../helpers/open-mmc.js';

/** M/M/c FIFO with mean service 1 ms at `rate` arrivals per second. */
function mmc(rate: number, cores: number, duration: string, seed = 1): ScenarioSpec {
  return openMmc({ rate, cores, duration, seed });
}

describe('exact theory for run lengths and tails', () => {
  it('M/M/c response-time quantile with c = 1 is the M/M/1 exponential quantile', () => {
    expect(mmcSojournQuantile(0.9, 1, 1, 0.99)).toBeCloseTo(mm1SojournQuantile(0.9, 1, 0.99), 9);
    expect(mm1SojournQuantile(0.9, 1, 0.99)).toBeCloseTo(10 * Math.log(100), 9);
    // The median of T = W + S lies between that of S alone and the mean.
    const med = mmcSojournQuantile(3.4, 1, 4, 0.5);
    expect(med).toBeGreaterThan(Math.log(2));
    expect(med).toBeLessThan(mmcMeanResponse(3.4, 1, 4));
  });

  it('the M/M/1 asymptotic variance (1+rho)^2/(mu^2 (1-rho)^4) matches a Lindley-recursion estimate at rho 0.5', () => {
    const rho = 0.5;
    const rng = stream(7, 'lindley');
    const exp = (): number => -Math.log(1 - rng());
    const batches = 200;
    const size = 10_000;
    let w = 0;
    for (let i = 0; i < 10_000; i++) w = Math.max(0, w + exp() - exp() / rho);
    const means: number[] = [];
    for (let b = 0; b < batches; b++) {
      let s = 0;
      for (let i = 0; i < size; i++) {
        const t = w + exp();
        s += t;
        w = Math.max(0, t - exp() / rho);
      }
      means.push(s / size);
    }
    const m = means.reduce((a, x) => a + x, 0) / batches;
    const v = (means.reduce((a, x) => a + (x - m) ** 2, 0) / (batches - 1)) * size;
    expect(m).toBeCloseTo(mm1MeanResponse(rho, 1), 1);
    // 200 batches: the variance estimate's relative sd is about 10%.
    expect(v / mm1SojournAsymptoticVariance(rho, 1)).toBeGreaterThan(0.7);
    expect(v / mm1SojournAsymptoticVariance(rho, 1)).toBeLessThan(1.3);
  });
});

describe('von Neumann test of batch independence', () => {
  it('accepts an independent series and rejects an AR(1) series with phi 0.5', () => {
    const rng = stream(3, 'vn');
    const iid = Array.from({ length: 400 }, () => rng());
    expect(vonNeumann(iid).pValue).toBeGreaterThan(0.01);
    const ar: number[] = [0];
    for (let i = 1; i < 400; i++) ar.push(0.5 * ar[i - 1] + rng() - 0.5);
    const t = vonNeumann(ar);
    expect(t.statistic).toBeGreaterThan(0.3);
    expect(t.pValue).toBeLessThan(1e-6);
  });
});

describe('intervals of mean and p99 on one run (batch means, CDF inversion)', () => {
  it('M/M/4 at rho 0.85, 30 runs of 10 s: the 95% intervals cover the exact mean and p99 at least 24 times (binomial: P < 0.4% at 95%)', () => {
    const exactMean = mmcMeanResponse(3.4, 1, 4);
    const exactP99 = mmcSojournQuantile(3.4, 1, 4, 0.99);
    let mean = 0;
    let p99 = 0;
    for (let e = 0; e < 30; e++) {
      const a = runScenario(mmc(3400, 4, '10s', 100 + e)).outputAnalysis;
      if (a === undefined) throw new Error('no output analysis');
      if (exactMean >= a.latency.mean.lo && exactMean <= a.latency.mean.hi) mean++;
      const q = a.latency.p99;
      if (q !== undefined && exactP99 >= q.lo && exactP99 <= q.hi) p99++;
    }
    expect(mean).toBeGreaterThanOrEqual(24);
    expect(p99).toBeGreaterThanOrEqual(24);
  }, 30_000);
});

describe('M/M/1 at rho 0.97 (S = 1 ms): sim run either covers the exact mean and p99 or warns', () => {
  const exactMean = mm1MeanResponse(0.97, 1);
  const exactP99 = mm1SojournQuantile(0.97, 1, 0.99);

  it('at the default 10 s the interval misses the exact mean (33.3 ms) and the run warns, with the numbers and what to do', () => {
    const r = runScenario(mmc(970, 1, '10s'));
    const a = r.outputAnalysis;
    if (a === undefined) throw new Error('no output analysis');
    expect(a.latency.mean.hi).toBeLessThan(exactMean);
    const w = outputWarnings(r);
    expect(w.length).toBeGreaterThan(0);
    expect(w[0]).toMatch(/holds fewer than 20 independent batches, 100 are needed/);
    expect(w[0]).toMatch(/use --duration \d+s or more, or --precision/);
  });

  it('at 1500 s the window holds 100+ independent batches, nothing warns, and both intervals cover the exact values', () => {
    const r = runScenario(mmc(970, 1, '1500s'));
    const a = r.outputAnalysis;
    if (a === undefined) throw new Error('no output analysis');
    expect(outputWarnings(r)).toEqual([]);
    expect(a.correlation?.independentBatches).toBeGreaterThanOrEqual(100);
    expect(exactMean).toBeGreaterThanOrEqual(a.latency.mean.lo);
    expect(exactMean).toBeLessThanOrEqual(a.latency.mean.hi);
    const q = a.latency.p99;
    if (q === undefined) throw new Error('no p99 interval');
    expect(exactP99).toBeGreaterThanOrEqual(q.lo);
    expect(exactP99).toBeLessThanOrEqual(q.hi);
  }, 30_000);
});
