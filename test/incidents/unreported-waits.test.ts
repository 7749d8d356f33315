import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import type { ScenarioInput } from '../../src/workload/schema.js';
import { scenario } from '../helpers/scenarios.js';

const run = (patch: (s: ScenarioInput) => void = () => {}) => runScenario(scenario('incidents/unreported-waits.json', patch));
/** Mean time a statement holds its thread: 100 µs CPU + 2 ms wait. */
const HOLD_S = 2.1e-3;

describe('incident: unreported waits make the pool under-use the CPUs', () => {
  it('mariadb: each group runs one statement at a time, tps = groups / (cpu + wait); the pool sees no waits', () => {
    const r = run();
    // One thread per group busy (the waiting one counts as active): 8 / 2.1 ms = 3810 tps.
    expect(Math.abs(r.summary.tps / (8 / HOLD_S) - 1)).toBeLessThan(0.05);
    expect(r.cpu.utilization).toBeLessThan(0.06);
    // THREAD_POOL_WAITS: nothing reported, so nothing counted; the timer never sees a stall.
    expect(r.counters.WAITS_UNKNOWN).toBe(0);
    expect(r.counters.STALLS).toBe(0);
    expect(r.threads.peak).toBe(8);
  });

  it('remedy: the same wait reported (thd_wait_begin) lets the pool run others meanwhile, as many as threads per connection', () => {
    const report = (s: ScenarioInput) => {
      for (const w of s.workload.transactions[0].statements[0].waits ?? []) w.reported = true;
    };
    const fixed = run(report);
    const tpc = run((s) => {
      s.threadHandling = { mode: 'one-thread-per-connection' };
    });
    expect(fixed.summary.tps).toBeGreaterThan(8 * run().summary.tps);
    expect(Math.abs(fixed.summary.tps / tpc.summary.tps - 1)).toBeLessThan(0.03);
    expect(fixed.counters.WAITS_UNKNOWN).toBeGreaterThan(10_000);
  });

  it('mysql (8.4): two statements per group (threads_active <= max_active_threads), tps = 2 x groups / (cpu + wait)', () => {
    const r = run((s) => {
      s.threadHandling = { mode: 'pool', flavor: 'mysql', thread_pool_size: 8 };
    });
    expect(Math.abs(r.summary.tps / (16 / HOLD_S) - 1)).toBeLessThan(0.03);
  });
});
