import { parseDuration } from '../engine/duration.js';
import { buildDistribution } from '../workload/dist-spec.js';
import { type DistSpec, Scenario, type ScenarioInput, type ScenarioSpec } from '../workload/schema.js';
import { scaleDist, us } from './dist-fit.js';
import type { MeasuredPoint } from './runs.js';
import type { PointFigures } from './sim-point.js';
import type { SimPool } from './sim-pool.js';

/**
 * Simulation-based least squares: the free parameters of the server model are chosen so that
 * simulated TPS and p95 (and optionally p99) of every training point match the measured medians,
 * in relative terms (residual = weight * ln(simulated / measured)). Every evaluation simulates
 * every point with the same seeds (common random numbers), so the objective is a deterministic
 * function of the parameters and a direct search (Nelder-Mead) converges. Parameters are searched
 * in log space (all are positive scales). Uncertainty: the Gauss-Newton covariance
 * s^2 (J^T J)^-1 at the optimum, J by forward differences, s^2 = RSS / (m - p).
 */

export type ParamName = 'scale' | 'rtt' | 'sigma' | 'kappa' | 'switch' | 'ctxswitch' | 'refill' | 'capacity' | 'listener';
export const PARAM_NAMES: readonly ParamName[] = ['scale', 'rtt', 'sigma', 'kappa', 'switch', 'ctxswitch', 'refill', 'capacity', 'listener'];

export const PARAM_HELP: Record<ParamName, string> = {
  scale: 'multiplier of every statement CPU demand (BEGIN and COMMIT included)',
  rtt: 'mean network round trip + client time per statement, µs (shape kept)',
  sigma: 'USL contention sigma (server.contention)',
  kappa: 'USL coherency kappa (server.contention)',
  switch: 'switch-cost contention: rate lost per runnable thread beyond the cores',
  ctxswitch: 'CPU time per context switch, µs (server.linux.contextSwitch; needs server.scheduling "cfs" or "eevdf")',
  refill: "time to reload a thread's whole working set into the core's cache, µs (server.linux.cacheRefill.refill; cfs or eevdf)",
  capacity: "working sets the core's cache holds (server.linux.cacheRefill.capacity; cfs or eevdf)",
  listener: 'CPU of each listener poll that returns events, µs (threadHandling.listener_cpu; a MariaDB or Percona pool)',
};

const BOUNDS: Record<ParamName, [number, number]> = {
  scale: [0.05, 20],
  rtt: [0.1, 1e6],
  sigma: [1e-6, 1],
  kappa: [1e-8, 0.1],
  switch: [1e-6, 0.5],
  ctxswitch: [0.01, 100],
  refill: [0.01, 1000],
  capacity: [1, 10000],
  listener: [0.01, 100],
};

export interface FitOptions {
  params: ParamName[];
  /** Residual weights; a point without the figure contributes nothing for it. */
  weights?: { tps?: number; p95?: number; p99?: number; cpu?: number };
  /** Target statements simulated per point (sets the simulated duration from the measured TPS). */
  statementsPerPoint?: number;
  maxEvaluations?: number;
  seed?: number;
  /** Told after each evaluation. */
  onEvaluation?: (n: number, rss: number, values: Record<string, number>) => void;
}

export interface PointFit {
  point: MeasuredPoint;
  simulated: PointFigures;
  residuals: { tps: number; p95?: number; p99?: number; cpu?: number };
}

export interface FitResult {
  params: Array<{ name: ParamName; value: number; sd: number; relSd: number }>;
  rss: number;
  evaluations: number;
  dof: number;
  points: PointFit[];
  /** Correlation matrix of the (log) parameters. */
  correlation: number[][];
  scenario: ScenarioInput;
}

/** The value of each parameter in a scenario (the starting point of a fit). */
export function currentValues(base: ScenarioInput, params: readonly ParamName[]): number[] {
  const spec = Scenario.parse(base);
  return params.map((p) => {
    const c = spec.server.contention;
    switch (p) {
      case 'scale':
        return 1;
      case 'rtt':
        return Math.max(1, buildDistribution(spec.workload.network.rtt).mean);
      case 'sigma':
        return c.model === 'usl' && c.sigma > 0 ? c.sigma : 0.01;
      case 'kappa':
        return c.model === 'usl' && c.kappa > 0 ? c.kappa : 1e-4;
      case 'switch':
        return c.model === 'switch' && c.cost > 0 ? c.cost : 0.005;
      case 'ctxswitch': {
        const cs = spec.server.linux?.contextSwitch;
        return cs !== undefined && parseDuration(cs) > 0 ? parseDuration(cs) : 1;
      }
      case 'refill': {
        const r = spec.server.linux?.cacheRefill?.refill;
        return r !== undefined && parseDuration(r) > 0 ? parseDuration(r) : 5;
      }
      case 'capacity':
        return spec.server.linux?.cacheRefill?.capacity ?? 24;
      case 'listener': {
        const lc = listenerPool(base.threadHandling)?.listener_cpu;
        return lc !== undefined && parseDuration(lc) > 0 ? parseDuration(lc) : 1;
      }
    }
  });
}

