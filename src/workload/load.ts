import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { ScenarioError, closest, formatPath, formatZodIssues } from './errors.js';
import { locateJsonError } from './json-error.js';
import { LIMITS, checkDepth, checkLimits } from './limits.js';
import { Scenario, type ScenarioSpec } from './schema.js';
import { acceptedTypesAt, allowedKeysAt, defaultValueAt, objectShape, schemasAt } from './schema-walk.js';
import { unitWarnings } from './unit-warnings.js';

export interface LoadOptions {
  /**
   * Receives each warning about a value that validated but probably carries another server's
   * unit, as `<file>: warning: at <path>: <text>`. Default: stderr, each text once per process.
   */
  onWarning?: (line: string) => void;
}

const warned = new Set<string>();

function warnOnce(line: string): void {
  if (warned.has(line)) return;
  warned.add(line);
  process.stderr.write(`${line}\n`);
}

/** Reads, overrides (`--set path=value`) and validates a scenario file. Throws ScenarioError. */
export function loadScenarioFile(path: string, sets: readonly string[] = [], options: LoadOptions = {}): ScenarioSpec {
  return parseScenarioText(readScenarioText(path), path, sets, options);
}

/**
 * Reads a scenario file, refusing before reading what is not a regular file (a FIFO with no
 * writer hung, /dev/zero ended in std::bad_alloc) or is larger than LIMITS.fileBytes.
 */
export function readScenarioText(path: string): string {
  const fail = (why: string): never => {
    throw new ScenarioError(path, `${path}: cannot read the scenario file: ${why}`);
  };
  let fd: number | undefined;
  try {
    if (!statSync(path).isFile()) fail(notRegular(path));
    // O_NONBLOCK: should the path have become a FIFO since, open must not wait for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) fail(notRegular(path));
    if (st.size > LIMITS.fileBytes) fail(`it holds ${st.size} bytes, more than the ${LIMITS.fileBytes / 2 ** 20} MiB a scenario may have`);
    // Read at most one byte past the limit: a file growing while read is refused too.
    const buf = Buffer.alloc(Math.min(st.size, LIMITS.fileBytes) + 1);
    let n = 0;
    for (;;) {
      const k = readSync(fd, buf, n, buf.length - n, null);
      if (k === 0) break;
      n += k;
      if (n === buf.length) {
        if (n > LIMITS.fileBytes) fail(`it holds more than the ${LIMITS.fileBytes / 2 ** 20} MiB a scenario may have`);
        break;
      }
    }
    return buf.toString('utf8', 0, n);
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    return fail(osReason(e));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function notRegular(path: string): string {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return 'it is a directory, not a file (EISDIR)';
    if (st.isFIFO()) return 'it is a named pipe (FIFO), not a regular file';
    if (st.isCharacterDevice() || st.isBlockDevice()) return 'it is a device, not a regular file';
    if (st.isSocket()) return 'it is a socket, not a regular file';
  } catch {
    // Fall through to the general reason.
  }
  return 'not a regular file';
}

/** The part of loadScenarioFile after reading: for tests and for scenarios from other sources. */
export function parseScenarioText(
  text: string,
  fileLabel: string,
  sets: readonly string[] = [],
  options: LoadOptions = {},
): ScenarioSpec {
  const data = parseJson(text, fileLabel);
  // Depth first: the schema parse, messages and --set's copy all recurse.
  checkDepth(data, fileLabel);
  const overrides = sets.map((s) => parseSet(s, fileLabel));
  for (const o of overrides) checkDepth(o.value, fileLabel, o.path, ` (from --set ${o.text.length > 40 ? `${o.text.slice(0, 39)}…` : o.text})`);
  let root = data;
  for (const o of overrides) root = applySet(root, o, fileLabel);
  root = dropKeysOfOldMode(data, root, overrides).root;
  checkDepth(root, fileLabel);
  const result = Scenario.safeParse(root, { reportInput: true });
  if (!result.success) {
    const lines = formatZodIssues(fileLabel, result.error.issues, { overrides, data: root });
    throw new ScenarioError(fileLabel, lines.join('\n'));
  }
  checkLimits(result.data, fileLabel);
  const warn = options.onWarning ?? warnOnce;
  for (const w of unitWarnings(root)) {
    const override = overrides.find((o) => o.path.join('.') === w.path.join('.'));
    warn(`${fileLabel}: warning: at ${formatPath(w.path)}: ${w.message}${override ? ` (from --set ${override.text})` : ''}`);
  }
  return result.data;
}

function osReason(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    switch (code) {
      case 'ENOENT':
        return 'no such file (ENOENT)';
      case 'EACCES':
      case 'EPERM':
        return `permission denied (${code})`;
      case 'EISDIR':
        return 'it is a directory, not a file (EISDIR)';
      default:
        // Node's messages repeat the syscall and path ("ENOENT: ..., open 'x'"); keep the reason.
        return e.message.replace(/, \w+ '.*'$/, '');
    }
  }
  return String(e);
}

