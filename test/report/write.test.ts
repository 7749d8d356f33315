import { existsSync, mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OutputFailed, STALE_TMP_MS, removeStaleTemporaries, setWriteChunkForTests, writeFileAtomic } from '../../src/report/write.js';
import { writeSync } from 'node:fs';

const dir = (): string => mkdtempSync(join(tmpdir(), 'tpsim-write-'));
let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

describe('writeFileAtomic never leaves a file that lies', () => {
  it('loops over short writes until every byte is written', () => {
    const d = dir();
    const path = join(d, 'r.json');
    const text = `${JSON.stringify({ a: 'x'.repeat(10_000), b: [1, 2, 3] })}\n`;
    let calls = 0;
    // The operating system may write fewer bytes than asked: here at most 1,000 per call.
    restore = setWriteChunkForTests((fd, buf, off, len) => {
      calls++;
      return writeSync(fd, buf, off, Math.min(len, 1000));
    });
    writeFileAtomic(path, text);
    expect(calls).toBeGreaterThan(10);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(readdirSync(d)).toEqual(['r.json']);
  });

  it('a full disk (a short write, then no progress) throws "cannot write FILE" and keeps the old file', () => {
    const d = dir();
    const path = join(d, 'r.json');
    writeFileSync(path, 'old\n');
    let budget = 4096;
    restore = setWriteChunkForTests((fd, buf, off, len) => {
      const n = Math.min(len, budget);
      budget -= n;
      if (n === 0) {
        const e: NodeJS.ErrnoException = new Error('ENOSPC: no space left on device, write');
        e.code = 'ENOSPC';
        throw e;
      }
      return writeSync(fd, buf, off, n);
    });
    let err: unknown;
    try {
      writeFileAtomic(path, 'y'.repeat(100_000));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OutputFailed);
    expect((err as Error).message).toBe(`cannot write ${path}: no space left on device (ENOSPC)`);
    expect(readFileSync(path, 'utf8')).toBe('old\n');
    expect(readdirSync(d)).toEqual(['r.json']);
  });

  it('a write that returns 0 bytes is a full disk, not an endless loop', () => {
    const d = dir();
    const path = join(d, 'r.json');
    restore = setWriteChunkForTests(() => 0);
    expect(() => writeFileAtomic(path, 'abc')).toThrow(/cannot write .*r\.json: no space left on device \(ENOSPC\): wrote 0 of 3 bytes/);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(d)).toEqual([]);
  });

  it('a directory that cannot be made is "cannot write" too', () => {
    const d = dir();
    writeFileSync(join(d, 'file'), '');
    expect(() => writeFileAtomic(join(d, 'file', 'r.json'), 'x')).toThrow(OutputFailed);
  });
});

describe('stale temporary files of killed writers', () => {
  // A pid that cannot be running: above the kernel's pid_max (at most 2^22).
  const DEAD = 4_194_999;

  it('removes only our own old temporaries of the same target whose process is gone', () => {
    const d = dir();
    const target = join(d, 'oltp.json');
    const old = (Date.now() - 2 * STALE_TMP_MS) / 1000;
    const files = {
      staleDead: `oltp.json.${DEAD}.tmp`,
      freshDead: `oltp.json.${DEAD + 1}.tmp`,
      staleAlive: `oltp.json.${process.ppid}.tmp`,
      otherTarget: `other.json.${DEAD}.tmp`,
      notOurs: 'oltp.json.backup.tmp',
      user: 'oltp.json.tmp',
    };
    for (const f of Object.values(files)) writeFileSync(join(d, f), 'partial');
    for (const f of [files.staleDead, files.staleAlive, files.otherTarget, files.notOurs, files.user]) utimesSync(join(d, f), old, old);
    expect(removeStaleTemporaries(target)).toBe(1);
    expect(readdirSync(d).sort()).toEqual(Object.values(files).filter((f) => f !== files.staleDead).sort());
  });

  it('writing the target clears its stale temporaries (a killed sweep restarted does not keep them)', () => {
    const d = dir();
    const target = join(d, 'p.json');
    const stale = join(d, `p.json.${DEAD}.tmp`);
    writeFileSync(stale, '{"cut');
    const old = (Date.now() - 2 * STALE_TMP_MS) / 1000;
    utimesSync(stale, old, old);
    writeFileAtomic(target, '{}\n');
    expect(readdirSync(d)).toEqual(['p.json']);
  });
});
