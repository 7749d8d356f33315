import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SweepSummary, sweepSummary } from '../report/sweep-file.js';
import { runReplicationSets } from '../run/replications.js';
import type { RunResult } from '../run/result.js';
import { meanCi, type MeanCi } from '../stats/confidence.js';
import { ScenarioError } from '../workload/errors.js';
import type { ScenarioSpec } from '../workload/schema.js';
import { type Axis, type GridValue, type PointValues, pointId } from '../sweep/grid.js';
import { type PointTask, isDone, pointScenario } from '../sweep/point.js';
import { runOnWorkers } from '../sweep/pool.js';
import { runPointTask } from '../sweep/worker-task.js';

export type Objective = 'tps' | 'mean' | 'p50' | 'p95' | 'p99' | 'p999' | 'queueWaitMean' | 'peakThreads';
export const OBJECTIVES: readonly Objective[] = ['tps', 'mean', 'p50', 'p95', 'p99', 'p999', 'queueWaitMean', 'peakThreads'];

/** A bound on a summary figure, e.g. "p99<50" (ms) or "tps>20000". */
export interface Constraint {
  text: string;
  field: Objective;
  op: '<' | '>';
  value: number;
}

export function parseConstraint(text: string): Constraint {
  const m = /^\s*([A-Za-z0-9]+)\s*([<>])\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
  if (m === null || !OBJECTIVES.includes(m[1] as Objective)) {
    throw new ScenarioError('--constraint', `--constraint "${text}": expected FIELD<VALUE or FIELD>VALUE with FIELD one of ${OBJECTIVES.join(', ')}`);
  }
  return { text, field: m[1] as Objective, op: m[2] as '<' | '>', value: Number(m[3]) };
}

export interface TuneOptions {
  file: string;
  sets: string[];
  params: Axis[];
  objective: Objective;
  constraints: Constraint[];
  /** Replications of the final comparison of candidates with the current setting. */
  replications: number;
  workers: number;
  outDir: string;
  method: 'grid' | 'climb';
  onProgress?: (evaluated: number) => void;
}

export interface Evaluated {
  values: PointValues;
  summary: SweepSummary;
  feasible: boolean;
}

export interface Confirmed {
  values: PointValues;
  /** Objective over the replications. */
  ci: MeanCi;
  /** Paired difference candidate - current over the replications (same seeds). */
  vsCurrent: MeanCi;
}

export interface TuneResult {
  objective: Objective;
  method: 'grid' | 'climb';
  evaluated: Evaluated[];
  current: PointValues;
  best: Confirmed;
  currentCi: MeanCi;
  candidates: Confirmed[];
  replications: number;
}

const maximize = (o: Objective): boolean => o === 'tps';

/** Value at a dotted path of the resolved scenario (the setting the user has now). */
function valueAt(spec: ScenarioSpec, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined), spec);
}

/**
 * Searches the parameter grid for the setting that optimises the objective under the
 * constraints. One or two parameters: every grid point (method "grid"). More: coordinate
 * climbs (method "climb") from several starts: evaluate the neighbours one grid step away on
 * each axis, move to the best, stop when none improves. All points share the scenario's
 * seed (common random numbers), so comparisons are not swamped by noise; the final few
 * candidates and the current setting are then run with replications and compared pairwise.
 */
