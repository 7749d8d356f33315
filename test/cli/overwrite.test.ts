import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/run/result.js';
import { CLI, TINY, ensureBuilt, sim, tempDir } from './helpers.js';

const readJson = <T>(p: string): T => JSON.parse(readFileSync(p, 'utf8')) as T;

/** sim in another working directory (where the default results/ folder goes). */
function simIn(cwd: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', TPSIM_DEBUG: '' }, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('no silent overwrite', () => {
  beforeAll(() => ensureBuilt());

  it('a run with --set writes its own file, which lists the overrides; the plain run keeps its file', () => {
    const out = tempDir();
    expect(sim(['run', TINY, '--out', out, '--quiet']).status).toBe(0);
    const r = sim(['run', TINY, '--out', out, '--set', 'workload.connections=9', '--duration', '150ms']);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['tiny--workload.connections=9--duration=150ms.json', 'tiny.json']);
    expect(r.stderr).toContain(`result written to ${join(out, 'tiny--workload.connections=9--duration=150ms.json')}`);
    // The report says what was run: the overrides, and that the description predates them.
    expect(r.stdout).toContain('overrides: workload.connections=9 duration=150ms');
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('before the overrides, as: A tiny scenario for tests: 4 connections');
    expect(r.stdout).toMatch(/workload:\s+9 connections/);
    const variant = readJson<RunResult>(join(out, 'tiny--workload.connections=9--duration=150ms.json'));
    expect(variant.overrides).toEqual(['workload.connections=9', 'duration=150ms']);
    expect(variant.scenario.workload.connections).toBe(9);
    const plain = readJson<RunResult>(join(out, 'tiny.json'));
    expect(plain.overrides).toBeUndefined();
    expect(plain.scenario.workload.connections).toBe(4);
  });

  it('two different sweeps write two directories; the same sweep again reuses its points', () => {
    const cwd = tempDir();
    const short = ['--duration', '100ms', '--warmup', '20ms', '--workers', '1', '--quiet'];
    expect(simIn(cwd, ['sweep', TINY, '--vary', 'workload.connections=2,4', ...short]).status).toBe(0);
    expect(simIn(cwd, ['sweep', TINY, '--vary', 'threadHandling.thread_pool_size=1,2,3', ...short]).status).toBe(0);
    const dirs = readdirSync(join(cwd, 'results', 'sweep')).sort();
    expect(dirs).toEqual(['tiny--connections=2,4--duration=100ms--warmup=20ms', 'tiny--thread_pool_size=1,2,3--duration=100ms--warmup=20ms']);
    const points = (d: string): string[] => readdirSync(join(cwd, 'results', 'sweep', d, 'points'));
    expect(points(dirs[0])).toHaveLength(2);
    expect(points(dirs[1])).toHaveLength(3);
    expect(readJson<{ parameters: string[] }>(join(cwd, 'results', 'sweep', dirs[0], 'sweep.json')).parameters).toEqual(['workload.connections']);
    const again = simIn(cwd, ['sweep', TINY, '--vary', 'workload.connections=2,4', ...short.filter((a) => a !== '--quiet')]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain('(0 run, 2 reused)');
    expect(again.stderr).toContain(join('results', 'sweep', dirs[0], 'sweep.json'));
  });
});

describe('CLI messages name what the user typed', () => {
  beforeAll(() => ensureBuilt());

  it('a bad --vary value is reported as --vary, a bad --param value as --param', () => {
    const v = sim(['sweep', TINY, '--vary', 'threadHandling.thread_pool_size=4,9999', '--out', tempDir()]);
    expect(v.status).toBe(2);
    expect(v.stderr).toContain('(from --vary threadHandling.thread_pool_size=9999)');
    expect(v.stderr).not.toContain('--set');
    const p = sim(['tune', TINY, '--param', 'threadHandling.thread_pool_size=4,9999', '--out', tempDir()]);
    expect(p.status).toBe(2);
    expect(p.stderr).toContain('(from --param threadHandling.thread_pool_size=9999)');
  });

  it('sim import of a log without a statement is a usage error (exit 2), not an internal error', () => {
    const dir = tempDir();
    const log = join(dir, 'empty.log');
    writeFileSync(log, '/usr/sbin/mariadbd, Version: 10.11.6-MariaDB-log. started with:\n');
    const r = sim(['import', '--slow-log', log, '--out', join(dir, 'x.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('empty.log: no complete transaction or statement found');
    expect(r.stderr).not.toContain('internal error');
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  it('sim merge of a missing directory or of a file that is not a sweep is a usage error', () => {
    const dir = tempDir();
    const missing = sim(['merge', join(dir, 'nope')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no such directory');
    writeFileSync(join(dir, 'sweep.json'), '{"kind": "something else"}');
    const wrong = sim(['merge', dir]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).not.toContain('internal error');
  });

  it('--set threadHandling.mode switches a pool scenario to one thread per connection, with a note', () => {
    const out = join(tempDir(), 'tpc.json');
    const r = sim(['run', TINY, '--set', 'threadHandling.mode=one-thread-per-connection', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("note: --set threadHandling.mode=one-thread-per-connection: ");
    expect(r.stderr).toContain('flavor belong to its previous thread handling');
    expect(readJson<RunResult>(out).scenario.threadHandling.mode).toBe('one-thread-per-connection');
  });

  it('--duration and --warmup work on sweep, compare and tune', () => {
    const sweepDir = tempDir();
    const s = sim(['sweep', TINY, '--vary', 'workload.connections=2', '--duration', '120ms', '--warmup', '30ms', '--out', sweepDir, '--quiet']);
    expect(s.status, s.stderr).toBe(0);
    const point = readdirSync(join(sweepDir, 'points'))[0];
    const pr = readJson<RunResult>(join(sweepDir, 'points', point));
    expect(pr.summary.simulatedSeconds).toBeCloseTo(0.09, 9);
    expect(pr.summary.warmupSeconds).toBeCloseTo(0.03, 9);
    const c = sim(['compare', TINY, TINY, '--set-b', 'seed=8', '--duration', '120ms', '--warmup', '30ms', '--replications', '2', '--json']);
    expect(c.status, c.stderr).toBe(0);
    const cj = JSON.parse(c.stdout) as { labels: { a: string; b: string } };
    expect(cj.labels).toEqual({ a: TINY, b: `${TINY} with seed=8` });
    const t = sim(['tune', TINY, '--param', 'threadHandling.thread_pool_size=1,2', '--duration', '120ms', '--warmup', '30ms', '--replications', '2', '--out', tempDir(), '--workers', '1', '--json']);
    expect(t.status, t.stderr).toBe(0);
  });

  it('--set on a result file in sim compare is refused: it would be ignored', () => {
    const out = join(tempDir(), 'r.json');
    expect(sim(['run', TINY, '--out', out, '--quiet']).status).toBe(0);
    const r = sim(['compare', out, out, '--set-b', 'seed=8']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('is a result file');
  });
});
