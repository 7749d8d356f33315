import { describe, expect, it } from 'vitest';
import { pointsWarmupWarning } from '../../src/run/warmup.js';
import type { SweepFile } from '../../src/report/sweep-file.js';

/** A sweep whose points have the given values and mean latencies (ms). */
function sweep(points: Array<[Record<string, number | string>, number]>): SweepFile {
  const parameters = Object.keys(points[0][0]);
  return {
    kind: 'tpsim-sweep',
    schemaVersion: 1,
    scenario: 's',
    parameters,
    points: points.map(([values, mean]) => ({
      values,
      result: 'p.json',
      summary: { tps: 1, p50: mean, p95: mean, p99: mean, p999: mean, mean, queueWaitMean: 0, peakThreads: 1 },
    })),
  };
}

describe('short warm-up over the points of a sweep or tune', () => {
  it('counts the points whose warm-up is under 5 mean latencies and names the worst', () => {
    const s = sweep([
      [{ 'workload.connections': 16 }, 13],
      [{ 'workload.connections': 256 }, 105],
      [{ 'workload.connections': 1024 }, 402],
    ]);
    expect(pointsWarmupWarning(s.points, '500ms')).toBe(
      'at 2 of 3 points; the worst, workload.connections=1024: the warm-up (500ms) is shorter than 5 mean transaction ' +
        'latencies (5 x 402ms): the start-up transient may still be in the figures, the tail first; use a warm-up of 2.01s or more, or "warmup": "auto"',
    );
    expect(pointsWarmupWarning(s.points, '2.01s')).toBeUndefined();
    expect(pointsWarmupWarning(s.points, 'auto')).toBeUndefined();
  });

  it('takes a varied warm-up from each point', () => {
    const s = sweep([
      [{ warmup: '100ms' }, 30],
      [{ warmup: '1s' }, 30],
      [{ warmup: 'auto' }, 30],
    ]);
    expect(pointsWarmupWarning(s.points, '10s')).toMatch(/^at 1 of 3 points; the worst, warmup=100ms: the warm-up \(100ms\)/);
    expect(pointsWarmupWarning(sweep([[{ warmup: '1ms' }, 30]]).points, '10s')).toMatch(/^at every point; the worst, warmup=1ms:/);
  });
});
