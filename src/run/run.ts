import { readFileSync } from 'node:fs';
import { parseDuration } from '../engine/duration.js';
import type { EventHandler } from '../engine/simulator.js';
import { Simulator } from '../engine/simulator.js';
import { ConnectionTable } from '../server/connections.js';
import { floorBinds, rateFunction } from '../server/contention.js';
import { CfsCpu, cfsDefaults } from '../server/cfs-cpu.js';
import { EevdfCpu, eevdfDefaults } from '../server/eevdf-cpu.js';
import { LinuxCpu } from '../server/linux-cpu.js';
import { Cpu, type CpuModel } from '../server/cpu.js';
import { Executor, type InnodbParts } from '../server/executor.js';
import { ThreadRegistry } from '../server/threads.js';
import { buildLatches, deadlockSearchOf, latchResults, waitArrayResult } from '../server/latch-setup.js';
import { round6, type LatencyRecorder } from '../stats/latency.js';
import { Measurements } from '../stats/measurements.js';
import { IntervalSeries, histPercentileMs } from '../stats/intervals.js';
import { createThreadHandling, resolveThreadHandling } from '../threadpool/factory.js';
import type { MariadbThreadPool } from '../threadpool/mariadb/pool.js';
import type { ThreadHandling } from '../threadpool/types.js';
import { ConnectionLife, DEFAULT_LOGIN_CPU, hasConnectionLife } from '../threadpool/login.js';
import { ClientConnectionLife } from '../workload/connection-churn.js';
import type { Rng } from '../engine/random.js';
import { ClosedLoopClients } from '../workload/closed-loop.js';
import { OpenLoopClients, interarrival } from '../workload/open-loop.js';
import { Innodb, type ScenarioSpec } from '../workload/schema.js';
import { buildDistribution } from '../workload/dist-spec.js';
import { stream } from '../engine/random.js';
import { type CompiledWorkload, compileWorkload } from '../workload/templates.js';
import { formatDuration } from '../engine/duration.js';
import { mser5, mser5Weighted } from './warmup.js';
import { OutputRecorder, analyseRun } from './output-analysis.js';
import { clampCounts } from './clamps.js';
import { poolLogResult } from './server-log.js';
import { RESULT_SCHEMA_VERSION, assertFinite, type ConnectionLifeResult, type EncodedHistogramGroup, type IntervalRow, type LatencyStats, type RunResult, type ServerResult, type Stability } from './result.js';

export interface RunOptions {
  /** Called now and then with the fraction of simulated time done (0..1). */
  onProgress?: (fraction: number) => void;
  /** Filled with per-interval transaction counts and latency sums of the measured window. */
  trace?: RunTrace;
  /** Whole seconds: record sysbench's per-interval figures (`--report-interval`) in `intervals`. */
  reportIntervalSeconds?: number;
}

/** sysbench's default --percentile. */
const INTERVAL_PERCENTILE = 95;

/** Completed transactions and the sum of their latencies (µs) per interval of the measured window. */
export interface RunTrace {
  intervalUs: number;
  counts: number[];
  sums: number[];
}

/**
 * Measurements that also feed the output analysis (batch means, sectioning, correlation) and,
 * when asked, bin transactions per interval (MSER warm-up, --batches).
 */
class RunMeasurements extends Measurements {
  constructor(
    names: readonly string[],
    classes: readonly string[],
    private readonly output: OutputRecorder,
    private readonly trace: RunTrace | undefined,
  ) {
    super(names, classes);
  }

  override transaction(now: number, txn: number, responseUs: number): void {
    super.transaction(now, txn, responseUs);
    this.output.record(now - this.windowStart, responseUs);
    const trace = this.trace;
    if (trace === undefined) return;
    const bin = Math.floor((now - this.windowStart) / trace.intervalUs);
    while (trace.counts.length <= bin) {
      trace.counts.push(0);
      trace.sums.push(0);
    }
    trace.counts[bin]++;
    trace.sums[bin] += responseUs;
  }
}

