import type { RunResult } from '../run/result.js';
import { runScenario } from '../run/run.js';
import type { ScenarioSpec } from '../workload/schema.js';

/** What the fitter and the validation tables need from one simulation. Latencies in ms. */
export interface PointFigures {
  tps: number;
  mean: number;
  p95: number;
  p99: number;
  /** Time-weighted mean of worker threads. */
  threadsMean: number;
  /** Means of the per-second gauges (Threadpool_threads, ACTIVE_THREADS, QUEUE_LENGTH, ...). */
  gauges: Record<string, number>;
  rowLockWaitsPerS: number;
  errorsPerS: number;
  /** The model's server CPU per transaction, µs (busy cores / tps; 0 without transactions). */
  cpuUsPerTxn: number;
  wallSeconds: number;
}

export function figuresOf(r: RunResult): PointFigures {
  const secs = r.summary.simulatedSeconds;
  const gauges: Record<string, number> = {};
  for (const [k, v] of Object.entries(r.timeline.gauges)) gauges[k] = v.length === 0 ? 0 : v.reduce((s, x) => s + x, 0) / v.length;
  return {
    tps: r.summary.tps,
    mean: r.latency.all.mean,
    p95: r.latency.all.p95,
    p99: r.latency.all.p99,
    threadsMean: r.threads.mean,
    gauges,
    rowLockWaitsPerS: secs > 0 ? (r.server?.lockWaits ?? 0) / secs : 0,
    errorsPerS: secs > 0 ? (r.summary.errors ?? 0) / secs : 0,
    cpuUsPerTxn: r.summary.tps > 0 ? (r.cpu.busyCores / r.summary.tps) * 1e6 : 0,
    wallSeconds: r.engine.wallSeconds,
  };
}

export function simulatePoint(spec: ScenarioSpec): PointFigures {
  return figuresOf(runScenario(spec));
}
