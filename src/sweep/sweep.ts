import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { buildSweep, isSweepDocument, parseSweep, type SweepFile, type SweepSummary } from '../report/sweep-file.js';
import { ScenarioError } from '../workload/errors.js';
import { OutputFailed, writeFileAtomic } from '../report/write.js';
import type { RunResult } from '../run/result.js';
import { checkBudget } from '../workload/limits.js';
import { type Axis, type PointValues, expandPoints, pointId } from './grid.js';
import { type PointTask, isDone, pointScenario, runPoint } from './point.js';
import { runOnWorkers } from './pool.js';
import { runPointTask } from './worker-task.js';
import type { PointOutcome } from './tasks.js';

export interface SweepOptions {
  file: string;
  /** Overrides applied to every point before the varied values. */
  sets: string[];
  axes: Axis[];
  outDir: string;
  workers: number;
  /** Replications of every point (default: the scenario's own). */
  replications?: number;
  shard?: { index: number; count: number };
  /** Run points above the budget of events and memory (checkBudget). */
  force?: boolean;
  /** Told after each point (finished counts skipped points too). */
  onProgress?: (finished: number, total: number) => void;
}

export interface SweepRun {
  sweep: SweepFile;
  path: string;
  ran: number;
  reused: number;
  wallSeconds: number;
}

/**
 * Runs every grid point (or one shard of them) and writes the sweep file. Every point keeps
 * the scenario's seed, so all points see the same workload (common random numbers): the
 * difference between two points is the setting, not the noise. Points whose result file is
 * already there, complete and of the same scenario, are reused, so a killed sweep started
 * again runs only what is missing.
 */
