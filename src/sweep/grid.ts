import { ScenarioError } from '../workload/errors.js';

export type GridValue = number | string | boolean;

/** One varied scenario path and the values it takes. */
export interface Axis {
  path: string;
  /** What the sweep file and tables show for each value. */
  values: GridValue[];
  /** What is set at each value when it differs from `values` (named variants: objects). */
  settings?: unknown[];
}

/**
 * An axis from a scenario's `sweep.vary` entry or a JSON `--vary` value: an array of values, a
 * range string "start..end:step", or an object of named variants ({"pool": {...}, "no-pool":
 * {...}}) whose names label the points and whose values are set.
 */
export function axisFrom(path: string, spec: unknown, source: string): Axis {
  if (typeof spec === 'string') return parseVary(`${path}=${spec}`, source);
  if (Array.isArray(spec)) {
    if (spec.length === 0) throw new ScenarioError(source, `${source}: ${path} has no values`);
    const scalar = spec.every((v) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean');
    return scalar
      ? { path, values: spec as GridValue[] }
      : { path, values: spec.map((v) => JSON.stringify(v)), settings: spec };
  }
  if (typeof spec === 'object' && spec !== null) {
    const entries = Object.entries(spec);
    if (entries.length === 0) throw new ScenarioError(source, `${source}: ${path} has no variants`);
    return { path, values: entries.map(([k]) => k), settings: entries.map(([, v]) => v) };
  }
  throw new ScenarioError(source, `${source}: ${path}: expected a list of values, "start..end:step" or named variants`);
}

/** A grid point: the value of every varied path. Key order follows the axes. */
export type PointValues = Record<string, GridValue>;

const MAX_POINTS = 100_000;

/**
 * Parses a `--vary` argument: `path=v1,v2,...` (each value JSON when it parses, else text) or
 * `path=start..end:step` (numbers, end included when the steps land on it).
 */
export function parseVary(arg: string, source = '--vary'): Axis {
  const eq = arg.indexOf('=');
  if (eq <= 0 || eq === arg.length - 1) {
    throw new ScenarioError(source, `${source} ${arg}: expected path=v1,v2,... or path=start..end:step`);
  }
  const path = arg.slice(0, eq).trim();
  const spec = arg.slice(eq + 1).trim();
  if (spec.startsWith('[') || spec.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(spec);
    } catch {
      throw new ScenarioError(source, `${source} ${arg}: the value list is not valid JSON`);
    }
    return axisFrom(path, parsed, source);
  }
  const range = /^(-?[\d.]+(?:e[+-]?\d+)?)\.\.(-?[\d.]+(?:e[+-]?\d+)?)(?::([\d.]+(?:e[+-]?\d+)?))?$/.exec(spec);
  if (range !== null) return { path, values: rangeValues(Number(range[1]), Number(range[2]), range[3] === undefined ? 1 : Number(range[3]), arg, source) };
  const values = spec.split(',').map((v) => parseValue(v.trim()));
  if (values.some((v) => v === '')) throw new ScenarioError(source, `${source} ${arg}: an empty value in the list`);
  return { path, values };
}

function rangeValues(start: number, end: number, step: number, arg: string, source: string): number[] {
  if (![start, end, step].every(Number.isFinite) || step <= 0) {
    throw new ScenarioError(source, `${source} ${arg}: expected start..end:step with a step > 0`);
  }
  if (end < start) throw new ScenarioError(source, `${source} ${arg}: the end (${end}) is below the start (${start})`);
  const n = Math.floor((end - start) / step + 1e-9) + 1;
  if (n > MAX_POINTS) throw new ScenarioError(source, `${source} ${arg}: ${n} values; at most ${MAX_POINTS}`);
  // Computed from the index, not by accumulation, so 0.1 steps do not drift.
  return Array.from({ length: n }, (_, i) => +(start + i * step).toPrecision(12));
}

function parseValue(text: string): GridValue {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  } catch {
    // Not JSON: plain text.
  }
  return text;
}

/** A grid point: what it shows (values) and the --set arguments that make it. */
export interface GridPoint {
  values: PointValues;
  sets: string[];
}

/** All combinations, first axis slowest, with the --set arguments of each. */
export function expandPoints(axes: readonly Axis[]): GridPoint[] {
  let points: GridPoint[] = [{ values: {}, sets: [] }];
  expandGrid(axes); // validates size and duplicate paths
  for (const a of axes) {
    const next: GridPoint[] = [];
    for (const p of points) {
      a.values.forEach((v, i) => {
        const setting = a.settings === undefined ? v : a.settings[i];
        next.push({ values: { ...p.values, [a.path]: v }, sets: [...p.sets, `${a.path}=${JSON.stringify(setting)}`] });
      });
    }
    points = next;
  }
  return points;
}

/** All combinations of the shown values, first axis slowest. */
export function expandGrid(axes: readonly Axis[]): PointValues[] {
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total > MAX_POINTS) throw new ScenarioError('--vary', `the grid has ${total} points; at most ${MAX_POINTS}`);
  const seen = new Set<string>();
  for (const a of axes) {
    if (seen.has(a.path)) throw new ScenarioError('--vary', `${a.path} is varied twice`);
    seen.add(a.path);
  }
  let points: PointValues[] = [{}];
  for (const a of axes) {
    const next: PointValues[] = [];
    for (const p of points) for (const v of a.values) next.push({ ...p, [a.path]: v });
    points = next;
  }
  return points;
}

/** `--set` arguments that turn the base scenario into the point. */
export function pointSets(values: PointValues): string[] {
  return Object.entries(values).map(([path, v]) => `${path}=${JSON.stringify(v)}`);
}

/** A stable, readable file stem for a point, e.g. `p007_thread_pool_size-32_connections-512`. */
export function pointId(index: number, values: PointValues): string {
  const parts = Object.entries(values).map(([path, v]) => `${path.split('.').pop() ?? path}-${String(v)}`);
  const stem = `p${String(index).padStart(3, '0')}_${parts.join('_')}`.replace(/[^A-Za-z0-9._-]+/g, '-');
  return stem.length > 120 ? stem.slice(0, 120) : stem;
}

/** Parses `--shard i/n` (0-based i). */
export function parseShard(arg: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(arg.trim());
  if (m === null) throw new ScenarioError('--shard', `--shard ${arg}: expected i/n with 0 <= i < n, e.g. 0/4`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new ScenarioError('--shard', `--shard ${arg}: expected i/n with 0 <= i < n`);
  return { index, count };
}
