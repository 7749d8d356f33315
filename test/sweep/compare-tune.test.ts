
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, TINY, ensureBuilt, sim, tempDir } from '../cli/helpers.js';

const OLTP = join(ROOT, 'scenarios', 'oltp.json');
const NO_POOL = join(ROOT, 'scenarios', 'oltp-no-pool.json');
const POINT = join(ROOT, 'scenarios', 'point-select.json');

interface CompareJson {
  comparisons: Array<{ metric: string; diff: number; ci95: [number, number] | null; method: string; significant: boolean | null }>;
  failed: string[];
}
const row = (c: CompareJson, m: string) => c.comparisons.find((x) => x.metric === m) as CompareJson['comparisons'][number];

describe('sim compare', () => {
  beforeAll(() => ensureBuilt());
  const short = ['--set', 'duration=0.6s', '--set', 'warmup=0.2s', '--replications', '3'];

  it('flags a real difference (pool vs no pool at high concurrency) as significant, paired', () => {
    const r = sim(['compare', NO_POOL, OLTP, ...short, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout) as CompareJson;
    for (const m of ['tps', 'p99', 'mean']) {
      expect(row(c, m).method).toBe('paired');
      expect(row(c, m).significant).toBe(true);
    }
    expect(row(c, 'tps').diff).toBeGreaterThan(0);
    expect(row(c, 'p99').diff).toBeLessThan(0);
  });

  it('warns on stderr for each side whose warm-up is short next to its mean latency', () => {
    const r = sim(['compare', TINY, TINY, '--set', 'warmup=100us', '--set-b', 'seed=8', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    // Each side by its label: b names its --set-b overrides.
    expect(lines[0]).toMatch(/^warning: .*tiny\.json: the warm-up \(100us\) is shorter than 5 mean transaction latencies/);
    expect(lines[1]).toMatch(/^warning: .*tiny\.json with seed=8: the warm-up \(100us\) is shorter than 5 mean transaction latencies/);
    expect(sim(['compare', TINY, TINY, '--set-b', 'seed=8', '--json']).stderr).toBe('');
  });

  it('does not flag a null difference (same scenario, another seed)', () => {
    const r = sim(['compare', OLTP, OLTP, ...short, '--set-b', 'seed=4242', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout) as CompareJson;
    for (const m of ['tps', 'mean', 'p50']) {
      expect(row(c, m).significant, m).toBe(false);
      const ci = row(c, m).ci95 as [number, number];
      expect(ci[0]).toBeLessThan(0);
      expect(ci[1]).toBeGreaterThan(0);
    }
  });

  it('--fail-if exits 1 when the change crosses the bound, 0 when it does not', () => {
    const a = tempDir();
    const b = tempDir();
    const base = ['--set', 'duration=0.5s', '--set', 'warmup=0.1s', '--quiet'];
    const fa = join(a, 'point-select.json');
    const fb = join(b, 'point-select.json');
    expect(sim(['run', POINT, ...base, '--out', fa]).status).toBe(0);
    expect(sim(['run', POINT, ...base, '--set', 'threadHandling.thread_pool_size=2', '--out', fb]).status).toBe(0);
    const worse = sim(['compare', fa, fb, '--fail-if', 'p99 > +10%']);
    expect(worse.status).toBe(1);
    expect(worse.stderr).toMatch(/--fail-if "p99 > \+10%" holds/);
    expect(worse.stdout).toMatch(/single runs: no significance test/);
    expect(sim(['compare', fb, fa, '--fail-if', 'p99 > +10%']).status).toBe(0);
    expect(sim(['compare', fa, fb, '--fail-if', 'p99 >> 3']).status).toBe(2);
  });
});

describe('sim tune', () => {
  beforeAll(() => ensureBuilt());

  it('finds a pool size within one grid step of the best point of the exhaustive sweep, the default (grid) method for one parameter', () => {
    const sizes = [1, 2, 4, 8, 16, 32];
    const common = ['--set', 'duration=0.3s', '--set', 'warmup=0.05s', '--set', 'workload.connections=96', '--set', 'threadHandling.thread_pool_size=2'];
    const sweepDir = tempDir();
    const s = sim(['sweep', POINT, '--vary', `threadHandling.thread_pool_size=${sizes.join(',')}`, ...common, '--out', sweepDir, '--json']);
    expect(s.status, s.stderr).toBe(0);
    const sweep = JSON.parse(s.stdout) as { points: Array<{ values: Record<string, number>; summary: { p99: number } }> };
    const best = sweep.points.reduce((x, y) => (y.summary.p99 < x.summary.p99 ? y : x)).values['threadHandling.thread_pool_size'];
    for (const method of ['grid']) {
      const t = sim(['tune', POINT, '--param', `threadHandling.thread_pool_size=${sizes.join(',')}`, '--method', method, '--objective', 'p99', '--replications', '2', ...common, '--out', tempDir(), '--json']);
      expect(t.status, t.stderr).toBe(0);
      const tuned = JSON.parse(t.stdout) as { best: { values: Record<string, number> }; evaluated: unknown[]; current: Record<string, number> };
      const got = tuned.best.values['threadHandling.thread_pool_size'];
      expect(Math.abs(sizes.indexOf(got) - sizes.indexOf(best)), method).toBeLessThanOrEqual(1);
      expect(tuned.current['threadHandling.thread_pool_size']).toBe(2);
      expect(tuned.evaluated.length).toBe(sizes.length);
    }
  });

  it('warns on stderr when the warm-up is short next to the points\' mean latency', () => {
    const args = ['tune', TINY, '--param', 'threadHandling.thread_pool_size=1,2', '--objective', 'p99', '--replications', '2', '--out', tempDir(), '--json'];
    const t = sim([...args, '--set', 'warmup=100us']);
    expect(t.status, t.stderr).toBe(0);
    expect(t.stderr).toMatch(/^warning: at every point; the worst, threadHandling\.thread_pool_size=\d: the warm-up \(100us\) is shorter than 5/);
    expect(sim(args).stderr).toBe('');
  });

  it('respects a constraint', () => {
    const t = sim([
      'tune', POINT, '--param', 'threadHandling.thread_pool_size=1,2,4,8', '--objective', 'peakThreads', '--constraint', 'tps>300000',
      '--replications', '2', '--set', 'duration=0.4s', '--set', 'warmup=0.1s', '--set', 'workload.connections=64', '--out', tempDir(), '--json',
    ]);
    expect(t.status, t.stderr).toBe(0);
    const r = JSON.parse(t.stdout) as { best: { values: Record<string, number> }; evaluated: Array<{ values: Record<string, number>; summary: { tps: number }; feasible: boolean }> };
    const chosen = r.evaluated.find((e) => e.values['threadHandling.thread_pool_size'] === r.best.values['threadHandling.thread_pool_size']);
    expect(chosen?.feasible).toBe(true);
    expect(chosen?.summary.tps).toBeGreaterThan(300000);
    // The fewest threads alone would pick size 1, which cannot reach the throughput.
    expect(r.evaluated.find((e) => e.values['threadHandling.thread_pool_size'] === 1)?.feasible).toBe(false);
  });
});
