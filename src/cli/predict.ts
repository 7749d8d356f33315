import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { SimPool } from '../calibrate/sim-pool.js';
import { type PointFigures, type WhereFigures, whereOf } from '../calibrate/sim-point.js';
import { type ResidualScatter, fitUncertaintyOf, measurementInterval, parameterDraws, quantileOf, residualScatterOf, withDraw } from '../calibrate/uncertainty.js';
import { fmtCount, table } from '../report/format.js';
import { writeFileAtomic } from '../report/write.js';
import { extrapolationWarning } from '../run/model-warnings.js';
import { loadScenarioFile } from '../workload/load.js';
import { Scenario, type ScenarioInput, type ScenarioSpec } from '../workload/schema.js';
import { asRunFailure, UsageError } from './errors.js';

export interface PredictArgs {
  scenario: string;
  fit?: string;
  connections: string;
  draws: number;
  duration?: string;
  warmup?: string;
  set: string[];
  workers?: number;
  seed: number;
  out?: string;
  json: boolean;
  quiet: boolean;
}

/** A figure at one client count: the fitted parameters' value and the 95% prediction interval over the draws. */
export interface PredictedFigure {
  fitted: number;
  lo: number;
  hi: number;
  /**
   * Where one new measurement of the real server is expected (95%): [lo, hi] widened by the
   * fit's residual scatter at its training points (ResidualScatter). Absent when the fit report
   * has no training points.
   */
  measured?: { lo: number; hi: number };
}

export interface Prediction {
  connections: number;
  tps: PredictedFigure;
  p95: PredictedFigure;
  p99: PredictedFigure;
  /**
   * The fitted model's server CPU per transaction, µs: set beside a measurement's (server_cpu_util /
   * tps), it says whether a miss comes from a cost per transaction the model lacks.
   */
  cpuUsPerTxn: number;
  /** Where the fitted model's connections and time went, beside the server's own counters (WhereFigures). */
  where: WhereFigures;
}

export interface PredictionReport {
  scenario: string;
  fit: string;
  draws: number;
  seed: number;
  /** The fit's residual scatter (log scale) that widens `measured`; absent with an older fit report. */
  scatter?: ResidualScatter;
  predictions: Prediction[];
}

/** The fit report beside a fitted scenario: x.json and x-tpc.json (the twin) both come with x.fit.json. */
export function defaultFitReport(scenario: string): string {
  const stem = scenario.replace(/\.json$/, '');
  const own = `${stem}.fit.json`;
  if (existsSync(own)) return own;
  return `${stem.replace(/-tpc$/, '')}.fit.json`;
}

/**
 * sim predict: a fitted scenario at client counts it was not measured at, each figure with a
 * prediction interval that carries the fit's parameter uncertainty: every draw is a parameter set
 * from the fit's covariance simulated with its own seed, so replication noise is in it too.
 */
