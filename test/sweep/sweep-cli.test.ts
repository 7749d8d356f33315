import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, ensureBuilt, sim, tempDir } from '../cli/helpers.js';

const SCENARIO = join(ROOT, 'scenarios', 'point-select.json');
const SHORT = ['--set', 'duration=0.4s', '--set', 'warmup=0.1s'];
const GRID = ['--vary', 'threadHandling.thread_pool_size=4,16', '--vary', 'workload.connections=16,64'];

interface Sweep {
  parameters: string[];
  points: Array<{ values: Record<string, number>; result: string; summary: { tps: number; p99: number } }>;
}

const readJson = <T>(p: string): T => JSON.parse(readFileSync(p, 'utf8')) as T;
const withoutEngine = (p: string, also: readonly string[] = []): string => {
  const doc: Record<string, unknown> = { ...readJson<Record<string, unknown>>(p), engine: undefined };
  for (const k of also) delete doc[k];
  return JSON.stringify(doc);
};

describe('sim sweep', () => {
  beforeAll(() => ensureBuilt());

  it('runs every point of the grid, each exactly as sim run would', () => {
    const out = tempDir();
    const r = sim(['sweep', SCENARIO, ...GRID, ...SHORT, '--out', out, '--workers', '2', '--sort', 'p99']);
    expect(r.status, r.stderr).toBe(0);
    const sweep = readJson<Sweep>(join(out, 'sweep.json'));
    expect(sweep.parameters).toEqual(['threadHandling.thread_pool_size', 'workload.connections']);
    expect(sweep.points).toHaveLength(4);
    const csv = readFileSync(join(out, 'sweep.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(5);
    expect(csv[0]).toMatch(/^threadHandling.thread_pool_size,workload.connections,tps,/);
    // The table is sorted by p99, lowest first.
    const p99s = r.stdout.split('\n').slice(2).map((l) => Number(l.trim().split(/\s+/)[6]));
    expect(p99s).toEqual([...p99s].sort((a, b) => a - b));
    // A point equals a plain run of the same settings (same seed: common random numbers).
    const p = sweep.points.find((x) => x.values['threadHandling.thread_pool_size'] === 4 && x.values['workload.connections'] === 64);
    expect(p).toBeDefined();
    const single = join(tempDir(), 'single.json');
    const s = sim(['run', SCENARIO, ...SHORT, '--set', 'threadHandling.thread_pool_size=4', '--set', 'workload.connections=64', '--out', single, '--quiet']);
    expect(s.status, s.stderr).toBe(0);
    // The run also records its command-line overrides; a point's are its sweep's values.
    expect(withoutEngine(join(out, (p as { result: string }).result))).toBe(withoutEngine(single, ['overrides']));
  });

  it('a bad value anywhere in the grid is a usage error before anything runs', () => {
    const out = tempDir();
    const r = sim(['sweep', SCENARIO, '--vary', 'threadHandling.thread_pool_size=4,9999', ...SHORT, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/thread_pool_size/);
    expect(existsSync(join(out, 'points'))).toBe(false);
  });

  it('resumes after SIGKILL: finished points are kept, none is run twice', async () => {
    const out = tempDir();
    const args = [CLI, 'sweep', SCENARIO, '--vary', 'workload.connections=8,16,24,32,40,48', '--set', 'duration=1s', '--set', 'warmup=0.1s', '--out', out, '--workers', '1', '--quiet'];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    let exited = false;
    const exit = new Promise((r) => child.on('exit', () => r((exited = true))));
    const pointsDir = join(out, 'points');
    const finished = (): string[] => (existsSync(pointsDir) ? readdirSync(pointsDir).filter((f) => f.endsWith('.json')) : []);
    const deadline = Date.now() + 60_000;
    while (finished().length < 2 && !exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(exited, 'the sweep ended before it could be killed').toBe(false);
    child.kill('SIGKILL');
    await exit;
    const before = new Map(finished().map((f) => [f, statSync(join(pointsDir, f)).mtimeMs]));
    expect(before.size).toBeGreaterThanOrEqual(2);
    expect(before.size).toBeLessThan(6);
    const r = sim(args.slice(1).filter((a) => a !== '--quiet'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`(${6 - before.size} run, ${before.size} reused)`);
    for (const [f, mtime] of before) expect(statSync(join(pointsDir, f)).mtimeMs).toBe(mtime);
    expect(finished()).toHaveLength(6);
    // No temporary file is left behind by the killed run's atomic writes... except possibly the one it was writing.
    expect(readdirSync(pointsDir).filter((f) => f.endsWith('.tmp')).length).toBeLessThanOrEqual(1);
  });

  it('shards run disjoint slices; sim merge joins them into the full sweep', () => {
    const full = tempDir();
    expect(sim(['sweep', SCENARIO, ...GRID, ...SHORT, '--out', full, '--quiet']).status).toBe(0);
    const a = tempDir();
    const b = tempDir();
    expect(sim(['sweep', SCENARIO, ...GRID, ...SHORT, '--out', a, '--shard', '0/2', '--quiet']).status).toBe(0);
    expect(sim(['sweep', SCENARIO, ...GRID, ...SHORT, '--out', b, '--shard', '1/2', '--quiet']).status).toBe(0);
    expect(readJson<Sweep>(join(a, 'sweep-shard-0-of-2.json')).points).toHaveLength(2);
    const merged = tempDir();
    const m = sim(['merge', a, b, '--out', merged]);
    expect(m.status, m.stderr).toBe(0);
    const got = readJson<Sweep>(join(merged, 'sweep.json'));
    const want = readJson<Sweep>(join(full, 'sweep.json'));
    expect(got.points.map((p) => [p.values, p.summary])).toEqual(want.points.map((p) => [p.values, p.summary]));
    // Result paths are rewritten relative to the merged sweep and still open.
    for (const p of got.points) expect(existsSync(join(merged, p.result))).toBe(true);
  });
});
