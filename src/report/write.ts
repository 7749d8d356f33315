import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunResult } from '../run/result.js';
import { poolSettingUnits } from '../workload/schema/units.js';

/**
 * Writes a file so that readers see the old content or the new, never a torn one: a temporary file
 * in the same directory (same filesystem, so rename is atomic), fsync, then rename over the target.
 */
export function writeFileAtomic(path: string, data: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDirectory(dirname(path));
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

/** The result file's name: the scenario name made safe for any filesystem, plus ".json". */
export function resultFileName(result: RunResult): string {
  const safe = result.scenario.name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 100);
  return `${safe === '' ? 'result' : safe}.json`;
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
