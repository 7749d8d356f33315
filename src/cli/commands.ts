import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { formatIntervals } from '../report/intervals.js';
import { formatReport } from '../report/terminal.js';
import { resultFileName, resultJson, writeFileAtomic } from '../report/write.js';
import type { RunResult } from '../run/result.js';
import { resolveScenario, runScenario } from '../run/run.js';
import { runBatchMeans, runReplicationsParallel } from '../run/replications.js';
import { shortWarmupWarning } from '../run/warmup.js';
import { clampWarning, extrapolationWarning, latchStretchWarning, lockstepWarning, outputWarnings, saturationWarning } from '../run/model-warnings.js';
import { clampsWarning } from '../run/clamps.js';
import { poolBlockedWarning } from '../run/server-log.js';
import { PRECISION_METRICS, type PrecisionMetric, type PrecisionOptions, parsePrecision, runToPrecision } from '../run/precision.js';
import { parseDuration } from '../engine/duration.js';
import { checkBudget } from '../workload/limits.js';
import { loadScenarioFile, modeSwitchDrops } from '../workload/load.js';
import { scenarioJsonSchema, type ScenarioSpec } from '../workload/schema.js';
import { asRunFailure, UsageError } from './errors.js';
import { createProgress } from './progress.js';

export interface RunArgs {
  scenario: string;
  set: string[];
  seed?: string;
  duration?: string;
  warmup?: string;
  /** Independent replications (sugar for --set replications=N). */
  replications?: string;
  /** Batch means on one run: the number of batches. */
  batches?: number;
  /** `--precision 2%`: replications until the chosen intervals are that narrow. */
  precision?: string;
  /** `--precision-metric`: which intervals (default mean and p99). */
  precisionMetric?: string[];
  /** `--max-replications`: cap of --precision. */
  maxReplications?: number;
  /** `--max-wall`: wall-clock cap of --precision, a duration. */
  maxWall?: string;
  /** Run even above the budget of events and memory (checkBudget). */
  force?: boolean;
  /** sysbench's --report-interval: whole simulated seconds. */
  reportInterval?: number;
  /** Also print the waits at each queue per transaction type and statement class. */
  waitsByClass?: boolean;
  /** Replications run at once (this thread and N-1 workers) (default: the number of cores; 1 = serial). */
  jobs?: number;
  json: boolean;
  out: string;
  quiet: boolean;
}

/** `--seed`, `--duration` and `--warmup` are sugar for `--set`, applied last so they win. */
export function overridesOf(args: Pick<RunArgs, 'set' | 'seed' | 'duration' | 'warmup' | 'replications'>): string[] {
  const sets = [...args.set];
  if (args.seed !== undefined) sets.push(`seed=${args.seed}`);
  if (args.duration !== undefined) sets.push(`duration=${args.duration}`);
  if (args.warmup !== undefined) sets.push(`warmup=${args.warmup}`);
  if (args.replications !== undefined) sets.push(`replications=${args.replications}`);
  return sets;
}

/** The result with the overrides recorded right after the scenario they changed (none: unchanged). */
export function withOverrides(result: RunResult, overrides: readonly string[]): RunResult {
  if (overrides.length === 0) return result;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(result)) {
    out[k] = v;
    if (k === 'scenario') out.overrides = [...overrides];
  }
  return out as unknown as RunResult;
}

/** Says which keys `--set threadHandling.mode=...` dropped from the file (stderr; nothing if none). */
export function noteModeSwitch(file: string, sets: readonly string[]): void {
  const dropped = modeSwitchDrops(file, sets);
  if (dropped.length === 0) return;
  const mode = [...sets].reverse().find((x) => x.startsWith('threadHandling.mode='));
  process.stderr.write(`note: --set ${mode ?? 'threadHandling.mode'}: ${file}'s ${dropped.join(', ')} belong to its previous thread handling and were left out\n`);
}

