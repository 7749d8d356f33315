import type { LatencyStats, RunResult } from '../../src/run/result.js';
import { Scenario } from '../../src/workload/schema.js';

function stats(count: number, base: number): LatencyStats {
  return { count, min: base * 0.05, mean: base, p50: base * 0.9, p90: base * 1.8, p95: base * 2.2, p99: base * 4.1, p999: base * 9.3, p9999: base * 15, max: base * 20 };
}

const EMPTY: LatencyStats = { count: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };

/** A hand-made RunResult with recognisable numbers, for report tests. */
export function sampleResult(overrides: Partial<RunResult> = {}): RunResult {
  const scenario = Scenario.parse({
    name: 'oltp sample/1',
    description: 'A made-up result.',
    seed: 42,
    duration: '12s',
    warmup: '2s',
    server: { cores: 16 },
    threadHandling: { mode: 'pool', flavor: 'mysql', profile: '8.4', thread_pool_size: 16, thread_pool_stall_limit: 6 },
    workload: {
      connections: 512,
      transactions: [
        { name: 'read_write', weight: 99, statements: [{ name: 'point_select', count: 10, cpu: '12us' }, { name: 'insert', cpu: '19us' }] },
        { name: 'report', weight: 1, statements: [{ name: 'report_select', cpu: '40ms' }] },
        { name: 'never_ran', weight: 0.001, statements: [{ name: 'x', cpu: '1us' }] },
      ],
    },
  });
  return {
    schemaVersion: 1,
    tool: { name: 'tpsim', version: '0.1.0' },
    scenario,
    seed: 42,
    summary: { simulatedSeconds: 10, warmupSeconds: 2, connections: 512, transactions: 123456, statements: 1604928, tps: 12345.6, qps: 160492.8 },
    latency: { all: stats(123456, 41.47), byTransaction: { read_write: stats(122222, 39.5), report: stats(1234, 1234.5), never_ran: EMPTY } },
    queueWait: { all: stats(1604928, 0.0123), byTransaction: { read_write: stats(1603694, 0.012), report: stats(1234, 0.5) } },
    execution: { all: stats(1604928, 0.25), byTransaction: { read_write: stats(1603694, 0.2), report: stats(1234, 42) } },
    statements: { point_select: stats(1222220, 0.3), insert: stats(122222, 0.4), report_select: stats(1234, 45) },
    timeline: { intervalSeconds: 1, tps: [12000, 12500.5, 12345], threads: [16, 17, 18], gauges: { queued_queries: [3, 0, 5] } },
    threads: { peak: 33, mean: 17.25, created: 40, peakMemoryMiB: 33 },
    cpu: { cores: 16, busyCores: 12.34, utilization: 0.771, meanRunnable: 14.2 },
    counters: { CONNECTIONS_STARTED: 512, QUERIES_EXECUTED_BY_QUERY_THREADS: 1604928, STALL_LIMIT_REACHED: 7 },
    countersSource: 'performance_schema.tp_thread_group_stats',
    countersByGroup: Array.from({ length: 16 }, () => ({})),
    engine: { events: 9876543, wallSeconds: 1.234, eventsPerSecond: 8003681.5 },
    ...overrides,
  };
}