function parseJson(text: string, fileLabel: string): unknown {
  // Editors on some systems prepend a byte order mark, which JSON.parse rejects.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (e) {
    const loc = locateJsonError(body);
    if (loc !== undefined) {
      const shown = body.split('\n')[loc.line - 1]?.trim() ?? '';
      const near = shown.length > 0 ? `; line ${loc.line} reads: ${shown.length > 60 ? `${shown.slice(0, 59)}…` : shown}` : '';
      throw new ScenarioError(
        fileLabel,
        `${fileLabel}: invalid JSON at line ${loc.line}, column ${loc.column}: ${loc.problem}${near}`,
      );
    }
    const reason = e instanceof Error ? e.message : String(e);
    throw new ScenarioError(fileLabel, `${fileLabel}: invalid JSON: ${reason}`);
  }
}

export interface Override {
  path: Array<string | number>;
  value: unknown;
  /** As typed, for messages. */
  text: string;
}

/** Parses `a.b.0.c=value` (or `a.b[0].c=value`); the value is JSON when it parses as JSON, else a plain string. */
export function parseSet(arg: string, fileLabel: string): Override {
  const eq = arg.indexOf('=');
  if (eq < 0) {
    throw new ScenarioError(
      fileLabel,
      `--set ${JSON.stringify(arg)}: expected path=value, e.g. --set threadHandling.thread_pool_size=32 or --set workload.transactions.0.weight=3`,
    );
  }
  const pathText = arg.slice(0, eq).trim();
  const raw = arg.slice(eq + 1);
  // Error messages print array indices in brackets (transactions[0]); take that form as well.
  const segs = pathText.replace(/\[(\d+)\]/g, '.$1').split('.');
  if (pathText === '' || segs.some((s) => s === '')) {
    throw new ScenarioError(fileLabel, `--set ${JSON.stringify(arg)}: the path "${pathText}" is not a dotted path such as workload.connections`);
  }
  const bad = segs.find((s) => FORBIDDEN.has(s));
  if (bad !== undefined) throw new ScenarioError(fileLabel, `--set ${arg}: "${bad}" cannot be set`);
  const path = segs.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  // "profile=9.7" or "name=42" mean strings: keep the text where the schema takes no number etc.
  if (value === null || typeof value === 'number' || typeof value === 'boolean') {
    const types = acceptedTypesAt(Scenario, path);
    if (types.has('string') && !types.has('unknown') && !types.has(value === null ? 'null' : typeof value)) value = raw;
  }
  return { path, value, text: arg };
}