export async function runSweep(o: SweepOptions): Promise<SweepRun> {
  const started = process.hrtime.bigint();
  const grid = expandPoints(o.axes);
  const all = grid.map((p, index) => ({ index, values: p.values, sets: p.sets }));
  const shard = o.shard;
  const mine = shard === undefined ? all : all.filter((p) => p.index % shard.count === shard.index);
  const pointsDir = join(o.outDir, 'points');
  // Validate every point before running any: a bad value is a usage error, not a half sweep.
  const tasks = mine.map(({ index, values, sets }) => {
    const task: PointTask = { index, file: o.file, sets: [...o.sets, ...sets], out: join(pointsDir, `${pointId(index, values)}.json`), replications: o.replications };
    const scenario = pointScenario(task);
    checkBudget({ ...scenario, replications: task.replications ?? scenario.replications }, `${o.file} (point ${pointId(index, values)})`, o.force === true);
    return { task, values, scenario };
  });
  const todo = tasks.filter((t) => !isDone(t.task.out, t.scenario, t.task.replications ?? t.scenario.replications ?? 1));
  const reused = tasks.length - todo.length;
  o.onProgress?.(reused, tasks.length);
  const report = (_o: PointOutcome, finished: number): void => o.onProgress?.(reused + finished, tasks.length);
  let outcomes: PointOutcome[];
  if (o.workers <= 1) {
    outcomes = [];
    for (const t of todo) {
      runPoint(t.task);
      outcomes.push({ index: t.task.index, ok: true });
      report(outcomes[outcomes.length - 1], outcomes.length);
    }
  } else {
    outcomes = await runOnWorkers(
      todo.map((t) => t.task),
      o.workers,
      runPointTask,
      report,
    );
  }
  const failed = outcomes.find((x) => !x.ok);
  if (failed?.output !== undefined) throw new OutputFailed(failed.output.path, new Error(failed.output.reason));
  if (failed !== undefined) throw new Error(`point ${failed.index} failed: ${failed.error ?? 'unknown error'}`);

  const name = tasks[0]?.scenario.name ?? basename(o.file);
  const sweepPath = join(o.outDir, o.shard === undefined ? 'sweep.json' : `sweep-shard-${o.shard.index}-of-${o.shard.count}.json`);
  const sweep = withIntervals(
    buildSweep(
      name,
      o.axes.map((a) => a.path),
      tasks.map((t) => ({ values: t.values, result: relative(dirname(sweepPath), t.task.out), run: readResult(t.task.out) })),
    ),
    tasks.map((t) => readResult(t.task.out)),
  );
  writeSweepFiles(sweepPath, sweep);
  return { sweep, path: sweepPath, ran: todo.length, reused, wallSeconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** Copies each replicated point's 95% intervals of the summary fields into the sweep. */
function withIntervals(sweep: SweepFile, results: readonly RunResult[]): SweepFile {
  const pick = (r: RunResult, path: string[]): [number, number] | undefined => {
    let node: unknown = r.ci95;
    for (const k of path) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[k] : undefined;
    return Array.isArray(node) ? (node as [number, number]) : undefined;
  };
  const fields: Array<[keyof SweepSummary, string[]]> = [
    ['tps', ['summary', 'tps']],
    ['mean', ['latency', 'all', 'mean']],
    ['p50', ['latency', 'all', 'p50']],
    ['p95', ['latency', 'all', 'p95']],
    ['p99', ['latency', 'all', 'p99']],
    ['p999', ['latency', 'all', 'p999']],
    ['queueWaitMean', ['queueWait', 'all', 'mean']],
    ['peakThreads', ['threads', 'peak']],
  ];
  return {
    ...sweep,
    points: sweep.points.map((p, i) => {
      const ci: Record<string, [number, number]> = {};
      for (const [f, path] of fields) {
        const c = pick(results[i], path);
        if (c !== undefined) ci[f] = c;
      }
      return Object.keys(ci).length > 0 ? { ...p, summary: { ...p.summary, ci95: ci } } : p;
    }),
  };
}

function readResult(path: string): RunResult {
  return JSON.parse(readFileSync(path, 'utf8')) as RunResult;
}

/** The sweep as JSON and, beside it, as CSV (one row per point) for spreadsheets. */
export function writeSweepFiles(path: string, sweep: SweepFile): void {
  writeFileAtomic(path, `${JSON.stringify(sweep, null, 2)}\n`);
  writeFileAtomic(path.replace(/\.json$/, '.csv'), sweepCsv(sweep));
}

const CSV_FIELDS: Array<keyof SweepSummary> = ['tps', 'mean', 'p50', 'p95', 'p99', 'p999', 'queueWaitMean', 'peakThreads'];

export function sweepCsv(sweep: SweepFile): string {
  const ciFields = [...new Set(sweep.points.flatMap((p) => Object.keys(p.summary.ci95 ?? {})))];
  const header = [...sweep.parameters, ...CSV_FIELDS, ...ciFields.flatMap((f) => [`${f}_ci95_lo`, `${f}_ci95_hi`]), 'result'];
  const cell = (v: unknown): string => {
    const s = String(v ?? '');
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = sweep.points.map((p) => [
    ...sweep.parameters.map((k) => p.values[k]),
    ...CSV_FIELDS.map((f) => p.summary[f]),
    ...ciFields.flatMap((f): Array<number | string> => p.summary.ci95?.[f] ?? ['', '']),
    p.result,
  ]);
  return `${[header, ...rows].map((r) => r.map(cell).join(',')).join('\n')}\n`;
}

/**
 * Joins sweep files of shards (or of separate runs of one grid) into one sweep file in
 * `outDir`; point result paths are rewritten relative to it. Points that appear twice (same
 * values) are kept once.
 */
export function mergeSweeps(paths: readonly string[], outDir: string): { sweep: SweepFile; path: string } {
  if (paths.length === 0) throw new Error('no sweep files to merge');
  const out = join(outDir, 'sweep.json');
  const files = paths.map((p) => ({ path: p, sweep: readSweepForMerge(p) }));
  const first = files[0].sweep;
  for (const f of files) {
    if (JSON.stringify(f.sweep.parameters) !== JSON.stringify(first.parameters) || f.sweep.scenario !== first.scenario) {
      throw new ScenarioError(f.path, `${f.path} sweeps ${f.sweep.parameters.join(', ')} of ${f.sweep.scenario}, not ${first.parameters.join(', ')} of ${first.scenario}`);
    }
  }
  const seen = new Set<string>();
  const points = files.flatMap((f) =>
    f.sweep.points
      .map((p) => ({ ...p, result: relative(outDir, join(dirname(f.path), p.result)) }))
      .filter((p) => {
        const key = JSON.stringify(first.parameters.map((k) => p.values[k]));
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      }),
  );
  const merged: SweepFile = { ...first, points: sortPoints(points, first.parameters) };
  writeSweepFiles(out, merged);
  return { sweep: merged, path: out };
}

/**
 * A sweep file to merge, or a ScenarioError naming it (exit 2): missing, not JSON (a sweep cut off
 * by a kill or a full disk), or JSON that is not a sweep.
 */
function readSweepForMerge(path: string): SweepFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScenarioError(path, `${path}: cannot read the sweep file: ${code === 'ENOENT' ? 'no such file (ENOENT)' : e instanceof Error ? e.message : String(e)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(path, `${path}: not a complete JSON file (cut off, or not a sweep): ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isSweepDocument(doc)) throw new ScenarioError(path, `${path}: not a tpsim sweep file (expected "kind": "tpsim-sweep")`);
  try {
    return parseSweep(doc, path);
  } catch (e) {
    throw new ScenarioError(path, e instanceof Error ? e.message : String(e));
  }
}

function sortPoints<P extends { values: PointValues }>(points: P[], params: readonly string[]): P[] {
  const cmp = (a: unknown, b: unknown): number =>
    typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
  return [...points].sort((a, b) => {
    for (const k of params) {
      const c = cmp(a.values[k], b.values[k]);
      if (c !== 0) return c;
    }
    return 0;
  });
}

/** The sweep files named, or found in the named directories (for `sim merge <dirs...>`). */
export function sweepFilesIn(args: readonly string[]): string[] {
  return args.flatMap((a) => {
    if (a.endsWith('.json')) return [a];
    if (!existsSync(a)) throw new ScenarioError(a, `${a}: no such file or directory`);
    if (!statSync(a).isDirectory()) throw new ScenarioError(a, `${a}: expected a sweep directory or a sweep .json file, found a file`);
    // Sorted, so the merge order (and the merged file) does not depend on the filesystem.
    return readdirSync(a)
      .filter((n) => /^sweep(-shard-\d+-of-\d+)?\.json$/.test(n))
      .sort()
      .map((n) => join(a, n));
  });
}
