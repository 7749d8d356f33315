import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');
export const TINY = join(ROOT, 'test', 'fixtures', 'tiny.json');
export const TINY_NO_POOL = join(ROOT, 'test', 'fixtures', 'tiny-no-pool.json');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * `npm test` builds first; a bare `vitest run` may find dist missing or older than src, so build
 * then. Type errors elsewhere in src still emit JavaScript, so only a missing CLI is fatal.
 */
export function ensureBuilt(): void {
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newestMtime(join(ROOT, 'src'))) return;
  spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (!existsSync(CLI)) throw new Error(`build did not produce ${CLI}`);
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function sim(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    // No TTY: no progress bar, no colours. TPSIM_DEBUG off unless a test turns it on.
    env: { ...process.env, TPSIM_DEBUG: '', NO_COLOR: '1', ...env },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = 'tpsim-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Marks a key for removal in `edited`. */
export const DELETE = Symbol('delete');

/**
 * A JSON text with some values replaced: each edit is a dotted path (numbers index arrays) and a
 * new value, or DELETE. Test-side twin of --set, kept separate so the tests do not trust it.
 */
export function edited(text: string, edits: ReadonlyArray<readonly [string, unknown]>): string {
  const doc: unknown = JSON.parse(text);
  for (const [path, value] of edits) {
    const segs = path.split('.');
    let node: unknown = doc;
    for (const seg of segs.slice(0, -1)) {
      if (typeof node !== 'object' || node === null) throw new Error(`edited: ${path} does not exist`);
      node = (node as Record<string, unknown>)[seg];
    }
    if (typeof node !== 'object' || node === null) throw new Error(`edited: ${path} does not exist`);
    const last = segs[segs.length - 1];
    if (value === DELETE) delete (node as Record<string, unknown>)[last];
    else (node as Record<string, unknown>)[last] = value;
  }
  return JSON.stringify(doc, null, 2);
}
