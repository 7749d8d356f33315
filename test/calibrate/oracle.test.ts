import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type PointFigures, simulatePoint } from '../../src/calibrate/sim-point.js';
import { loadScenarioFile } from '../../src/workload/load.js';
import type { ScenarioSpec } from '../../src/workload/schema.js';

/**
 * The qualitative facts of the real MariaDB 10.11 server (test/fixtures/oracle/runs.csv), checked on
 * the fitted scenarios of scenarios/oracle: short runs, same seed for pool and no pool.
 */
const DIR = join(__dirname, '..', '..', 'scenarios', 'oracle');
/** The training points, vendored (test/fixtures/oracle/README.md): the suite reads nothing outside the repository. */
const RUNS = join(__dirname, '..', 'fixtures', 'oracle', 'runs.csv');

function at(file: string, connections: number, duration = '600ms', edit?: (s: ScenarioSpec) => ScenarioSpec): PointFigures {
  const s = loadScenarioFile(join(DIR, file), [`workload.connections=${connections}`, `duration=${duration}`, 'warmup=150ms']);
  return simulatePoint(edit ? edit(s) : s);
}

describe('scenarios/oracle reproduce the real server', () => {
  it('at 1 client thread the pool and one thread per connection differ by less than 10% (measured: point_select -10%, read_write +10%)', () => {
    for (const w of ['point_select', 'read_write']) {
      const pool = at(`${w}.json`, 1);
      const tpc = at(`${w}-tpc.json`, 1);
      expect(Math.abs(pool.tps / tpc.tps - 1), w).toBeLessThan(0.1);
    }
    // Every point select wakes the listener, which needs the core (listener_cpu): the pool is the
    // slower one, as measured (71,624 against 79,455 tps, medians).
    expect(at('point_select.json', 1).tps).toBeLessThan(at('point_select-tpc.json', 1).tps);
  });

  it("point_select: the pool's tail is shorter than one thread per connection's from 16 clients on", () => {
    for (const n of [16, 64]) {
      const pool = at('point_select.json', n, '300ms');
      const tpc = at('point_select-tpc.json', n, '300ms');
      expect(pool.p95, `p95 at ${n}`).toBeLessThan(tpc.p95);
      expect(pool.p99, `p99 at ${n}`).toBeLessThan(tpc.p99);
    }
  });

  it('read_write: row-lock waits, and the pool runs more than one thread per group because of them', () => {
    const pool = at('read_write.json', 16, '1s');
    expect(pool.rowLockWaitsPerS).toBeGreaterThan(0);
    // The login burst leaves n + 1 threads, as measured (Threadpool_threads 17 at 16 clients).
    expect(pool.gauges.Threadpool_threads).toBe(17);
    expect(pool.gauges.ACTIVE_THREADS).toBeGreaterThan(1);
    // The same workload without row locks: the single group keeps one thread active.
    const noLocks = at('read_write.json', 16, '1s', (s) => ({
      ...s,
      workload: { ...s.workload, transactions: s.workload.transactions.map((t) => ({ ...t, statements: t.statements.map(({ locks: _l, ...st }) => st) })) },
    }));
    expect(noLocks.rowLockWaitsPerS).toBe(0);
    expect(noLocks.gauges.ACTIVE_THREADS).toBeLessThanOrEqual(1);
  });

  it('read_write: with the pool, row-lock waits grow with the clients as measured (20-23/s at 4, 810-870/s at 64)', () => {
    // The listener needs the core (listener_cpu): an open transaction's next statement waits
    // unread while a worker takes a new BEGIN, so open transactions pile up. Read at once, the
    // simulated rate stayed at 26-29/s from 4 to 64 clients.
    const w4 = at('read_write.json', 4, '1.5s').rowLockWaitsPerS;
    const w64 = at('read_write.json', 64, '1.5s').rowLockWaitsPerS;
    const instant = at('read_write.json', 64, '1.5s', (s) => ({ ...s, threadHandling: { ...s.threadHandling, listener_cpu: '0us' } as ScenarioSpec['threadHandling'] })).rowLockWaitsPerS;
    expect(w4).toBeLessThan(60);
    expect(w64).toBeGreaterThan(10 * w4);
    expect(instant).toBeLessThan(w64 / 5);
  });

  it("read_write: the pool's tail is longer than one thread per connection's (a worker that never blocks keeps the core for a scheduler slice)", () => {
    // Measured p99 at 4 clients 5.57 (pool) vs 2.66 ms; p95 at 16 clients 13.0 vs 8.4 ms.
    const pool4 = at('read_write.json', 4, '1.5s');
    const tpc4 = at('read_write-tpc.json', 4, '1.5s');
    expect(pool4.p99).toBeGreaterThan(2 * tpc4.p99);
    const pool16 = at('read_write.json', 16, '1.5s');
    const tpc16 = at('read_write-tpc.json', 16, '1.5s');
    expect(pool16.p95).toBeGreaterThan(1.4 * tpc16.p95);
    // Under processor sharing the pool's tail is about one thread per connection's (the listener's
    // wakes still cost the pool a little): the scheduler model is what makes it 1.4x longer.
    const ps = (s: ScenarioSpec): ScenarioSpec => ({ ...s, server: { ...s.server, scheduling: 'ps' } });
    expect(at('read_write.json', 16, '1.5s', ps).p95).toBeLessThan(1.2 * at('read_write-tpc.json', 16, '1.5s', ps).p95);
  });
});

