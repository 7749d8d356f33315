import type { OutputAnalysis } from './output-analysis.js';
import type { PrecisionBlock } from './precision.js';
import type { WaitsResult } from '../stats/queue-wait.js';
import type { ScenarioSpec } from '../workload/schema.js';
import type { LatchResult, WaitArrayResult } from '../server/latch.js';

/** Version of the result file layout; bump on any incompatible change. */
export const RESULT_SCHEMA_VERSION = 1;

/** A latency distribution summary, all times in milliseconds. */
export interface LatencyStats {
  count: number;
  /** Exact minimum (absent in older files). */
  min?: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  /** p99.99 (absent in older files). */
  p9999?: number;
  max: number;
}

export interface LatencyGroup {
  all: LatencyStats;
  byTransaction: Record<string, LatencyStats>;
}

/**
 * The result of one run: what `sim run --json` prints and what the result file holds.
 * Everything outside `engine` is a pure function of (scenario, seed): byte-identical across runs.
 */
export interface RunResult {
  schemaVersion: number;
  tool: { name: 'tpsim'; version: string };
  /** The scenario as run: defaults and profile values filled in. */
  scenario: ScenarioSpec;
  /**
   * The command-line overrides (`--set`, `--seed`, `--duration`, ...) applied to the scenario
   * file, as typed; absent when there were none. `scenario` already includes them, but its
   * description is the file's text, written for the values before them.
   */
  overrides?: string[];
  seed: number;
  summary: {
    /** Measured simulated time (duration - warm-up), seconds. */
    simulatedSeconds: number;
    warmupSeconds: number;
    connections: number;
    transactions: number;
    statements: number;
    tps: number;
    qps: number;
    /** Failed statements, as sysbench counts errors: deadlocks + lock wait timeouts (absent in older files). */
    errors?: number;
  };
  /** Transaction response time: client send of the first statement to receipt of the last reply. */
  latency: LatencyGroup;
  /** Per statement: time from reaching the server to a thread starting it (pool queues, polling). */
  queueWait: LatencyGroup;
  /** Per statement: from a thread starting it to its end (CPU, contention, waits). */
  execution: LatencyGroup;
  /** Per statement class: client-observed statement response time. */
  statements: Record<string, LatencyStats>;
  /**
   * Waiting time at every queue of the model: P(wait > 0), mean and percentiles, per transaction
   * type and statement class (stats/queue-wait.ts; docs/RESULTS.md). Absent in older files.
   */
  waits?: WaitsResult;
  /**
   * Per 1 s interval of the measured window: completed transactions, and at the start of each
   * interval the worker thread count and the thread handling's gauges (queue lengths, ...).
   */
  timeline: { intervalSeconds: number; tps: number[]; threads: number[]; gauges: Record<string, number[]>; backlog?: number[] };
  threads: {
    /** Peak and time-weighted mean of worker threads (pool query threads, or connection threads). */
    peak: number;
    mean: number;
    created: number;
    peakMemoryMiB: number;
  };
  /** CPU: mean busy cores and utilisation of the modelled cores. */
  cpu: {
    cores: number;
    busyCores: number;
    utilization: number;
    meanRunnable: number;
    /** Measured seconds during which the contention model's 1% floor set the rate (a clamp decided the result); absent: never. */
    contentionFloorSeconds?: number;
    /** Linux schedulers: a core taking another thread than its last one, per second. */
    contextSwitchesPerSecond?: number;
    /**
     * server.linux.cacheRefill: switch-ins, their mean refill, the share that reloaded everything,
     * the cores' time spent on it, (with a shared level) the share of that time reloading from memory,
     * and (with a window) the mean number of other threads in the core's window at a switch-in.
     */
    cacheRefill?: { switchInsPerSecond: number; meanRefillUs: number; coldShare: number; cpuShare: number; memoryShare?: number; meanWindowThreads?: number };
  };
  /** The client machine's CPU (workload.client.machine), in the measured window; absent without one. */
  clientCpu?: { cores: number; busyCores: number; utilization: number; meanRunnable: number };
  /** The server's own waits in the measured window (absent in older files). */
  server?: ServerResult;
  /**
   * Connection life in the measured window (workload.churn, reconnectStorms, kills or
   * server.wait_timeout set; absent otherwise): logins and their latency (from the connection
   * reaching the server to the end of its authentication), connections the clients closed, those
   * the server closed for wait_timeout or by KILL, and the statements KILL QUERY interrupted.
   */
  connectionLife?: ConnectionLifeResult;
  /**
   * Present only when a floor or cap of the model bound during the run (see run/clamps.ts): how
   * often each did. Figures that a clamp decided are the clamp's, not a mechanism's.
   */
  clamps?: ClampCounts;
  /**
   * The server's error log as the modelled pool writes it (A12, P8: "Threadpool has been blocked
   * for N seconds"), at simulated seconds from the run's start (warm-up included). Absent when
   * nothing was logged.
   */
  serverLog?: Array<{ atSeconds: number; text: string }>;
  /**
   * Present when thread_pool_max_threads refused a creation: the pool's last spell of refusals
   * with no worker created in it (A12's clock, which only a creation restarts): its first refusal
   * and its last, in simulated seconds from the run's start, and the cap.
   */
  poolBlocked?: { sinceSeconds: number; lastRefusalSeconds: number; maxThreads: number };
  /** server.latches only: per latch, what its waiters did in the measured window (server/latch.ts). */
  latches?: Record<string, LatchResult>;
  /** server.latches.waitArrayCell only: 5.5's wait array in the measured window (server/latch.ts). */
  latchWaitArray?: WaitArrayResult;
  /** The pool's counters, summed over groups, named as the real server names them. */
  counters: Record<string, number>;
  /** Where those names come from (e.g. performance_schema.tp_thread_group_stats). */
  countersSource: string;
  countersByGroup: Array<Record<string, number>>;
  engine: { events: number; wallSeconds: number; eventsPerSecond: number };
  /**
   * `sim run --report-interval N` only: sysbench's per-interval figures of the measured window
   * (the percentile is sysbench's default, 95, from a sysbench-style histogram).
   */
  intervals?: { intervalSeconds: number; percentile: number; rows: IntervalRow[] };
  /** Open loops only: whether arrivals were kept up with (see docs/RESULTS.md). */
  stability?: Stability;
  /** warmup "auto" only: how the warm-up was chosen. */
  warmupSelection?: WarmupSelection;
  /** Replicated runs only: the 95% t interval of every statistic, mirroring the result's layout. */
  ci95?: CiTree;
  /** Replicated runs only: seeds and key figures of each replication. */
  replications?: ReplicationsBlock;
  /**
   * Intervals of transaction latency (mean by batch means, percentiles by batch-means CDF inversion) and tps
   * that hold for correlated output, with the output's correlation and any start-up transient
   * left in the window (src/run/output-analysis.ts); replicated runs use the replications as
   * sections. Absent for unstable runs and runs with fewer than 40 transactions.
   */
  outputAnalysis?: OutputAnalysis;
  /** `--precision` only: the target, what was reached and what stopped the run. */
  precision?: PrecisionBlock;
  /** Batch-means run only: intervals from one long run. */
  batchMeans?: BatchMeansBlock;
  /**
   * The full distributions behind `latency`, `queueWait` and `execution`, for plots (latency CDF,
   * percentile ladder): each an HDR histogram in the standard compressed base64 format
   * (hdr-histogram-js `encodeIntoCompressedBase64`), values in nanoseconds, 3 significant digits;
   * decode with `decodeFromCompressedBase64`. Optional: older result files lack it.
   */
  histograms?: {
    latency: EncodedHistogramGroup;
    queueWait: EncodedHistogramGroup;
    execution: EncodedHistogramGroup;
  };
}

