import { CV_MAX, CV_MIN } from '../engine/distributions.js';
import { parseDuration } from '../engine/duration.js';
import { buildDistribution } from './dist-spec.js';
import { ScenarioError, formatPath, show } from './errors.js';
import type { DistSpec, ScenarioSpec } from './schema.js';

/**
 * Bounds that keep every scenario the schema accepts runnable: no input may overflow the stack,
 * hang a sampler, produce NaN or Infinity, or exhaust memory without saying so. The schema checks
 * each value's form; these checks, run on the raw JSON (depth) and after the schema (sizes,
 * sampler parameters, sums), check what the form cannot.
 */
export const LIMITS = {
  /** Scenario files are a few KB; 16 MiB leaves room for generated ones and refuses /dev/zero-like input. */
  fileBytes: 16 * 1024 * 1024,
  /** Levels of JSON nesting: the shipped scenarios use at most 10; a mixture level takes 3. */
  depth: 64,
  transactionTypes: 10_000,
  /** Statements of one transaction, repeats (`count`) included: each one is a step in memory. */
  statementsPerTransaction: 1_000_000,
  /** Any duration in the file: 10^9 s (32 years) keeps every sum of times exact to far below 1 µs... and finite. */
  durationUs: 1e15,
  /** Open-loop arrivals per second: one per nanosecond. */
  rate: 1e9,
  /** Memory of one thread: 1 TiB. */
  threadMemoryKiB: 2 ** 30,
} as const;

/** What a run may use before `--force` is needed: about 10 minutes of simulation, 2 GiB. */
export const BUDGET = { events: 2e9, memoryMiB: 2048 } as const;

type Path = Array<string | number>;

/**
 * Refuses JSON nested deeper than LIMITS.depth before anything recursive sees it (the schema
 * parse, messages, structuredClone): a mixture nested 500 deep or a name of arrays nested 5,000
 * deep overflowed the stack. Iterative, so it cannot overflow itself.
 */
export function checkDepth(data: unknown, fileLabel: string, base: Path = [], what = ''): void {
  const stack: Array<{ v: unknown; depth: number; path: Path }> = [{ v: data, depth: base.length, path: base }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop() as { v: unknown; depth: number; path: Path };
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= LIMITS.depth) {
      const at = formatPath(path.slice(0, 8)) + (path.length > 8 ? '…' : '');
      throw new ScenarioError(
        fileLabel,
        `${fileLabel}: at ${at}${what}: expected at most ${LIMITS.depth} levels of nesting, found more (arrays or objects nested ${LIMITS.depth}+ deep)`,
      );
    }
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, depth: depth + 1, path: [...path, i] }));
    else for (const [k, x] of Object.entries(v)) stack.push({ v: x, depth: depth + 1, path: [...path, k] });
  }
}

/** Keys whose strings are text, never durations (a transaction may be named "1s"). */
const TEXT_KEYS = new Set(['name', 'description', '$schema', 'table', 'metric', 'source']);

/**
 * Bounds on a scenario that passed the schema. Throws a ScenarioError listing every problem as
 * `<file>: at <path>: expected ..., found ...` (exit 2).
 */
