import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { LatencyRecorder, round6 } from '../../src/stats/latency.js';
import { stream } from '../../src/engine/random.js';

describe('LatencyRecorder', () => {
  it('hands its 32-bit bucket counts over whenever flushEvery values have been counted, losing none', () => {
    // The default hand-over point (2^32 - 1 values) cannot be reached in a test; the same code
    // path runs with a small one. Values above 4.3 s bypass the buckets.
    const rng = stream(3, 'flush');
    const early = new LatencyRecorder(7);
    const late = new LatencyRecorder();
    for (let i = 0; i < 10_000; i++) {
      const us = i % 1000 === 0 ? 5e6 + rng() * 1e6 : rng() * rng() * 2e4;
      early.record(us);
      late.record(us);
    }
    // A few values repeated on one bucket, across several hand-overs.
    for (let i = 0; i < 50; i++) {
      early.record(123.456);
      late.record(123.456);
    }
    expect(early.stats()).toEqual(late.stats());
    expect(early.stats().count).toBe(10_050);
    expect(early.encode()).toBe(late.encode());
    expect(() => new LatencyRecorder(0)).toThrow(RangeError);
    expect(() => new LatencyRecorder(2 ** 32)).toThrow(RangeError);
    early.destroy();
    late.destroy();
  });

  it('gives exactly the percentiles of an hdr-histogram-js histogram fed value by value', () => {
    hdr.initWebAssemblySync();
    const ref = hdr.build({ bitBucketSize: 64, autoResize: true, numberOfSignificantValueDigits: 3, useWebAssembly: true });
    const rec = new LatencyRecorder();
    const rng = stream(3, 'latency-test');
    let maxUs = 0;
    let minUs = Infinity;
    for (let i = 0; i < 200_000; i++) {
      // From 1 ns to about 20 s: both the typed-array path and the direct path (>= 2^32 ns).
      const us = 1e-3 * Math.exp(rng() * Math.log(2e10));
      rec.record(us);
      ref.recordValue(Math.round(us * 1000));
      maxUs = Math.max(maxUs, us);
      minUs = Math.min(minUs, us);
    }
    const s = rec.stats();
    for (const [p, v] of [[50, s.p50], [90, s.p90], [99, s.p99], [99.9, s.p999], [99.99, s.p9999]] as const) {
      expect(v).toBe(round6(Math.min(ref.getValueAtPercentile(p) / 1e6, maxUs / 1000)));
    }
    expect(s.count).toBe(200_000);
    expect(s.max).toBe(round6(maxUs / 1000));
    // min is exact (not a bucket value), as sysbench's is.
    expect(s.min).toBe(round6(minUs / 1000));
    rec.destroy();
    ref.destroy();
  });

  it('keeps the mean exact and adds recorders exactly', () => {
    const a = new LatencyRecorder();
    const b = new LatencyRecorder();
    [1, 2, 3].forEach((v) => a.record(v));
    [10, 5_000_000].forEach((v) => b.record(v));
    a.add(b);
    const s = a.stats();
    expect(s.count).toBe(5);
    expect(s.mean).toBe(round6((1 + 2 + 3 + 10 + 5_000_000) / 5 / 1000));
    expect(s.max).toBe(5000);
    expect(s.min).toBe(0.001);
    expect(s.p50).toBeCloseTo(0.003, 5); // HDR: highest value equivalent to 3000 ns
    a.destroy();
    b.destroy();
  });
});