type ThreadHandlingInput = ScenarioInput['threadHandling'];
/** The thread handling if it is a pool with a listener that listener_cpu applies to (MariaDB, Percona). */
function listenerPool(th: ThreadHandlingInput): Extract<NonNullable<ThreadHandlingInput>, { flavor?: 'mariadb' | 'percona' }> | undefined {
  return th !== undefined && th.mode === 'pool' && (th.flavor === 'mariadb' || th.flavor === 'percona') ? th : undefined;
}

/** Why a parameter cannot be fitted on this scenario (a message for the user), or undefined. */
export function paramProblem(base: ScenarioInput, p: ParamName): string | undefined {
  const sched = base.server?.scheduling;
  if ((p === 'ctxswitch' || p === 'refill' || p === 'capacity') && sched !== 'cfs' && sched !== 'eevdf') {
    return `parameter ${p} needs server.scheduling "cfs" or "eevdf" in the scenario (found ${sched === undefined ? 'none, i.e. "ps"' : JSON.stringify(sched)})`;
  }
  const th = base.threadHandling;
  if (p === 'listener' && listenerPool(th) === undefined) {
    const found = th === undefined ? 'none' : th.mode === 'pool' ? `a ${th.flavor ?? 'mysql'} pool` : th.mode;
    return `parameter listener needs a MariaDB or Percona pool in the scenario (threadHandling.mode "pool", flavor "mariadb" or "percona"; found ${found})`;
  }
  return undefined;
}

/** The scenario with parameter values applied (a new object; `base` is not changed). */
export function applyParams(base: ScenarioInput, params: readonly ParamName[], values: readonly number[]): ScenarioInput {
  const s = structuredClone(base);
  const server = (s.server ??= {});
  params.forEach((p, i) => {
    const v = values[i];
    if (p === 'scale') {
      for (const t of s.workload.transactions) {
        for (const st of t.statements) st.cpu = scaleDist(st.cpu as DistSpec, v);
        if (t.begin !== undefined) t.begin = { ...t.begin, cpu: scaleDist(t.begin.cpu as DistSpec, v) };
        else t.begin = { cpu: scaleDist('6us', v) };
        if (t.commit !== undefined) t.commit = { ...t.commit, cpu: scaleDist(t.commit.cpu as DistSpec, v) };
        else t.commit = { cpu: scaleDist('11us', v) };
      }
    } else if (p === 'rtt') {
      const net = (s.workload.network ??= {});
      const old = (net.rtt ?? '30us') as DistSpec;
      const m = buildDistribution(old).mean;
      net.rtt = m > 0 ? scaleDist(old, v / m) : { dist: 'lognormal', mean: us(v), cv: 0.3 };
    } else if (p === 'sigma' || p === 'kappa') {
      const c = server.contention;
      const cur = c !== undefined && c.model === 'usl' ? c : { model: 'usl' as const, sigma: 0, kappa: 0 };
      server.contention = { ...cur, [p]: +v.toPrecision(4) };
    } else if (p === 'ctxswitch') {
      if (server.scheduling !== 'cfs' && server.scheduling !== 'eevdf') throw new Error('parameter ctxswitch needs server.scheduling "cfs" or "eevdf" in the scenario');
      server.linux = { ...server.linux, contextSwitch: us(v) };
    } else if (p === 'refill' || p === 'capacity') {
      if (server.scheduling !== 'cfs' && server.scheduling !== 'eevdf') throw new Error(`parameter ${p} needs server.scheduling "cfs" or "eevdf" in the scenario`);
      const cur = server.linux?.cacheRefill ?? { refill: '5us', capacity: 24 };
      const next = p === 'refill' ? { ...cur, refill: us(v) } : { ...cur, capacity: +v.toPrecision(4) };
      server.linux = { ...server.linux, cacheRefill: next };
    } else if (p === 'listener') {
      // One thread per connection has no listener: a fitted pool's -tpc twin ignores the draw.
      if (s.threadHandling?.mode === 'one-thread-per-connection') return;
      const th = listenerPool(s.threadHandling);
      if (th === undefined) throw new Error(paramProblem(base, p));
      s.threadHandling = { ...th, listener_cpu: us(v) };
    } else {
      server.contention = { model: 'switch', cost: +v.toPrecision(4) };
    }
  });
  return s;
}

