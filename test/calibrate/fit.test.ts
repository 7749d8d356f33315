import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyParams, fitScenario, invert, pointScenario, startingPoint } from '../../src/calibrate/fit.js';
import { type MeasuredPoint, groupRuns, readRuns } from '../../src/calibrate/runs.js';
import { formatFit } from '../../src/calibrate/report.js';
import { SimPool } from '../../src/calibrate/sim-pool.js';
import { simulatePoint } from '../../src/calibrate/sim-point.js';
import { parseSysbench } from '../../src/calibrate/sysbench.js';
import { buildDistribution } from '../../src/workload/dist-spec.js';
import type { DistSpec, ScenarioInput } from '../../src/workload/schema.js';
import { ensureBuilt, sim } from '../cli/helpers.js';

const RUNS = join(__dirname, '..', 'fixtures', 'oracle', 'runs.csv');

const BASE: ScenarioInput = {
  name: 'fit-synthetic',
  seed: 3,
  server: { cores: 1, contention: { model: 'usl', sigma: 0.02, kappa: 0 } },
  threadHandling: { mode: 'one-thread-per-connection' },
  workload: {
    connections: 1,
    network: { rtt: { dist: 'lognormal', mean: '30us', cv: 0.3 } },
    transactions: [{ name: 'q', type: 'autocommit', statements: [{ name: 'q', cpu: { dist: 'gamma', mean: '40us', cv: 0.5 } }] }],
  },
};

describe('measured runs', () => {
  it('reads the oracle runs.csv into points: medians and replicate ranges', () => {
    const runs = readRuns(RUNS).filter((r) => r.workload === 'oltp_point_select');
    const points = groupRuns(runs);
    expect(points).toHaveLength(8); // 1, 4, 16, 64 clients x pool, one thread per connection
    const p = points.find((x) => x.handling === 'pool' && x.threads === 16) as MeasuredPoint;
    const tps = p.runs.map((r) => r.tps).sort((a, b) => a - b);
    expect(p.runs).toHaveLength(3);
    expect(p.median.tps).toBe(tps[1]);
    expect(p.range.tps).toEqual([tps[0], tps[2]]);
    expect(p.pool.thread_pool_size).toBe(1);
    expect(p.median.tpQueueLenMean).toBeGreaterThan(1);
  });

  it('reads the plain threads,tps,p95 format', () => {
    const f = join(tmpdir(), `tpsim-plain-${process.pid}.csv`);
    writeFileSync(f, 'threads,tps,p95\n1,1000,1.5\n4,2000,3\n4,2200,3.2\n');
    const points = groupRuns(readRuns(f));
    expect(points.map((p) => [p.handling, p.threads, p.median.tps])).toEqual([
      ['base', 1, 1000],
      ['base', 4, 2100],
    ]);
  });

  it('parses sysbench 1.0 output after a checkpoint: the measured window and its histogram', () => {
    const r = parseSysbench(readFileSync(join(__dirname, 'fixtures', 'sysbench-point_select-checkpoint.txt'), 'utf8'));
    expect(r.transactions).toBe(15495);
    expect(r.tps).toBe(7737.36);
    expect(r.histogram.reduce((s, [, c]) => s + c, 0)).toBe(r.transactions);
    expect(r.p50).toBeLessThanOrEqual(r.p95);
    expect(r.p95).toBeLessThanOrEqual(r.p99);
  });
});

