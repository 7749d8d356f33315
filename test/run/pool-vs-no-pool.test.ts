import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import { scenario } from '../helpers/scenarios.js';

/**
 * The two facts of the real servers that decide whether a pool is worth it (spec section 6):
 * past the point where runnable threads swamp the cores the pool wins by far, and at low
 * concurrency it costs a little.
 */
describe('pool vs one-thread-per-connection', () => {
  it('at 512 connections with CPU contention the pool has the shorter tail and more throughput', () => {
    const short = (s: { duration?: string; warmup?: string }) => {
      s.duration = '3s';
      s.warmup = '1s';
    };
    const pool = runScenario(scenario('oltp.json', short));
    const noPool = runScenario(scenario('oltp-no-pool.json', short));
    expect(pool.summary.connections).toBe(512);
    expect(pool.latency.all.p99).toBeLessThan(noPool.latency.all.p99);
    expect(pool.latency.byTransaction.read_write.p99).toBeLessThan(noPool.latency.byTransaction.read_write.p99);
    expect(pool.summary.tps).toBeGreaterThan(1.5 * noPool.summary.tps);
    // The pool keeps the runnable count near the core count; one thread per connection does not.
    expect(pool.cpu.meanRunnable).toBeLessThan(noPool.cpu.meanRunnable / 4);
    // The scenario exercises the mechanisms: queueing and stalls happen.
    expect(pool.counters.queries_queued).toBeGreaterThan(0);
    expect(pool.counters.stalled_queries_executed).toBeGreaterThan(0);
  });

  it('at low concurrency the pool loses slightly: groups cannot lend idle cores to each other', () => {
    const at = (mode: 'pool' | 'tpc') =>
      runScenario(
        scenario('point-select.json', (s) => {
          s.duration = '1.5s';
          s.warmup = '0.5s';
          s.workload.connections = 64;
          if (mode === 'tpc') s.threadHandling = { mode: 'one-thread-per-connection' };
        }),
      );
    const pool = at('pool');
    const noPool = at('tpc');
    expect(pool.summary.tps).toBeLessThan(noPool.summary.tps);
    expect(pool.summary.tps).toBeGreaterThan(0.9 * noPool.summary.tps);
    expect(pool.latency.all.p99).toBeGreaterThan(noPool.latency.all.p99);
    expect(pool.latency.all.p99).toBeLessThan(1.5 * noPool.latency.all.p99);
  });
});