/** The scenario of one training point: its client threads and thread handling, a short run. */
export function pointScenario(base: ScenarioInput, point: MeasuredPoint, o: { statementsPerPoint?: number; seed?: number }): ScenarioSpec {
  const s = structuredClone(base);
  s.workload.connections = point.threads;
  if (point.handling === 'tpc') s.threadHandling = { mode: 'one-thread-per-connection' };
  else if (point.handling === 'pool') {
    const th = s.threadHandling;
    const defined = Object.fromEntries(Object.entries(point.pool).filter(([, v]) => v !== undefined));
    if (th.mode === 'pool' && th.flavor === 'mariadb') s.threadHandling = { ...th, ...defined };
    else if (th.mode === 'pool' && th.flavor === 'percona') {
      const { thread_pool_priority: _p, thread_pool_prio_kickup_timer: _k, ...rest } = defined;
      s.threadHandling = { ...th, ...rest };
    } else if (th.mode !== 'pool') s.threadHandling = { mode: 'pool', flavor: 'mariadb', ...defined };
  }
  const stmtsPerTx = statementsPerTransaction(s);
  const target = o.statementsPerPoint ?? 40_000;
  const measuredUs = Math.min(5e6, Math.max(1e5, ((target / stmtsPerTx) / point.median.tps) * 1e6));
  const warmupUs = Math.max(5e4, measuredUs * 0.2);
  s.duration = `${Math.round(measuredUs + warmupUs)}us`;
  s.warmup = `${Math.round(warmupUs)}us`;
  if (o.seed !== undefined) s.seed = o.seed;
  delete s.replications;
  delete s.expect;
  return Scenario.parse(s);
}

function statementsPerTransaction(s: ScenarioInput): number {
  const tx = s.workload.transactions;
  const total = tx.reduce((a, t) => a + (t.weight ?? 1), 0);
  return tx.reduce((a, t) => {
    const n = t.statements.reduce((x, st) => x + (st.count ?? 1), 0) + (t.type === 'autocommit' ? 0 : 2);
    return a + ((t.weight ?? 1) / total) * n;
  }, 0);
}

/** Floors of the per-point spread (log scale): replicates rarely agree better than this. */
const SD_FLOOR = { tps: 0.05, p95: 0.1, p99: 0.1, cpu: 0.05 };

/** Spread of the replicates in log scale: half the log range, floored; the residual's unit. */
export function logSpread(range: [number, number] | undefined, floor: number): number {
  if (range === undefined || !(range[0] > 0)) return floor;
  return Math.max(floor, (Math.log(range[1]) - Math.log(range[0])) / 2);
}

/**
 * Residuals in units of the replicates' spread: ln(sim / median) / spread. A point whose replicates
 * disagree (bimodal p95 at 1 thread) pulls less than one they agree on: weighted least squares
 * with the replicate spread as the standard deviation.
 */
function residualsOf(points: readonly MeasuredPoint[], figs: readonly PointFigures[], w: Required<NonNullable<FitOptions['weights']>>): { vec: number[]; per: PointFit['residuals'][] } {
  const vec: number[] = [];
  const per: PointFit['residuals'][] = [];
  const lr = (sim: number, meas: number): number => Math.log(Math.max(sim, 1e-9) / meas);
  points.forEach((p, i) => {
    const f = figs[i];
    const r: PointFit['residuals'] = { tps: lr(f.tps, p.median.tps) };
    if (w.tps > 0) vec.push((w.tps * r.tps) / logSpread(p.range.tps, SD_FLOOR.tps));
    if (p.median.p95 !== undefined && p.median.p95 > 0) {
      r.p95 = lr(f.p95, p.median.p95);
      if (w.p95 > 0) vec.push((w.p95 * r.p95) / logSpread(p.range.p95, SD_FLOOR.p95));
    }
    if (p.median.p99 !== undefined && p.median.p99 > 0) {
      r.p99 = lr(f.p99, p.median.p99);
      if (w.p99 > 0) vec.push((w.p99 * r.p99) / logSpread(p.range.p99, SD_FLOOR.p99));
    }
    // The server's CPU per transaction (server_cpu_util / tps): it separates the server's work
    // from the round trip and the waits, which TPS alone at few clients cannot.
    if (p.median.cpuUsPerTxn !== undefined && p.median.cpuUsPerTxn > 0 && f.cpuUsPerTxn > 0) {
      r.cpu = lr(f.cpuUsPerTxn, p.median.cpuUsPerTxn);
      if (w.cpu > 0) vec.push((w.cpu * r.cpu) / logSpread(p.range.cpuUsPerTxn, SD_FLOOR.cpu));
    }
    per.push(r);
  });
  return { vec, per };
}