export async function tune(o: TuneOptions): Promise<TuneResult> {
  const base = pointScenario({ file: o.file, sets: o.sets });
  const current: PointValues = {};
  for (const a of o.params) {
    const v = valueAt(base, a.path);
    if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') {
      throw new ScenarioError(o.file, `${o.file}: ${a.path} has no value in the scenario to tune from`);
    }
    current[a.path] = v;
  }
  const cache = new Map<string, Evaluated>();
  let counter = 0;
  const key = (v: PointValues): string => JSON.stringify(o.params.map((a) => v[a.path]));
  const evaluate = async (points: PointValues[]): Promise<Evaluated[]> => {
    const fresh = points.filter((p, i) => !cache.has(key(p)) && points.findIndex((q) => key(q) === key(p)) === i);
    const tasks: PointTask[] = fresh.map((values) => ({
      index: counter++,
      file: o.file,
      sets: [...o.sets, ...Object.entries(values).map(([k, v]) => `${k}=${JSON.stringify(v)}`)],
      out: join(o.outDir, 'points', `${pointId(0, values).slice(5)}.json`),
    }));
    const todo = tasks.filter((t) => !isDone(t.out, pointScenario(t)));
    const outcomes = await runOnWorkers(todo, o.workers, runPointTask, () => {});
    const bad = outcomes.find((x) => !x.ok);
    if (bad !== undefined) throw new Error(`a tuning point failed: ${bad.error ?? 'unknown error'}`);
    fresh.forEach((values, i) => {
      const summary = sweepSummary(JSON.parse(readFileSync(tasks[i].out, 'utf8')) as RunResult);
      const feasible = o.constraints.every((c) => (c.op === '<' ? summary[c.field] < c.value : summary[c.field] > c.value));
      cache.set(key(values), { values, summary, feasible });
    });
    o.onProgress?.(cache.size);
    return points.map((p) => cache.get(key(p)) as Evaluated);
  };
  const better = (a: Evaluated, b: Evaluated | undefined): boolean => {
    if (b === undefined) return true;
    if (a.feasible !== b.feasible) return a.feasible;
    return maximize(o.objective) ? a.summary[o.objective] > b.summary[o.objective] : a.summary[o.objective] < b.summary[o.objective];
  };

  if (o.method === 'grid') {
    let grid: PointValues[] = [{}];
    for (const a of o.params) grid = grid.flatMap((p) => a.values.map((v) => ({ ...p, [a.path]: v })));
    await evaluate([...grid, current]);
  } else {
    // Response surfaces of pool settings are bumpy (e.g. whether a second thread per group
    // stays busy depends on whether its queue ever empties), so climb from several starts:
    // the current setting, the centre of the grid and its two corners.
    const at = (ix: number[]): PointValues => Object.fromEntries(o.params.map((a, i) => [a.path, a.values[ix[i]]]));
    const starts = [
      o.params.map((a) => nearestIndex(a.values, current[a.path])),
      o.params.map((a) => Math.floor((a.values.length - 1) / 2)),
      o.params.map(() => 0),
      o.params.map((a) => a.values.length - 1),
    ];
    await evaluate([current]);
    for (const idx of starts) {
      let [here] = await evaluate([at(idx)]);
      for (;;) {
        const neighbours: number[][] = [];
        o.params.forEach((a, i) => {
          for (const d of [-1, 1]) {
            const j = idx[i] + d;
            if (j >= 0 && j < a.values.length) neighbours.push(idx.map((x, k) => (k === i ? j : x)));
          }
        });
        const evals = await evaluate(neighbours.map(at));
        let bestI = -1;
        evals.forEach((e, i) => {
          if (better(e, bestI < 0 ? here : evals[bestI])) bestI = i;
        });
        if (bestI < 0) break;
        here = evals[bestI];
        neighbours[bestI].forEach((x, k) => (idx[k] = x));
      }
    }
  }

  const evaluated = [...cache.values()];
  const ranked = [...evaluated].sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  const top = ranked.slice(0, 3).map((e) => e.values);
  if (!top.some((v) => key(v) === key(current))) top.push(current);
  // The confirming replications of every candidate are independent runs: one pool for all.
  const sets = await runReplicationSets(
    top.map((values) => pointScenario({ file: o.file, sets: [...o.sets, ...Object.entries(values).map(([k, v]) => `${k}=${JSON.stringify(v)}`)] })),
    o.replications,
    { jobs: o.workers },
  );
  const runs = sets.map((results) => results.map((r) => sweepSummary(r)[o.objective]));
  const cur = runs[top.findIndex((v) => key(v) === key(current))];
  const confirmed: Confirmed[] = top.map((values, i) => ({
    values,
    ci: meanCi(runs[i]),
    vsCurrent: meanCi(runs[i].map((x, r) => x - cur[r])),
  }));
  const feasibleKeys = new Set(evaluated.filter((e) => e.feasible).map((e) => key(e.values)));
  const pool = confirmed.filter((c) => feasibleKeys.has(key(c.values)));
  const pick = (pool.length > 0 ? pool : confirmed).reduce((a, b) =>
    (maximize(o.objective) ? b.ci.mean > a.ci.mean : b.ci.mean < a.ci.mean) ? b : a,
  );
  return { objective: o.objective, method: o.method, evaluated, current, best: pick, currentCi: meanCi(cur), candidates: confirmed, replications: o.replications };
}

function nearestIndex(values: readonly GridValue[], v: GridValue): number {
  const exact = values.indexOf(v);
  if (exact >= 0 || typeof v !== 'number') return Math.max(0, exact);
  let best = 0;
  values.forEach((x, i) => {
    if (typeof x === 'number' && Math.abs(x - v) < Math.abs((values[best] as number) - v)) best = i;
  });
  return best;
}
