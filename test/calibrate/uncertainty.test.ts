import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cholesky, measurementInterval, parameterDraws, quantileOf, residualScatterOf, withDraw } from '../../src/calibrate/uncertainty.js';
import { buildDistribution } from '../../src/workload/dist-spec.js';
import type { DistSpec, ScenarioInput } from '../../src/workload/schema.js';
import { ensureBuilt, sim } from '../cli/helpers.js';

const U = {
  params: [
    { name: 'scale' as const, value: 1.2, relSd: 0.05 },
    { name: 'rtt' as const, value: 8, relSd: 0.3 },
    { name: 'refill' as const, value: 5, relSd: 0.6 },
  ],
  correlation: [
    [1, -0.5, 0.1],
    [-0.5, 1, 0.3],
    [0.1, 0.3, 1],
  ],
};

describe('prediction intervals from the fit covariance', () => {
  it('cholesky: L L^T reproduces the matrix', () => {
    const a = [
      [4, 2, 0.4],
      [2, 10, 1],
      [0.4, 1, 3],
    ];
    const l = cholesky(a);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(l[i].reduce((s, x, m) => s + x * l[j][m], 0)).toBeCloseTo(a[i][j], 12);
    expect(l[0][1]).toBe(0);
  });

  it('draws have the fitted log means, sds and correlations, and the same seed gives the same draws', () => {
    const n = 20_000;
    const d = parameterDraws(U, n, 7);
    expect(parameterDraws(U, 3, 7)).toEqual(d.slice(0, 3));
    const logs = U.params.map((p, i) => d.map((row) => Math.log(row[i] / p.value)));
    const mean = logs.map((x) => x.reduce((s, v) => s + v, 0) / n);
    const sd = logs.map((x, i) => Math.sqrt(x.reduce((s, v) => s + (v - mean[i]) ** 2, 0) / (n - 1)));
    U.params.forEach((p, i) => {
      expect(Math.abs(mean[i])).toBeLessThan((4 * p.relSd) / Math.sqrt(n));
      expect(sd[i] / p.relSd).toBeGreaterThan(0.97);
      expect(sd[i] / p.relSd).toBeLessThan(1.03);
    });
    const corr = (i: number, j: number): number => logs[i].reduce((s, v, k) => s + (v - mean[i]) * (logs[j][k] - mean[j]), 0) / (n - 1) / sd[i] / sd[j];
    expect(corr(0, 1)).toBeCloseTo(-0.5, 1);
    expect(corr(1, 2)).toBeCloseTo(0.3, 1);
  });

  it('a drawn scale applies relative to the fitted one; the others are absolute', () => {
    const fitted: ScenarioInput = {
      name: 'f',
      threadHandling: { mode: 'one-thread-per-connection' },
      workload: { connections: 1, network: { rtt: '8us' }, transactions: [{ name: 'q', type: 'autocommit', statements: [{ name: 'q', cpu: '12us' }] }] },
      server: { cores: 1, scheduling: 'cfs' },
    };
    const s = withDraw(fitted, U, [2.4, 10, 7]);
    expect(buildDistribution(s.workload.transactions[0].statements[0].cpu as DistSpec).mean).toBeCloseTo(24, 9);
    expect(buildDistribution(s.workload.network?.rtt as DistSpec).mean).toBeCloseTo(10, 9);
    expect(s.server?.linux?.cacheRefill?.refill).toBe('7us');
    expect(quantileOf([4, 1, 3, 2], 0.5)).toBe(2.5);
  });

  it("a drawn listener CPU sets a MariaDB pool's listener_cpu and leaves the -tpc twin alone (it has no listener)", () => {
    const u = { params: [{ name: 'listener' as const, value: 1.5, relSd: 0.5 }], correlation: [[1]] };
    const base = (threadHandling: ScenarioInput['threadHandling']): ScenarioInput => ({
      name: 'f',
      threadHandling,
      workload: { connections: 1, transactions: [{ name: 'q', type: 'autocommit', statements: [{ name: 'q', cpu: '12us' }] }] },
    });
    const pool = withDraw(base({ mode: 'pool', flavor: 'mariadb' }), u, [2.5]);
    expect(pool.threadHandling).toMatchObject({ mode: 'pool', flavor: 'mariadb', listener_cpu: '2.5us' });
    const tpc = base({ mode: 'one-thread-per-connection' });
    expect(withDraw(tpc, u, [2.5]).threadHandling).toEqual(tpc.threadHandling);
    expect(() => withDraw(base({ mode: 'pool', flavor: 'mysql' }), u, [2.5])).toThrow(/needs a MariaDB or Percona pool .*found a mysql pool/);
  });

  it('sim fit --params listener on a scenario without a MariaDB or Percona pool: exit 2, the file and what was found', () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'tpsim-fit-listener-'));
    const scenario = join(dir, 'tpc.json');
    writeFileSync(scenario, JSON.stringify({ name: 't', threadHandling: { mode: 'one-thread-per-connection' }, workload: { connections: 1, transactions: [{ name: 'q', type: 'autocommit', statements: [{ name: 'q', cpu: '12us' }] }] } }));
    const runs = join(dir, 'runs.csv');
    writeFileSync(runs, 'threads,tps\n1,50000\n4,80000\n');
    const r = sim(['fit', scenario, '--runs', runs, '--params', 'scale,listener', '--out', join(dir, 'out.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--params listener: ${scenario}: parameter listener needs a MariaDB or Percona pool`);
    expect(r.stderr).toContain('found one-thread-per-connection');
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('sim predict: intervals around the fitted figure at each client count; exit 2 without a fit report', () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'tpsim-predict-'));
    const scenario = join(dir, 'fitted.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        name: 'fitted',
        duration: '40ms',
        warmup: '10ms',
        calibration: { runs: 'runs.csv', connections: { min: 1, max: 4 } },
        server: { cores: 1, scheduling: 'cfs', linux: { cacheRefill: { refill: '5us', capacity: 8 } } },
        threadHandling: { mode: 'one-thread-per-connection' },
        workload: { connections: 1, network: { rtt: '8us' }, transactions: [{ name: 'q', type: 'autocommit', statements: [{ name: 'q', cpu: { dist: 'exponential', mean: '12us' } }] }] },
      }),
    );
    const missing = sim(['predict', scenario, '--connections', '4']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no fit report at .*fitted\.fit\.json/);
    writeFileSync(join(dir, 'fitted.fit.json'), JSON.stringify(U));
    const out = join(dir, 'pred.json');
    const r = sim(['predict', scenario, '--connections', '2,32', '--draws', '6', '--workers', '1', '--out', out, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { draws: number; predictions: Array<{ connections: number; tps: { fitted: number; lo: number; hi: number } }> };
    expect(report.draws).toBe(6);
    expect(report.predictions.map((p) => p.connections)).toEqual([2, 32]);
    for (const p of report.predictions) {
      expect(p.tps.lo).toBeLessThan(p.tps.hi);
      expect(p.tps.fitted).toBeGreaterThan(0);
    }
    // The model's server CPU per transaction: the statement's 12 µs at 2 connections; at 32, each
    // switch-in comes back after 31 other threads, more than the 8 working sets the cache holds,
    // and reloads nearly all of its 5 µs working set.
    const cpu = (report.predictions as unknown as Array<{ cpuUsPerTxn: number }>).map((p) => p.cpuUsPerTxn);
    expect(cpu[0]).toBeGreaterThan(11);
    expect(cpu[0]).toBeLessThan(13.5);
    expect(cpu[1] - cpu[0]).toBeGreaterThan(3.5);
    expect(cpu[1] - cpu[0]).toBeLessThan(6.5);
    // Where the connections were: no pool (no queue), no locks; at 32 connections nearly all wait
    // for the one core inside their statements, at 2 the round trip keeps them out part of the time.
    const where = (report.predictions as unknown as Array<{ where: { inStatements: number; poolQueue?: number; errorsPerS: number; rowLockWaitsPerS: number } }>).map((p) => p.where);
    expect(where.map((w) => [w.poolQueue, w.errorsPerS, w.rowLockWaitsPerS])).toEqual([
      [undefined, 0, 0],
      [undefined, 0, 0],
    ]);
    expect(where[0].inStatements).toBeGreaterThan(0.5);
    expect(where[0].inStatements).toBeLessThan(2);
    expect(where[1].inStatements).toBeGreaterThan(28);
    expect(where[1].inStatements).toBeLessThanOrEqual(32);
    // 32 connections is 8x the 4 fitted on.
    expect(r.stderr).toMatch(/fitted on 1-4 client connections/);
    // A fit report without training points gives no measurement interval.
    expect((report.predictions[0].tps as { measured?: unknown }).measured).toBeUndefined();

    // With them: tps residuals +-0.1 and +-0.2 over 4 points, 2 parameters on 4 residuals (dof 2).
    const points = [0.1, -0.1, 0.2, -0.2].map((tps) => ({ residuals: { tps } }));
    writeFileSync(join(dir, 'fitted.fit.json'), JSON.stringify({ ...U, params: U.params.slice(0, 2), correlation: [[1, -0.5], [-0.5, 1]], points, dof: 2 }));
    const w = sim(['predict', scenario, '--connections', '2', '--draws', '6', '--workers', '1', '--json']);
    expect(w.status, w.stderr).toBe(0);
    const wr = JSON.parse(w.stdout) as { scatter: { tps: number; dof: number }; predictions: Array<{ tps: { fitted: number; lo: number; hi: number; measured: { lo: number; hi: number } } }> };
    expect(wr.scatter.tps).toBeCloseTo(Math.sqrt(0.05), 12);
    const t = wr.predictions[0].tps;
    expect(t.measured.lo).toBeLessThan(t.lo);
    expect(t.measured.hi).toBeGreaterThan(t.hi);
    const text = sim(['predict', scenario, '--connections', '2', '--draws', '6', '--workers', '1']);
    expect(text.stdout).toMatch(/where one measurement of the real server is expected \(95%\).*tps ±25%, p95 – rms\)/);
    expect(text.stdout).toMatch(/where the fitted model puts the connections[^\n]*\n\s*connections\s+inside a statement\s+queued in the pool\s+deadlocks\+timeouts\/s\s+row-lock waits\/s\n\s*2\s+\d\.\d\d\s+–\s+0\.00\s+0\.00/);
  });

  it('residual scatter: rms of the training residuals per figure, times sqrt(m / (m - p))', () => {
    // tps residuals 0.1, -0.1, 0.2, -0.2: mean square 0.025; p95 on two points only: 0.3, 0.1.
    const report = {
      params: [{ name: 'scale' }, { name: 'rtt' }],
      dof: 4,
      points: [{ residuals: { tps: 0.1, p95: 0.3 } }, { residuals: { tps: -0.1 } }, { residuals: { tps: 0.2, p95: 0.1 } }, { residuals: { tps: -0.2 } }],
    };
    const s = residualScatterOf(report);
    // m = dof + p = 6: 0.025 * 6 / 4 = 0.0375; p95: (0.09 + 0.01) / 2 * 1.5 = 0.075.
    expect(s?.tps).toBeCloseTo(Math.sqrt(0.0375), 14);
    expect(s?.p95).toBeCloseTo(Math.sqrt(0.075), 14);
    expect(s?.p99).toBeUndefined();
    expect(residualScatterOf({ params: [], correlation: [] })).toBeUndefined();
  });

  it('measurement interval: the model interval and t(0.975, dof) x scatter added in quadrature, in log space', () => {
    // No scatter: the model interval itself.
    const same = measurementInterval(100, 80, 130, 0, 5);
    expect(same.lo).toBeCloseTo(80, 10);
    expect(same.hi).toBeCloseTo(130, 10);
    // No model width: fitted x exp(+-t s); t(0.975, 2) = 4.302652729749464.
    const t2 = 4.302652729749464;
    const pure = measurementInterval(100, 100, 100, 0.1, 2);
    expect(pure.lo).toBeCloseTo(100 * Math.exp(-t2 * 0.1), 6);
    expect(pure.hi).toBeCloseTo(100 * Math.exp(t2 * 0.1), 6);
    // Equal halves: sqrt(2) times either.
    const e = t2 * 0.1;
    const both = measurementInterval(100, 100 * Math.exp(-e), 100 * Math.exp(e), 0.1, 2);
    expect(Math.log(100 / both.lo)).toBeCloseTo(Math.SQRT2 * e, 6);
    expect(Math.log(both.hi / 100)).toBeCloseTo(Math.SQRT2 * e, 6);
    // A collapsed figure (0 fitted) keeps a lower end of 0.
    expect(measurementInterval(0, 0, 5, 0.1, 2).lo).toBe(0);
  });
});
