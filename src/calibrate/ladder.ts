import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeasuredPoint } from './runs.js';
import type { WhereFigures } from './sim-point.js';

/**
 * The validation ladder (npm run validate:ladder, src/calibrate/ladder-run.ts): measure a local
 * MariaDB at few clients, fit, write the predictions for many clients, only then measure those.
 * This module holds the parts that need no server: the options, the ordering guard and the error
 * table.
 */

export type LadderWorkload = 'point_select' | 'read_write';
export type LadderHandling = 'pool' | 'tpc';
export const LADDER_WORKLOADS: readonly LadderWorkload[] = ['point_select', 'read_write'];
export const LADDER_HANDLINGS: readonly LadderHandling[] = ['pool', 'tpc'];

export interface LadderOptions {
  /** Where predictions.json/.md, the runs and errors.json/.md go. */
  outDir: string;
  workloads: LadderWorkload[];
  /** Client counts measured and fitted on. */
  train: number[];
  /** Client counts predicted, then measured. */
  test: number[];
  /** sysbench seconds per run: measured window and the discarded warm-up before it. */
  time: number;
  warmup: number;
  replicates: number;
  /** sim fit's free parameters, evaluations and statements per point. */
  params: string;
  maxEvals: number;
  statements: number;
  /** sim fit --cpu-weight: the CPU per transaction of the training points as a target (0: not). */
  cpuWeight: number;
  /** sim fit --client-machine: the client's cores and CPU per statement as the training runs measured them. */
  clientMachine: boolean;
  /** sim predict's parameter draws. */
  draws: number;
  /** Carry on in an existing directory whose predictions are written: measure the test points left, then compare. */
  resume: boolean;
  /** Pin the server to CPU 0 and the client to CPU 1 (as the oracle was measured). */
  pin: boolean;
  port: number;
  quick: boolean;
}

export class LadderUsage extends Error {
  override readonly name = 'LadderUsage';
}

/** The day in UTC, YYYY-MM-DD: the default directory's name. */
export function dayOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}

const FULL = { workloads: ['point_select', 'read_write'] as LadderWorkload[], train: [1, 2, 4, 8, 16], test: [64, 256, 1024], time: 15, warmup: 5, replicates: 1, params: 'scale,rtt,ctxswitch,refill,capacity,listener', maxEvals: 60, statements: 20000, draws: 10 };
/** A smoke test: one workload, two training points, one test point, seconds per run. */
const QUICK = { workloads: ['point_select'] as LadderWorkload[], train: [1, 4], test: [64], time: 3, warmup: 1, replicates: 1, params: 'scale,rtt', maxEvals: 12, statements: 6000, draws: 3 };

function counts(flag: string, v: string): number[] {
  const xs = v.split(',').map((x) => Number(x.trim()));
  if (xs.length === 0 || xs.some((n) => !Number.isInteger(n) || n < 1 || n > 100_000)) throw new LadderUsage(`--${flag} ${v}: expected whole numbers from 1 to 100,000, comma-separated.`);
  if (new Set(xs).size !== xs.length) throw new LadderUsage(`--${flag} ${v}: a client count is given twice.`);
  return [...xs].sort((a, b) => a - b);
}

function positive(flag: string, v: string, integer: boolean, min: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new LadderUsage(`--${flag} ${v}: expected ${integer ? 'a whole number' : 'a number'} >= ${min}.`);
  return n;
}

export const LADDER_USAGE = `usage: npm run validate:ladder -- [options]
  --out-dir DIR      where the files go (default results/ladder/<UTC date>); refused if it holds predictions, unless --resume
  --workloads LIST   point_select,read_write (default both; --quick: point_select)
  --train LIST       client counts to measure and fit on (default 1,2,4,8,16; --quick: 1,4)
  --test LIST        client counts to predict, then measure (default 64,256,1024; --quick: 64)
  --time S           measured seconds per sysbench run (default 15; --quick: 3)
  --warmup S         warm-up seconds per run, discarded (default 5; --quick: 1)
  --replicates N     runs per point (default 1)
  --params LIST      sim fit --params (default scale,rtt,ctxswitch,refill,capacity,listener; --quick: scale,rtt)
  --max-evals N      sim fit --max-evals (default 60; --quick: 12)
  --statements N     sim fit --statements (default 20000; --quick: 6000)
  --cpu-weight W     sim fit --cpu-weight: fit the server's CPU per transaction too (default 0)
  --client-machine   sim fit --client-machine: model sysbench's core and CPU per statement as measured
  --draws N          sim predict --draws (default 10; --quick: 3)
  --port N           the local server's TCP port (default 33306)
  --no-pin           do not pin the server to CPU 0 and the client to CPU 1
  --resume           in an existing --out-dir with predictions: measure the test points, compare
  --quick            a smoke test: the --quick defaults above`;