/** Fills profile-dependent defaults (e.g. MySQL 8.4 vs 9.7 thread pool values). Idempotent. */
export function resolveScenario(spec: ScenarioSpec): ScenarioSpec {
  return { ...spec, threadHandling: resolveThreadHandling(spec.threadHandling, spec.server.cores) };
}

const WARMUP_END = 0;
const SAMPLE = 1;

/** Ends the warm-up and samples the thread count once per measured second. */
class RunClock implements EventHandler {
  readonly id: number;
  readonly threadSeries: number[] = [];
  readonly backlogSeries: number[] = [];
  /** Open-loop backlog, sampled with the other series; null for closed loops. */
  backlogOf: (() => number) | null = null;
  /** Failed statements so far (for the per-interval err/s), sampled with the other series. */
  errorsOf: (() => number) | null = null;
  readonly errorSeries: number[] = [];
  readonly gaugeSeries: number[][];
  private readonly gaugeBuf: Float64Array;
  private counterBase: Float64Array[] = [];

  constructor(
    private readonly sim: Simulator,
    private readonly m: Measurements,
    private readonly threads: ThreadRegistry,
    private readonly cpu: CpuModel,
    private readonly handling: ThreadHandling,
  ) {
    this.id = sim.register(this);
    this.gaugeSeries = handling.gaugeNames.map(() => []);
    this.gaugeBuf = new Float64Array(handling.gaugeNames.length);
  }

  handleEvent(kind: number): void {
    if (kind === WARMUP_END) {
      this.m.start(this.sim.now);
      this.threads.resetStatistics();
      this.cpu.resetStatistics();
      this.counterBase = [];
      for (let g = 0; g < this.handling.groupCount; g++) this.counterBase.push(this.handling.groupCounters(g).slice());
    }
    this.threadSeries.push(this.threads.live);
    if (this.backlogOf !== null) this.backlogSeries.push(this.backlogOf());
    if (this.errorsOf !== null) this.errorSeries.push(this.errorsOf());
    this.handling.sampleGauges(this.gaugeBuf);
    this.gaugeBuf.forEach((v, i) => this.gaugeSeries[i].push(v));
    this.sim.schedule(1e6, this.id, SAMPLE, 0, 0);
  }

  /** Counters accumulated since the end of the warm-up, per group. */
  countersByGroup(): Array<Record<string, number>> {
    const names = this.handling.counterNames;
    const rows: Array<Record<string, number>> = [];
    for (let g = 0; g < this.handling.groupCount; g++) {
      const cur = this.handling.groupCounters(g);
      const base = this.counterBase[g];
      const row: Record<string, number> = {};
      names.forEach((name, i) => {
        row[name] = cur[i] - (base === undefined ? 0 : base[i]);
      });
      rows.push(row);
    }
    return rows;
  }
}