export function checkLimits(spec: ScenarioSpec, fileLabel: string): void {
  const problems: string[] = [];
  const add = (path: Path, message: string): void => {
    problems.push(`${fileLabel}: at ${formatPath(path)}: ${message}`);
  };
  walk(spec, [], (v, path) => {
    const key = path[path.length - 1];
    if (path[0] === 'sweep' || path[0] === 'expect') return false;
    if (typeof v === 'string' && typeof key !== 'number' && !TEXT_KEYS.has(key)) {
      const us = parseDuration(v);
      if (!Number.isNaN(us) && !(us <= LIMITS.durationUs)) add(path, `expected a duration up to 1e9s (about 32 years), found ${show(v)}`);
    }
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { dist?: unknown }).dist === 'string') {
      distributionLimits(v as DistSpec, path, add);
    }
    return true;
  });
  const w = spec.workload;
  if (w.transactions.length > LIMITS.transactionTypes) {
    add(['workload', 'transactions'], `expected at most ${LIMITS.transactionTypes} transaction types, found ${w.transactions.length}`);
  }
  const weights = w.transactions.reduce((s, t) => s + t.weight, 0);
  if (!Number.isFinite(weights)) add(['workload', 'transactions'], `expected weights with a finite sum, found a sum beyond 1.8e308`);
  w.transactions.forEach((t, i) => {
    const steps = t.statements.reduce((s, st) => s + st.count, 0);
    if (steps > LIMITS.statementsPerTransaction) {
      add(['workload', 'transactions', i, 'statements'], `expected at most ${LIMITS.statementsPerTransaction.toLocaleString('en-US')} statements per transaction (counts included), found ${steps}`);
    }
  });
  const client = w.client;
  if (client.model === 'open' && client.arrivals.process !== 'renewal' && client.arrivals.rate > LIMITS.rate) {
    add(['workload', 'client', 'arrivals', 'rate'], `expected at most ${LIMITS.rate} arrivals per second, found ${client.arrivals.rate}`);
  }
  if (client.model === 'open' && client.arrivals.process === 'renewal' && !(buildDistribution(client.arrivals.interarrival).mean > 0)) {
    // All arrivals at one instant: simulated time would never advance.
    add(['workload', 'client', 'arrivals', 'interarrival'], `expected an interarrival time with a mean above 0, found ${show(client.arrivals.interarrival)}`);
  }
  if (spec.server.threadMemoryKiB > LIMITS.threadMemoryKiB) {
    add(['server', 'threadMemoryKiB'], `expected at most ${LIMITS.threadMemoryKiB} (1 TiB), found ${spec.server.threadMemoryKiB}`);
  }
  const contention = spec.server.contention as { model: string; sigma?: number; kappa?: number };
  for (const k of ['sigma', 'kappa'] as const) {
    const x = contention[k];
    if (x !== undefined && x > 1) add(['server', 'contention', k], `expected a value from 0 to 1, found ${x}`);
  }
  if (problems.length > 0) throw new ScenarioError(fileLabel, problems.join('\n'));
}

/** Parameters the samplers handle; see CV_MIN and CV_MAX in engine/distributions.ts for the reasons. */
function distributionLimits(d: DistSpec, path: Path, add: (path: Path, message: string) => void): void {
  if (typeof d === 'string') return;
  if ((d.dist === 'gamma' || d.dist === 'lognormal') && 'cv' in d && !(d.cv >= CV_MIN && d.cv <= CV_MAX)) {
    add([...path, 'cv'], `expected a cv from 1e-6 to ${CV_MAX}, found ${d.cv}`);
  }
  if (d.dist === 'mixture') {
    const total = d.components.reduce((s, c) => s + c.weight, 0);
    if (!(Number.isFinite(total) && total > 0)) add([...path, 'components'], `expected weights with a finite sum above 0, found a sum of ${total}`);
  }
}

/** Visits every value (iteratively); `visit` returns false to skip a value's children. */
function walk(root: unknown, base: Path, visit: (v: unknown, path: Path) => boolean): void {
  const stack: Array<[unknown, Path]> = [[root, base]];
  while (stack.length > 0) {
    const [v, path] = stack.pop() as [unknown, Path];
    if (!visit(v, path) || typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], [...path, i]]);
    else for (const k of Object.keys(v).reverse()) stack.push([(v as Record<string, unknown>)[k], [...path, k]]);
  }
}

export interface RunEstimate {
  /** Simulation events (about 3 per statement, measured on oltp.json: 2.7). */
  events: number;
  /** Peak memory in MiB. */
  memoryMiB: number;
  /** Transactions per simulated second assumed: the lesser of what the clients offer and what the cores can do. */
  tps: number;
}

/** Measured: events per statement and per transaction; MiB of a process; KiB per connection and per transaction type. */
const EVENTS_PER_STATEMENT = 3;
const EVENTS_PER_TRANSACTION = 6;
const BASE_MIB = 100;
const KIB_PER_CONNECTION = 2;
const KIB_PER_TYPE = 300;
const BYTES_PER_STEP = 8;
const KIB_PER_BACKLOG = 1;

/**
 * An upper estimate of a run's events and memory, before it starts. Throughput is bounded by the
 * clients (each needs at least the think time, the round trips and its own CPU and waits per
 * transaction; or the open-loop arrival rate) and by the cores (CPU per transaction); queueing
 * only lowers it, so the event estimate is an upper bound up to the per-statement constant.
 */
