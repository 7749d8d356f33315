import { parseDuration } from '../engine/duration.js';
import { stream } from '../engine/random.js';
import { batchMeans, meanCi } from '../stats/confidence.js';
import { mergeEncoded, round6 } from '../stats/latency.js';
import type { ScenarioSpec } from '../workload/schema.js';
import { runTasks } from '../sweep/pool.js';
import { type ReplicationOutcome, type ReplicationTask, failure, outcomeError } from '../sweep/tasks.js';
import { type CiTree, type EncodedHistogramGroup, type RunResult, assertFinite } from './result.js';
import { type RunOptions, type RunTrace, runScenario } from './run.js';
import { analyseReplications } from './output-analysis.js';

export interface ReplicationOptions extends RunOptions {
  /** Confidence level of the intervals (default 0.95; the result field stays `ci95` only at 0.95). */
  level?: number;
}

/**
 * Seed of replication r: the scenario's own seed for r = 0 (so a replicated run begins with
 * exactly the single run), then a hash of (seed, r) in [0, 2^53). Deterministic, and far apart
 * for neighbouring r, unlike seed + r which would reuse streams across scenarios.
 */
export function replicationSeed(seed: number, r: number): number {
  if (r === 0) return seed;
  const rng = stream(seed, 'replication', r);
  return Math.floor(rng() * 2 ** 21) * 2 ** 32 + Math.floor(rng() * 2 ** 32);
}

/** Sections whose numeric fields are statistics: averaged across replications, with intervals. */
const STAT_SECTIONS = ['summary', 'latency', 'queueWait', 'execution', 'statements', 'waits', 'threads', 'cpu', 'server', 'counters', 'stability', 'latches', 'latchWaitArray'] as const;

/**
 * Runs n independent replications of a scenario (seeds from replicationSeed) one after another
 * and returns one result: every statistic is the mean over replications, `ci95` holds its
 * Student t interval, `replications` the seeds and key figures of each. n = 1 returns the
 * single run unchanged. With warmup "auto" every replication chooses its own warm-up (MSER-5 on
 * its own pilot run): a transient is a property of the replication's own start. Kept free of
 * shared state so that replications can run on worker threads (runReplicationsParallel).
 */
export function runReplications(spec: ScenarioSpec, n: number, options: ReplicationOptions = {}): RunResult {
  const results = runReplicationResults(spec, n, options);
  return n === 1 ? results[0] : aggregateReplications(results, options.level ?? 0.95);
}

/** The scenario of replication r: its own seed; warmup "auto" is chosen by each replication. */
export function replicationSpec(spec: ScenarioSpec, r: number): ScenarioSpec {
  return { ...spec, seed: replicationSeed(spec.seed, r) };
}

/** The individual results of runReplications, before they are combined. */
export function runReplicationResults(spec: ScenarioSpec, n: number, options: RunOptions & { first?: number } = {}): RunResult[] {
  checkCount(n);
  const onProgress = options.onProgress;
  const first = options.first ?? 0;
  const results: RunResult[] = [];
  for (let r = 0; r < n; r++) {
    results.push(runScenario(replicationSpec(spec, first + r), { onProgress: onProgress === undefined ? undefined : (f) => onProgress((r + f) / n) }));
  }
  return results;
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`replications must be a positive integer, got ${n}`);
}

/** One replication of a scenario whose seed and warm-up are already set (what a worker runs). */
export function runOneReplication(spec: ScenarioSpec): RunResult {
  return runScenario(spec);
}

export interface ParallelReplicationOptions {
  /** Worker threads (default 1: serial, in this thread). */
  jobs?: number;
  /** Fraction of all the replications finished. */
  onProgress?: (fraction: number) => void;
  /** Index of the first replication (seeds replicationSeed(seed, first + r)); default 0. */
  first?: number;
}

/**
 * The replications of several scenarios at once (e.g. both sides of `sim compare`), on up to
 * `jobs` worker threads: result[i] equals runReplicationResults(specs[i], n) field for field
 * (only the `engine` block of wall-clock figures differs), since every replication's seed is
 * fixed before it starts and a run depends on nothing else (warmup "auto" is chosen inside each
 * replication). jobs <= 1 runs them one after another in this thread.
 */