/** Runs one scenario to completion. Any exception is a simulation failure, not a user error. */
export function runScenario(input: ScenarioSpec, options: RunOptions = {}): RunResult {
  if (input.warmup === 'auto') return runWithAutoWarmup(resolveScenario(input), options);
  const spec = resolveScenario(input);
  const wallStart = process.hrtime.bigint();
  const durationUs = parseDuration(spec.duration);
  const warmupUs = parseDuration(spec.warmup);
  const n = spec.workload.connections;

  const sim = new Simulator();
  const conns = new ConnectionTable(n);
  const threads = new ThreadRegistry(sim);
  const executor = new Executor(sim, conns);
  const cores = spec.server.cores;
  const cpu = makeCpu(sim, spec, executor);
  executor.cpu = cpu;
  const workload = compileWorkload(spec.workload);
  const txNames = workload.transactions.map((t) => t.name);
  const output = new OutputRecorder(durationUs - warmupUs);
  const m = new RunMeasurements(txNames, workload.classes, output, options.trace);
  executor.waits = m.waits;
  executor.networkUs = networkCpuUs(spec);
  const innodb = attachInnodb(executor, spec, workload.hasLocks);
  const latchSpec = spec.server.latches;
  const latches = latchSpec === undefined ? null : buildLatches(sim, latchSpec, workload.classes);
  if (latchSpec !== undefined && latches !== null) executor.attachLatches(latches, deadlockSearchOf(latchSpec, workload.classes));
  const client = spec.workload.client;
  const open = client.model === 'open' ? new OpenLoopClients(sim, workload, conns, m, spec.seed, client) : null;
  const closed = open === null ? new ClosedLoopClients(sim, workload, conns, m, spec.seed, spec.workload.client.model === 'closed' ? spec.workload.client.machine : undefined) : null;
  const clients = open ?? (closed as ClosedLoopClients);
  const handling: ThreadHandling = createThreadHandling(spec.threadHandling, {
    sim,
    conns,
    executor,
    threads,
    sink: clients,
    cores,
    threadCreateUs: parseDuration(spec.server.threadCreate),
  });
  executor.observer = handling;
  clients.handling = handling;
  // MariaDB 10.6+ with the pool: asynchronous commit (executor.ts AsyncCommitHost).
  const th = spec.threadHandling;
  if (innodb !== null && th.mode === 'pool' && th.flavor === 'mariadb' && th.version !== '10.5') {
    executor.attachAsyncCommit(handling as MariadbThreadPool);
  }
  const clock = new RunClock(sim, m, threads, cpu, handling);
  if (open !== null) clock.backlogOf = () => open.backlog;
  const ivSeconds = options.reportIntervalSeconds;
  if (ivSeconds !== undefined) {
    const ivUs = ivSeconds * 1e6;
    m.intervals = new IntervalSeries(ivUs, Math.max(0, Math.ceil((durationUs - warmupUs) / ivUs) - 1), workload.classes, sim);
    clock.errorsOf = () => executor.stats.deadlocks + executor.stats.lockWaitTimeouts;
  }

  const lifeParts = attachConnectionLife(spec, sim, conns, executor, handling, clients);
  handling.start(n);
  clients.start();
  lifeParts?.client.start();
  sim.schedule(warmupUs, clock.id, WARMUP_END, 0, 0);
  const serverReset = (): void => {
    lifeParts?.server.stats.reset();
    if (lifeParts !== null) {
      lifeParts.client.killsDone = 0;
      lifeParts.client.killsMissed = 0;
    }
    executor.stats.reset();
    innodb?.redo?.resetStatistics();
    closed?.clientCpu?.resetStatistics();
    latches?.resetStatistics();
    clients.retries = 0;
  };
  sim.schedule(warmupUs, sim.register({ handleEvent: serverReset }), 0, 0, 0);
  const onProgress = options.onProgress;
  sim.run(durationUs, onProgress === undefined ? undefined : (now) => onProgress(now / durationUs), 1 << 18);
  onProgress?.(1);
  m.finish();

  const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
  // An overloaded open loop stops early (see OpenLoopClients): measure what was run.
  const endUs = open !== null && open.overflowAt >= 0 ? sim.now : durationUs;
  const seconds = Math.max(0, endUs - warmupUs) / 1e6;
  const qps = seconds > 0 ? m.statements / seconds : 0;
  const byTx = (recs: { stats(): LatencyStats }[]): Record<string, LatencyStats> => {
    const out: Record<string, LatencyStats> = {};
    workload.transactions.forEach((t, i) => {
      out[t.name] = recs[i].stats();
    });
    return out;
  };
  const statements: Record<string, LatencyStats> = {};
  workload.classes.forEach((c, i) => {
    statements[c] = m.stmtBy[i].stats();
  });
  const countersByGroup = clock.countersByGroup();
  const counters: Record<string, number> = {};
  for (const name of handling.counterNames) counters[name] = countersByGroup.reduce((s, r) => s + r[name], 0);
  const util = cpu.utilization();
  const peak = threads.peak;

  const result: RunResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'tpsim', version: packageVersion() },
    scenario: spec,
    seed: spec.seed,
    summary: {
      simulatedSeconds: seconds,
      warmupSeconds: warmupUs / 1e6,
      connections: n,
      transactions: m.transactions,
      statements: m.statements,
      tps: seconds > 0 ? round6(m.transactions / seconds) : 0,
      qps: round6(qps),
      errors: executor.stats.deadlocks + executor.stats.lockWaitTimeouts,
    },
    latency: { all: m.txAll.stats(), byTransaction: byTx(m.txBy) },
    queueWait: { all: m.queueAll.stats(), byTransaction: byTx(m.queueBy) },
    execution: { all: m.execAll.stats(), byTransaction: byTx(m.execBy) },
    statements,
    waits: m.waits.result(),
    timeline: {
      intervalSeconds: 1,
      tps: m.tpsSeries.slice(0, Math.ceil(seconds)),
      threads: clock.threadSeries.slice(0, Math.ceil(seconds)),
      gauges: Object.fromEntries(handling.gaugeNames.map((g, i) => [g, clock.gaugeSeries[i].slice(0, Math.ceil(seconds))])),
    },
    threads: {
      peak,
      mean: round6(threads.meanLive()),
      created: threads.created,
      peakMemoryMiB: round6((peak * spec.server.threadMemoryKiB) / 1024),
    },
    cpu: {
      cores,
      busyCores: round6(util.busyCores),
      utilization: round6(util.busyCores / cores),
      meanRunnable: round6(util.meanRunnable),
      ...(util.floorSeconds > 0 ? { contentionFloorSeconds: round6(util.floorSeconds) } : {}),
      ...switchFigures(cpu, seconds),
    },
    server: serverResult(executor, innodb, clients.retries, qps),
    counters,
    countersSource: handling.counterSource,
    countersByGroup,
    engine: {
      events: sim.events,
      wallSeconds: round6(wallSeconds),
      eventsPerSecond: Math.round(sim.events / wallSeconds),
    },
  };
  if (lifeParts !== null) result.connectionLife = connectionLifeResult(lifeParts, threads.live);
  const clamps = clampCounts({ floorSeconds: util.floorSeconds, handling, workload, backlogOverflow: open !== null && open.overflowAt >= 0 });
  if (clamps !== undefined) result.clamps = clamps;
  Object.assign(result, poolLogResult(handling));
  if (latches !== null && spec.server.latches !== undefined) {
    result.latches = latchResults(latches, spec.server.latches, seconds);
    const wa = waitArrayResult(latches, spec.server.latches, seconds);
    if (wa !== undefined) result.latchWaitArray = wa;
  }
  const clientCpu = closed?.clientCpu;
  if (clientCpu != null) {
    const u = clientCpu.utilization();
    result.clientCpu = { cores: clientCpu.cores, busyCores: round6(u.busyCores), utilization: round6(u.busyCores / clientCpu.cores), meanRunnable: round6(u.meanRunnable) };
  }
  if (open !== null) {
    result.stability = stabilityOf(open, clock.backlogSeries.slice(0, Math.ceil(seconds)), spec, workload, endUs);
    result.timeline.backlog = clock.backlogSeries.slice(0, Math.ceil(seconds));
  }
  if (m.intervals !== null && ivSeconds !== undefined) {
    result.intervals = {
      intervalSeconds: ivSeconds,
      percentile: INTERVAL_PERCENTILE,
      rows: intervalRows(m.intervals, ivSeconds, seconds, n, clock.errorSeries, result.summary.errors ?? 0),
    };
  }
  if (result.stability?.unstable !== true) {
    const analysis = analyseRun(output, result.latency.all, seconds);
    if (analysis !== undefined) result.outputAnalysis = analysis;
  }
  const encoded = (all: LatencyRecorder, by: LatencyRecorder[]): EncodedHistogramGroup => ({
    all: all.encode(),
    byTransaction: Object.fromEntries(workload.transactions.map((t, i) => [t.name, by[i].encode()])),
  });
  result.histograms = {
    latency: encoded(m.txAll, m.txBy),
    queueWait: encoded(m.queueAll, m.queueBy),
    execution: encoded(m.execAll, m.execBy),
  };
  m.destroy();
  return assertFinite(result);
}