export interface ConnectionLifeResult {
  logins: LatencyStats;
  disconnects: number;
  closedByWaitTimeout: number;
  killedQueries: number;
  killedConnections: number;
  /** KILLs of the scenario that found their target running or open, and those that did not. */
  kills: { done: number; missed: number };
  /** Threads alive at the end of the run (pool workers, connect handlers, connection threads). */
  threadsAtEnd: number;
}

/** One `--report-interval` line: counts in the interval ending at `time` (s into the window). */
export interface IntervalRow {
  time: number;
  seconds: number;
  threads: number;
  transactions: number;
  reads: number;
  writes: number;
  other: number;
  errors: number;
  /** Always 0: the model has no reconnects (kept for sysbench's column). */
  reconnects: number;
  /** Transaction latency percentile of the interval, ms. */
  latencyMs: number;
}

/** Encoded HDR histograms (see RunResult.histograms): the sum over types, and per transaction type. */
export interface EncodedHistogramGroup {
  all: string;
  byTransaction: Record<string, string>;
}

export interface Stability {
  unstable: boolean;
  reason?: 'backlog-limit' | 'offered-load' | 'backlog-growth';
  message?: string;
  /** Transactions per second offered by the arrival process. */
  arrivalRate: number;
  /** arrivalRate × mean CPU demand of a transaction / cores. */
  offeredUtilization: number;
  backlog: { end: number; peak: number; limit: number; lastQuarterMean: number; secondQuarterMean: number };
}