/**
 * Where Nelder-Mead starts: the scenario's own values, unless its throughput at the lowest
 * measured concurrency is off by more than half. Then the time parameters (scale, and rtt when
 * fitted) are multiplied by simulated / measured TPS there, which puts a closed loop's time per
 * transaction about right. A simplex started several-fold away from the data wanders to the
 * bounds (seen: scale 20, the upper bound, from a start at a fifth of the optimum).
 */
export async function startingPoint(
  x0: number[],
  params: readonly ParamName[],
  points: readonly MeasuredPoint[],
  figuresAt: (x: readonly number[]) => Promise<PointFigures[]>,
): Promise<number[]> {
  if (!params.includes('scale')) return x0;
  const figs = await figuresAt(x0);
  const low = Math.min(...points.map((p) => p.threads));
  let sum = 0;
  let n = 0;
  points.forEach((p, i) => {
    if (p.threads === low && figs[i].tps > 0 && p.median.tps > 0) {
      sum += Math.log(figs[i].tps / p.median.tps);
      n++;
    }
  });
  const shift = n > 0 ? sum / n : 0;
  if (Math.abs(shift) <= Math.log(1.5)) return x0;
  return x0.map((x, i) => (params[i] === 'scale' || params[i] === 'rtt' ? clampLog(params[i], x + shift) : x));
}

const clampLog = (p: ParamName, x: number): number => Math.min(Math.log(BOUNDS[p][1]), Math.max(Math.log(BOUNDS[p][0]), x));

/**
 * Whether the data leaves a fitted parameter undetermined: its 95% interval (log space, where the
 * search runs) spans its whole search range, or is wider than a factor of e^1.96 ≈ 7 either way
 * (sd of the log at least 1), which says nothing a user could act on.
 */
export function isUnidentified(p: { name: ParamName; value: number; relSd: number }): boolean {
  if (!Number.isFinite(p.relSd) || p.relSd >= 1) return true;
  const [lo, hi] = BOUNDS[p.name];
  return p.value * Math.exp(-1.96 * p.relSd) <= lo && p.value * Math.exp(1.96 * p.relSd) >= hi;
}

export async function fitScenario(base: ScenarioInput, points: readonly MeasuredPoint[], pool: SimPool, o: FitOptions): Promise<FitResult> {
  if (points.length === 0) throw new Error('no measured points to fit');
  const params = o.params;
  const w = { tps: o.weights?.tps ?? 1, p95: o.weights?.p95 ?? 1, p99: o.weights?.p99 ?? 0, cpu: o.weights?.cpu ?? 0 };
  const seed = o.seed ?? 1;
  const maxEval = o.maxEvaluations ?? 60;
  let evals = 0;
  const cache = new Map<string, { vec: number[]; per: PointFit['residuals'][]; figs: PointFigures[] }>();
  const evaluate = async (x: readonly number[]): Promise<{ vec: number[]; per: PointFit['residuals'][]; figs: PointFigures[] }> => {
    const xs = params.map((p, i) => clampLog(p, x[i]));
    const key = xs.map((v) => v.toFixed(6)).join(',');
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const scen = applyParams(base, params, xs.map(Math.exp));
    const specs = points.map((p) => pointScenario(scen, p, { statementsPerPoint: o.statementsPerPoint, seed }));
    const figs = await pool.run(specs);
    const r = { ...residualsOf(points, figs, w), figs };
    evals++;
    cache.set(key, r);
    o.onEvaluation?.(evals, sumSq(r.vec), Object.fromEntries(params.map((p, i) => [p, Math.exp(xs[i])])));
    return r;
  };
  const f = async (x: readonly number[]): Promise<number> => sumSq((await evaluate(x)).vec);

  const x0 = await startingPoint(
    currentValues(base, params).map((v, i) => clampLog(params[i], Math.log(v))),
    params,
    points,
    async (x) => (await evaluate(x)).figs,
  );
  const best = await nelderMead(f, x0, 0.3, maxEval, () => evals);
  const xb = best.map((v, i) => clampLog(params[i], v));
  const at = await evaluate(xb);

  // Jacobian by forward differences in log space (10%: larger than the simulation's jitter under CRN).
  const h = 0.1;
  const J: number[][] = at.vec.map(() => new Array<number>(params.length).fill(0));
  for (let j = 0; j < params.length; j++) {
    const xj = [...xb];
    xj[j] += h;
    const rj = await evaluate(xj);
    for (let i = 0; i < at.vec.length; i++) J[i][j] = (rj.vec[i] - at.vec[i]) / h;
  }
  const m = at.vec.length;
  const p = params.length;
  const rss = sumSq(at.vec);
  const dof = Math.max(1, m - p);
  const JtJ = Array.from({ length: p }, (_, a) => Array.from({ length: p }, (_, b) => J.reduce((s, row) => s + row[a] * row[b], 0)));
  const inv = invert(JtJ);
  const s2 = rss / dof;
  const cov = inv === null ? null : inv.map((row) => row.map((v) => v * s2));
  const sdLog = params.map((_, j) => (cov === null ? Infinity : Math.sqrt(Math.max(0, cov[j][j]))));
  const correlation = params.map((_, a) => params.map((_, b) => (cov === null ? NaN : cov[a][b] / (sdLog[a] * sdLog[b] || 1))));
  const values = xb.map(Math.exp);
  const scenario = applyParams(base, params, values);
  return {
    params: params.map((name, j) => ({ name, value: values[j], sd: values[j] * sdLog[j], relSd: sdLog[j] })),
    rss,
    evaluations: evals,
    dof,
    points: points.map((pt, i) => ({ point: pt, simulated: at.figs[i], residuals: at.per[i] })),
    correlation,
    scenario,
  };
}

