import { availableParallelism } from 'node:os';
import { basename, extname } from 'node:path';
import { type FitResult, PARAM_NAMES, type ParamName, applyParams, fitScenario, isUnidentified, paramProblem } from '../calibrate/fit.js';
import { importTraces } from '../calibrate/import.js';
import { prettyJson } from '../calibrate/json.js';
import { formatFit, formatProfile, responseTimeProfile } from '../calibrate/report.js';
import { type MeasuredPoint, type MeasuredRun, groupRuns, readRuns } from '../calibrate/runs.js';
import { median } from '../calibrate/dist-fit.js';
import { writeScenario } from '../calibrate/scenario-writer.js';
import { MeasureRefused, RAND_TYPES, measure, runsCsv } from '../calibrate/measure.js';
import { SimPool } from '../calibrate/sim-pool.js';
import { writeFileAtomic } from '../report/write.js';
import { ScenarioError } from '../workload/errors.js';
import { loadScenarioFile, parseScenarioText } from '../workload/load.js';
import type { ScenarioInput } from '../workload/schema.js';
import { readFileSync } from 'node:fs';
import { asRunFailure, SimulationFailed, UsageError } from './errors.js';

export interface ImportArgs {
  slowLog: string[];
  psHistory: string[];
  psDigest: string[];
  out: string;
  name?: string;
  cores: number;
  threadHandling: string;
  flavor: string;
  poolSize?: number;
  cpuShare: number;
  connections?: number;
  keepTableNumbers: boolean;
  rtt?: string;
  rowsPerTable?: number;
  quiet: boolean;
}


function threadHandlingOf(mode: string, flavor: string, size: number | undefined): ScenarioInput['threadHandling'] {
  if (mode === 'tpc' || mode === 'one-thread-per-connection') return { mode: 'one-thread-per-connection' };
  if (mode !== 'pool') throw new UsageError(`--thread-handling ${mode}: expected pool or tpc.`);
  const sz = size === undefined ? {} : { thread_pool_size: size };
  if (flavor === 'mariadb') return { mode: 'pool', flavor: 'mariadb', ...sz };
  if (flavor === 'percona') return { mode: 'pool', flavor: 'percona', ...sz };
  if (flavor === 'mysql') return { mode: 'pool', flavor: 'mysql', ...sz };
  throw new UsageError(`--flavor ${flavor}: expected mariadb, percona or mysql.`);
}

/** sim import: traces -> a scenario file and its notes (.md beside it). */
export function importCommand(a: ImportArgs): void {
  if (a.slowLog.length + a.psHistory.length + a.psDigest.length === 0) {
    throw new UsageError('sim import needs a trace: --slow-log FILE, --ps-history FILE and/or --ps-digest FILE.');
  }
  if (!(a.cpuShare > 0 && a.cpuShare <= 1)) throw new UsageError(`--cpu-share ${a.cpuShare}: expected a fraction in (0, 1].`);
  let trace;
  try {
    trace = importTraces({ slowLogs: a.slowLog, psHistory: a.psHistory, psDigest: a.psDigest }, { foldTables: !a.keepTableNumbers });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new ScenarioError(a.out, `cannot import: ${msg}`);
  }
  // A file that parses but holds no statement (an empty log, a general log, a slow log with a
  // long_query_time filter that kept nothing) is the user's input, not a failure of the importer.
  if (trace.shapes.reduce((n, s) => n + s.count, 0) === 0) {
    throw new ScenarioError(
      trace.source,
      `${trace.source}: no complete transaction or statement found; expected a slow query log written with long_query_time=0 ` +
        '(or performance_schema CSV dumps with their header line).',
    );
  }
  const rtt = a.rtt === undefined ? undefined : parseRtt(a.rtt);
  const name = a.name ?? basename(a.out, extname(a.out));
  const res = writeScenario(trace, {
    name,
    cores: a.cores,
    threadHandling: threadHandlingOf(a.threadHandling, a.flavor, a.poolSize),
    cpuShare: a.cpuShare,
    connections: a.connections,
    defaultRttUs: rtt,
    rowsPerTable: a.rowsPerTable,
  });
  const text = prettyJson(res.scenario);
  // It must load: the writer and the schema are checked against each other on every import.
  parseScenarioText(text, a.out);
  writeFileAtomic(a.out, text);
  const md = a.out.replace(/\.json$/, '') + '.md';
  writeFileAtomic(md, res.markdown);
  if (!a.quiet) {
    process.stdout.write(
      `${trace.statements} statements, ${trace.connections} connections, ${res.scenario.workload.transactions.length} transaction templates, ${trace.digests.size} statement classes\n`,
    );
    // A digest summary alone has one mean per class, no calls to add up: no profile to show.
    if (trace.summaryOnly !== true) process.stdout.write(`\n${formatProfile(responseTimeProfile(trace))}`);
    process.stderr.write(`scenario written to ${a.out}, notes to ${md}\n`);
  }
}