export interface WarmupSelection {
  method: 'MSER-5';
  seconds: number;
  throughputSeconds: number;
  latencySeconds: number;
  intervalSeconds: number;
  /** The truncation hit MSER's n/2 limit: the run is probably too short for its transient. */
  atLimit: boolean;
}

/** [lo, hi] for each numeric leaf, in the same nesting as the result. */
export interface CiTree {
  [key: string]: [number, number] | CiTree;
}

export interface ReplicationsBlock {
  count: number;
  level: number;
  seeds: number[];
  perReplication: Array<{ seed: number; tps: number; latencyMean: number; latencyP99: number; warmupSeconds: number; unstable: boolean }>;
}

export interface BatchMeansBlock {
  batches: number;
  level: number;
  /** Mean transaction latency (ms) and throughput (per second), each with its interval and the lag-1 autocorrelation of the batch means. */
  latencyMean: { mean: number; lo: number; hi: number; lag1: number };
  tps: { mean: number; lo: number; hi: number; lag1: number };
}

/**
 * Row locks, redo log and InnoDB admission, counted in the measured window. A lock wait is
 * counted when it begins, its time when it ends (granted, timed out); means in ms.
 */
export interface ServerResult {
  lockWaits: number;
  lockWaitMeanMs: number;
  deadlocks: number;
  lockWaitTimeouts: number;
  /** Transactions rolled back by the server (deadlock victims, timeouts). */
  rollbacks: number;
  /** Transactions the clients restarted after a rollback. */
  retries: number;
  /** Commits of writing transactions, redo-log flushes, and commits made durable per flush. */
  commits: number;
  flushes: number;
  commitsPerFlush: number;
  /** Commits that waited for a flush (innodb_flush_log_at_trx_commit = 1), and their mean wait. */
  commitWaits: number;
  commitWaitMeanMs: number;
  /** Entries into InnoDB that queued (innodb_thread_concurrency), and their mean wait. */
  innodbQueueWaits: number;
  innodbQueueWaitMeanMs: number;
  /** MariaDB 10.6+ with the pool: commits that released their worker while waiting for a flush. */
  asyncCommits?: number;
  /**
   * server.latches.deadlockSearch: row-lock requests whose deadlock search held its latch, and the
   * mean number of lock requests a search examined.
   */
  deadlockSearches?: number;
  deadlockSearchStepsMean?: number;
  /** server.innodb.readViewWalk: read views opened, and the mean number of read-write transactions each walked. */
  readViews?: number;
  readViewWalkMean?: number;
  /**
   * server.network: the kernel's CPU per statement under this thread handling (request plus
   * socketWait or rearm), µs, and what the measured statements spent on it, in cores.
   */
  networkCpuPerStatementUs?: number;
  networkCores?: number;
}

/** Floors and caps of the model that bound, each absent when it did not. */
export interface ClampCounts {
  /** Measured seconds during which the contention model's 1% floor set the CPU rate (as cpu.contentionFloorSeconds). */
  contentionFloorSeconds?: number;
  /** Pool thread creations refused at thread_pool_max_threads (whole run, warm-up included). */
  maxThreadsRefusals?: number;
  /** Negative draws of truncated normals (statement CPU and waits, network round trip) redrawn (whole run). */
  truncatedNormalRedraws?: number;
  /** 1 if the open loop's backlog overflowed and stopped the run. */
  backlogOverflow?: number;
}

/**
 * Where a result holds a number that is not finite (JSON would write null): dotted paths and
 * values. Iterative: results are wide but shallow, and this must never fail itself.
 */
export function nonFiniteFigures(result: RunResult): string[] {
  const out: string[] = [];
  const stack: Array<[unknown, string]> = [[result, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop() as [unknown, string];
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) out.push(`${path} = ${v}`);
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) stack.push([x, path === '' ? k : `${path}.${k}`]);
    }
  }
  return out.sort();
}

/**
 * A result never carries NaN or Infinity (written as null, they pass for numbers nowhere): the
 * run fails instead, naming the figures. The scenario bounds (workload/limits.ts) keep every
 * input that validates away from this; it is the last guard.
 */
export function assertFinite(result: RunResult): RunResult {
  const bad = nonFiniteFigures(result);
  if (bad.length > 0) {
    const shown = bad.slice(0, 5).join(', ') + (bad.length > 5 ? ` and ${bad.length - 5} more` : '');
    throw new Error(`the run produced figures that are not finite numbers (${shown}): the scenario's values are beyond what the model computes with`);
  }
  return result;
}