describe('scenarios/oracle on the training points of the real server, 1-64 clients (test/fixtures/oracle/runs.csv)', () => {
  it('simulated TPS inside the replicate range or within 5% of the median, both workloads and thread handlings', async () => {
    const { groupRuns, readRuns } = await import('../../src/calibrate/runs.js');
    const misses: string[] = [];
    for (const w of ['point_select', 'read_write']) {
      for (const p of groupRuns(readRuns(RUNS).filter((r) => r.workload === `oltp_${w}`))) {
        const f = at(`${w}${p.handling === 'tpc' ? '-tpc' : ''}.json`, p.threads, w === 'read_write' ? '1.5s' : '400ms');
        const [lo, hi] = p.range.tps;
        const ok = (f.tps >= lo && f.tps <= hi) || Math.abs(f.tps / p.median.tps - 1) <= 0.05;
        if (!ok) misses.push(`${w} ${p.handling} ${p.threads}: ${f.tps.toFixed(0)} vs ${lo}..${hi}`);
      }
    }
    // Known misses of these short runs (docs/VALIDATION.md): point_select without the pool at 64
    // clients, 2.8% below the slowest replicate (the collapse from 16 clients a little too deep);
    // read_write with the pool at 16 clients, whose run flips between two regimes (few open
    // transactions, or many with row-lock waits): this 1.5 s run lands in the first, +8.8%; five
    // 3 s replications average 2,490 [2,397, 2,583], inside the range. With those, 15 of 16 pass.
    expect(misses.map((m) => m.split(':')[0])).toEqual(['point_select tpc 64', 'read_write pool 16']);
  });

  it('simulated p95 within 25% of the median, or inside the replicate range, at every point', async () => {
    const { groupRuns, readRuns } = await import('../../src/calibrate/runs.js');
    const misses: string[] = [];
    for (const w of ['point_select', 'read_write']) {
      for (const p of groupRuns(readRuns(RUNS).filter((r) => r.workload === `oltp_${w}`))) {
        const f = at(`${w}${p.handling === 'tpc' ? '-tpc' : ''}.json`, p.threads, w === 'read_write' ? '3s' : '400ms');
        const [lo, hi] = p.range.p95 as [number, number];
        const ok = Math.abs(f.p95 / (p.median.p95 as number) - 1) <= 0.25 || (f.p95 >= lo && f.p95 <= hi);
        if (!ok) misses.push(`${w} ${p.handling} ${p.threads}: ${f.p95.toFixed(4)} vs ${p.median.p95} (${lo}..${hi})`);
      }
    }
    // read_write with the pool at 64 clients was the miss (-38%) while the listener read each event
    // the instant it arrived; with listener_cpu its events wait for the core, open transactions
    // pile up behind row locks as measured, and p95 is -13% (docs/VALIDATION.md).
    expect(misses).toEqual([]);
  });
});
