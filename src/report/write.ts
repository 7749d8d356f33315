import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { RunResult } from '../run/result.js';
import { poolSettingUnits } from '../workload/schema/units.js';

/** Test hook: replaces fs.writeSync so a short write or ENOSPC can be simulated. */
export type WriteChunk = (fd: number, buffer: Uint8Array, offset: number, length: number) => number;
let writeChunk: WriteChunk = (fd, buffer, offset, length) => writeSync(fd, buffer, offset, length);

/** For tests only: simulate the operating system's write; returns a function that restores it. */
export function setWriteChunkForTests(f: WriteChunk): () => void {
  const old = writeChunk;
  writeChunk = f;
  return () => {
    writeChunk = old;
  };
}

/** Temporary files are `<name>.<pid>.tmp`: one per process, so concurrent writers never share one. */
const TMP_SUFFIX = /\.(\d+)\.tmp$/;

/** A temporary file older than this whose process is gone is left over from a killed writer. */
export const STALE_TMP_MS = 60_000;

/**
 * Writes a file so that readers see the old content or the new, never a torn one: a temporary file
 * in the same directory (same filesystem, so rename is atomic), every byte written (write(2) may
 * write fewer bytes than asked, e.g. on a full disk, and that must not pass for success), fsync,
 * then rename over the target. Any failure removes the temporary file and throws.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    removeStaleTemporaries(path);
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // Nothing more to do: the target is untouched either way.
    }
    throw new OutputFailed(path, e);
  }
  syncDirectory(dir);
}

/** Loops over short writes; a write that makes no progress is a full disk (ENOSPC). */
function writeAll(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) {
    const n = writeChunk(fd, buf, off, buf.length - off);
    if (!(n > 0)) {
      const err: NodeJS.ErrnoException = new Error(`no space left on device (ENOSPC): wrote ${off} of ${buf.length} bytes`);
      err.code = 'ENOSPC';
      throw err;
    }
    off += n;
  }
}

/**
 * Removes `<target>.<pid>.tmp` files of this same target left by a writer that was killed: only
 * our own naming, only regular files, only when older than STALE_TMP_MS and their process is
 * gone (a live writer's file is never touched). Best effort: a failure here must not stop a write.
 */
export function removeStaleTemporaries(path: string, now = Date.now()): number {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = TMP_SUFFIX.exec(name.slice(prefix.length - 1));
    if (m === null || m.index !== 0) continue;
    const pid = Number(m[1]);
    const file = join(dir, name);
    try {
      const st = lstatSync(file);
      if (!st.isFile() || now - st.mtimeMs < STALE_TMP_MS) continue;
      if (pid !== process.pid && processAlive(pid)) continue;
      rmSync(file, { force: true });
      removed++;
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Makes the rename itself durable; not possible everywhere (e.g. Windows), hence best effort. */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // The data is written and renamed; only durability across a power cut is weaker.
  }
}

/** Writing output failed (disk full, read-only, permissions): exit 1, naming the file. */
export class OutputFailed extends Error {
  override readonly name = 'OutputFailed';
  /** Why, without the path: "no space left on device (ENOSPC)". */
  readonly reason: string;
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    // Wrapping an OutputFailed again (a caller that also catches) keeps the first, precise one.
    const inner = cause instanceof OutputFailed ? cause : undefined;
    const reason = inner?.reason ?? writeReason(cause);
    super(`cannot write ${inner?.path ?? path}: ${reason}`, { cause: inner?.cause ?? cause });
    this.reason = reason;
    if (inner !== undefined) this.path = inner.path;
  }
}

/** Node says "ENOSPC: no space left on device, write"; the user needs "no space left on device (ENOSPC)". */
function writeReason(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as NodeJS.ErrnoException).code;
  if (code !== undefined && e.message.startsWith(`${code}: `)) {
    return `${e.message.slice(code.length + 2).replace(/, \w+( '.*')?$/, '')} (${code})`;
  }
  return e.message;
}

/** A name made safe for any filesystem and shell: letters, digits and . _ - = , + only. */
export function safeName(text: string, max = 100): string {
  return text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._=,+-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, max);
}

/** Longest readable suffix kept whole; a longer one is cut and made unique by a hash. */
const MAX_SUFFIX = 80;

/**
 * What the overrides add to an output name, e.g. "--workload.connections=1024--seed=7": readable,
 * and distinct for distinct overrides (a hash of the full list replaces what is cut off).
 */
export function overridesSuffix(overrides: readonly string[]): string {
  if (overrides.length === 0) return '';
  const text = overrides.map((o) => safeName(o.replace(/\s+/g, ''), 1000)).join('--');
  if (text.length <= MAX_SUFFIX && !/[^A-Za-z0-9._=,+-]/.test(overrides.join(''))) return `--${text}`;
  const hash = createHash('sha256').update(JSON.stringify(overrides)).digest('hex').slice(0, 8);
  return `--${text.slice(0, MAX_SUFFIX - 9).replace(/[-.]+$/, '')}-${hash}`;
}

/**
 * The result file's name: the scenario name made safe for any filesystem, then the command-line
 * overrides (so a variant never replaces the plain run's file), plus ".json".
 */
export function resultFileName(result: RunResult, overrides: readonly string[] = result.overrides ?? []): string {
  const safe = safeName(result.scenario.name);
  return `${safe === '' ? 'result' : safe}${overridesSuffix(overrides)}.json`;
}

/** The result file's content, also what `sim run --json` prints. */
export function resultJson(result: RunResult): string {
  // The duration-like pool settings with their units, right after the scenario that holds them.
  const units = poolSettingUnits(result.scenario.threadHandling);
  const doc =
    units === undefined
      ? result
      : Object.fromEntries(
          Object.entries(result)
            .filter(([k]) => k !== 'poolSettingUnits')
            .flatMap(([k, v]) => (k === 'scenario' ? [[k, v], ['poolSettingUnits', units]] : [[k, v]])),
        );
  return `${JSON.stringify(doc, null, 2)}\n`;
}
