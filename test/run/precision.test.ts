import { describe, expect, it } from 'vitest';
import { runToPrecision, parsePrecision } from '../../src/run/precision.js';
import { mm1RunLengthForMean } from '../../src/stats/theory.js';
import type { ScenarioSpec } from '../../src/workload/schema.js';
import { openMmc } from '../helpers/open-mmc.js';

/** M/M/1 FIFO, mean service 1 ms, `rate` arrivals per second, replications of `duration` after `warmup`. */
function mm1(rate: number, duration: string, warmup: string): ScenarioSpec {
  return openMmc({ name: 'mm1', seed: 5, rate, duration, warmup });
}

describe('--precision: replications until the interval is narrow enough', () => {
  for (const [rate, duration, warmup, target] of [
    [500, '1.2s', '0.2s', 0.05],
    [900, '12s', '2s', 0.05],
  ] as const) {
    it(`M/M/1 at rho ${rate / 1000}, ${100 * target}% on the mean: reached, with a measured length within 2x of the exact asymptotic-variance length`, async () => {
      const r = await runToPrecision(mm1(rate, duration, warmup), { target, metrics: ['mean'] });
      const p = r.precision;
      if (p === undefined) throw new Error('no precision block');
      expect(p.reached).toBe(true);
      expect(p.stoppedBy).toBe('target');
      expect(r.outputAnalysis?.latency.mean.relativeHalfWidth).toBeLessThanOrEqual(target);
      expect(p.achieved.mean).toBe(r.outputAnalysis?.latency.mean.relativeHalfWidth);
      // Exact: n = (z sigma / (target R))^2 customers, sigma^2 = (1+rho)^2/(mu^2 (1-rho)^4).
      const exactSeconds = mm1RunLengthForMean(rate / 1000, 1, target) / 1000;
      const ratio = p.measuredSeconds / exactSeconds;
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
      expect(p.stages[p.stages.length - 1]).toBe(p.replications);
    }, 30_000);
  }

  it('a cap of replications stops it and says so; the same seed gives the same stages', async () => {
    const spec = mm1(900, '1.5s', '0.5s');
    const a = await runToPrecision(spec, { target: 0.01, initial: 4, maxReplications: 9 });
    const b = await runToPrecision(spec, { target: 0.01, initial: 4, maxReplications: 9 });
    expect(a.precision?.reached).toBe(false);
    expect(a.precision?.stoppedBy).toBe('max-replications');
    expect(a.precision?.replications).toBe(9);
    expect(a.precision?.stages).toEqual(b.precision?.stages);
    expect(a.outputAnalysis).toEqual(b.outputAnalysis);
  });

  it('parses 2% and 0.02, rejects 0, 100% and words', () => {
    expect(parsePrecision('2%')).toBeCloseTo(0.02, 12);
    expect(parsePrecision('0.02')).toBeCloseTo(0.02, 12);
    expect(parsePrecision('0%')).toBeUndefined();
    expect(parsePrecision('100%')).toBeUndefined();
    expect(parsePrecision('two')).toBeUndefined();
  });
});
