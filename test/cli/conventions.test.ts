import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/run/result.js';
import { ensureBuilt, sim, tempDir, TINY } from './helpers.js';

beforeAll(() => {
  ensureBuilt();
});

describe('sim run --report-interval', () => {
  it("prints sysbench's interval lines before the summary and keeps them in the result file", () => {
    const dir = tempDir();
    const path = join(dir, 'r.json');
    const r = sim(['run', TINY, '--duration', '1250ms', '--report-interval', '1', '--out', path]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^\[ 1s \] thds: 4 tps: \d+\.\d\d qps: \d+\.\d\d \(r\/w\/o: \d+\.\d\d\/\d+\.\d\d\/\d+\.\d\d\) lat \(ms,95%\): \d+\.\d\d err\/s: 0\.00 reconn\/s: 0\.00$/);
    // 1.2 s measured: a whole second, then 0.2 s ("%.0f" of 1.2 is 1).
    expect(lines[1]).toMatch(/^\[ 1s \] thds: 4 /);
    expect(lines[2]).toBe('');
    const result = JSON.parse(readFileSync(path, 'utf8')) as RunResult;
    expect(result.intervals?.rows.map((x) => x.seconds)).toEqual([1, 0.2]);
    expect(result.intervals?.rows.reduce((s, x) => s + x.transactions, 0)).toBe(result.summary.transactions);
    // The summary shows min and p99.99 beside the other percentiles.
    expect(r.stdout).toMatch(/transaction +count +min +mean +p50 +p90 +p95 +p99 +p99\.9 +p99\.99 +max/);
  });

  it('refuses a fraction of a second or replications (exit 2, no result file)', () => {
    const dir = tempDir();
    const frac = sim(['run', TINY, '--report-interval', '0.5', '--out', join(dir, 'a.json')]);
    expect(frac.status).toBe(2);
    expect(frac.stderr).toContain('--report-interval');
    const reps = sim(['run', TINY, '--report-interval', '1', '--replications', '2', '--out', join(dir, 'b.json')]);
    expect(reps.status).toBe(2);
    expect(reps.stderr).toContain('single run');
    expect(() => readFileSync(join(dir, 'a.json'))).toThrow();
    expect(() => readFileSync(join(dir, 'b.json'))).toThrow();
  });
});

describe('sim import', () => {
  it('prints the response-time profile', () => {
    const dir = tempDir();
    const entry = (thread: number, seconds: number, sql: string): string =>
      `# User@Host: u[u] @  [127.0.0.1]\n# Thread_id: ${thread}  Schema: db  QC_hit: No\n# Query_time: ${seconds.toFixed(6)}  Lock_time: 0.000001  Rows_sent: 1  Rows_examined: 1\n# Rows_affected: 1  Bytes_sent: 10\nSET timestamp=100;\n${sql};\n`;
    let log = 'mariadbd, Version: 10.11.19-MariaDB-log. started with:\nTcp port: 3306  Unix socket: /tmp/s\nTime\t\t    Id Command\tArgument\n';
    for (let i = 0; i < 40; i++) log += entry(1 + (i % 4), 0.0005, `SELECT c FROM sbtest1 WHERE id=${i}`);
    writeFileSync(join(dir, 'slow.log'), log);
    const r = sim(['import', '--slow-log', join(dir, 'slow.log'), '--out', join(dir, 'mine.json')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('# Profile\n# Rank Query ID           Response time Calls R/Call V/M   Item\n');
    expect(r.stdout).toMatch(/# {4}1 0x[0-9A-F]{16} 0\.0200 100\.0% {4}40 0\.0005 {2}0\.00 SELECT sbtestN\n/);
  });
});