const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/** Sets one override in (a copy-on-write of) the parsed file; the parent must already exist. */
function applySet(root: unknown, o: Override, fileLabel: string): unknown {
  const fail = (why: string): never => {
    throw new ScenarioError(fileLabel, `--set ${o.text}: ${why}`);
  };
  if (typeof root !== 'object' || root === null || Array.isArray(root)) fail(`${fileLabel} does not hold a JSON object`);
  const top = structuredClone(root) as Record<string, unknown>;
  let parent: unknown = top;
  for (let k = 0; k < o.path.length; k++) {
    const seg = o.path[k];
    const last = k === o.path.length - 1;
    const where = o.path.slice(0, k).join('.') || 'the top level';
    if (typeof seg === 'string' && FORBIDDEN.has(seg)) fail(`"${seg}" cannot be set`);
    if (Array.isArray(parent)) {
      if (typeof seg !== 'number') fail(`${where} is an array; use an index such as ${where}.0`);
      const idx = seg as number;
      // Setting one past the end appends, so a transaction or statement can be added.
      if (idx > parent.length || (!last && idx >= parent.length)) {
        fail(`${where} has ${parent.length} element${parent.length === 1 ? '' : 's'} (indices 0 to ${parent.length - 1}); there is no index ${idx}`);
      }
      if (last) parent[idx] = o.value;
      else parent = parent[idx];
    } else if (typeof parent === 'object' && parent !== null) {
      const obj = parent as Record<string, unknown>;
      const key = String(seg);
      if (last) obj[key] = o.value;
      else {
        if (!Object.prototype.hasOwnProperty.call(obj, key)) {
          // A section left to its defaults (e.g. "server") may be created; a misspelt one may not.
          if (isObjectSection(o.path.slice(0, k + 1))) obj[key] = defaultValueAt(Scenario, o.path.slice(0, k + 1)) ?? {};
          else fail(missingPath(o.path.slice(0, k + 1), obj, fileLabel));
        }
        parent = obj[key];
      }
    } else {
      fail(`${where} is ${JSON.stringify(parent)}, not an object or array`);
    }
  }
  return top;
}

/**
 * `--set threadHandling.mode=X` switches thread handling: the keys that only the file's mode takes
 * (a pool's flavor, profile and thread_pool_* settings) are dropped, unless an override set them
 * too, so that switching needs no `threadHandling={...}` rewrite. A key the file's own mode does
 * not take either (a typo) stays, to be reported. Returns what was dropped.
 */
export function dropKeysOfOldMode(before: unknown, root: unknown, overrides: readonly Override[]): { root: unknown; dropped: string[] } {
  const none = { root, dropped: [] };
  const switched = overrides.some((o) => o.path.length === 2 && o.path[0] === 'threadHandling' && o.path[1] === 'mode');
  const section = (doc: unknown): Record<string, unknown> | undefined => {
    const th = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).threadHandling : undefined;
    return typeof th === 'object' && th !== null && !Array.isArray(th) ? (th as Record<string, unknown>) : undefined;
  };
  const old = section(before);
  const th = section(root);
  if (!switched || old === undefined || th === undefined || old.mode === th.mode) return none;
  const allowed = new Set(allowedKeysAt(Scenario, ['threadHandling'], th));
  const allowedBefore = new Set(allowedKeysAt(Scenario, ['threadHandling'], old));
  const setHere = new Set(overrides.filter((o) => o.path[0] === 'threadHandling' && o.path.length >= 2).map((o) => String(o.path[1])));
  const dropped = Object.keys(th).filter((k) => !allowed.has(k) && allowedBefore.has(k) && !setHere.has(k));
  if (dropped.length === 0) return none;
  const kept = Object.fromEntries(Object.entries(th).filter(([k]) => !dropped.includes(k)));
  return { root: { ...(root as Record<string, unknown>), threadHandling: kept }, dropped };
}

/** The keys `--set threadHandling.mode=...` drops from a scenario file (for a note to the user). */
export function modeSwitchDrops(path: string, sets: readonly string[]): string[] {
  try {
    const data = parseJson(readScenarioText(path), path);
    const overrides = sets.map((s) => parseSet(s, path));
    let root = data;
    for (const o of overrides) root = applySet(root, o, path);
    return dropKeysOfOldMode(data, root, overrides).dropped;
  } catch {
    return []; // loading the scenario reports any problem
  }
}

/** True when the schema has an object (and only an object) at this path. */
function isObjectSection(path: ReadonlyArray<string | number>): boolean {
  const at = schemasAt(Scenario, path);
  return at.length > 0 && at.every((s) => objectShape(s) !== undefined);
}

function missingPath(path: ReadonlyArray<string | number>, parent: Record<string, unknown>, fileLabel: string): string {
  const key = String(path[path.length - 1]);
  const candidates = [...new Set([...Object.keys(parent), ...allowedKeysAt(Scenario, path.slice(0, -1), parent)])];
  const suggestion = closest(key, candidates);
  const hint = suggestion !== undefined ? ` (did you mean "${[...path.slice(0, -1), suggestion].join('.')}"?)` : '';
  return `${path.join('.')} does not exist in ${fileLabel}${hint}; only the last part of the path may be new`;
}
