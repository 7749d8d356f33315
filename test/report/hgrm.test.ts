import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hgrmText } from '../../src/report/hgrm.js';
import type { RunResult } from '../../src/run/result.js';
import { runScenario } from '../../src/run/run.js';
import { Scenario } from '../../src/workload/schema.js';
import { ensureBuilt, sim, tempDir, TINY } from '../cli/helpers.js';

interface Row {
  value: number;
  percentile: number;
  total: number;
  inverse: number | undefined;
}

/** The table and the footer of an .hgrm text, checking the layout line by line. */
function parseHgrm(text: string): { rows: Row[]; mean: number; max: number; totalCount: number } {
  const lines = text.split('\n');
  expect(lines[0]).toBe('       Value     Percentile TotalCount 1/(1-Percentile)');
  expect(lines[1]).toBe('');
  const rows: Row[] = [];
  let i = 2;
  for (; !lines[i].startsWith('#'); i++) {
    // Value %12.3f, Percentile %2.12f, TotalCount %10d, 1/(1-Percentile) %14.2f (absent on the 100% line).
    const m = /^ *([\d.]+) (\d\.\d{12}) +(\d+)(?: +([\d.]+))?$/.exec(lines[i]);
    expect(m, `line ${i}: ${lines[i]}`).not.toBeNull();
    if (m === null) break;
    rows.push({ value: Number(m[1]), percentile: Number(m[2]), total: Number(m[3]), inverse: m[4] === undefined ? undefined : Number(m[4]) });
  }
  const mean = /^#\[Mean {4}= +([\d.]+), StdDeviation {3}= +([\d.]+)\]$/.exec(lines[i]);
  const max = /^#\[Max {5}= +([\d.]+), Total count {4}= +(\d+)\]$/.exec(lines[i + 1]);
  expect(mean, lines[i]).not.toBeNull();
  expect(max, lines[i + 1]).not.toBeNull();
  expect(lines[i + 2]).toMatch(/^#\[Buckets = +\d+, SubBuckets {5}= +\d+\]$/);
  return { rows, mean: Number(mean?.[1]), max: Number(max?.[1]), totalCount: Number(max?.[2]) };
}

describe('HdrHistogram percentile distribution (.hgrm)', () => {
  let result: RunResult;
  beforeAll(() => {
    result = runScenario(Scenario.parse(JSON.parse(readFileSync(TINY, 'utf8'))));
  });

  it("keeps the format's invariants and agrees with the result's own figures", () => {
    const enc = result.histograms?.latency.all;
    expect(enc).toBeDefined();
    const h = parseHgrm(hgrmText(enc ?? ''));
    const lat = result.latency.all;
    expect(h.rows.length).toBeGreaterThan(10);
    for (let k = 1; k < h.rows.length; k++) {
      expect(h.rows[k].value).toBeGreaterThanOrEqual(h.rows[k - 1].value);
      expect(h.rows[k].percentile).toBeGreaterThanOrEqual(h.rows[k - 1].percentile);
      expect(h.rows[k].total).toBeGreaterThanOrEqual(h.rows[k - 1].total);
    }
    for (const r of h.rows) {
      if (r.inverse !== undefined) expect(r.inverse).toBeCloseTo(1 / (1 - r.percentile), 1);
    }
    const last = h.rows[h.rows.length - 1];
    expect(last.percentile).toBe(1);
    expect(last.inverse).toBeUndefined();
    expect(last.total).toBe(lat.count);
    expect(h.totalCount).toBe(lat.count);
    // Values in ms, at 3 significant digits: the first row at or past 50% is the median bucket.
    const median = h.rows.find((r) => r.percentile >= 0.5);
    expect(Math.abs((median?.value ?? 0) / lat.p50 - 1)).toBeLessThan(2e-3);
    expect(Math.abs(h.mean / lat.mean - 1)).toBeLessThan(2e-3);
    expect(Math.abs(h.max / lat.max - 1)).toBeLessThan(2e-3);
  });

  it('sim export --hgrm writes it per transaction type too, and refuses what has no histogram (exit 2, no file)', () => {
    ensureBuilt();
    const dir = tempDir();
    const resultPath = join(dir, 'r.json');
    expect(sim(['run', TINY, '--quiet', '--out', resultPath]).status).toBe(0);
    const out = join(dir, 'tiny.hgrm');
    const ok = sim(['export', '--hgrm', resultPath, '--out', out]);
    expect(ok.status, ok.stderr).toBe(0);
    const written = JSON.parse(readFileSync(resultPath, 'utf8')) as RunResult;
    expect(parseHgrm(readFileSync(out, 'utf8')).totalCount).toBe(written.latency.all.count);
    const byType = sim(['export', '--hgrm', resultPath, '--transaction', 'point_select']);
    expect(byType.status).toBe(0);
    expect(parseHgrm(byType.stdout).totalCount).toBe(written.latency.byTransaction.point_select.count);
    const queue = sim(['export', '--hgrm', resultPath, '--of', 'queueWait']);
    expect(queue.status).toBe(0);
    expect(parseHgrm(queue.stdout).totalCount).toBe(written.queueWait.all.count);
    const badOf = sim(['export', '--hgrm', resultPath, '--of', 'wait']);
    expect(badOf.status).toBe(2);
    expect(badOf.stderr).toContain('--of: expected one of latency, queueWait, execution');

    const unknown = sim(['export', '--hgrm', resultPath, '--transaction', 'nope', '--out', join(dir, 'x.hgrm')]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('$.histograms.latency.byTransaction');
    expect(unknown.stderr).toContain('point_select');
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    const noHist = join(dir, 'old.json');
    const { histograms: _dropped, ...old } = written;
    writeFileSync(noHist, JSON.stringify(old));
    const refused = sim(['export', '--hgrm', noHist, '--out', join(dir, 'y.hgrm')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('$.histograms');
    expect(existsSync(join(dir, 'x.hgrm')) || existsSync(join(dir, 'y.hgrm'))).toBe(false);
  });
});