/**
 * Whether an open loop kept up with its arrivals. Unstable when the backlog overflowed (the run
 * stopped there), when the offered CPU load is at or above the cores' capacity, or when the
 * backlog kept growing: its mean over the last quarter of the measured window more than 1.5
 * times that over the second quarter, and above 100.
 */
function stabilityOf(open: OpenLoopClients, backlog: readonly number[], spec: ScenarioSpec, w: CompiledWorkload, endUs: number): Stability {
  const client = spec.workload.client;
  if (client.model !== 'open') throw new Error('stability: not an open loop');
  const rate = 1e6 / interarrival(client.arrivals).mean;
  let cpuPerTx = 0;
  w.transactions.forEach((t, i) => {
    const p = w.mix[i] - (i > 0 ? w.mix[i - 1] : 0);
    let c = 0;
    for (const s of t.steps) c += w.statements[s].cpu.mean;
    cpuPerTx += p * c;
  });
  const offered = (rate * cpuPerTx) / 1e6 / spec.server.cores;
  const q = Math.floor(backlog.length / 4);
  const avg = (a: readonly number[]): number => (a.length === 0 ? 0 : a.reduce((x, y) => x + y, 0) / a.length);
  const early = avg(backlog.slice(q, 2 * q));
  const late = avg(backlog.slice(3 * q));
  const growing = q >= 1 && late > 100 && late > 1.5 * early;
  const end = backlog.length > 0 ? backlog[backlog.length - 1] : open.backlog;
  let reason: Stability['reason'];
  if (open.overflowAt >= 0) reason = 'backlog-limit';
  else if (offered >= 1) reason = 'offered-load';
  else if (growing) reason = 'backlog-growth';
  const stability: Stability = {
    unstable: reason !== undefined,
    arrivalRate: round6(rate),
    offeredUtilization: round6(offered),
    backlog: { end: open.backlog, peak: open.peakBacklog, limit: client.maxBacklog, lastQuarterMean: round6(late), secondQuarterMean: round6(early) },
  };
  if (reason !== undefined) {
    stability.reason = reason;
    const why =
      reason === 'backlog-limit'
        ? `the backlog of waiting transactions reached its limit of ${client.maxBacklog} at ${round6(endUs / 1e6)} s and the run was stopped`
        : reason === 'offered-load'
          ? `arrivals ask for ${round6(offered * 100)}% of the CPU`
          : `the backlog kept growing (${round6(early)} -> ${round6(late)}, last at ${end})`;
    stability.message = `unstable: arrivals outrun the server (${why}); queues grow without bound, so latency percentiles only reflect how long the run lasted`;
  }
  return stability;
}