describe('sim fit', () => {
  it('applies parameters: demand scale, round trip, contention', () => {
    const s = applyParams(BASE, ['scale', 'rtt', 'sigma'], [2, 50, 0.1]);
    const st = s.workload.transactions[0].statements[0];
    expect(buildDistribution(st.cpu as DistSpec).mean).toBeCloseTo(80, 6);
    expect(buildDistribution(s.workload.network?.rtt as DistSpec).mean).toBeCloseTo(50, 6);
    expect(s.server?.contention).toEqual({ model: 'usl', sigma: 0.1, kappa: 0 });
    expect(invert([[2, 1], [1, 1]])).toEqual([[1, -1], [-1, 2]]);
  });

  it('recovers known parameters from points simulated with them (other seed), with an uncertainty', async () => {
    const truth = applyParams(BASE, ['scale', 'rtt'], [1.4, 20]);
    const mk = (threads: number): MeasuredPoint => ({ workload: 'w', handling: 'base', pool: {}, threads, runs: [], median: { tps: 1 }, range: { tps: [1, 1] } });
    const points = [1, 2, 8].map((n) => {
      const p = mk(n);
      p.median.tps = 1e6 / 80; // only sets the simulated duration here
      const f = simulatePoint(pointScenario(truth, p, { statementsPerPoint: 30_000, seed: 99 }));
      p.median = { tps: f.tps, p95: f.p95 };
      p.range = { tps: [f.tps, f.tps], p95: [f.p95, f.p95] };
      return p;
    });
    const pool = new SimPool(1);
    const fit = await fitScenario(BASE, points, pool, { params: ['scale', 'rtt'], statementsPerPoint: 8000, maxEvaluations: 45 });
    await pool.close();
    const scale = fit.params[0];
    const rtt = fit.params[1];
    expect(scale.value).toBeGreaterThan(1.4 * 0.93);
    expect(scale.value).toBeLessThan(1.4 * 1.07);
    expect(rtt.value).toBeGreaterThan(20 * 0.75);
    expect(rtt.value).toBeLessThan(20 * 1.25);
    expect(Number.isFinite(scale.sd) && scale.sd > 0).toBe(true);
    for (const p of fit.points) expect(Math.abs(p.residuals.tps)).toBeLessThan(0.05);
  });
});

describe('sim fit: the CPU per transaction as a target', () => {
  // One client: TPS says only that scale x 40 µs + rtt = 76 µs; the CPU per transaction says which is which.
  const truth = applyParams(BASE, ['scale', 'rtt'], [1.4, 20]);
  const at1 = (): MeasuredPoint => {
    const p: MeasuredPoint = { workload: 'w', handling: 'base', pool: {}, threads: 1, runs: [], median: { tps: 1e6 / 80 }, range: { tps: [1, 1] } };
    const f = simulatePoint(pointScenario(truth, p, { statementsPerPoint: 30_000, seed: 99 }));
    p.median = { tps: f.tps, cpuUsPerTxn: f.cpuUsPerTxn };
    p.range = { tps: [f.tps, f.tps], cpuUsPerTxn: [f.cpuUsPerTxn, f.cpuUsPerTxn] };
    return p;
  };

  it('identifies scale and rtt from one point with it, and not without it', async () => {
    const point = at1();
    expect(point.median.cpuUsPerTxn).toBeGreaterThan(56 * 0.97);
    expect(point.median.cpuUsPerTxn).toBeLessThan(56 * 1.03);
    const pool = new SimPool(1);
    const opts = { params: ['scale', 'rtt'] as const, statementsPerPoint: 8000, maxEvaluations: 45 };
    const withCpu = await fitScenario(BASE, [point], pool, { ...opts, params: [...opts.params], weights: { p95: 0, cpu: 1 } });
    const tpsOnly = await fitScenario(BASE, [point], pool, { ...opts, params: [...opts.params], weights: { p95: 0 } });
    await pool.close();
    const [scale, rtt] = withCpu.params;
    expect(scale.value).toBeGreaterThan(1.4 * 0.95);
    expect(scale.value).toBeLessThan(1.4 * 1.05);
    expect(rtt.value).toBeGreaterThan(20 * 0.8);
    expect(rtt.value).toBeLessThan(20 * 1.2);
    expect(Math.abs(withCpu.points[0].residuals.cpu ?? 1)).toBeLessThan(0.03);
    // Without it one residual cannot pin two parameters: their uncertainty is unbounded.
    expect(tpsOnly.params.every((p) => !(p.relSd < 0.5))).toBe(true);
    // The CPU residual is reported even when it is not fitted, and printed beside the others.
    expect(tpsOnly.points[0].residuals.cpu).toBeDefined();
    expect(formatFit(withCpu)).toMatch(/cpu µs\/txn meas +sim +Δ/);
    const noCpu = { ...withCpu, points: withCpu.points.map((p) => ({ ...p, point: { ...p.point, median: { tps: p.point.median.tps } } })) };
    expect(formatFit(noCpu)).not.toContain('cpu µs/txn');
  });

  it('sim fit --cpu-weight on runs without server_cpu_util: exit 2, saying so', () => {
    ensureBuilt();
    const dir = join(tmpdir(), `tpsim-cpuw-${process.pid}`);
    const runs = `${dir}.csv`;
    writeFileSync(runs, 'threads,tps\n1,1000\n');
    const scenario = `${dir}.json`;
    writeFileSync(scenario, JSON.stringify(BASE));
    const r = sim(['fit', scenario, '--runs', runs, '--params', 'scale,rtt', '--cpu-weight', '1', '--out', `${dir}-fitted.json`]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--cpu-weight 1: .*has no server_cpu_util values/);
    const neg = sim(['fit', scenario, '--runs', runs, '--params', 'scale,rtt', '--cpu-weight', '-1', '--out', `${dir}-fitted.json`]);
    expect(neg.status).toBe(2);
    expect(neg.stderr).toMatch(/--cpu-weight -1: expected a number >= 0/);
  });
});