export function estimateRun(spec: ScenarioSpec): RunEstimate {
  const w = spec.workload;
  const mean = (d: DistSpec): number => buildDistribution(d).mean;
  const rtt = mean(w.network.rtt);
  const gap = mean(w.client.gap);
  const waitsMean = (ws: ReadonlyArray<{ probability: number; latency: DistSpec }>): number =>
    ws.reduce((s, x) => s + x.probability * mean(x.latency), 0);
  const totalWeight = w.transactions.reduce((s, t) => s + t.weight, 0);
  let cpu = 0;
  let elapsed = 0;
  let statements = 0;
  let steps = 0;
  for (const t of w.transactions) {
    const share = t.weight / totalWeight;
    const boundaries = t.type === 'explicit' ? [t.begin, t.commit] : [];
    let tCpu = 0;
    let tWait = 0;
    let n = 0;
    for (const b of boundaries) {
      tCpu += mean(b.cpu);
      tWait += waitsMean(b.waits);
      n++;
    }
    for (const st of t.statements) {
      tCpu += st.count * mean(st.cpu);
      tWait += st.count * waitsMean(st.waits);
      n += st.count;
    }
    steps += n;
    cpu += share * tCpu;
    statements += share * n;
    elapsed += share * (tCpu + tWait + n * rtt + Math.max(0, n - 1) * (t.gap === undefined ? gap : mean(t.gap)));
  }
  const client = w.client;
  let offered: number;
  if (client.model === 'closed') offered = (w.connections * 1e6) / (mean(client.think) + elapsed);
  else if (client.arrivals.process === 'renewal') offered = 1e6 / mean(client.arrivals.interarrival);
  else offered = client.arrivals.rate;
  const capacity = (spec.server.cores * 1e6) / cpu;
  const tps = Math.min(offered, capacity);
  const duration = parseDuration(spec.duration);
  // warmup "auto" runs a pilot of about the same length first.
  const simulatedUs = spec.warmup === 'auto' ? 2 * duration : duration;
  const runs = spec.replications ?? 1;
  const events = (tps * (simulatedUs / 1e6) * (statements * EVENTS_PER_STATEMENT + EVENTS_PER_TRANSACTION) + w.connections) * runs;
  const backlog = client.model === 'open' ? client.maxBacklog : 0;
  const memoryMiB =
    BASE_MIB + (w.connections * KIB_PER_CONNECTION + w.transactions.length * KIB_PER_TYPE + backlog * KIB_PER_BACKLOG) / 1024 + (steps * BYTES_PER_STEP) / 2 ** 20;
  return { events, memoryMiB, tps };
}

/**
 * Refuses a run above the budget (exit 2, naming the estimate) unless forced; a run whose
 * simulated time cannot advance (every time zero) is refused even when forced.
 */
export function checkBudget(spec: ScenarioSpec, fileLabel: string, force: boolean): RunEstimate {
  const e = estimateRun(spec);
  if (!Number.isFinite(e.events)) {
    throw new ScenarioError(
      fileLabel,
      `${fileLabel}: at workload: expected transactions that take simulated time (CPU, waits, round trips or think time above 0), found every time 0: the run could never advance`,
    );
  }
  if (force) return e;
  const over: string[] = [];
  if (e.events > BUDGET.events) {
    over.push(`about ${fmt(e.events)} events (${fmt(e.tps)} transactions per simulated second over ${spec.duration}${(spec.replications ?? 1) > 1 ? ` x ${spec.replications} replications` : ''}), above the budget of ${fmt(BUDGET.events)} (some 10 minutes)`);
  }
  if (e.memoryMiB > BUDGET.memoryMiB) over.push(`about ${Math.round(e.memoryMiB)} MiB of memory, above the budget of ${BUDGET.memoryMiB} MiB`);
  if (over.length > 0) {
    throw new ScenarioError(fileLabel, `${fileLabel}: this run would take ${over.join(' and ')}; shorten it (duration, connections, transaction types) or run it anyway with --force`);
  }
  return e;
}

function fmt(x: number): string {
  return x >= 1e6 ? x.toExponential(1).replace('e+', 'e') : String(Math.round(x));
}
