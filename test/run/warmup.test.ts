import { describe, expect, it } from 'vitest';
import { stream } from '../../src/engine/random.js';
import { normalQuantile } from '../../src/stats/confidence.js';
import { mser, mser5, mser5Weighted, shortWarmupWarning, WARMUP_LATENCIES } from '../../src/run/warmup.js';

/** Stationary N(0, 1) noise plus an initial transient 8 e^{-i/tau} over the first observations. */
function series(n: number, tau: number, seed: number): Float64Array {
  const rng = stream(seed, 'mser-test');
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = 8 * Math.exp(-i / tau) + normalQuantile(Math.min(1 - 1e-12, Math.max(1e-12, rng())));
  return y;
}

describe('MSER-5 warm-up detection', () => {
  it('cuts a decaying transient: past its bulk, well short of half the series', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const y = series(2000, 60, seed);
      const r = mser5(y);
      expect(r.truncate % 5).toBe(0);
      expect(r.batches).toBe(400);
      // The bias 8 e^{-i/60} falls below the noise's standard error of a batch (0.45) by i ~ 170.
      expect(r.truncate, `seed ${seed}`).toBeGreaterThanOrEqual(100);
      expect(r.truncate, `seed ${seed}`).toBeLessThanOrEqual(500);
      expect(r.atLimit).toBe(false);
    }
  });

  it('keeps (nearly) everything of a stationary series', () => {
    for (const seed of [1, 2, 3]) {
      const rng = stream(seed, 'stationary');
      const y = Array.from({ length: 1000 }, () => normalQuantile(Math.min(1 - 1e-12, Math.max(1e-12, rng()))));
      expect(mser5(y).truncate).toBeLessThan(150);
    }
  });

  it('computes MSER exactly on a small series', () => {
    // d = 0: values 10,0,0,0 -> ss = 75, /16 = 4.69; d = 1: 0,0,0 -> 0. Minimum at d = 1.
    expect(mser([10, 0, 0, 0])).toEqual({ d: 1, atLimit: false });
    expect(mser([0, 0, 0, 0]).d).toBe(0);
    // A trend that never settles ends at the n/2 limit.
    expect(mser([8, 7, 6, 5, 4, 3, 2, 1]).atLimit).toBe(true);
  });

  it('weights latency batches by their counts and fills empty batches', () => {
    const sums = [0, 0, 0, 0, 0, 100, 100, 100, 100, 100, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10];
    const counts = [0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10];
    // Batches: (empty -> 10), 10, 1, 1: the two leading high batches are cut.
    expect(mser5Weighted(sums, counts).truncate).toBe(10);
  });
});

describe('a fixed warm-up short next to the mean latency', () => {
  const result = (warmup: string, warmupSeconds: number, meanMs: number, count = 100) => ({
    scenario: { warmup },
    summary: { warmupSeconds },
    latency: { all: { count, mean: meanMs } },
  });

  it('warns below WARMUP_LATENCIES mean latencies, with the warm-up that would do', () => {
    expect(WARMUP_LATENCIES).toBe(5);
    // read_write with the pool at 1,024 clients: 1 s of warm-up, 402 ms mean latency.
    expect(shortWarmupWarning(result('1s', 1, 402))).toBe(
      'the warm-up (1s) is shorter than 5 mean transaction latencies (5 x 402ms): the start-up transient may still be in the ' +
        'figures, the tail first; use a warm-up of 2.01s or more, or "warmup": "auto"',
    );
    expect(shortWarmupWarning(result('2.01s', 2.01, 402))).toBeUndefined();
    // The suggestion is rounded up, so that the figure printed is enough.
    expect(shortWarmupWarning(result('1s', 1, 402.1))).toContain('use a warm-up of 2.02s or more');
    expect(shortWarmupWarning(result('2.02s', 2.02, 402.1))).toBeUndefined();
    expect(shortWarmupWarning(result('500ms', 0.5, 13))).toBeUndefined();
  });

  it('leaves "auto" and runs without transactions alone', () => {
    expect(shortWarmupWarning(result('auto', 0.001, 402))).toBeUndefined();
    expect(shortWarmupWarning(result('1ms', 0.001, 0, 0))).toBeUndefined();
  });
});