describe('sim measure', () => {
  it('refuses to load a server without --yes-this-server naming it (exit 2)', () => {
    ensureBuilt();
    const r = sim(['measure', '--host', '192.0.2.1', '--port', '3306', '--out', join(tmpdir(), 'never.csv')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--yes-this-server 192\.0\.2\.1:3306/);
    const wrong = sim(['measure', '--host', '192.0.2.1', '--yes-this-server', '192.0.2.2:3306']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/you gave "192\.0\.2\.2:3306"/);
  });
});

describe('starting point of the fit', () => {
  const point = (threads: number, tps: number): MeasuredPoint =>
    ({ workload: 'w', handling: 'pool', pool: {}, threads, runs: [], median: { tps }, range: { tps: [tps, tps] } }) as unknown as MeasuredPoint;
  // A closed loop at low concurrency: TPS proportional to 1 / (demand scale + round trip).
  const figuresAt = async (x: readonly number[]) => [{ tps: 1e6 / (Math.exp(x[0]) * 10 + Math.exp(x[1])), mean: 0, p95: 0, p99: 0, threadsMean: 1, gauges: {}, rowLockWaitsPerS: 0, errorsPerS: 0, inStatements: 0, cpuUsPerTxn: 0, wallSeconds: 0 }];

  it('moves scale and rtt together when the lowest concurrency is off by more than half', async () => {
    // Measured 5x slower than the start (scale 1, rtt 5 µs: 15 µs per transaction).
    const x = await startingPoint([0, Math.log(5), Math.log(0.01)], ['scale', 'rtt', 'sigma'], [point(1, 1e6 / 75)], figuresAt);
    expect(Math.exp(x[0])).toBeCloseTo(5, 6);
    expect(Math.exp(x[1])).toBeCloseTo(25, 6);
    expect(Math.exp(x[2])).toBeCloseTo(0.01, 9);
  });

  it('keeps the scenario values when they are within half of the data, or when scale is not fitted', async () => {
    const close = await startingPoint([0, Math.log(5)], ['scale', 'rtt'], [point(1, 1e6 / 20)], figuresAt);
    expect(close).toEqual([0, Math.log(5)]);
    const noScale = await startingPoint([Math.log(5)], ['rtt'], [point(1, 1e6 / 75)], async () => {
      throw new Error('not evaluated');
    });
    expect(noScale).toEqual([Math.log(5)]);
  });
});
