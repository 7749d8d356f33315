import { describe, expect, it } from 'vitest';
import { formatIntervals, sysbenchIntervalLine } from '../../src/report/intervals.js';
import type { RunResult } from '../../src/run/result.js';
import { runScenario } from '../../src/run/run.js';
import { histPercentileMs, OTHER, READ, statementKind, WRITE } from '../../src/stats/intervals.js';
import { Scenario } from '../../src/workload/schema.js';

/** Row locks on a hot key space, so that deadlocks (sysbench's errors) happen in every interval. */
const scenario = Scenario.parse({
  name: 'intervals',
  seed: 3,
  duration: '1550ms',
  warmup: '50ms',
  server: { cores: 4, innodb: { logFsync: '100us' } },
  threadHandling: { mode: 'pool', flavor: 'mysql' },
  workload: {
    connections: 32,
    keySpace: { rows: 20, distribution: { kind: 'zipf', theta: 0.8 } },
    transactions: [
      {
        name: 'rw',
        type: 'explicit',
        statements: [
          { name: 'update_a', cpu: '20us', locks: { rows: 1 } },
          { name: 'point_select', cpu: '20us', count: 2 },
          { name: 'update_b', cpu: '20us', locks: { rows: 1 } },
        ],
      },
    ],
  },
});

const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);

describe('sysbench --report-interval lines', () => {
  it("print sysbench 1.0.20's own format (db_report_intermediate, log_timestamp)", () => {
    const row = { time: 3, seconds: 1, threads: 512, transactions: 1234, reads: 17276, writes: 4936, other: 2468, errors: 0, reconnects: 0, latencyMs: 12.0785 };
    expect(sysbenchIntervalLine(row, 95)).toBe(
      '[ 3s ] thds: 512 tps: 1234.00 qps: 24680.00 (r/w/o: 17276.00/4936.00/2468.00) lat (ms,95%): 12.08 err/s: 0.00 reconn/s: 0.00',
    );
    // A 0.5 s last interval: rates over its own length; "%.0f" rounds the time half to even.
    const half = { ...row, time: 2.5, seconds: 0.5, transactions: 3, reads: 1, writes: 1, other: 1, errors: 1, latencyMs: 0 };
    expect(sysbenchIntervalLine(half, 95)).toBe(
      '[ 2s ] thds: 512 tps: 6.00 qps: 6.00 (r/w/o: 2.00/2.00/2.00) lat (ms,95%): 0.00 err/s: 2.00 reconn/s: 0.00',
    );
  });

  it('classify statements into sysbench r/w/o', () => {
    expect(['point_select', 'simple_range', 'SELECT c FROM sbtest1 WHERE id=?', 'q'].map(statementKind)).toEqual([READ, READ, READ, READ]);
    expect(['update_index', 'insert', 'DELETE FROM sbtest1 WHERE id=?', 'REPLACE INTO t'].map(statementKind)).toEqual([WRITE, WRITE, WRITE, WRITE]);
    expect(['BEGIN', 'COMMIT', 'ROLLBACK'].map(statementKind)).toEqual([OTHER, OTHER, OTHER]);
  });

  it("read percentiles as sysbench's histogram does (1024 log buckets, 0.001 to 100,000 ms)", () => {
    const mult = 1023 / Math.log(1e8);
    const bucket = (ms: number): number => Math.floor((Math.log(ms) - Math.log(0.001)) * mult + 0.5);
    const h = new Uint32Array(1024);
    // 95 values at 1 ms and 5 at 10 ms: round(100 × 0.95) = 95, so p95 is the 1 ms bucket.
    h[bucket(1)] += 95;
    h[bucket(10)] += 5;
    expect(histPercentileMs(h, 95)).toBeCloseTo(Math.exp(bucket(1) / mult + Math.log(0.001)), 12);
    expect(histPercentileMs(h, 95.5)).toBeCloseTo(Math.exp(bucket(10) / mult + Math.log(0.001)), 12);
    expect(histPercentileMs(new Uint32Array(1024), 95)).toBe(0);
  });

  let plain: RunResult;
  let withIntervals: RunResult;
  it('add up to the run totals, a partial last interval keeping its own length', () => {
    plain = runScenario(scenario);
    withIntervals = runScenario(scenario, { reportIntervalSeconds: 1 });
    const iv = withIntervals.intervals;
    expect(iv).toBeDefined();
    if (iv === undefined) return;
    expect(iv.rows.map((r) => [r.time, r.seconds])).toEqual([[1, 1], [1.5, 0.5]]);
    const s = withIntervals.summary;
    expect(sum(iv.rows.map((r) => r.transactions))).toBe(s.transactions);
    expect(sum(iv.rows.map((r) => r.reads + r.writes + r.other))).toBe(s.statements);
    // 2 selects, 2 updates, BEGIN and COMMIT per transaction (failed attempts add to the counts).
    expect(sum(iv.rows.map((r) => r.other))).toBeGreaterThanOrEqual(2 * s.transactions);
    expect(s.errors).toBeGreaterThan(0);
    expect(sum(iv.rows.map((r) => r.errors))).toBe(s.errors);
    expect(iv.rows.every((r) => r.errors > 0 && r.threads === 32)).toBe(true);
    // The whole seconds match the 1 s timeline.
    expect(iv.rows[0].transactions).toBe(withIntervals.timeline.tps[0]);
    expect(iv.rows.every((r) => r.latencyMs > 0)).toBe(true);
    const lines = formatIntervals(withIntervals).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^\[ 2s \] thds: 32 tps: \d+\.\d\d qps: \d+\.\d\d \(r\/w\/o: [\d.]+\/[\d.]+\/[\d.]+\) lat \(ms,95%\): \d+\.\d\d err\/s: \d+\.\d\d reconn\/s: 0\.00$/);
  });

  it('change nothing else in the run', () => {
    const strip = (r: RunResult): unknown => ({ ...r, intervals: undefined, engine: undefined });
    expect(strip(withIntervals)).toEqual(strip(plain));
  });
});