export async function runReplicationSets(specs: readonly ScenarioSpec[], n: number, options: ParallelReplicationOptions = {}): Promise<RunResult[][]> {
  checkCount(n);
  const jobs = options.jobs ?? 1;
  const onProgress = options.onProgress;
  const first = options.first ?? 0;
  const total = specs.length * n;
  if (jobs <= 1 || total <= 1) {
    return specs.map((spec, i) =>
      runReplicationResults(spec, n, { first, onProgress: onProgress === undefined ? undefined : (f) => onProgress((i * n + f * n) / total) }),
    );
  }
  const results: RunResult[][] = specs.map(() => []);
  let finished = 0;
  const tasks: ReplicationTask[] = specs.flatMap((s, i) =>
    Array.from({ length: n }, (_, r): ReplicationTask => ({ kind: 'replication', index: i * n + r, spec: replicationSpec(s, first + r) })),
  );
  const outcomes = await runTasks<ReplicationTask, ReplicationOutcome>(tasks, jobs, runReplicationTask, () => onProgress?.(++finished / total));
  const bad = outcomes.find((o) => !o.ok || o.result === undefined);
  if (bad !== undefined) throw outcomeError(bad);
  for (const o of outcomes) results[Math.floor(o.index / n)][o.index % n] = o.result as RunResult;
  return results;
}

/** A replication task's outcome (also what a worker thread reports for it). */
export function runReplicationTask(task: ReplicationTask): ReplicationOutcome {
  try {
    return { index: task.index, ok: true, result: runOneReplication(task.spec) };
  } catch (e) {
    return failure(task.index, e);
  }
}

/** runReplications on up to `jobs` worker threads (see runReplicationSets). */
export async function runReplicationsParallel(spec: ScenarioSpec, n: number, options: ParallelReplicationOptions & { level?: number } = {}): Promise<RunResult> {
  const [results] = await runReplicationSets([spec], n, options);
  return n === 1 ? results[0] : aggregateReplications(results, options.level ?? 0.95);
}

type Json = number | string | boolean | null | undefined | Json[] | { [k: string]: Json };

/** Combines replication results (see runReplications); exported for parallel runners. */
export function aggregateReplications(results: readonly RunResult[], level = 0.95): RunResult {
  const first = results[0];
  const out = structuredClone(first);
  const ci: CiTree = {};
  const src = results as unknown as Array<Record<string, Json>>;
  const dst = out as unknown as Record<string, Json>;
  for (const section of STAT_SECTIONS) {
    if (first[section] === undefined) continue;
    const tree: CiTree = {};
    dst[section] = meanTree(
      src.map((r) => r[section]),
      tree,
      level,
    );
    ci[section] = tree;
  }
  // A clamp that bound in any replication bound: counts are summed (the floor's seconds too).
  const clampKeys = ['contentionFloorSeconds', 'maxThreadsRefusals', 'truncatedNormalRedraws', 'backlogOverflow'] as const;
  const clamps: NonNullable<RunResult['clamps']> = {};
  for (const k of clampKeys) {
    const sum = results.reduce((acc, r) => acc + (r.clamps?.[k] ?? 0), 0);
    if (sum > 0) clamps[k] = round6(sum);
  }
  if (Object.keys(clamps).length > 0) out.clamps = clamps;
  else delete out.clamps;
  if (out.stability !== undefined) out.stability.unstable = results.some((r) => r.stability?.unstable === true);
  // Series: element-wise means over the common length.
  const meanSeries = (get: (r: RunResult) => number[] | undefined): number[] | undefined => {
    const all = results.map(get);
    if (all.some((a) => a === undefined)) return undefined;
    const arrays = all as number[][];
    const len = Math.min(...arrays.map((a) => a.length));
    return Array.from({ length: len }, (_, i) => round6(arrays.reduce((s, a) => s + a[i], 0) / arrays.length));
  };
  out.timeline.tps = meanSeries((r) => r.timeline.tps) ?? [];
  out.timeline.threads = meanSeries((r) => r.timeline.threads) ?? [];
  for (const g of Object.keys(out.timeline.gauges)) out.timeline.gauges[g] = meanSeries((r) => r.timeline.gauges[g]) ?? [];
  if (out.timeline.backlog !== undefined) out.timeline.backlog = meanSeries((r) => r.timeline.backlog);
  out.countersByGroup = first.countersByGroup.map((row, g) =>
    Object.fromEntries(Object.keys(row).map((k) => [k, round6(results.reduce((s, r) => s + (r.countersByGroup[g]?.[k] ?? 0), 0) / results.length)])),
  );
  const events = results.reduce((s, r) => s + r.engine.events, 0);
  const wall = results.reduce((s, r) => s + r.engine.wallSeconds, 0);
  out.engine = { events, wallSeconds: round6(wall), eventsPerSecond: wall > 0 ? Math.round(events / wall) : 0 };
  // Distributions are pooled, not averaged: the histograms hold every replication's samples (so
  // the latency charts of a replicated result show all of them; its percentiles stay the means).
  const pooled = pooledHistograms(results);
  if (pooled === undefined) delete out.histograms;
  else out.histograms = pooled;
  out.ci95 = ci;
  delete out.outputAnalysis;
  if (results.every((r) => r.stability?.unstable !== true)) {
    const analysis = analyseReplications(
      results.map((r) => ({ latency: r.latency.all, tps: r.summary.tps, analysis: r.outputAnalysis })),
      pooled?.latency.all,
      level,
    );
    if (analysis !== undefined) out.outputAnalysis = analysis;
  }
  out.replications = {
    count: results.length,
    level,
    seeds: results.map((r) => r.seed),
    perReplication: results.map((r) => ({
      seed: r.seed,
      tps: r.summary.tps,
      latencyMean: r.latency.all.mean,
      latencyP99: r.latency.all.p99,
      warmupSeconds: r.summary.warmupSeconds,
      unstable: r.stability?.unstable === true,
    })),
  };
  return assertFinite(out);
}