/** Command-line options; explicit ones override --quick's defaults. */
export function parseLadderArgs(argv: readonly string[], now: Date): LadderOptions {
  const given = new Map<string, string>();
  const flags = new Set<string>();
  const valued = new Set(['out-dir', 'workloads', 'train', 'test', 'time', 'warmup', 'replicates', 'params', 'max-evals', 'statements', 'cpu-weight', 'draws', 'port']);
  const bare = new Set(['quick', 'resume', 'no-pin', 'client-machine']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (m === null) throw new LadderUsage(`unexpected argument "${a}"\n${LADDER_USAGE}`);
    const [, name, inline] = m;
    if (bare.has(name)) {
      if (inline !== undefined) throw new LadderUsage(`--${name} takes no value`);
      flags.add(name);
    } else if (valued.has(name)) {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new LadderUsage(`--${name} needs a value`);
      if (given.has(name)) throw new LadderUsage(`--${name} is given twice`);
      given.set(name, v);
    } else throw new LadderUsage(`unknown option --${name}\n${LADDER_USAGE}`);
  }
  const quick = flags.has('quick');
  const d = quick ? QUICK : FULL;
  const g = (k: string): string | undefined => given.get(k);
  const workloads = g('workloads') === undefined ? [...d.workloads] : g('workloads')!.split(',').map((w) => w.trim().replace(/^oltp_/, ''));
  for (const w of workloads) if (!(LADDER_WORKLOADS as readonly string[]).includes(w)) throw new LadderUsage(`--workloads: "${w}" is not one of ${LADDER_WORKLOADS.join(', ')}.`);
  const train = g('train') === undefined ? [...d.train] : counts('train', g('train')!);
  const test = g('test') === undefined ? [...d.test] : counts('test', g('test')!);
  // A prediction is for points the fit never saw: every test point above every training point.
  if (Math.min(...test) <= Math.max(...train)) throw new LadderUsage(`--test ${test.join(',')}: every test point must exceed the largest training point (${Math.max(...train)}).`);
  if (train.length < 2) throw new LadderUsage(`--train ${train.join(',')}: at least two client counts are needed to fit.`);
  const params = g('params') ?? d.params;
  if (!/^[a-z]+(,[a-z]+)*$/.test(params)) throw new LadderUsage(`--params ${params}: expected names separated by commas (see sim fit --help).`);
  return {
    outDir: g('out-dir') ?? join('results', 'ladder', dayOf(now)),
    workloads: workloads as LadderWorkload[],
    train,
    test,
    time: g('time') === undefined ? d.time : positive('time', g('time')!, true, 1),
    warmup: g('warmup') === undefined ? d.warmup : positive('warmup', g('warmup')!, true, 0),
    replicates: g('replicates') === undefined ? d.replicates : positive('replicates', g('replicates')!, true, 1),
    params,
    maxEvals: g('max-evals') === undefined ? d.maxEvals : positive('max-evals', g('max-evals')!, true, 1),
    statements: g('statements') === undefined ? d.statements : positive('statements', g('statements')!, true, 100),
    cpuWeight: g('cpu-weight') === undefined ? 0 : positive('cpu-weight', g('cpu-weight')!, false, 0),
    clientMachine: flags.has('client-machine'),
    draws: g('draws') === undefined ? d.draws : positive('draws', g('draws')!, true, 2),
    resume: flags.has('resume'),
    pin: !flags.has('no-pin'),
    port: g('port') === undefined ? 33306 : positive('port', g('port')!, true, 1024),
    quick,
  };
}

/** A figure of sim predict: the fitted parameters' value and the 95% interval over parameter draws. */
export interface LadderFigure {
  fitted: number;
  lo: number;
  hi: number;
  /** Where one measurement is expected (sim predict's `measured`: [lo, hi] widened by the fit's residual scatter). */
  measured?: { lo: number; hi: number };
}