/** Profile defaults are filled by resolveScenario; it may also reject combinations (ScenarioError). */
function resolve(spec: ScenarioSpec): ScenarioSpec {
  try {
    return resolveScenario(spec);
  } catch (e) {
    throw asRunFailure(e);
  }
}

/** Returns the result and where it was written (for `--plot`). */
export async function runCommand(args: RunArgs): Promise<{ result: RunResult; path: string }> {
  const jobs = jobsOption(args.jobs);
  const spec = resolve(loadScenarioFile(args.scenario, overridesOf(args)));
  if (!args.quiet) noteModeSwitch(args.scenario, overridesOf(args));
  if (args.batches !== undefined && (spec.warmup === 'auto' || (spec.replications ?? 1) > 1)) {
    throw new UsageError('--batches needs a single run with a fixed warm-up (no replications, no warmup "auto").');
  }
  checkBudget(spec, args.scenario, args.force === true);
  const interval = args.reportInterval;
  if (interval !== undefined) {
    if (!Number.isInteger(interval) || interval < 1) {
      throw new UsageError(`--report-interval: expected a whole number of seconds (1 or more), got ${String(interval)}`);
    }
    if (args.batches !== undefined || (spec.replications ?? 1) > 1) {
      throw new UsageError('--report-interval needs a single run (no --replications, no --batches): intervals of different replications are not one timeline.');
    }
  }
  const precision = precisionOptions(args);
  if (precision !== undefined && (args.batches !== undefined || interval !== undefined)) {
    throw new UsageError('--precision runs replications: it cannot be combined with --batches or --report-interval.');
  }
  const progress = createProgress(process.stderr, !args.quiet && process.stderr.isTTY === true);
  let result: RunResult;
  try {
    const onProgress = (f: number): void => progress.update(f);
    const n = spec.replications ?? 1;
    if (precision !== undefined) result = await runToPrecision(spec, { ...precision, initial: n > 1 ? n : undefined, jobs, onProgress });
    else if (n > 1) result = await runReplicationsParallel(spec, n, { jobs, onProgress });
    else if (args.batches !== undefined) result = runBatchMeans(spec, args.batches, { onProgress });
    else result = runScenario(spec, { onProgress, ...(interval !== undefined ? { reportIntervalSeconds: interval } : {}) });
  } catch (e) {
    throw asRunFailure(e);
  } finally {
    progress.finish();
  }
  result = withOverrides(result, overridesOf(args));
  const json = resultJson(result);
  // A name ending in .json is the result file itself; anything else is a directory for it.
  const path = args.out.endsWith('.json') ? args.out : join(args.out, resultFileName(result));
  writeFileAtomic(path, json);
  const warnings = args.quiet
    ? []
    : [
        shortWarmupWarning(result),
        clampWarning(result),
        clampsWarning(result),
        poolBlockedWarning(result),
        saturationWarning(result),
        latchStretchWarning(result),
        lockstepWarning(result),
        ...outputWarnings(result),
        extrapolationWarning(result.scenario.calibration, [result.summary.connections]),
      ].filter((w) => w !== undefined);
  if (args.json) process.stdout.write(json);
  else if (!args.quiet) {
    const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
    // sysbench prints its interval lines before the summary; here they come from simulated time.
    process.stdout.write(formatIntervals(result));
    process.stdout.write(`${formatReport(result, { color, waitsByClass: args.waitsByClass === true })}\n`);
    process.stderr.write(`result written to ${path}\n`);
  }
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  return { result, path };
}

