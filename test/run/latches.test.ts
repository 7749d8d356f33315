import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import { spinRoundUs } from '../../src/server/latch-setup.js';
import { parseScenarioText } from '../../src/workload/load.js';
import { Latches } from '../../src/workload/schema/latches.js';
import type { LatchResult } from '../../src/server/latch.js';
import { latchStretchWarning, STRETCHED_LATCH_FACTOR, STRETCHED_LATCH_UTILIZATION } from '../../src/run/model-warnings.js';

const scenario = (latches: string, connections: number, mode: string): string => `{
  "name": "latches", "seed": 3, "duration": "300ms", "warmup": "50ms",
  "server": { "cores": 4 ${latches} },
  "threadHandling": { "mode": "${mode}" ${mode === 'pool' ? ', "flavor": "mariadb"' : ''} },
  "workload": { "connections": ${connections}, "network": { "rtt": "20us" },
    "transactions": [ { "name": "t", "type": "explicit", "statements": [ { "name": "q", "cpu": "20us" } ] } ] }
}`;

const LATCH = `, "latches": { "latches": [ { "name": "trx_sys", "holds": { "BEGIN": "1us", "COMMIT": "3us" } }, { "name": "lock_sys", "holds": { "q": "4us" } } ] }`;

describe('server.latches in a run', () => {
  it('the defaults are MariaDB 10.11\'s: 30 spin loops, delay 4, a round of 200 PAUSEs', () => {
    const d = Latches.parse({ latches: [{ name: 'x', holds: {} }] });
    expect([d.innodb_sync_spin_loops, d.innodb_spin_wait_delay, d.cpuRelaxMultiplier]).toEqual([30, 4, 200]);
    expect(spinRoundUs(d)).toBeCloseTo(0.8, 12);
  });

  it('each statement takes its class\'s latches: counts add up, and the hold time is CPU of the statement', () => {
    const r = runScenario(parseScenarioText(scenario(LATCH, 8, 'one-thread-per-connection'), 'l.json'));
    const l = r.latches ?? {};
    // BEGIN and COMMIT take trx_sys, q takes lock_sys: twice as many trx_sys acquisitions, up to one transaction per connection at each edge of the window.
    expect(Math.abs(l.trx_sys.acquisitions - 2 * l.lock_sys.acquisitions)).toBeLessThanOrEqual(16);
    expect(Math.abs(l.lock_sys.acquisitions - r.summary.transactions)).toBeLessThanOrEqual(8);
    // Utilization = acquisitions x hold / time when holders are never slowed (8 threads, 4 cores: they may be).
    const s = r.summary.simulatedSeconds;
    expect(l.lock_sys.utilization).toBeGreaterThanOrEqual((l.lock_sys.acquisitions * 4e-6) / s - 1e-3);
    expect(l.lock_sys.spinCpuSeconds).toBeCloseTo(l.lock_sys.spinRounds * 0.8e-6, 6);
    const off = runScenario(parseScenarioText(scenario('', 8, 'one-thread-per-connection'), 'o.json'));
    expect(off.latches).toBeUndefined();
    // CPU per transaction grows by the holds (1 + 4 + 3 µs), the spinning and the wake-ups (5 µs each).
    const perTx = (x: typeof r): number => (x.cpu.busyCores * 1e6) / x.summary.tps;
    const spinUs = ((l.lock_sys.spinCpuSeconds + l.trx_sys.spinCpuSeconds) * 1e6) / s / r.summary.tps;
    const wakeUs = (5 * (l.lock_sys.sleeps + l.trx_sys.sleeps)) / s / r.summary.tps;
    expect(perTx(r) - perTx(off)).toBeCloseTo(8 + spinUs + wakeUs, 0);
  });

  it('the waits report has a latch queue: one visit per acquisition, the same waits and mean as the latch figures', () => {
    const r = runScenario(parseScenarioText(scenario(LATCH, 16, 'one-thread-per-connection'), 'w.json'));
    const l = r.latches ?? {};
    const st = r.waits?.stations.latch;
    if (st === undefined) throw new Error('no latch station');
    const names = Object.keys(l);
    const acq = names.reduce((a, n) => a + l[n].acquisitions, 0);
    const waits = names.reduce((a, n) => a + l[n].waits, 0);
    const waitMs = names.reduce((a, n) => a + l[n].waits * l[n].waitMeanMs, 0);
    expect(waits).toBeGreaterThan(0);
    // Grants and acquisitions differ by the requests still waiting at the window's end.
    expect(Math.abs(st.visits - acq)).toBeLessThanOrEqual(16);
    expect(Math.abs(st.waited - waits)).toBeLessThanOrEqual(16);
    expect(st.mean * st.visits).toBeCloseTo(waitMs, 1);
  });

  it('perOpenTransaction: with one connection, one transaction is open at each acquisition', () => {
    const one = `, "latches": { "latches": [ { "name": "trx_sys", "perOpenTransaction": "2us", "holds": { "BEGIN": "1us" } } ] }`;
    const r = runScenario(parseScenarioText(scenario(one, 1, 'one-thread-per-connection'), 'one.json'));
    const l = (r.latches ?? {}).trx_sys;
    // Each BEGIN holds 1 + 2 x 1 µs; at most one acquisition straddles each edge of the window.
    const s = r.summary.simulatedSeconds;
    expect(Math.abs(l.utilization * s * 1e6 - 3 * l.acquisitions)).toBeLessThanOrEqual(6);
  });

  it('many threads per connection spin where the pool does not', () => {
    const tpc = runScenario(parseScenarioText(scenario(LATCH, 64, 'one-thread-per-connection'), 't.json'));
    const pool = runScenario(parseScenarioText(scenario(LATCH, 64, 'pool'), 'p.json'));
    expect((tpc.latches ?? {}).lock_sys.spinCores).toBeGreaterThan(2 * (pool.latches ?? {}).lock_sys.spinCores);
  });

  it('5.5\'s wait array: reported only when set; a scan passes the cells its sleepers hold; off, the run is unchanged', () => {
    const with55 = (extra: string): string =>
      `, "latches": { "innodb_sync_spin_loops": 0, "wakeup": "all-in-turn" ${extra}, "latches": [ { "name": "lock_sys", "holds": { "q": "4us" } } ] }`;
    const on = runScenario(parseScenarioText(scenario(with55(', "waitArrayCell": "20ns"'), 32, 'one-thread-per-connection'), 'wa.json'));
    const wa = on.latchWaitArray;
    if (wa === undefined) throw new Error('no latchWaitArray');
    const s = on.summary.simulatedSeconds;
    // Every sleep reserved a cell: the reservations are the sleeps (up to the sleepers of the window's edges).
    expect(Math.abs(wa.reservationsPerSecond * s - (on.latches ?? {}).lock_sys.sleeps)).toBeLessThanOrEqual(32);
    // At least the cell taken; no more cells than threads; the array's mutex held for the scans,
    // which are CPU bursts stretched by the 32 threads sharing 4 cores: at least their CPU time.
    expect(wa.meanCellsScanned).toBeGreaterThanOrEqual(1);
    expect(wa.peakCells).toBeLessThanOrEqual(32);
    expect(wa.utilization).toBeGreaterThanOrEqual(wa.reservationsPerSecond * wa.meanCellsScanned * 20e-9 * 0.99);
    expect(wa.utilization).toBeLessThan(1);
    const without = runScenario(parseScenarioText(scenario(with55(''), 32, 'one-thread-per-connection'), 'nwa.json'));
    expect(without.latchWaitArray).toBeUndefined();
    const zero = runScenario(parseScenarioText(scenario(with55(', "waitArrayCell": "0us"'), 32, 'one-thread-per-connection'), 'zwa.json'));
    expect(JSON.stringify(zero.summary)).toBe(JSON.stringify(without.summary));
  });

  it('latches are taken inside InnoDB: a thread queued at innodb_thread_concurrency neither spins on nor sleeps on one', () => {
    // Autocommit statements that each take lock_sys; 8 threads on 4 cores overlap, so with the gate
    // off they sleep on the latch (its hold grows with the 8 open transactions). With one thread admitted at a time, only the admitted one takes
    // it, and the open transactions at each acquisition are that one alone: the hold is 4 + 2 µs.
    const gated = (concurrency: number): string => `{
      "name": "gate", "seed": 5, "duration": "300ms", "warmup": "50ms",
      "server": { "cores": 4, "innodb": { "innodb_thread_concurrency": ${concurrency} },
        "latches": { "latches": [ { "name": "lock_sys", "perOpenTransaction": "2us", "holds": { "q": "4us" } } ] } },
      "threadHandling": { "mode": "one-thread-per-connection" },
      "workload": { "connections": 8, "network": { "rtt": "20us" },
        "transactions": [ { "name": "t", "type": "autocommit", "statements": [ { "name": "q", "cpu": "20us" } ] } ] }
    }`;
    const open = runScenario(parseScenarioText(gated(0), 'g0.json'));
    const one = runScenario(parseScenarioText(gated(1), 'g1.json'));
    expect((open.latches ?? {}).lock_sys.sleeps).toBeGreaterThan(0);
    expect(one.server?.innodbQueueWaits ?? 0).toBeGreaterThan(0);
    const l = (one.latches ?? {}).lock_sys;
    expect([l.waits, l.spinRounds, l.sleeps]).toEqual([0, 0, 0]);
    const s = one.summary.simulatedSeconds;
    // One acquisition may straddle each edge of the window.
    expect(Math.abs(l.utilization * s * 1e6 - 6 * l.acquisitions)).toBeLessThanOrEqual(12);
  });

  it('holdStretch: 1 while the threads fit the cores or the pool keeps them to its groups; above 1, and warned of, when holders share cores', () => {
    const stretch = (n: number, mode: string): { trx_sys: LatchResult; lock_sys: LatchResult } => {
      const l = runScenario(parseScenarioText(scenario(LATCH, n, mode), `s${n}${mode}.json`)).latches ?? {};
      return { trx_sys: l.trx_sys, lock_sys: l.lock_sys };
    };
    // 4 threads on 4 cores: each hold runs at a core's full speed (up to the holds straddling the window's edges).
    for (const f of Object.values(stretch(4, 'one-thread-per-connection'))) expect(Math.abs(f.holdStretch - 1)).toBeLessThan(1e-3);
    for (const f of Object.values(stretch(64, 'pool'))) expect(Math.abs(f.holdStretch - 1)).toBeLessThan(1e-3);
    const r = runScenario(parseScenarioText(scenario(LATCH, 64, 'one-thread-per-connection'), 's64.json'));
    const busy = (r.latches ?? {}).lock_sys;
    expect(busy.holdStretch).toBeGreaterThan(STRETCHED_LATCH_FACTOR);
    expect(busy.utilization).toBeGreaterThan(STRETCHED_LATCH_UTILIZATION);
    expect(latchStretchWarning(r)).toMatch(/lock_sys \(held \d+% of the time, each hold \d+\.\dx its CPU\)/);
    // The Linux schedulers keep a holder on its core: no warning there.
    expect(latchStretchWarning({ ...r, scenario: { ...r.scenario, server: { ...r.scenario.server, scheduling: 'cfs' } } })).toBeUndefined();
    const pool = runScenario(parseScenarioText(scenario(LATCH, 64, 'pool'), 'p64.json'));
    expect(latchStretchWarning(pool)).toBeUndefined();
  });

  it('deadlockSearch: each row-lock wait holds its latch once more, and the result counts the searches', () => {
    // Writes to 4 rows from 16 connections: most requests wait. The search holds lock_sys.
    const hot = (search: string): string => `{
      "name": "search", "seed": 5, "duration": "300ms", "warmup": "50ms",
      "server": { "cores": 4, "latches": { "latches": [ { "name": "lock_sys", "holds": { "u": "1us" } } ] ${search} } },
      "threadHandling": { "mode": "one-thread-per-connection" },
      "workload": { "connections": 16, "network": { "rtt": "20us" }, "keySpace": { "rows": 4 },
        "transactions": [ { "name": "t", "type": "explicit", "statements": [ { "name": "u", "cpu": "20us", "locks": { "rows": 1, "mode": "exclusive" } } ] } ] }
    }`;
    const on = runScenario(parseScenarioText(hot(', "deadlockSearch": { "latch": "lock_sys", "perOpenTransaction": "1us", "perStep": "1us" }'), 'on.json'));
    const off = runScenario(parseScenarioText(hot(''), 'off.json'));
    const searches = on.server?.deadlockSearches ?? 0;
    expect(searches).toBeGreaterThan(0);
    expect(on.server?.deadlockSearchStepsMean ?? 0).toBeGreaterThanOrEqual(1);
    // Every wait and every deadlock searched once; each search is one more acquisition of lock_sys.
    expect(Math.abs(searches - ((on.server?.lockWaits ?? 0) + (on.server?.deadlocks ?? 0)))).toBeLessThanOrEqual(16);
    const u = on.statements.u.count;
    expect(Math.abs((on.latches ?? {}).lock_sys.acquisitions - (u + searches))).toBeLessThanOrEqual(32);
    expect(off.server?.deadlockSearches).toBeUndefined();
  });

  it('deadlockSearch must name one of the latches', () => {
    const bad = `, "latches": { "latches": [ { "name": "x", "holds": {} } ], "deadlockSearch": { "latch": "kernel_mutex", "perStep": "1ns" } }`;
    expect(() => parseScenarioText(scenario(bad, 2, 'one-thread-per-connection'), 'bad.json')).toThrow(/server\.latches\.deadlockSearch\.latch.*expected the name of one of the scenario's latches \(x\), found "kernel_mutex"/s);
  });

  it('a hold for a class the workload lacks is an error naming the path', () => {
    const bad = `, "latches": { "latches": [ { "name": "x", "holds": { "nope": "1us" } } ] }`;
    expect(() => parseScenarioText(scenario(bad, 2, 'one-thread-per-connection'), 'bad.json')).toThrow(/server\.latches\.latches\[0\]\.holds\.nope.*expected a statement class of the workload \(BEGIN, COMMIT, q\), found "nope"/s);
  });
});
