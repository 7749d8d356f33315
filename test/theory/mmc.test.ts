import { describe, expect, it } from 'vitest';
import { simulateMmc } from '../../src/bench/mmc.js';
import { batchMeans, meanCi } from '../../src/stats/confidence.js';
import { mmcMeanResponse } from '../../src/stats/theory.js';

const REPLICATIONS = 10;

/**
 * Customer counts per replication were sized from a 40-replication pilot: the per-replication
 * relative sd of the mean response at rho = 0.9 is ~3.8% at 200k customers, so 800k gives a
 * 10-replication standard error of ~0.6% (the 3% bound is 5 standard errors away).
 */
const cases: Array<{ c: number; rho: number; customers: number }> = [
  { c: 1, rho: 0.5, customers: 100_000 },
  { c: 1, rho: 0.9, customers: 800_000 },
  { c: 4, rho: 0.5, customers: 100_000 },
  { c: 4, rho: 0.9, customers: 800_000 },
];

describe('engine M/M/c FIFO against Erlang C', () => {
  it.each(cases)('M/M/$c at rho=$rho', ({ c, rho, customers }) => {
    const mu = 1;
    const lambda = rho * c * mu;
    const exact = mmcMeanResponse(lambda, mu, c);
    const means: number[] = [];
    for (let r = 0; r < REPLICATIONS; r++) {
      const res = simulateMmc({
        lambda,
        mu,
        c,
        customers,
        warmupCustomers: 10_000,
        seed: `mmc-test/${c}/${rho}/${r}`,
      });
      means.push(res.meanResponse);
    }
    const ci95 = meanCi(means, 0.95);
    const ci999 = meanCi(means, 0.999);
    const relErr = ci95.mean / exact - 1;
    const summary =
      `exact ${exact.toFixed(4)}, mean ${ci95.mean.toFixed(4)} ± ${ci95.halfWidth.toFixed(4)} (95%), ` +
      `± ${ci999.halfWidth.toFixed(4)} (99.9%), rel. error ${(relErr * 100).toFixed(2)}%`;
    expect(exact >= ci999.lo && exact <= ci999.hi, summary).toBe(true);
    expect(Math.abs(relErr), summary).toBeLessThan(0.03);
  });

  it('is deterministic per seed and different across seeds', () => {
    const opts = { lambda: 1.8, mu: 1, c: 2, customers: 5000, warmupCustomers: 100, seed: 7 };
    const a = simulateMmc(opts);
    const b = simulateMmc(opts);
    const other = simulateMmc({ ...opts, seed: 8 });
    expect(b.meanResponse).toBe(a.meanResponse);
    expect(b.events).toBe(a.events);
    expect(other.meanResponse).not.toBe(a.meanResponse);
  });

  it('keeps per-customer responses consistent with the mean, and wait = response - service', () => {
    const res = simulateMmc({
      lambda: 3,
      mu: 1,
      c: 4,
      customers: 200_000,
      warmupCustomers: 5000,
      seed: 'bm',
      keepResponses: true,
    });
    const rs = res.responses as Float64Array;
    expect(rs.length).toBe(200_000);
    let sum = 0;
    for (const r of rs) sum += r;
    expect(sum / rs.length).toBeCloseTo(res.meanResponse, 10);
    // Mean service is 1/mu, so mean wait ≈ mean response - 1 (up to sampling noise).
    expect(Math.abs(res.meanResponse - res.meanWait - 1)).toBeLessThan(0.02);
    // Every completion is one departure and one arrival event (a few arrivals are still queued).
    expect(res.events).toBeGreaterThanOrEqual(2 * 205_000);
    expect(res.events).toBeLessThan(2 * 205_000 + 1000);
    // Batch means on the single run also cover the exact value.
    const bm = batchMeans(rs, 20, 0.999);
    const exact = mmcMeanResponse(3, 1, 4);
    expect(exact >= bm.lo && exact <= bm.hi, `${bm.mean} ± ${bm.halfWidth} vs ${exact}`).toBe(true);
  });

  it('rejects invalid parameters', () => {
    expect(() => simulateMmc({ lambda: 0, mu: 1, c: 1, customers: 10, seed: 1 })).toThrow(RangeError);
    expect(() => simulateMmc({ lambda: 1, mu: 1, c: 0, customers: 10, seed: 1 })).toThrow(RangeError);
    expect(() => simulateMmc({ lambda: 1, mu: 1, c: 1, customers: 0, seed: 1 })).toThrow(RangeError);
  });
});
