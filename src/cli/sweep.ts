import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fmtCount, fmtMs, fmtRate, table } from '../report/format.js';
import { type SweepFile, type SweepSummary, sweepDirName } from '../report/sweep-file.js';
import { pointsWarmupWarning } from '../run/warmup.js';
import { extrapolationWarning } from '../run/model-warnings.js';
import { type Axis, axisFrom, parseShard, parseVary } from '../sweep/grid.js';
import { ScenarioError } from '../workload/errors.js';
import { loadScenarioFile } from '../workload/load.js';
import { noteModeSwitch, overridesOf } from './commands.js';
import { mergeSweeps, runSweep, sweepFilesIn } from '../sweep/sweep.js';
import { asRunFailure, OutputFailed, UsageError } from './errors.js';
import { createProgress } from './progress.js';

export interface SweepArgs {
  scenario: string;
  set: string[];
  vary: string[];
  duration?: string;
  warmup?: string;
  /** Default: results/sweep/<scenario, grid and overrides> (see sweepDirName). */
  out?: string;
  workers?: number;
  replications?: number;
  shard?: string;
  sort?: string;
  force?: boolean;
  json: boolean;
  quiet: boolean;
}

const SORT_KEYS: ReadonlyArray<keyof SweepSummary> = ['tps', 'mean', 'p50', 'p95', 'p99', 'p999', 'queueWaitMean', 'peakThreads'];

