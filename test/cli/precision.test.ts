import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt, sim, tempDir } from './helpers.js';

const MM1 = join(ROOT, 'scenarios', 'validation', 'mm1-rho05.json');

beforeAll(() => ensureBuilt());

describe('sim run --precision', () => {
  it('runs replications until the mean and p99 are within the target, and says what it reached', () => {
    const out = join(tempDir(), 'p.json');
    const r = sim(['run', MM1, '--duration', '3s', '--warmup', '0.5s', '--replications', '5', '--precision', '15%', '--jobs', '1', '--out', out]);
    expect(r.status).toBe(0);
    const res = JSON.parse(readFileSync(out, 'utf8')) as {
      precision: { reached: boolean; stoppedBy: string; replications: number; metrics: string[] };
      outputAnalysis: { latency: { mean: { relativeHalfWidth: number }; p99: { relativeHalfWidth: number } } };
    };
    expect(res.precision.metrics).toEqual(['mean', 'p99']);
    expect(res.precision.reached).toBe(true);
    expect(res.precision.stoppedBy).toBe('target');
    expect(res.outputAnalysis.latency.mean.relativeHalfWidth).toBeLessThanOrEqual(0.15);
    expect(res.outputAnalysis.latency.p99.relativeHalfWidth).toBeLessThanOrEqual(0.15);
    expect(r.stdout).toMatch(/--precision 15\.0%: reached: mean ±[\d.]+%, p99 ±[\d.]+%; \d+ replications/);
  }, 90_000);

  it('a cap that stops it first is a warning naming the half-widths reached', () => {
    const out = join(tempDir(), 'p.json');
    const r = sim(['run', MM1, '--duration', '1s', '--warmup', '0.2s', '--replications', '3', '--precision', '0.5%', '--max-replications', '4', '--jobs', '1', '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/warning: --precision 0\.50% was not reached: mean ±[\d.]+%, p99 ±[\d.]+% after 4 replications, because the cap of 4 replications was reached/);
  });

  it('bad values are usage errors (exit 2, nothing written)', () => {
    const out = join(tempDir(), 'p.json');
    for (const [args, msg] of [
      [['--precision', 'two'], /--precision: expected a relative half-width such as 2%/],
      [['--precision', '2%', '--precision-metric', 'p98'], /--precision-metric: expected one of mean, p50, p95, p99, p999, tps, got "p98"/],
      [['--max-replications', '5'], /need --precision/],
      [['--precision', '2%', '--max-wall', 'soon'], /--max-wall: expected a duration/],
      [['--precision', '2%', '--report-interval', '1'], /--report-interval/],
    ] as const) {
      const r = sim(['run', MM1, ...args, '--out', out]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
    expect(existsSync(out)).toBe(false);
  });
});
