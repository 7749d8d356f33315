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
  it('at 1 client thread the pool costs little or nothing (both workloads)', () => {
    for (const w of ['point_select', 'read_write']) {
      const pool = at(`${w}.json`, 1);
      const tpc = at(`${w}-tpc.json`, 1);
      expect(Math.abs(pool.tps / tpc.tps - 1), w).toBeLessThan(0.03);
      expect(pool.p95 / tpc.p95, w).toBeLessThan(1.05);
    }
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

  it("read_write: the pool's tail is longer than one thread per connection's (a worker that never blocks keeps the core for a scheduler slice)", () => {
    // Measured p99 at 4 clients 5.57 (pool) vs 2.66 ms; p95 at 16 clients 13.0 vs 8.4 ms.
    const pool4 = at('read_write.json', 4, '1.5s');
    const tpc4 = at('read_write-tpc.json', 4, '1.5s');
    expect(pool4.p99).toBeGreaterThan(2 * tpc4.p99);
    const pool16 = at('read_write.json', 16, '1.5s');
    const tpc16 = at('read_write-tpc.json', 16, '1.5s');
    expect(pool16.p95).toBeGreaterThan(1.4 * tpc16.p95);
    // Under processor sharing the pool's tail is the shorter one: the scheduler model is the cause.
    const ps = (s: ScenarioSpec): ScenarioSpec => ({ ...s, server: { ...s.server, scheduling: 'ps' } });
    expect(at('read_write.json', 16, '1.5s', ps).p95).toBeLessThan(1.1 * at('read_write-tpc.json', 16, '1.5s', ps).p95);
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
    // Known misses (docs/VALIDATION.md): read_write with the pool at 4 clients (measured 335 µs of
    // server CPU per transaction there against 388-400 µs elsewhere, which no mechanism of the model
    // reproduces), and one thread per connection at 64 clients, 1-2% below the slowest replicate
    // for both workloads. 13 of 16 points pass (the acceptance asks 90%: not met).
    expect(misses.map((m) => m.split(':')[0])).toEqual(['point_select tpc 64', 'read_write pool 4', 'read_write tpc 64']);
  });

  it('simulated p95 within 25% of the median, or inside the replicate range, at all points but one', async () => {
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
    // Known miss: read_write with the pool at 64 clients, p95 about -38%: the simulated pool stays in
    // the regime where the listener queues each event as it arrives (docs/VALIDATION.md).
    expect(misses.map((m) => m.split(':')[0])).toEqual(['read_write pool 64']);
  });
});