export interface LadderPrediction {
  workload: LadderWorkload;
  handling: LadderHandling;
  clients: number;
  tps: LadderFigure;
  p95: LadderFigure;
  p99: LadderFigure;
  /** The fitted model's server CPU per transaction, µs (sim predict's; absent in older files). */
  cpuUsPerTxn?: number;
  /** Where the fitted model's connections went (sim predict's; absent in older files). */
  where?: WhereFigures;
}

/** predictions.json: written once, before any test point is measured. */
export interface LadderPredictions {
  /** ISO time the file was written. */
  written: string;
  workloads: LadderWorkload[];
  train: number[];
  test: number[];
  /** The commands that produced the fit and the predictions, as run. */
  commands: string[];
  machine: Record<string, string | number>;
  /** What the fits could not pin down (fitNotes), for the reader of the predictions. */
  notes: string[];
  predictions: LadderPrediction[];
}

/** The part of sim fit's .fit.json the notes need. */
export interface FitReportNames {
  params: ReadonlyArray<{ name: string; value: number }>;
  unidentified: ReadonlyArray<{ name: string }>;
}

/**
 * A sentence on what a fit left undetermined. When it identified nothing, the fitted scenario is
 * the starting one while the report still holds the first pass's values, from which sim predict
 * draws: the interval then does not describe the fitted value.
 */
export function fitNotes(workload: string, base: string, r: FitReportNames): string[] {
  const unid = r.unidentified.map((p) => p.name);
  if (unid.length === 0) return [];
  const fitted = r.params.map((p) => p.name);
  if (fitted.every((n) => unid.includes(n))) {
    return [
      `${workload}: sim fit identified none of ${fitted.join(', ')}; the fitted scenario is ${base} unchanged, and the prediction ` +
        `intervals are drawn around the first pass's values (${r.params.map((p) => `${p.name} ${p.value.toPrecision(3)}`).join(', ')}), not around it.`,
    ];
  }
  return [`${workload}: unidentified, kept at their values in ${base}: ${unid.join(', ')}; the intervals do not carry their uncertainty.`];
}

export const PREDICTIONS_FILE = 'predictions.json';
export const TEST_RUNS_FILE = 'test-runs.csv';

/**
 * Before anything is measured: a directory that already holds predictions is never written
 * over (the predictions there may already have been compared); with --resume it must hold them.
 */
export function checkStart(dir: string, resume: boolean): void {
  const p = join(dir, PREDICTIONS_FILE);
  if (!resume && existsSync(p)) {
    throw new LadderUsage(`${p} exists: refusing to overwrite predictions. Choose another --out-dir, or --resume to measure its test points.`);
  }
  if (resume && !existsSync(p)) throw new LadderUsage(`--resume: ${p} does not exist; there is nothing to resume (run without --resume).`);
}

/**
 * The guard before the test points are measured: the prediction file must exist and hold a
 * prediction for every point about to be measured. Returns the predictions and the file's SHA-256
 * (recorded with the error table, so a later edit of the predictions shows).
 */
export function predictionsBeforeMeasuring(
  dir: string,
  points: ReadonlyArray<{ workload: LadderWorkload; handling: LadderHandling; clients: number }>,
): { predictions: LadderPredictions; sha256: string } {
  const p = join(dir, PREDICTIONS_FILE);
  if (!existsSync(p)) throw new LadderUsage(`${p} does not exist: the test points are measured only after their predictions are written.`);
  const text = readFileSync(p, 'utf8');
  let parsed: LadderPredictions;
  try {
    parsed = JSON.parse(text) as LadderPredictions;
  } catch (e) {
    throw new LadderUsage(`${p}: not valid JSON (${e instanceof Error ? e.message : String(e)}); refusing to measure.`);
  }
  if (!Array.isArray(parsed.predictions)) throw new LadderUsage(`${p}: at predictions: expected an array; refusing to measure.`);
  for (const q of points) {
    const hit = parsed.predictions.find((x) => x.workload === q.workload && x.handling === q.handling && x.clients === q.clients);
    if (hit === undefined) throw new LadderUsage(`${p} has no prediction for ${q.workload} ${q.handling} at ${q.clients} clients; refusing to measure it.`);
  }
  return { predictions: parsed, sha256: createHash('sha256').update(text).digest('hex') };
}