function parseRtt(t: string): number {
  const m = /^(\d+(?:\.\d+)?)(us|ms)$/.exec(t);
  if (m === null) throw new UsageError(`--rtt ${t}: expected a duration such as 30us.`);
  return Number(m[1]) * (m[2] === 'ms' ? 1000 : 1);
}

export interface FitArgs {
  scenario: string;
  runs: string;
  workload?: string;
  params: string;
  out: string;
  maxEvals: number;
  workers?: number;
  statements: number;
  p95Weight: number;
  p99Weight: number;
  /** Weight of the CPU-per-transaction residuals; 0 (or absent): not fitted. */
  cpuWeight?: number;
  /** Give the scenario the benchmark client's machine as the runs measured it (clientMachineOf). */
  clientMachine?: boolean;
  seed?: number;
  json: boolean;
  quiet: boolean;
}

/**
 * The client's machine as the training runs measured it: the CPUs sysbench was allowed and its CPU
 * per statement (sysbench_cpu_util / qps, the median over the runs). A measurement, not a fitted
 * parameter: with it the round trip is the network's alone, and a client whose threads queue for
 * its cores at high concurrency (as sysbench's hundreds on one core do) lengthens every round
 * trip there, the lock holders' included.
 */
export function clientMachineOf(runs: readonly MeasuredRun[], file: string): { cores: number; cpuUs: number } {
  const per = runs.map((r) => r.clientUsPerStmt).filter((x): x is number => x !== undefined && x > 0);
  const cores = [...new Set(runs.map((r) => r.clientCpus).filter((x): x is number => x !== undefined))];
  if (per.length === 0) throw new UsageError(`--client-machine: ${file} has no sysbench_cpu_util and qps values (sim measure writes them), so the client's CPU per statement is unknown.`);
  if (cores.length !== 1) {
    throw new UsageError(
      `--client-machine: ${file} ${cores.length === 0 ? 'has no sysbench_cpus_allowed values' : `has runs with different client CPU counts (${cores.join(', ')})`}: the client's cores must be one number.`,
    );
  }
  // To the nanosecond, as the scenario holds it.
  return { cores: cores[0], cpuUs: Math.round(median(per) * 1000) / 1000 };
}

