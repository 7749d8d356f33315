import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
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