export interface LadderErrorRow {
  workload: LadderWorkload;
  handling: LadderHandling;
  clients: number;
  predicted: { tps: LadderFigure; p95: LadderFigure };
  measured: { tps: number; tpsRange: [number, number]; p95: number | undefined; replicates: number } | undefined;
  /** predicted fitted / measured median - 1; undefined when not measured. */
  tpsError: number | undefined;
  p95Error: number | undefined;
  /** The measured median inside the prediction interval [lo, hi]. */
  tpsInside: boolean | undefined;
  p95Inside: boolean | undefined;
  /** The measured median inside the measurement interval; undefined when either is missing. */
  tpsInsideMeasured: boolean | undefined;
  p95InsideMeasured: boolean | undefined;
  /**
   * The server's CPU per transaction, µs, the model's against the measured median (server_cpu_util /
   * tps), and the measured context switches per transaction; absent where either side lacks it.
   */
  cpu?: { predicted: number; measured: number; switchesPerTxn: number | undefined };
  /** Where the connections were, the model's against the measured medians; absent without the model's. */
  where?: { predicted: WhereFigures; measured: Partial<WhereFigures> };
}

const handlingOf = (h: string): LadderHandling | undefined => (h === 'pool' ? 'pool' : h === 'tpc' ? 'tpc' : undefined);