/** The --precision options checked (undefined without --precision); the caps only with it. */
export function precisionOptions(args: Pick<RunArgs, 'precision' | 'precisionMetric' | 'maxReplications' | 'maxWall'>): Omit<PrecisionOptions, 'jobs' | 'onProgress'> | undefined {
  const metrics = (args.precisionMetric ?? []).flatMap((m) => m.split(',')).map((m) => m.trim()).filter((m) => m !== '');
  if (args.precision === undefined) {
    if (metrics.length > 0 || args.maxReplications !== undefined || args.maxWall !== undefined) {
      throw new UsageError('--precision-metric, --max-replications and --max-wall need --precision.');
    }
    return undefined;
  }
  const target = parsePrecision(args.precision);
  if (target === undefined) throw new UsageError(`--precision: expected a relative half-width such as 2% or 0.02 (between 0 and 100%), got "${args.precision}"`);
  for (const m of metrics) {
    if (!(PRECISION_METRICS as readonly string[]).includes(m)) throw new UsageError(`--precision-metric: expected one of ${PRECISION_METRICS.join(', ')}, got "${m}"`);
  }
  const max = args.maxReplications;
  if (max !== undefined && (!Number.isInteger(max) || max < 2)) throw new UsageError(`--max-replications: expected a whole number >= 2, got ${String(max)}`);
  let maxWallSeconds: number | undefined;
  if (args.maxWall !== undefined) {
    maxWallSeconds = parseDuration(args.maxWall) / 1e6;
    if (!(maxWallSeconds > 0)) throw new UsageError(`--max-wall: expected a duration such as 90s or 10min, got "${args.maxWall}"`);
  }
  return {
    target,
    ...(metrics.length > 0 ? { metrics: [...new Set(metrics)] as PrecisionMetric[] } : {}),
    ...(max !== undefined ? { maxReplications: max } : {}),
    ...(maxWallSeconds !== undefined ? { maxWallSeconds } : {}),
  };
}

/** `--jobs N`: threads for independent runs (this one and N-1 workers); default one per core. */
export function jobsOption(jobs: number | undefined): number {
  if (jobs === undefined) return availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs ${jobs}: expected a whole number >= 1 (1 runs serially).`);
  return jobs;
}

export function validateCommand(args: { scenario: string; set: string[] }): void {
  const spec = resolve(loadScenarioFile(args.scenario, args.set));
  noteModeSwitch(args.scenario, args.set);
  process.stdout.write(`ok: ${args.scenario} (${spec.name})\n${summarize(spec)}\n`);
}

/** One line: how threads are handled, the machine, the load and the run length. */
export function summarize(spec: ScenarioSpec): string {
  const th = spec.threadHandling as Record<string, unknown>;
  const mode = [th.flavor, th.profile !== undefined ? `profile ${String(th.profile)}` : undefined].filter((x) => x !== undefined);
  const handling = mode.length ? `${String(th.mode)} (${mode.map(String).join(', ')})` : String(th.mode);
  const tx = spec.workload.transactions;
  const txText = `${tx.length} transaction type${tx.length === 1 ? '' : 's'} (${tx.map((t) => t.name).join(', ')})`;
  return (
    `${handling}, ${spec.server.cores} cores, ${spec.workload.connections} connections, ${txText}; ` +
    `duration ${spec.duration} after ${spec.warmup} warm-up, seed ${spec.seed}`
  );
}

export const SCHEMA_ID = 'urn:tpsim:scenario';

/** The JSON Schema for scenario files, with identity fields first so the file reads well. */
export function schemaText(): string {
  const { $schema, title, ...rest } = scenarioJsonSchema();
  const doc = {
    $schema,
    $id: SCHEMA_ID,
    title: title ?? 'tpsim scenario',
    description: 'A tpsim scenario file: a workload, a server and how it handles threads (sim run <file>).',
    ...rest,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function schemaCommand(args: { out?: string }): void {
  writeOrPrint(args.out, schemaText(), 'schema');
}

/** To standard output, or atomically to `out` (writeFileAtomic throws OutputFailed: exit 1, naming the file). */
export function writeOrPrint(out: string | undefined, text: string, what: string): void {
  if (out === undefined) {
    process.stdout.write(text);
    return;
  }
  writeFileAtomic(out, text);
  process.stderr.write(`${what} written to ${out}\n`);
}