/**
 * The rows of `--report-interval`: intervals of `ivSeconds` from the start of the measured
 * window; a last, shorter interval keeps its own length so rates stay true. Errors per interval
 * come from the once-a-second samples of the cumulative count (reset at the end of the warm-up),
 * the last interval taking the rest, so every column adds up to the run's totals.
 */
function intervalRows(iv: IntervalSeries, ivSeconds: number, seconds: number, threads: number, errorsAt: number[], errorsTotal: number): IntervalRow[] {
  const rows: IntervalRow[] = [];
  const count = Math.max(1, Math.ceil(seconds / ivSeconds - 1e-9));
  const cumErrors = (s: number): number => (s <= 0 ? 0 : s < errorsAt.length ? errorsAt[s] : errorsTotal);
  // An open loop that stopped early: its few completions binned past the stop join the last row.
  const k = count - 1;
  for (let i = count; i < iv.transactions.length; i++) {
    iv.transactions[k] += iv.transactions[i];
    iv.reads[k] += iv.reads[i];
    iv.writes[k] += iv.writes[i];
    iv.other[k] += iv.other[i];
    iv.latency[i].forEach((c, b) => {
      iv.latency[k][b] += c;
    });
  }
  for (let i = 0; i < count; i++) {
    const start = i * ivSeconds;
    const last = i === count - 1;
    const end = last ? seconds : start + ivSeconds;
    rows.push({
      time: round6(end),
      seconds: round6(end - start),
      threads,
      transactions: iv.transactions[i],
      reads: iv.reads[i],
      writes: iv.writes[i],
      other: iv.other[i],
      errors: (last ? errorsTotal : cumErrors(start + ivSeconds)) - cumErrors(start),
      reconnects: 0,
      latencyMs: round6(histPercentileMs(iv.latency[i], INTERVAL_PERCENTILE)),
    });
  }
  return rows;
}

