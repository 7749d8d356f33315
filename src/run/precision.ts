import { round6 } from '../stats/latency.js';
import type { ScenarioSpec } from '../workload/schema.js';
import type { IntervalEstimate, OutputAnalysis } from './output-analysis.js';
import { aggregateReplications, runReplicationSets } from './replications.js';
import type { RunResult } from './result.js';

/** What `--precision-metric` may name: transaction latency's mean or a percentile, or throughput. */
export const PRECISION_METRICS = ['mean', 'p50', 'p95', 'p99', 'p999', 'tps'] as const;
export type PrecisionMetric = (typeof PRECISION_METRICS)[number];
export const DEFAULT_PRECISION_METRICS: readonly PrecisionMetric[] = ['mean', 'p99'];

export interface PrecisionOptions {
  /** Target relative half-width, e.g. 0.02 for 2%. */
  target: number;
  metrics?: readonly PrecisionMetric[];
  /** Replications of the first stage (default 10; at least 2). */
  initial?: number;
  /** Stop after this many replications even if the target is not reached (default 1000). */
  maxReplications?: number;
  /** Stop after this much wall-clock time (s), once a stage ends; makes the result depend on the machine. */
  maxWallSeconds?: number;
  level?: number;
  jobs?: number;
  onProgress?: (fraction: number) => void;
}

export interface PrecisionBlock {
  /** The relative half-width asked for. */
  target: number;
  metrics: PrecisionMetric[];
  level: number;
  /** True when every metric's relative half-width is at or below the target. */
  reached: boolean;
  /** target: reached; max-replications or max-wall: a cap stopped it first; no-interval: the run had none (unstable). */
  stoppedBy: 'target' | 'max-replications' | 'max-wall' | 'no-interval';
  /** The relative half-width of each metric at the end. */
  achieved: Partial<Record<PrecisionMetric, number>>;
  replications: number;
  /** Replications after each stage. */
  stages: number[];
  /** Measured simulated time over all replications (s), warm-ups excluded. */
  measuredSeconds: number;
  /** Warm-up simulated over all replications (s). */
  warmupSeconds: number;
}

/** The interval of a metric in an output analysis. */
export function metricInterval(a: OutputAnalysis, metric: PrecisionMetric): IntervalEstimate | undefined {
  return metric === 'tps' ? a.tps : a.latency[metric];
}

/** Default: 1000 replications. */
export const MAX_REPLICATIONS = 1000;

/**
 * Sequential stopping on replications (Law, Simulation Modeling and Analysis, 5th ed., 9.4.1,
 * the relative-precision procedure): run a first stage of replications, then, while some
 * chosen interval's half-width is above `target` times its estimate, run more. Each next stage
 * aims at the total the current spread asks for, n (h / (target x))^2 since a half-width
 * shrinks as 1/sqrt(n), at least one more and at most 4 times as many. Every replication's seed
 * is fixed by its index, and the stage sizes depend only on results, so the run is deterministic
 * for a given seed at any --jobs (only a wall-time cap that fires depends on the machine).
 */
export async function runToPrecision(spec: ScenarioSpec, options: PrecisionOptions): Promise<RunResult> {
  const target = options.target;
  if (!(target > 0 && target < 1)) throw new RangeError(`precision must be a fraction in (0, 1), got ${target}`);
  const metrics = [...(options.metrics ?? DEFAULT_PRECISION_METRICS)];
  const level = options.level ?? 0.95;
  const maxN = options.maxReplications ?? MAX_REPLICATIONS;
  const start = Date.now();
  const results: RunResult[] = [];
  const stages: number[] = [];
  let next = Math.min(maxN, Math.max(2, options.initial ?? 10));
  for (;;) {
    const done = results.length;
    const onProgress = options.onProgress;
    const [batch] = await runReplicationSets([spec], next, {
      jobs: options.jobs,
      first: done,
      onProgress: onProgress === undefined ? undefined : (f) => onProgress(Math.min(1, (done + f * next) / maxN)),
    });
    results.push(...batch);
    stages.push(results.length);
    const agg = aggregateReplications(results, level);
    const a = agg.outputAnalysis;
    const achieved: PrecisionBlock['achieved'] = {};
    let worst = 0;
    for (const m of metrics) {
      const iv = a === undefined ? undefined : metricInterval(a, m);
      const rel = iv === undefined ? Infinity : iv.relativeHalfWidth;
      achieved[m] = Number.isFinite(rel) ? rel : -1;
      worst = Math.max(worst, rel / target);
    }
    const reached = worst <= 1;
    let stoppedBy: PrecisionBlock['stoppedBy'] | undefined;
    if (a === undefined) stoppedBy = 'no-interval';
    else if (reached) stoppedBy = 'target';
    else if (results.length >= maxN) stoppedBy = 'max-replications';
    else if (options.maxWallSeconds !== undefined && (Date.now() - start) / 1000 >= options.maxWallSeconds) stoppedBy = 'max-wall';
    if (stoppedBy !== undefined) {
      const n = results.length;
      agg.precision = {
        target,
        metrics,
        level,
        reached,
        stoppedBy,
        achieved,
        replications: n,
        stages,
        measuredSeconds: round6(results.reduce((s, r) => s + r.summary.simulatedSeconds, 0)),
        warmupSeconds: round6(results.reduce((s, r) => s + r.summary.warmupSeconds, 0)),
      };
      return agg;
    }
    const n = results.length;
    const want = Math.ceil(n * worst * worst);
    next = Math.min(maxN, Math.max(n + 1, Math.min(4 * n, want))) - n;
  }
}

/** Parses "2%" or "0.02" into a fraction; undefined when malformed. */
export function parsePrecision(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(text);
  if (m === null) return undefined;
  const v = Number(m[1]) / (m[2] === '%' ? 100 : 1);
  return v > 0 && v < 1 ? v : undefined;
}
