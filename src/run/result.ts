import type { ScenarioSpec } from '../workload/schema.js';

/** Version of the result file layout; bump on any incompatible change. */
export const RESULT_SCHEMA_VERSION = 1;

/** A latency distribution summary, all times in milliseconds. */
export interface LatencyStats {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
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
   * Per 1 s interval of the measured window: completed transactions, and at the start of each
   * interval the worker thread count and the thread handling's gauges (queue lengths, ...).
   */
  timeline: { intervalSeconds: number; tps: number[]; threads: number[]; gauges: Record<string, number[]> };
  threads: {
    /** Peak and time-weighted mean of worker threads (pool query threads, or connection threads). */
    peak: number;
    mean: number;
    created: number;
    peakMemoryMiB: number;
  };
  /** CPU: mean busy cores and utilisation of the modelled cores. */
  cpu: { cores: number; busyCores: number; utilization: number; meanRunnable: number };
  /** The pool's counters, summed over groups, named as the real server names them. */
  counters: Record<string, number>;
  /** Where those names come from (e.g. performance_schema.tp_thread_group_stats). */
  countersSource: string;
  countersByGroup: Array<Record<string, number>>;
  engine: { events: number; wallSeconds: number; eventsPerSecond: number };
}
