import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TINY, ensureBuilt, sim, tempDir } from '../cli/helpers.js';

// Replications, compare and tune on worker threads: the same bytes as one after another in one
// thread (only the `engine` block of wall-clock figures may differ).
const withoutEngine = (p: string): string => {
  const doc = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
  delete doc.engine;
  return JSON.stringify(doc, null, 2);
};

describe('--jobs: independent runs on worker threads', () => {
  beforeAll(() => ensureBuilt());

  it.each([
    ['a fixed warm-up', []],
    // auto: replication 0 chooses the warm-up (MSER-5) that the others then use
    ['warmup "auto"', ['--set', 'warmup="auto"', '--set', 'duration=0.4s']],
  ])('sim run --replications with %s: --jobs 3 writes what --jobs 1 writes', (_name, extra) => {
    const out = tempDir();
    const files = ['1', '3'].map((jobs) => {
      const f = join(out, `jobs${jobs}.json`);
      const r = sim(['run', TINY, '--replications', '4', ...extra, '--jobs', jobs, '--quiet', '--out', f]);
      expect(r.status, r.stderr).toBe(0);
      return f;
    });
    const serial = withoutEngine(files[0]);
    expect(JSON.parse(serial).replications.count).toBe(4);
    expect(withoutEngine(files[1])).toBe(serial);
    // Four replications were run (the engine's event counts add up whichever thread ran them).
    const events = files.map((f) => (JSON.parse(readFileSync(f, 'utf8')) as { engine: { events: number } }).engine.events);
    expect(events[1]).toBe(events[0]);
  });

  it('sim compare: the same comparison with --jobs 2 as with --jobs 1', () => {
    const args = ['compare', TINY, TINY, '--set-b', 'threadHandling.thread_pool_size=1', '--replications', '3', '--json'];
    const serial = sim([...args, '--jobs', '1']);
    expect(serial.status, serial.stderr).toBe(0);
    const parallel = sim([...args, '--jobs', '2']);
    expect(parallel.status, parallel.stderr).toBe(0);
    expect(parallel.stdout).toBe(serial.stdout);
    const rows = (JSON.parse(serial.stdout) as { comparisons: Array<{ method: string }> }).comparisons;
    expect(rows[0].method).toBe('paired');
  });

  it('sim tune: the same search and recommendation with --jobs 2 as with --jobs 1', () => {
    const args = ['tune', TINY, '--param', 'threadHandling.thread_pool_size=1,2,4', '--objective', 'p99', '--replications', '3'];
    const short = ['--json'];
    const serial = sim([...args, ...short, '--jobs', '1', '--out', tempDir()]);
    expect(serial.status, serial.stderr).toBe(0);
    const parallel = sim([...args, ...short, '--jobs', '2', '--out', tempDir()]);
    expect(parallel.status, parallel.stderr).toBe(0);
    expect(parallel.stdout).toBe(serial.stdout);
  });

  it('--jobs must be a whole number >= 1 (exit 2, nothing written)', () => {
    const out = tempDir();
    for (const cmd of [['run', TINY, '--replications', '2', '--out', join(out, 'r.json')], ['compare', TINY, TINY]]) {
      const r = sim([...cmd, '--jobs', '0']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/--jobs 0: expected a whole number >= 1/);
    }
    expect(() => readFileSync(join(out, 'r.json'))).toThrow();
  });
});