/** The sum of the replications' histograms, group by group; absent if any replication lacks them. */
function pooledHistograms(results: readonly RunResult[]): RunResult['histograms'] {
  const all = results.map((r) => r.histograms);
  if (all.some((h) => h === undefined)) return undefined;
  const hs = all as Array<NonNullable<RunResult['histograms']>>;
  const pool = (group: 'latency' | 'queueWait' | 'execution'): EncodedHistogramGroup => ({
    all: mergeEncoded(hs.map((h) => h[group].all)),
    byTransaction: Object.fromEntries(Object.keys(hs[0][group].byTransaction).map((tx) => [tx, mergeEncoded(hs.map((h) => h[group].byTransaction[tx]))])),
  });
  return { latency: pool('latency'), queueWait: pool('queueWait'), execution: pool('execution') };
}

/** Means of numeric leaves (same layout in every value), filling `ci` with [lo, hi]. */
function meanTree(values: Json[], ci: CiTree, level: number): Json {
  const v0 = values[0];
  if (typeof v0 === 'number') {
    const xs = values.map((v) => (typeof v === 'number' ? v : NaN));
    if (xs.some((x) => !Number.isFinite(x))) return v0;
    const c = meanCi(xs, level);
    // A constant statistic (e.g. cores) has sd 0: the interval collapses onto it.
    ci.__leaf = [round6(c.halfWidth > 0 ? c.lo : c.mean), round6(c.halfWidth > 0 ? c.hi : c.mean)];
    return round6(c.mean);
  }
  if (v0 !== null && typeof v0 === 'object' && !Array.isArray(v0)) {
    const obj: Record<string, Json> = {};
    for (const k of Object.keys(v0)) {
      const child: CiTree = {};
      obj[k] = meanTree(
        values.map((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v[k] : undefined)),
        child,
        level,
      );
      const leaf = child.__leaf;
      if (Array.isArray(leaf)) ci[k] = leaf;
      else if (Object.keys(child).length > 0) ci[k] = child;
    }
    return obj;
  }
  return v0;
}

/**
 * Batch means on one run: the measured window is cut into `batches` equal intervals whose
 * throughput and mean latency are treated as independent (lag-1 autocorrelation reported; above
 * ~0.2 the batches are too short and the interval too narrow).
 */
export function runBatchMeans(spec: ScenarioSpec, batches: number, options: ReplicationOptions = {}): RunResult {
  if (!Number.isInteger(batches) || batches < 2) throw new RangeError(`batches must be an integer >= 2, got ${batches}`);
  if (spec.warmup === 'auto') throw new RangeError('batch means need a fixed warm-up (or run with replications)');
  const level = options.level ?? 0.95;
  const measuredUs = parseDuration(spec.duration) - parseDuration(spec.warmup);
  const trace: RunTrace = { intervalUs: measuredUs / batches, counts: [], sums: [] };
  const result = runScenario(spec, { onProgress: options.onProgress, trace });
  const counts = Array.from({ length: batches }, (_, i) => trace.counts[i] ?? 0);
  const sums = Array.from({ length: batches }, (_, i) => trace.sums[i] ?? 0);
  const tps = batchMeans(
    counts.map((c) => c / (trace.intervalUs / 1e6)),
    batches,
    level,
  );
  const lat = batchMeans(
    counts.map((c, i) => (c > 0 ? sums[i] / c / 1000 : 0)),
    batches,
    level,
  );
  const pack = (c: { mean: number; lo: number; hi: number; lag1: number }) => ({
    mean: round6(c.mean),
    lo: round6(c.lo),
    hi: round6(c.hi),
    lag1: round6(c.lag1),
  });
  result.batchMeans = { batches, level, latencyMean: pack(lat), tps: pack(tps) };
  return assertFinite(result);
}