/**
 * warmup "auto": a pilot run of the same scenario and seed with no warm-up, whose per-interval
 * throughput and mean latency (500 intervals) go through MSER-5; the longer of the two
 * truncations becomes the warm-up of the real run.
 */
function runWithAutoWarmup(spec: ScenarioSpec, options: RunOptions): RunResult {
  const durationUs = parseDuration(spec.duration);
  const trace: RunTrace = { intervalUs: durationUs / 500, counts: [], sums: [] };
  runScenario({ ...spec, warmup: '0us' }, { trace });
  while (trace.counts.length < 500) {
    trace.counts.push(0);
    trace.sums.push(0);
  }
  const byTps = mser5(trace.counts.slice(0, 500));
  const byLatency = mser5Weighted(trace.sums.slice(0, 500), trace.counts.slice(0, 500));
  const cut = Math.max(byTps.truncate, byLatency.truncate);
  const warmupUs = Math.round(cut * trace.intervalUs);
  const result = runScenario({ ...spec, warmup: formatDuration(warmupUs) }, options);
  result.scenario = spec;
  result.warmupSelection = {
    method: 'MSER-5',
    seconds: round6(warmupUs / 1e6),
    throughputSeconds: round6((byTps.truncate * trace.intervalUs) / 1e6),
    latencySeconds: round6((byLatency.truncate * trace.intervalUs) / 1e6),
    intervalSeconds: round6(trace.intervalUs / 1e6),
    atLimit: byTps.atLimit || byLatency.atLimit,
  };
  return result;
}

/** Context switches and cache refills of the Linux schedulers, per measured second (absent for ps and fifo). */
function switchFigures(cpu: CpuModel, seconds: number): Partial<RunResult['cpu']> {
  if (!(cpu instanceof LinuxCpu) || seconds <= 0) return {};
  const out: Partial<RunResult['cpu']> = { contextSwitchesPerSecond: round6(cpu.switchesSinceReset() / seconds) };
  const c = cpu.cache;
  if (c !== null) {
    out.cacheRefill = {
      switchInsPerSecond: round6(c.switchIns / seconds),
      meanRefillUs: c.switchIns > 0 ? round6(c.refillUs / c.switchIns) : 0,
      coldShare: c.switchIns > 0 ? round6(c.coldSwitchIns / c.switchIns) : 0,
      cpuShare: round6(c.refillUs / 1e6 / seconds / cpu.cores),
      ...(c.hasShared ? { memoryShare: c.refillUs > 0 ? round6(c.memoryUs / c.refillUs) : 0 } : {}),
      ...(c.hasWindow ? { meanWindowThreads: c.switchIns > 0 ? round6(c.windowThreads / c.switchIns) : 0 } : {}),
    };
  }
  return out;
}

/**
 * The CPU model of `server.scheduling`: processor sharing or FIFO (server/cpu.ts), or the Linux
 * scheduler, CFS (server/cfs-cpu.ts) or EEVDF (server/eevdf-cpu.ts).
 */