export async function predictCommand(a: PredictArgs): Promise<PredictionReport> {
  const sets = [...a.set, ...(a.duration !== undefined ? [`duration=${a.duration}`] : []), ...(a.warmup !== undefined ? [`warmup=${a.warmup}`] : [])];
  const spec = loadScenarioFile(a.scenario, sets);
  const fitFile = a.fit ?? defaultFitReport(a.scenario);
  if (!existsSync(fitFile)) throw new UsageError(`${a.scenario}: no fit report at ${fitFile} (sim fit writes one beside the fitted scenario); pass --fit FILE.fit.json.`);
  let u;
  let scatter: ResidualScatter | undefined;
  try {
    const report: unknown = JSON.parse(readFileSync(fitFile, 'utf8'));
    u = fitUncertaintyOf(report, fitFile);
    scatter = residualScatterOf(report);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const connections = a.connections.split(',').map((x) => {
    const n = Number(x.trim());
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new UsageError(`--connections ${a.connections}: expected whole numbers from 1 to 1,000,000, comma-separated.`);
    return n;
  });
  if (!Number.isInteger(a.draws) || a.draws < 2 || a.draws > 10_000) throw new UsageError(`--draws ${a.draws}: expected a whole number from 2 to 10,000.`);
  const workers = a.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers ${a.workers}: expected a whole number >= 1.`);

  // The validated scenario (overrides applied) is a complete input for the draws.
  const input = spec as unknown as ScenarioInput;
  const draws = parameterDraws(u, a.draws, a.seed);
  const specs: ScenarioSpec[] = [];
  for (const n of connections) {
    const at = (s: ScenarioInput, seed: number): ScenarioSpec => Scenario.parse({ ...s, seed, replications: undefined, workload: { ...s.workload, connections: n } });
    specs.push(at(input, a.seed));
    draws.forEach((d, i) => specs.push(at(withDraw(input, u, d), a.seed + 1 + i)));
  }
  const pool = new SimPool(Math.min(workers, specs.length));
  let figures: PointFigures[];
  try {
    figures = await pool.run(specs);
  } catch (e) {
    throw asRunFailure(e);
  } finally {
    await pool.close();
  }
  const per = a.draws + 1;
  const predictions = connections.map((n, k) => {
    const fitted = figures[k * per];
    const drawn = figures.slice(k * per + 1, (k + 1) * per);
    const fig = (key: 'tps' | 'p95' | 'p99'): PredictedFigure => {
      const v = drawn.map((f) => f[key]);
      const f: PredictedFigure = { fitted: fitted[key], lo: quantileOf(v, 0.025), hi: quantileOf(v, 0.975) };
      const s = scatter?.[key];
      if (scatter !== undefined && s !== undefined) f.measured = measurementInterval(f.fitted, f.lo, f.hi, s, scatter.dof);
      return f;
    };
    return { connections: n, tps: fig('tps'), p95: fig('p95'), p99: fig('p99'), cpuUsPerTxn: Math.round(fitted.cpuUsPerTxn * 100) / 100, where: whereOf(fitted) };
  });
  const report: PredictionReport = { scenario: a.scenario, fit: fitFile, draws: a.draws, seed: a.seed, ...(scatter !== undefined ? { scatter } : {}), predictions };
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (a.out !== undefined) writeFileAtomic(a.out, json);
  if (a.json) process.stdout.write(json);
  else if (!a.quiet) {
    process.stdout.write(`${formatPredictions(report)}\n`);
    if (a.out !== undefined) process.stderr.write(`predictions written to ${a.out}\n`);
  }
  if (!a.quiet && u.params.length === 0) {
    process.stderr.write(`note: ${fitFile} has no identified parameter: the intervals hold replication noise only, not the model's uncertainty.\n`);
  }
  const w = a.quiet ? undefined : extrapolationWarning(spec.calibration, connections);
  if (w !== undefined) process.stderr.write(`warning: ${w}\n`);
  return report;
}

function fmtFigure(f: PredictedFigure, digits: (x: number) => string): string {
  return `${digits(f.fitted)} [${digits(f.lo)}, ${digits(f.hi)}]`;
}

export function formatPredictions(r: PredictionReport): string {
  const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toPrecision(3) : x.toPrecision(2));
  const count = (x: number): string => fmtCount(Math.round(x));
  const rows = [
    ['connections', 'tps', 'p95 ms', 'p99 ms'],
    ...r.predictions.map((p) => [fmtCount(p.connections), fmtFigure(p.tps, count), fmtFigure(p.p95, ms), fmtFigure(p.p99, ms)]),
  ];
  const out = [`${r.scenario}: predictions with 95% intervals over ${r.draws} parameter draws from ${r.fit} (each with its own seed)`, ...table(rows, { align: ['r', 'r', 'r', 'r'] })];
  const s = r.scatter;
  if (s !== undefined && r.predictions.some((p) => p.tps.measured !== undefined)) {
    const range = (f: PredictedFigure, d: (x: number) => string): string => (f.measured === undefined ? '–' : `[${d(f.measured.lo)}, ${d(f.measured.hi)}]`);
    const pct = (x: number | undefined): string => (x === undefined ? '–' : `±${(100 * (Math.exp(x) - 1)).toFixed(0)}%`);
    out.push(
      '',
      `where one measurement of the real server is expected (95%): the intervals above widened by how far the training points fell from the fit (tps ${pct(s.tps)}, p95 ${pct(s.p95)} rms)`,
      ...table(
        [['connections', 'tps', 'p95 ms', 'p99 ms'], ...r.predictions.map((p) => [fmtCount(p.connections), range(p.tps, count), range(p.p95, ms), range(p.p99, ms)])],
        { align: ['r', 'r', 'r', 'r'] },
      ),
    );
  }
  // Older reports have no `where`; a run without a pool has no queue.
  if (r.predictions.every((p) => p.where !== undefined)) {
    const f = (x: number | undefined): string => (x === undefined ? '–' : x >= 100 ? fmtCount(Math.round(x)) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
    out.push(
      '',
      'where the fitted model puts the connections (time-averaged), to set beside the server\'s Threads_running, pool queue and error counters:',
      ...table(
        [
          ['connections', 'inside a statement', 'queued in the pool', 'deadlocks+timeouts/s', 'row-lock waits/s'],
          ...r.predictions.map((p) => [fmtCount(p.connections), f(p.where.inStatements), f(p.where.poolQueue), f(p.where.errorsPerS), f(p.where.rowLockWaitsPerS)]),
        ],
        { align: ['r', 'r', 'r', 'r', 'r'] },
      ),
    );
  }
  return out.join('\n');
}
