import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, TINY, ensureBuilt, sim, tempDir } from './helpers.js';

beforeAll(() => ensureBuilt());

/** Every file under dir, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** A 64 KiB tmpfs, or undefined where mounting is not permitted (not root, no CAP_SYS_ADMIN). */
function smallDisk(): string | undefined {
  const dir = tempDir('tpsim-small-disk-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? dir : undefined;
}

const mounted: string[] = [];
afterAll(() => {
  for (const d of mounted) spawnSync('umount', [d]);
});

/** Fills a disk so that only about `free` bytes remain. */
function fill(dir: string, free: number): void {
  const size = 64 * 1024 - free;
  writeFileSync(join(dir, 'filler'), Buffer.alloc(size, 1));
}

describe('a full disk never leaves a result that does not parse, and never exits 0', () => {
  const disk = smallDisk();
  if (disk !== undefined) mounted.push(disk);

  it.skipIf(disk === undefined)('sim run onto a full disk: exit 1, "cannot write FILE", no file', () => {
    const d = disk as string;
    fill(d, 8 * 1024);
    const out = join(d, 'tiny.json');
    const r = sim(['run', TINY, '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toBe(`sim: cannot write ${out}: no space left on device (ENOSPC)\n`);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(d)).toEqual(['filler']);
  });

  it.skipIf(disk === undefined)('sim sweep onto a full disk: exit 1 naming the point file, not "simulation failed"; every file left parses', () => {
    const d = disk as string;
    fill(d, 30 * 1024);
    const out = join(d, 'sweep');
    const r = sim(['sweep', TINY, '--vary', 'workload.connections=2,3,4', '--out', out, '--workers', '1', '--quiet']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^sim: cannot write ${out}/points/\\S+\\.json: no space left on device \\(ENOSPC\\)\\n$`));
    expect(r.stderr).not.toContain('simulation failed');
    for (const f of filesUnder(out)) {
      expect(f.endsWith('.tmp'), f).toBe(false);
      expect(() => JSON.parse(readFileSync(f, 'utf8')), f).not.toThrow();
    }
  });
});

describe('read-only output', () => {
  it('a read-only filesystem: exit 1 with "cannot write FILE: read-only file system"', () => {
    // root ignores permission bits: use a read-only bind mount where permitted, else skip.
    const dir = tempDir();
    const ro = spawnSync('mount', ['-o', 'bind,ro', dir, dir]);
    if (ro.status !== 0) return;
    mounted.push(dir);
    const out = join(dir, 'r.json');
    const r = sim(['run', TINY, '--out', out, '--quiet']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`sim: cannot write ${out}: read-only file system (EROFS)\n`);
  });
});

describe('runs under an address-space limit (containers, batch schedulers)', () => {
  it('sim run works under ulimit -v of 2 GiB', () => {
    const out = join(tempDir(), 'r.json');
    const r = spawnSync('prlimit', [`--as=${2 ** 31}`, process.execPath, CLI, 'run', TINY, '--out', out, '--quiet'], { cwd: ROOT, encoding: 'utf8' });
    if (r.error !== undefined) return; // no prlimit here
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(statSync(out).size).toBeGreaterThan(0);
  });

  it('sim sweep on two worker threads works under ulimit -v of 2 GiB', () => {
    const out = tempDir();
    const r = spawnSync('prlimit', [`--as=${2 ** 31}`, process.execPath, CLI, 'sweep', TINY, '--vary', 'workload.connections=2,4', '--workers', '2', '--out', out, '--quiet'], { cwd: ROOT, encoding: 'utf8' });
    if (r.error !== undefined) return; // no prlimit here
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(statSync(join(out, 'sweep.json')).size).toBeGreaterThan(0);
  });
});

describe('hostile input through the CLI: exit 2, one message, no result', () => {
  it('a name of arrays nested 6,000 deep', () => {
    const dir = tempDir();
    const f = join(dir, 's.json');
    writeFileSync(f, readFileSync(TINY, 'utf8').replace('"tiny"', '['.repeat(6000) + ']'.repeat(6000)));
    const r = sim(['run', f, '--out', join(dir, 'out')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^sim: ${f}: at name\\[0\\].*: expected at most 64 levels of nesting`));
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('a run above the budget is refused unless --force', () => {
    const dir = tempDir();
    const r = sim(['run', TINY, '--duration', '1e8s', '--out', join(dir, 'r.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^sim: .*tiny\.json: this run would take about .* events .* or run it anyway with --force\n$/);
    expect(existsSync(join(dir, 'r.json'))).toBe(false);
    const s = sim(['sweep', TINY, '--vary', 'duration=1s,1e8s', '--out', join(dir, 'sw'), '--quiet']);
    expect(s.status).toBe(2);
    expect(s.stderr).toMatch(/tiny\.json \(point .*\): this run would take/);
  });
});

describe('sim merge on what is not a sweep: exit 2 naming the file', () => {
  it('a missing folder, a plain file, a cut-off sweep, a JSON that is not a sweep', () => {
    const dir = tempDir();
    const cut = join(dir, 'cut');
    mkdirSync(cut);
    writeFileSync(join(cut, 'sweep.json'), '{"kind":"tpsim-sweep","schemaVersion":1,"scena');
    const other = join(dir, 'other.json');
    writeFileSync(other, '{"a":1}');
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'none'), /none: no such (file or )?directory/],
      [TINY, /not a tpsim sweep file/],
      [cut, /sweep\.json: not a complete JSON file/],
      [other, /other\.json: not a tpsim sweep file/],
    ];
    for (const [arg, why] of cases) {
      const r = sim(['merge', arg, '--out', join(dir, 'merged'), '--quiet']);
      expect(r.status, `${arg}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).not.toContain('internal error');
    }
  });
});