function makeCpu(sim: Simulator, spec: ScenarioSpec, executor: Executor): CpuModel {
  const cores = spec.server.cores;
  const rate = rateFunction(cores, spec.server.contention);
  const sched = spec.server.scheduling ?? 'ps';
  const binds = floorBinds(cores, spec.server.contention);
  if (sched === 'ps' || sched === 'fifo') return new Cpu(sim, cores, rate, executor, sched, binds);
  if (sched === 'priority') {
    const prio = Int32Array.from(spec.workload.transactions.map((t) => t.cpuPriority ?? 0));
    executor.txnCpuPriority = prio;
    return new Cpu(sim, cores, rate, executor, sched, binds, Math.max(...prio) + 1);
  }
  const l = spec.server.linux ?? {};
  const dur = (v: string | undefined, d: number): number => (v !== undefined ? parseDuration(v) : d);
  const contextSwitch = dur(l.contextSwitch, 0);
  const cr = l.cacheRefill;
  const cacheRefill =
    cr === undefined
      ? undefined
      : {
          refillUs: parseDuration(cr.refill),
          capacity: cr.capacity,
          associativity: cr.associativity,
          ...(cr.window === undefined ? {} : { windowUs: parseDuration(cr.window) }),
          ...(cr.shared === undefined ? {} : { shared: { refillUs: parseDuration(cr.shared.refill), capacity: cr.shared.capacity, associativity: cr.shared.associativity } }),
        };
  if (sched === 'eevdf') {
    const d = eevdfDefaults(l.cpus ?? cores, l.hz ?? 250);
    const params = { baseSlice: dur(l.sched_base_slice, d.baseSlice), tick: d.tick, contextSwitch, cacheRefill };
    const cpu = new EevdfCpu(sim, cores, rate, executor, params);
    cpu.floorBinds = binds;
    return cpu;
  }
  const d = cfsDefaults(l.cpus ?? cores, l.hz ?? 250);
  const params = {
    latency: dur(l.sched_latency, d.latency),
    minGranularity: dur(l.sched_min_granularity, d.minGranularity),
    wakeupGranularity: dur(l.sched_wakeup_granularity, d.wakeupGranularity),
    tick: d.tick,
    contextSwitch,
    cacheRefill,
  };
  const cpu = new CfsCpu(sim, cores, rate, executor, params);
  cpu.floorBinds = binds;
  return cpu;
}

/**
 * server.network: the kernel's CPU per statement under this thread handling. [simplification] a
 * pool's extra_port and admin connections, served by threads of their own, pay the pool's rearm.
 */
function networkCpuUs(spec: ScenarioSpec): number {
  const n = spec.server.network;
  if (n === undefined) return 0;
  const own = spec.threadHandling.mode === 'one-thread-per-connection' ? n.socketWait : n.rearm;
  return parseDuration(n.request) + parseDuration(own);
}

/** Turns on the server's InnoDB model when the workload locks rows or InnoDB admission is limited. */
function attachInnodb(executor: Executor, spec: ScenarioSpec, hasLocks: boolean): InnodbParts | null {
  const s = Innodb.parse(spec.server.innodb ?? {});
  // Without row locks, a gate or a SQL-layer share, the InnoDB parts would change nothing.
  if (!hasLocks && s.innodb_thread_concurrency === 0 && s.sqlLayerShare === 0) return null;
  return executor.attachInnodb({
    locks: hasLocks,
    deadlockDetect: s.innodb_deadlock_detect,
    deadlockDetector: s.deadlockDetector,
    lockWaitTimeoutUs: s.innodb_lock_wait_timeout * 1e6,
    // Only writers (exclusive locks) flush at COMMIT, so without locks there is no redo traffic.
    redo: hasLocks
      ? { mode: s.innodb_flush_log_at_trx_commit, fsync: buildDistribution(s.logFsync), rng: stream(spec.seed, 'redo'), logWriteUs: parseDuration(s.logWrite) }
      : null,
    threadConcurrency: s.innodb_thread_concurrency,
    concurrencyTickets: s.innodb_concurrency_tickets,
    sqlLayerShare: s.sqlLayerShare,
    readViewWalkUs: parseDuration(s.readViewWalk),
  });
}