/** Every prediction against the measured median of its point (rows for unmeasured points say so). */
export function ladderErrors(predictions: readonly LadderPrediction[], measured: readonly MeasuredPoint[]): LadderErrorRow[] {
  return predictions.map((p) => {
    const m = measured.find((x) => x.workload.replace(/^oltp_/, '') === p.workload && handlingOf(x.handling) === p.handling && x.threads === p.clients);
    if (m === undefined) {
      return { workload: p.workload, handling: p.handling, clients: p.clients, predicted: { tps: p.tps, p95: p.p95 }, measured: undefined, tpsError: undefined, p95Error: undefined, tpsInside: undefined, p95Inside: undefined, tpsInsideMeasured: undefined, p95InsideMeasured: undefined };
    }
    const p95 = m.median.p95;
    const within = (x: number | undefined, r: { lo: number; hi: number } | undefined): boolean | undefined => (x === undefined || r === undefined ? undefined : x >= r.lo && x <= r.hi);
    return {
      workload: p.workload,
      handling: p.handling,
      clients: p.clients,
      predicted: { tps: p.tps, p95: p.p95 },
      measured: { tps: m.median.tps, tpsRange: m.range.tps, p95, replicates: m.runs.length },
      tpsError: p.tps.fitted / m.median.tps - 1,
      p95Error: p95 === undefined || !(p95 > 0) ? undefined : p.p95.fitted / p95 - 1,
      tpsInside: m.median.tps >= p.tps.lo && m.median.tps <= p.tps.hi,
      p95Inside: p95 === undefined ? undefined : p95 >= p.p95.lo && p95 <= p.p95.hi,
      tpsInsideMeasured: within(m.median.tps, p.tps.measured),
      p95InsideMeasured: within(p95, p.p95.measured),
      ...(p.cpuUsPerTxn !== undefined && m.median.cpuUsPerTxn !== undefined
        ? { cpu: { predicted: p.cpuUsPerTxn, measured: m.median.cpuUsPerTxn, switchesPerTxn: m.median.switchesPerTxn } }
        : {}),
      ...(p.where !== undefined
        ? {
            where: {
              predicted: p.where,
              // Without the pool a thread woken by its request but still waiting for a core has not read
              // it, so Threads_running leaves it out where the model counts it: not comparable. The
              // queue and the row-lock waits are the pool's own counters (THREAD_POOL_STATS).
              measured:
                p.handling === 'pool'
                  ? { inStatements: m.median.inStatements, poolQueue: m.median.tpQueueLenMean, errorsPerS: m.median.errorsPerS, rowLockWaitsPerS: m.median.rowLockWaitsPerS }
                  : { errorsPerS: m.median.errorsPerS },
            },
          }
        : {}),
    };
  });
}

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const ms = (x: number): string => (x >= 100 ? int(x) : x >= 1 ? x.toPrecision(3) : x.toPrecision(2));
const pct = (x: number | undefined): string => (x === undefined ? '–' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`);
const yn = (b: boolean | undefined): string => (b === undefined ? '–' : b ? 'yes' : '**no**');

/** The error table as Markdown, with a summary line. */
export function formatLadderErrors(rows: readonly LadderErrorRow[]): string {
  // With measurement intervals (sim predict's `measured`), each figure gets them and a second verdict.
  const withM = rows.some((r) => r.predicted.tps.measured !== undefined);
  const mi = (f: LadderFigure, d: (x: number) => string): string => (f.measured === undefined ? '–' : `[${d(f.measured.lo)}, ${d(f.measured.hi)}]`);
  const head = withM
    ? ['workload', 'handling', 'clients', 'TPS predicted [95% PI]', 'one measurement [95%]', 'TPS measured (range)', 'TPS error', 'inside PI', 'inside', 'p95 ms predicted [95% PI]', 'one measurement [95%]', 'p95 measured', 'p95 error', 'inside PI', 'inside']
    : ['workload', 'handling', 'clients', 'TPS predicted [95% PI]', 'TPS measured (range)', 'TPS error', 'inside', 'p95 ms predicted [95% PI]', 'p95 measured', 'p95 error', 'inside'];
  const align = head.map((h, i) => (i < 2 ? '---' : h.startsWith('inside') ? ':-:' : '---:'));
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const lines = [line(head), `|${align.join('|')}|`];
  for (const r of rows) {
    const t = r.predicted.tps;
    const q = r.predicted.p95;
    const mt = r.measured === undefined ? 'not measured' : `${int(r.measured.tps)}${r.measured.replicates > 1 ? ` (${int(r.measured.tpsRange[0])}–${int(r.measured.tpsRange[1])})` : ''}`;
    const mp = r.measured?.p95 === undefined ? '–' : ms(r.measured.p95);
    const tps = [`${int(t.fitted)} [${int(t.lo)}, ${int(t.hi)}]`, ...(withM ? [mi(t, int)] : []), mt, pct(r.tpsError), yn(r.tpsInside), ...(withM ? [yn(r.tpsInsideMeasured)] : [])];
    const p95 = [`${ms(q.fitted)} [${ms(q.lo)}, ${ms(q.hi)}]`, ...(withM ? [mi(q, ms)] : []), mp, pct(r.p95Error), yn(r.p95Inside), ...(withM ? [yn(r.p95InsideMeasured)] : [])];
    lines.push(line([r.workload, r.handling, int(r.clients), ...tps, ...p95]));
  }
  return `${lines.join('\n')}\n\n${ladderSummary(rows)}\n${formatCpuTable(rows)}${formatWhereTable(rows)}`;
}

/**
 * Where a miss comes from: the server's CPU per transaction, the model's against the measured. A
 * throughput miss with the CPU per transaction right is queueing or waiting the model gets wrong;
 * with it wrong, a cost per transaction the model lacks (or has too much of). Empty when no row
 * has both figures.
 */
function formatCpuTable(rows: readonly LadderErrorRow[]): string {
  const withCpu = rows.filter((r) => r.cpu !== undefined);
  if (withCpu.length === 0) return '';
  const lines = [
    '| workload | handling | clients | server CPU µs per transaction, model | measured | model / measured | measured context switches per transaction |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of withCpu) {
    const c = r.cpu as NonNullable<LadderErrorRow['cpu']>;
    const ratio = c.measured > 0 ? (c.predicted / c.measured).toFixed(2) : '–';
    const sw = c.switchesPerTxn === undefined ? '–' : c.switchesPerTxn.toFixed(2);
    lines.push(`| ${r.workload} | ${r.handling} | ${int(r.clients)} | ${cpuUs(c.predicted)} | ${cpuUs(c.measured)} | ${ratio} | ${sw} |`);
  }
  return `\nThe server's CPU per transaction (busy cores / tps), the model's against the measured:\n\n${lines.join('\n')}\n`;
}

/**
 * Where the connections were, the model's against the server's counters: a throughput miss with
 * the connections queued in the pool on one side and blocked inside their statements on the
 * other is a different equilibrium (admission against lock waits), not a missing cost. Empty
 * when no row has the model's figures.
 */
function formatWhereTable(rows: readonly LadderErrorRow[]): string {
  const withW = rows.filter((r) => r.where !== undefined);
  if (withW.length === 0) return '';
  const f = (x: number | undefined): string => (x === undefined ? '–' : x >= 100 ? int(x) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const pair = (p: number | undefined, m: number | undefined): string => `${f(p)} / ${f(m)}`;
  const lines = [
    '| workload | handling | clients | inside a statement | queued in the pool | deadlocks and timeouts /s | row-lock waits /s |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of withW) {
    const w = r.where as NonNullable<LadderErrorRow['where']>;
    const { predicted: p, measured: m } = w;
    lines.push(
      `| ${r.workload} | ${r.handling} | ${int(r.clients)} | ${pair(p.inStatements, m.inStatements)} | ${pair(p.poolQueue, m.poolQueue)} | ${pair(p.errorsPerS, m.errorsPerS)} | ${pair(p.rowLockWaitsPerS, m.rowLockWaitsPerS)} |`,
    );
  }
  return (
    `\nWhere the connections were, model / measured (time-averaged connections). The measured "inside a statement" is Threads_running less the ` +
    `sampler's own, under the pool only: there the sampler waits its turn in the same group, so it misses the few statements on a core; without ` +
    `the pool a thread woken by its request but waiting for a core has not read it yet, and is not counted, where the model counts it.\n\n${lines.join('\n')}\n`
  );
}

