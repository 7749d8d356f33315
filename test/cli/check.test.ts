import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt, sim } from './helpers.js';

beforeAll(() => ensureBuilt());

/** The M/M/4 validation case, shortened, with a chosen expected value. */
function mmcFile(value: number): string {
  const doc = JSON.parse(readFileSync(join(ROOT, 'scenarios', 'validation', 'mmc4-rho05.json'), 'utf8')) as Record<string, unknown>;
  doc.$schema = undefined;
  doc.duration = '20s';
  doc.expect = [{ metric: 'latency.all.mean', value, source: 'test' }];
  const dir = mkdtempSync(join(tmpdir(), 'tpsim-check-'));
  const file = join(dir, `mmc-${value}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe('sim check', () => {
  it('passes (exit 0) when the exact value is in the band, and prints the table', () => {
    const r = sim(['check', mmcFile(1.08696), '--replications', '5']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/latency\.all\.mean\s+1\.08696\s+\S+\s+\[\S+, \S+\]\s+-?\d+\.\d+%\s+PASS/);
    expect(r.stdout).toContain('1 passed, 0 failed');
  });

  it('fails (exit 1) on a wrong value, and --json carries the verdicts', () => {
    const r = sim(['check', mmcFile(1.3), '--replications', '5', '--json']);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { rows: Array<{ pass: boolean; exact: number; ci95: [number, number]; mean: number }> };
    expect(out.rows).toHaveLength(1);
    expect(out.rows[0].pass).toBe(false);
    expect(out.rows[0].ci95[1]).toBeLessThan(1.3);
  });

  it('rejects a single replication as a usage error (exit 2)', () => {
    const r = sim(['check', mmcFile(1.08696), '--replications', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--replications');
  });
});

describe('sim run --replications', () => {
  it('prints means with half-widths and writes ci95 and replications into the JSON', () => {
    const file = mmcFile(1.08696);
    const out = mkdtempSync(join(tmpdir(), 'tpsim-reps-'));
    const text = sim(['run', file, '--replications', '3', '--duration', '5s', '--out', out]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('3 independent replications');
    expect(text.stdout).toMatch(/all\s+\S+ ±\S+\s+\S+ ±/);
    const j = sim(['run', file, '--replications', '3', '--duration', '5s', '--out', out, '--json']);
    const res = JSON.parse(j.stdout) as { ci95: { latency: { all: { mean: [number, number] } } }; replications: { count: number }; latency: { all: { mean: number } } };
    expect(res.replications.count).toBe(3);
    const [lo, hi] = res.ci95.latency.all.mean;
    expect(lo).toBeLessThan(res.latency.all.mean);
    expect(hi).toBeGreaterThan(res.latency.all.mean);
  });
});