/** sim fit: measured runs + a scenario -> the fitted scenario (+ twins for the other thread handling) and a fit report. */
export async function fitCommand(a: FitArgs): Promise<FitResult> {
  const params = a.params.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const p of params) if (!PARAM_NAMES.includes(p as ParamName)) throw new UsageError(`--params: unknown parameter "${p}"; expected some of ${PARAM_NAMES.join(', ')}.`);
  if (params.includes('switch') && (params.includes('sigma') || params.includes('kappa'))) throw new UsageError('--params: switch and sigma/kappa are two contention models; pick one.');
  // Validate the scenario as the user wrote it, but fit on its text (unresolved: profile defaults stay unset).
  loadScenarioFile(a.scenario);
  const base = JSON.parse(readFileSync(a.scenario, 'utf8')) as ScenarioInput;
  delete (base as { $schema?: string }).$schema;
  for (const p of params as ParamName[]) {
    const problem = paramProblem(base, p);
    if (problem !== undefined) throw new UsageError(`--params ${p}: ${a.scenario}: ${problem}.`);
  }
  let runs;
  try {
    runs = readRuns(a.runs);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const workloads = [...new Set(runs.map((r) => r.workload))];
  if (a.workload !== undefined) runs = runs.filter((r) => r.workload === a.workload || r.workload === `oltp_${a.workload}`);
  else if (workloads.length > 1) throw new UsageError(`${a.runs} holds several workloads (${workloads.join(', ')}): choose one with --workload.`);
  if (runs.length === 0) throw new UsageError(`${a.runs}: no runs of workload ${a.workload ?? ''} (there are: ${workloads.join(', ')}).`);
  const points: MeasuredPoint[] = groupRuns(runs);
  let client: { cores: number; cpuUs: number } | undefined;
  if (a.clientMachine === true) {
    client = clientMachineOf(runs, a.runs);
    if (base.workload.client !== undefined && base.workload.client.model !== 'closed') {
      throw new UsageError(`--client-machine: ${a.scenario}: at workload.client.model: expected "closed" (a client machine serves a closed loop's connections), found "${base.workload.client.model}".`);
    }
    base.workload.client = { ...(base.workload.client ?? { model: 'closed' }), model: 'closed', machine: { cores: client.cores, cpu: `${client.cpuUs.toFixed(3)}us` } };
  }
  const cpuWeight = a.cpuWeight ?? 0;
  if (!Number.isFinite(cpuWeight) || cpuWeight < 0) throw new UsageError(`--cpu-weight ${a.cpuWeight}: expected a number >= 0.`);
  if (cpuWeight > 0 && !points.some((p) => p.median.cpuUsPerTxn !== undefined)) {
    throw new UsageError(`--cpu-weight ${cpuWeight}: ${a.runs} has no server_cpu_util values (sim measure writes them), so there is no CPU per transaction to fit.`);
  }
  const workers = a.workers ?? Math.min(availableParallelism(), points.length);
  const pool = new SimPool(workers);
  const options = (fitted: readonly ParamName[]) => ({
    params: [...fitted],
    weights: { tps: 1, p95: a.p95Weight, p99: a.p99Weight, cpu: cpuWeight },
    statementsPerPoint: a.statements,
    maxEvaluations: a.maxEvals,
    seed: a.seed,
    onEvaluation: a.quiet || a.json ? undefined : (n: number, rss: number, v: Record<string, number>) => process.stderr.write(`  eval ${n}: RSS ${rss.toPrecision(4)} ${Object.entries(v).map(([k, x]) => `${k}=${x.toPrecision(4)}`).join(' ')}\n`),
  });
  let fit: FitResult;
  let firstPass: FitResult['params'];
  let unidentified: ParamName[];
  let identified: FitResult['params'];
  try {
    fit = await fitScenario(base, points, pool, options(params as ParamName[]));
    // A parameter the data cannot pin down keeps its starting value; the others are fitted again without it.
    firstPass = fit.params;
    unidentified = firstPass.filter(isUnidentified).map((p) => p.name);
    identified = firstPass.filter((p) => !unidentified.includes(p.name));
    if (unidentified.length > 0 && identified.length > 0) {
      if (!a.quiet && !a.json) process.stderr.write(`unidentified (kept at their starting values): ${unidentified.join(', ')}; fitting ${identified.map((p) => p.name).join(', ')} again\n`);
      const names = identified.map((p) => p.name);
      fit = await fitScenario(applyParams(base, names, identified.map((p) => p.value)), points, pool, { ...options(names), onEvaluation: undefined });
    }
  } catch (e) {
    throw asRunFailure(e);
  } finally {
    await pool.close();
  }
  // None identified: every parameter keeps its starting value, so the scenario is the base one.
  const fitted = identified.length === 0 ? structuredClone(base) : fit.scenario;
  const threads = points.map((p) => p.threads);
  fitted.calibration = {
    runs: basename(a.runs),
    ...(a.workload !== undefined ? { workload: a.workload } : {}),
    connections: { min: Math.min(...threads), max: Math.max(...threads) },
    ...(unidentified.length > 0 ? { unidentified } : {}),
  };
  // What the fitted scenario holds: with nothing identified, none of the first fit's values.
  const kept = identified.length === 0 ? [] : fit.params;
  const note =
    ` FITTED by sim fit to ${basename(a.runs)}${a.workload !== undefined ? ` (${a.workload})` : ''}: ` +
    (kept.length === 0 ? 'no parameter identified, all kept at their starting values' : kept.map((p) => `${p.name} ${p.value.toPrecision(4)} ± ${p.sd.toPrecision(2)}`).join(', ')) +
    ` (RSS ${fit.rss.toPrecision(3)}, ${fit.points.length} points)` +
    (client === undefined ? '.' : `; client machine as measured: ${client.cores} core${client.cores === 1 ? '' : 's'}, ${client.cpuUs.toPrecision(3)} µs of CPU per statement.`);
  fitted.description = `${(fitted.description ?? '').replace(/ FITTED by sim fit.*$/, '')}${note}`.trim();
  const outputs: string[] = [a.out];
  writeFileAtomic(a.out, prettyJson(fitted));
  const handlings = new Set(points.map((p) => p.handling));
  const baseIsPool = fitted.threadHandling.mode === 'pool';
  const stem = a.out.replace(/\.json$/, '');
  if (baseIsPool && handlings.has('tpc')) {
    const twin = { ...structuredClone(fitted), name: `${fitted.name}-tpc`, threadHandling: { mode: 'one-thread-per-connection' as const } };
    writeFileAtomic(`${stem}-tpc.json`, prettyJson(twin));
    outputs.push(`${stem}-tpc.json`);
  }
  const report = {
    scenario: a.scenario,
    runs: a.runs,
    workload: a.workload ?? workloads[0],
    ...(client !== undefined ? { clientMachine: client } : {}),
    // sim predict draws around these: only values the fitted scenario holds.
    params: kept,
    /** Parameters the data left undetermined, as the first fit found them (kept at their starting values). */
    unidentified: firstPass.filter(isUnidentified),
    correlation: identified.length === 0 ? [] : fit.correlation,
    rss: fit.rss,
    dof: fit.dof,
    evaluations: fit.evaluations,
    points: fit.points.map((p) => ({
      handling: p.point.handling,
      threads: p.point.threads,
      measured: p.point.median,
      range: p.point.range,
      replicates: p.point.runs.length,
      simulated: p.simulated,
      residuals: p.residuals,
    })),
  };
  writeFileAtomic(`${stem}.fit.json`, `${JSON.stringify(report, null, 2)}\n`);
  outputs.push(`${stem}.fit.json`);
  if (a.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (!a.quiet) {
    process.stdout.write(`${formatFit(fit)}\n`);
    for (const p of firstPass.filter(isUnidentified)) {
      process.stdout.write(`unidentified: ${p.name} ${p.value.toPrecision(4)} ± ${p.sd.toPrecision(2)} (${(100 * p.relSd).toFixed(0)}%): the data cannot pin it down; kept at its starting value\n`);
    }
    process.stderr.write(`written: ${outputs.join(', ')}\n`);
  }
  return fit;
}

export interface MeasureArgs {
  host: string;
  port: number;
  socket?: string;
  user: string;
  password?: string;
  db: string;
  threads: string;
  workloads: string;
  time: number;
  warmup: number;
  replicates: number;
  tables: number;
  tableSize: number;
  randType?: string;
  prepare: boolean;
  cleanup: boolean;
  yesThisServer?: string;
  out: string;
  quiet: boolean;
}

/** --rand-type: one of sysbench's, or absent. */
function randTypeOf(v: string | undefined): (typeof RAND_TYPES)[number] | undefined {
  if (v === undefined) return undefined;
  const t = RAND_TYPES.find((r) => r === v);
  if (t === undefined) throw new UsageError(`--rand-type ${v}: expected one of ${RAND_TYPES.join(', ')}.`);
  return t;
}

/** sim measure: sysbench against a real server -> runs.csv (the format sim fit reads). */
export async function measureCommand(a: MeasureArgs): Promise<void> {
  const ints = (s: string, what: string): number[] =>
    s.split(',').map((x) => {
      const n = Number(x.trim());
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${what} ${s}: expected whole numbers >= 1, comma-separated.`);
      return n;
    });
  const threads = ints(a.threads, 'threads');
  const workloads = a.workloads.split(',').map((w) => (w.startsWith('oltp_') ? w : `oltp_${w}`));
  for (const w of workloads) if (!/^oltp_\w+$/.test(w)) throw new UsageError(`--workloads: "${w}" is not a sysbench oltp_* test.`);
  if (!(a.time > 0) || !(a.warmup >= 0)) throw new UsageError('--time must be > 0 and --warmup >= 0 (seconds).');
  let rows;
  try {
    rows = await measure({
      host: a.host,
      port: a.port,
      socket: a.socket,
      user: a.user,
      password: a.password ?? process.env.MYSQL_PWD,
      db: a.db,
      threads,
      workloads,
      time: a.time,
      warmup: a.warmup,
      replicates: a.replicates,
      tables: a.tables,
      tableSize: a.tableSize,
      randType: randTypeOf(a.randType),
      prepare: a.prepare,
      cleanup: a.cleanup,
      confirm: a.yesThisServer,
      log: a.quiet ? undefined : (l) => process.stderr.write(`${l}\n`),
    });
  } catch (e) {
    if (e instanceof MeasureRefused) throw new UsageError(e.message);
    throw new MeasureFailed(e);
  }
  writeFileAtomic(a.out, runsCsv(rows));
  if (!a.quiet) {
    // sysbench prints no histogram without --histogram: a figure it did not give is "n/a", not NaN.
    const ms = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? `${v} ms` : 'n/a');
    for (const r of rows) process.stdout.write(`${String(r.label).padEnd(32)} tps ${r.tps}  p95 ${ms(r.lat_p95_ms_hist)}  p99 ${ms(r.lat_p99_ms_hist)}\n`);
    process.stderr.write(`runs written to ${a.out}\n`);
  }
}

/** The measurement failed (server gone, sysbench error): exit 1, reported like a failed simulation. */
export class MeasureFailed extends SimulationFailed {
  constructor(cause: unknown) {
    super(cause);
    this.message = `measurement failed: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
}