const cpuUs = (x: number): string => (x >= 100 ? int(x) : x.toPrecision(3));

export function ladderSummary(rows: readonly LadderErrorRow[]): string {
  const done = rows.filter((r) => r.measured !== undefined);
  const abs = done.map((r) => Math.abs(r.tpsError ?? 0)).sort((a, b) => a - b);
  const median = abs.length === 0 ? undefined : abs.length % 2 === 1 ? abs[(abs.length - 1) / 2] : (abs[abs.length / 2 - 1] + abs[abs.length / 2]) / 2;
  const p95s = done.filter((r) => r.p95Inside !== undefined);
  const withM = done.some((r) => r.tpsInsideMeasured !== undefined);
  const count = (xs: readonly LadderErrorRow[], f: (r: LadderErrorRow) => boolean | undefined): number => xs.filter((r) => f(r) === true).length;
  const m = (n: number, of: number): string => (withM ? ` (inside the measurement interval: ${n} of ${of})` : '');
  return (
    `${done.length} of ${rows.length} points measured; TPS inside the prediction interval at ${count(done, (r) => r.tpsInside)} of ${done.length}${m(count(done, (r) => r.tpsInsideMeasured), done.length)}, ` +
    `p95 at ${count(p95s, (r) => r.p95Inside)} of ${p95s.length}${m(count(p95s, (r) => r.p95InsideMeasured), p95s.length)}; median |TPS error| ${median === undefined ? '–' : `${(100 * median).toFixed(1)}%`}.`
  );
}

/** predictions.md: the predictions as a table, before any comparison. */
export function formatLadderPredictions(p: LadderPredictions): string {
  const withM = p.predictions.some((x) => x.tps.measured !== undefined);
  const mi = (f: LadderFigure, d: (x: number) => string): string => (f.measured === undefined ? '–' : `[${d(f.measured.lo)}, ${d(f.measured.hi)}]`);
  const rows = p.predictions.map(
    (x) =>
      `| ${x.workload} | ${x.handling} | ${int(x.clients)} | ${int(x.tps.fitted)} [${int(x.tps.lo)}, ${int(x.tps.hi)}] | ${ms(x.p95.fitted)} [${ms(x.p95.lo)}, ${ms(x.p95.hi)}] | ${ms(x.p99.fitted)} [${ms(x.p99.lo)}, ${ms(x.p99.hi)}] |` +
      (withM ? ` ${mi(x.tps, int)} | ${mi(x.p95, ms)} |` : ''),
  );
  return [
    `# Predictions written ${p.written}, before any measurement at ${p.test.join(', ')} clients`,
    '',
    `Fitted on ${p.train.join(', ')} clients (${p.workloads.join(', ')}); machine: ${Object.entries(p.machine).map(([k, v]) => `${k} ${v}`).join('; ')}.`,
    '',
    ...(p.notes ?? []).flatMap((n) => [`- ${n}`]),
    ...((p.notes ?? []).length > 0 ? [''] : []),
    withM
      ? '| workload | handling | clients | TPS [95% prediction interval] | p95 ms | p99 ms | TPS, one measurement [95%] | p95 ms, one measurement [95%] |'
      : '| workload | handling | clients | TPS [95% prediction interval] | p95 ms | p99 ms |',
    withM ? '|---|---|---:|---:|---:|---:|---:|---:|' : '|---|---|---:|---:|---:|---:|',
    ...rows,
    '',
    'Commands:',
    '',
    '```sh',
    ...p.commands,
    '```',
    '',
  ].join('\n');
}