function sumSq(v: readonly number[]): number {
  return v.reduce((s, x) => s + x * x, 0);
}

/** Nelder-Mead (standard coefficients) from x0 with an initial simplex of `step` along each axis. */
export async function nelderMead(f: (x: readonly number[]) => Promise<number>, x0: readonly number[], step: number, maxEval: number, used: () => number): Promise<number[]> {
  const n = x0.length;
  let simplex: Array<{ x: number[]; v: number }> = [{ x: [...x0], v: await f(x0) }];
  for (let i = 0; i < n; i++) {
    const x = [...x0];
    x[i] += step;
    simplex.push({ x, v: await f(x) });
  }
  const lin = (a: readonly number[], b: readonly number[], t: number): number[] => a.map((ai, i) => ai + t * (b[i] - ai));
  while (used() < maxEval) {
    simplex.sort((a, b) => a.v - b.v);
    const spread = simplex[n].v - simplex[0].v;
    const size = Math.max(...simplex.slice(1).map((s) => Math.max(...s.x.map((xi, i) => Math.abs(xi - simplex[0].x[i])))));
    if (size < 1e-3 || (spread < 1e-6 && size < 0.02)) break;
    const centroid = Array.from({ length: n }, (_, i) => simplex.slice(0, n).reduce((s, p) => s + p.x[i], 0) / n);
    const worst = simplex[n];
    const xr = lin(centroid, worst.x, -1);
    const vr = await f(xr);
    if (vr < simplex[0].v) {
      const xe = lin(centroid, worst.x, -2);
      const ve = await f(xe);
      simplex[n] = ve < vr ? { x: xe, v: ve } : { x: xr, v: vr };
    } else if (vr < simplex[n - 1].v) {
      simplex[n] = { x: xr, v: vr };
    } else {
      const outside = vr < worst.v;
      const xc = outside ? lin(centroid, xr, 0.5) : lin(centroid, worst.x, 0.5);
      const vc = await f(xc);
      if (vc < (outside ? vr : worst.v)) simplex[n] = { x: xc, v: vc };
      else {
        const b = simplex[0].x;
        const shrunk: Array<{ x: number[]; v: number }> = [simplex[0]];
        for (let i = 1; i <= n; i++) {
          const x = lin(b, simplex[i].x, 0.5);
          shrunk.push({ x, v: await f(x) });
        }
        simplex = shrunk;
      }
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return simplex[0].x;
}

/** Gauss-Jordan inverse of a small symmetric matrix; null if singular. */
export function invert(a: readonly number[][]): number[][] | null {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) piv = r;
    if (Math.abs(m[piv][c]) < 1e-12) return null;
    [m[c], m[piv]] = [m[piv], m[c]];
    const d = m[c][c];
    for (let k = 0; k < 2 * n; k++) m[c][k] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const fct = m[r][c];
      for (let k = 0; k < 2 * n; k++) m[r][k] -= fct * m[c][k];
    }
  }
  return m.map((row) => row.slice(n));
}