export async function sweepCommand(a: SweepArgs): Promise<void> {
  // Axes of the scenario's own sweep block, then --vary (which replaces an axis of the same path).
  const sets = overridesOf({ set: a.set, duration: a.duration, warmup: a.warmup });
  const base = loadScenarioFile(a.scenario, sets);
  if (!a.quiet) noteModeSwitch(a.scenario, sets);
  const block = base.sweep?.vary ?? {};
  const axes: Axis[] = Object.entries(block).map(([path, spec]) => axisFrom(path, spec, `${a.scenario}: sweep.vary`));
  for (const v of a.vary) {
    const axis = parseVary(v);
    const i = axes.findIndex((x) => x.path === axis.path);
    if (i >= 0) axes[i] = axis;
    else axes.push(axis);
  }
  if (axes.length === 0) {
    throw new UsageError('sim sweep needs a grid: --vary path=v1,v2,... (or path=start..end:step), or a "sweep" block in the scenario.');
  }
  const sort = a.sort;
  if (sort !== undefined && !SORT_KEYS.includes(sort as keyof SweepSummary) && !axes.some((x) => x.path === sort)) {
    throw new UsageError(`--sort ${sort}: expected one of ${SORT_KEYS.join(', ')} or a varied path.`);
  }
  const outDir = a.out ?? join('results', 'sweep', sweepDirName(base.name, axes, sets));
  const workers = a.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers ${a.workers}: expected a whole number >= 1.`);
  const progress = createProgress(process.stderr, !a.quiet && !a.json && process.stderr.isTTY === true);
  let run;
  try {
    run = await runSweep({
      file: a.scenario,
      sets,
      axes,
      outDir,
      workers,
      replications: a.replications,
      shard: a.shard === undefined ? undefined : parseShard(a.shard),
      force: a.force === true,
      onProgress: (done, total) => progress.update(total === 0 ? 1 : done / total),
    });
  } catch (e) {
    throw asRunFailure(varyNamed(e, axes, '--vary'));
  } finally {
    progress.finish();
  }
  const connections = run.sweep.points.map((p) => Number(p.values['workload.connections'] ?? base.workload.connections));
  const warnings = a.quiet ? [] : [pointsWarmupWarning(run.sweep.points, base.warmup), extrapolationWarning(base.calibration, connections)].filter((w) => w !== undefined);
  if (a.json) process.stdout.write(`${JSON.stringify(run.sweep, null, 2)}\n`);
  else if (!a.quiet) {
    process.stdout.write(`${formatSweep(run.sweep, sort)}\n`);
    process.stderr.write(
      `${run.sweep.points.length} points (${run.ran} run, ${run.reused} reused) in ${run.wallSeconds.toFixed(1)} s on ${Math.min(workers, Math.max(1, run.ran))} workers; sweep written to ${run.path}\n`,
    );
  }
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
}

/**
 * Grid points are made by --set overrides, so a bad grid value is reported "from --set path=v":
 * name the option the user typed instead.
 */
export function varyNamed(e: unknown, axes: readonly Axis[], option: string): unknown {
  if (!(e instanceof ScenarioError)) return e;
  let message = e.message;
  for (const axis of axes) message = message.split(`--set ${axis.path}=`).join(`${option} ${axis.path}=`);
  return message === e.message ? e : new ScenarioError(e.file, message);
}

export function mergeCommand(a: { dirs: string[]; out?: string; quiet: boolean }): void {
  for (const d of a.dirs) if (!d.endsWith('.json') && !existsSync(d)) throw new UsageError(`${d}: no such directory.`);
  const files = sweepFilesIn(a.dirs);
  if (files.length === 0) throw new UsageError(`no sweep files (sweep.json, sweep-shard-*.json) in ${a.dirs.join(', ')}.`);
  // Shards of one sweep share its directory: merge there unless told otherwise.
  const dirs = [...new Set(files.map((f) => dirname(f)))];
  const out = a.out ?? (dirs.length === 1 ? dirs[0] : undefined);
  if (out === undefined) throw new UsageError(`the sweep files are in ${dirs.length} directories (${dirs.join(', ')}): say where to write the merged sweep with --out DIR.`);
  let merged;
  try {
    merged = mergeSweeps(files, out);
  } catch (e) {
    // Files that are missing, not sweeps, or sweeps of different grids are the user's input;
    // other system errors come from writing the merged files.
    if (e instanceof Error && 'code' in e && e.code !== 'ENOENT') throw new OutputFailed(out, e);
    throw new UsageError(`sim merge: ${e instanceof Error ? e.message : String(e)}`);
  }
  const { sweep, path } = merged;
  if (!a.quiet) {
    process.stdout.write(`${formatSweep(sweep)}\n`);
    process.stderr.write(`${files.length} files, ${sweep.points.length} points merged into ${path}\n`);
  }
}

/** One row per point: the varied values, then the key figures; CIs when the points have them. */
export function formatSweep(sweep: SweepFile, sort?: string): string {
  const points = [...sweep.points];
  if (sort !== undefined) {
    const key = (p: (typeof points)[number]): number | string =>
      sort in p.values ? (p.values[sort] as number | string) : (p.summary[sort as keyof SweepSummary] as number);
    points.sort((x, y) => {
      const a = key(x);
      const b = key(y);
      // Throughput: best (highest) first; everything else: lowest first.
      const c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
      return sort === 'tps' ? -c : c;
    });
  }
  const short = (p: string): string => p.split('.').pop() ?? p;
  const ci = (p: (typeof points)[number], f: keyof SweepSummary, fmt: (n: number) => string): string => {
    const c = p.summary.ci95?.[f];
    const v = fmt(p.summary[f] as number);
    return c === undefined ? v : `${v} ±${fmt((c[1] - c[0]) / 2)}`;
  };
  const header = [...sweep.parameters.map(short), 'tps', 'mean ms', 'p50', 'p95', 'p99', 'p99.9', 'queue ms', 'threads'];
  // A point where no transaction finished has no latency to show: it is longer than the window.
  const none = (p: (typeof points)[number]): boolean => p.summary.tps === 0;
  const lat = (p: (typeof points)[number], s: string): string => (none(p) ? '-' : s);
  const rows = points.map((p) => [
    ...sweep.parameters.map((k) => String(p.values[k])),
    ci(p, 'tps', fmtRate),
    lat(p, ci(p, 'mean', fmtMs)),
    lat(p, fmtMs(p.summary.p50)),
    lat(p, fmtMs(p.summary.p95)),
    lat(p, ci(p, 'p99', fmtMs)),
    lat(p, fmtMs(p.summary.p999)),
    lat(p, fmtMs(p.summary.queueWaitMean)),
    fmtCount(p.summary.peakThreads),
  ]);
  const align = header.map((_, i) => (i < sweep.parameters.length ? 'l' : 'r') as 'l' | 'r');
  const lines = [`sweep of ${sweep.scenario} over ${sweep.parameters.join(' x ')}`, ...table([header, ...rows], { align })];
  if (points.some(none)) lines.push('  -: no transaction completed in the measured window (latency longer than the window)');
  return lines.join('\n');
}
