import { readFileSync } from 'node:fs';
import { parseDuration } from '../engine/duration.js';
import type { EventHandler } from '../engine/simulator.js';
import { Simulator } from '../engine/simulator.js';
import { ConnectionTable } from '../server/connections.js';
import { rateFunction } from '../server/contention.js';
import { Cpu } from '../server/cpu.js';
import { Executor } from '../server/executor.js';
import { ThreadRegistry } from '../server/threads.js';
import { round6 } from '../stats/latency.js';
import { Measurements } from '../stats/measurements.js';
import { createThreadHandling, resolveThreadHandling } from '../threadpool/factory.js';
import type { ThreadHandling } from '../threadpool/types.js';
import { ClosedLoopClients } from '../workload/closed-loop.js';
import type { ScenarioSpec } from '../workload/schema.js';
import { compileWorkload } from '../workload/templates.js';
import { RESULT_SCHEMA_VERSION, type LatencyStats, type RunResult } from './result.js';

export interface RunOptions {
  /** Called now and then with the fraction of simulated time done (0..1). */
  onProgress?: (fraction: number) => void;
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
  readonly gaugeSeries: number[][];
  private readonly gaugeBuf: Float64Array;
  private counterBase: Float64Array[] = [];

  constructor(
    private readonly sim: Simulator,
    private readonly m: Measurements,
    private readonly threads: ThreadRegistry,
    private readonly cpu: Cpu,
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
  const cpu = new Cpu(sim, cores, rateFunction(cores, spec.server.contention), executor);
  executor.cpu = cpu;
  const workload = compileWorkload(spec.workload);
  const m = new Measurements(
    workload.transactions.map((t) => t.name),
    workload.classes,
  );
  const clients = new ClosedLoopClients(sim, workload, conns, m, spec.seed);
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
  const clock = new RunClock(sim, m, threads, cpu, handling);

  handling.start(n);
  clients.start();
  sim.schedule(warmupUs, clock.id, WARMUP_END, 0, 0);
  const onProgress = options.onProgress;
  sim.run(durationUs, onProgress === undefined ? undefined : (now) => onProgress(now / durationUs), 1 << 18);
  onProgress?.(1);
  m.finish();

  const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
  const seconds = (durationUs - warmupUs) / 1e6;
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
      tps: round6(m.transactions / seconds),
      qps: round6(m.statements / seconds),
    },
    latency: { all: m.txAll.stats(), byTransaction: byTx(m.txBy) },
    queueWait: { all: m.queueAll.stats(), byTransaction: byTx(m.queueBy) },
    execution: { all: m.execAll.stats(), byTransaction: byTx(m.execBy) },
    statements,
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
    },
    counters,
    countersSource: handling.counterSource,
    countersByGroup,
    engine: {
      events: sim.events,
      wallSeconds: round6(wallSeconds),
      eventsPerSecond: Math.round(sim.events / wallSeconds),
    },
  };
  m.destroy();
  return result;
}

let cachedVersion: string | undefined;

function packageVersion(): string {
  if (cachedVersion === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    cachedVersion = pkg.version;
  }
  return cachedVersion;
}
