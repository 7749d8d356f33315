import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importTraces } from '../../src/calibrate/import.js';
import { formatProfile, responseTimeProfile } from '../../src/calibrate/report.js';
import { normalize } from '../../src/calibrate/sql.js';
import { tempDir } from '../cli/helpers.js';

/** A MariaDB slow log with known times: the profile's figures follow by hand. */
function slowLog(): string {
  const entry = (thread: number, seconds: number, sql: string): string =>
    `# User@Host: u[u] @  [127.0.0.1]\n# Thread_id: ${thread}  Schema: db  QC_hit: No\n# Query_time: ${seconds.toFixed(6)}  Lock_time: 0.000001  Rows_sent: 1  Rows_examined: 1\n# Rows_affected: 1  Bytes_sent: 10\nSET timestamp=100;\n${sql};\n`;
  let out = 'mariadbd, Version: 10.11.19-MariaDB-log. started with:\nTcp port: 3306  Unix socket: /tmp/s\nTime\t\t    Id Command\tArgument\n';
  for (let i = 0; i < 20; i++) {
    out += entry(1, 0.000005, 'BEGIN');
    out += entry(1, 0.00002, `SELECT bal FROM acct WHERE id=${i}`);
    out += entry(1, 0.00004, `UPDATE acct SET bal=bal+1 WHERE id=${i}`);
    out += entry(1, 0.00001, 'COMMIT');
  }
  // 10 calls of 0.1 s and 0.3 s: 2 s in all, mean 0.2 s, variance 0.01 s², V/M 0.05.
  for (let i = 0; i < 10; i++) out += entry(2, i % 2 === 0 ? 0.1 : 0.3, `SELECT name FROM users WHERE id=${i}`);
  return out;
}

const id = (sql: string): string => createHash('md5').update(normalize(sql).key).digest('hex').slice(-16).toUpperCase();

describe("sim import's response-time profile (pt-query-digest's shape)", () => {
  const path = join(tempDir(), 'slow.log');
  writeFileSync(path, slowLog());
  const rows = responseTimeProfile(importTraces({ slowLogs: [path] }));

  it('ranks statement classes by total response time with their calls, R/Call and V/M', () => {
    expect(rows.map((r) => [r.item, r.calls])).toEqual([
      ['SELECT users', 10],
      ['UPDATE acct', 20],
      ['SELECT acct', 20],
      ['COMMIT', 20],
      ['BEGIN', 20],
    ]);
    const total = 2 + 20 * (0.000005 + 0.00002 + 0.00004 + 0.00001);
    expect(rows[0].responseSeconds).toBeCloseTo(2, 12);
    expect(rows[0].share).toBeCloseTo(2 / total, 12);
    expect(rows[0].perCallSeconds).toBeCloseTo(0.2, 12);
    expect(rows[0].varianceToMean).toBeCloseTo(0.05, 12);
    expect(rows[1].responseSeconds).toBeCloseTo(0.0008, 12);
    expect(rows[1].varianceToMean).toBe(0);
    expect(rows[0].id).toBe(id('SELECT name FROM users WHERE id=1'));
    expect(rows.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 12);
  });

  it("is laid out as pt-query-digest's Profile", () => {
    const lines = formatProfile(rows).trimEnd().split('\n');
    expect(lines[0]).toBe('# Profile');
    expect(lines[1]).toBe('# Rank Query ID           Response time Calls R/Call V/M   Item');
    expect(lines[2]).toBe('# ==== ================== ============= ===== ====== ===== ============');
    expect(lines[3]).toBe(`#    1 0x${id('SELECT name FROM users WHERE id=1')}  2.0000 99.9%    10 0.2000  0.05 SELECT users`);
    expect(lines[4]).toBe(`#    2 0x${id('UPDATE acct SET bal=bal+1 WHERE id=1')}  0.0008  0.0%    20 0.0000  0.00 UPDATE acct`);
    expect(lines).toHaveLength(8);
  });
});
