import { existsSync, readFileSync } from 'node:fs';
import { resultJson, writeFileAtomic } from '../report/write.js';
import type { RunResult } from '../run/result.js';
import { runReplications } from '../run/replications.js';
import { resolveScenario } from '../run/run.js';
import { loadScenarioFile } from '../workload/load.js';
import type { ScenarioSpec } from '../workload/schema.js';

/** One point of a sweep, as handed to a worker. */
export interface PointTask {
  index: number;
  file: string;
  sets: string[];
  out: string;
  /** Replications of the point (default: the scenario's `replications`, else 1). */
  replications?: number;
}

/** The scenario of a point, resolved as the result file will show it. */
export function pointScenario(task: Pick<PointTask, 'file' | 'sets'>): ScenarioSpec {
  return resolveScenario(loadScenarioFile(task.file, task.sets));
}

/**
 * True when `out` holds a finished result of exactly this scenario: result files are written
 * atomically, so a file that parses is complete, and comparing the resolved scenario catches a
 * changed base file or grid.
 */
export function isDone(out: string, scenario: ScenarioSpec, replications = 1): boolean {
  if (!existsSync(out)) return false;
  try {
    const r = JSON.parse(readFileSync(out, 'utf8')) as Partial<RunResult>;
    return JSON.stringify(r.scenario) === JSON.stringify(scenario) && (r.replications?.count ?? 1) === replications;
  } catch {
    return false;
  }
}

/** Runs a point (replicated when asked) and writes its result file atomically. */
export function runPoint(task: PointTask): RunResult {
  const spec = pointScenario(task);
  const result = runReplications(spec, task.replications ?? spec.replications ?? 1);
  writeFileAtomic(task.out, resultJson(result));
  return result;
}