/**
 * Turns on the connection-life model (src/threadpool/login.ts, src/workload/connection-churn.ts)
 * when the scenario has churn, storms, kills or a wait_timeout; null otherwise, so that runs
 * without them are exactly as before.
 */
function attachConnectionLife(
  spec: ScenarioSpec,
  sim: Simulator,
  conns: ConnectionTable,
  executor: Executor,
  handling: ThreadHandling,
  clients: ClosedLoopClients | OpenLoopClients,
): { server: ConnectionLife; client: ClientConnectionLife } | null {
  const w = spec.workload;
  const on = w.churn !== undefined || (w.reconnectStorms?.length ?? 0) > 0 || (w.kills?.length ?? 0) > 0 || spec.server.wait_timeout !== undefined;
  if (!on) return null;
  if (!hasConnectionLife(handling)) throw new Error('connection life: this thread handling does not model logins');
  const loginCpu = buildDistribution(spec.server.login?.cpu ?? DEFAULT_LOGIN_CPU);
  // One stream per connection for its logins ('login'), made on first use.
  const rngs: Array<Rng | undefined> = [];
  const draw = (c: number): number => {
    let r = rngs[c];
    if (r === undefined) {
      r = stream(spec.seed, 'login', c);
      rngs[c] = r;
    }
    return loginCpu.sample(r);
  };
  const server = new ConnectionLife(sim, conns, executor, (spec.server.wait_timeout ?? 28800) * 1e6, draw);
  server.sink = clients;
  handling.attachLife(server);
  const client = new ClientConnectionLife(sim, conns, server, handling, clients, spec.seed, w);
  clients.life = client;
  return { server, client };
}

function connectionLifeResult(p: { server: ConnectionLife; client: ClientConnectionLife }, threadsAtEnd: number): ConnectionLifeResult {
  const st = p.server.stats;
  return {
    logins: st.loginLatency.stats(),
    disconnects: st.disconnects,
    closedByWaitTimeout: st.closedByWaitTimeout,
    killedQueries: st.killedQueries,
    killedConnections: st.killedConnections,
    kills: { done: p.client.killsDone, missed: p.client.killsMissed },
    threadsAtEnd,
  };
}

function serverResult(executor: Executor, innodb: InnodbParts | null, retries: number, qps: number): ServerResult {
  const st = executor.stats;
  const redo = innodb?.redo ?? null;
  const meanMs = (total: number, n: number): number => (n > 0 ? round6(total / n / 1000) : 0);
  return {
    lockWaits: st.lockWaits,
    lockWaitMeanMs: meanMs(st.lockWaitTime, st.lockWaits),
    deadlocks: st.deadlocks,
    lockWaitTimeouts: st.lockWaitTimeouts,
    rollbacks: st.rollbacks,
    retries,
    commits: redo?.commits ?? 0,
    flushes: redo?.flushes ?? 0,
    commitsPerFlush: redo !== null && redo.flushes > 0 ? round6(redo.flushedCommits / redo.flushes) : 0,
    commitWaits: st.commitWaits,
    commitWaitMeanMs: meanMs(st.commitWaitTime, st.commitWaits),
    innodbQueueWaits: st.admissionWaits,
    innodbQueueWaitMeanMs: meanMs(st.admissionWaitTime, st.admissionWaits),
    ...(st.asyncCommits > 0 ? { asyncCommits: st.asyncCommits } : {}),
    ...(st.lockSearches > 0 ? { deadlockSearches: st.lockSearches, deadlockSearchStepsMean: round6(st.lockSearchSteps / st.lockSearches) } : {}),
    ...(st.readViews > 0 ? { readViews: st.readViews, readViewWalkMean: round6(st.readViewElements / st.readViews) } : {}),
    ...(executor.networkUs > 0 ? { networkCpuPerStatementUs: round6(executor.networkUs), networkCores: round6((qps * executor.networkUs) / 1e6) } : {}),
  };
}

let cachedVersion: string | undefined;

function packageVersion(): string {
  if (cachedVersion === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    cachedVersion = pkg.version;
  }
  return cachedVersion;
}
