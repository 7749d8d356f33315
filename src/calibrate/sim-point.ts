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
  /**
   * Connections inside a statement, time-averaged (the server's Threads_running without the
   * observer): by Little's law, statements per second times their mean execution (dequeue to reply).
   */
  inStatements: number;
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
    inStatements: (r.summary.qps * r.execution.all.mean) / 1000,
    cpuUsPerTxn: r.summary.tps > 0 ? (r.cpu.busyCores / r.summary.tps) * 1e6 : 0,
    wallSeconds: r.engine.wallSeconds,
  };
}

/**
 * The fitted model's figures that a measurement's counters can be set against when a prediction
 * misses: whether the connections waited in the pool's queue or inside their statements, and how
 * often they deadlocked or waited for a row lock.
 */
export interface WhereFigures {
  /** Connections inside a statement (Threads_running without the observer), time-averaged. */
  inStatements: number;
  /** The pool's queued requests, the mean of the per-second QUEUE_LENGTH gauge; absent without a pool. */
  poolQueue?: number;
  /** Deadlocks and lock wait timeouts per second. */
  errorsPerS: number;
  rowLockWaitsPerS: number;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function whereOf(f: PointFigures): WhereFigures {
  const q = f.gauges.QUEUE_LENGTH;
  return {
    inStatements: round3(f.inStatements),
    ...(q !== undefined ? { poolQueue: round3(q) } : {}),
    errorsPerS: round3(f.errorsPerS),
    rowLockWaitsPerS: round3(f.rowLockWaitsPerS),
  };
}

export function simulatePoint(spec: ScenarioSpec): PointFigures {
  return figuresOf(runScenario(spec));
}
