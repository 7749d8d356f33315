import { runReplicationResults } from '../run/replications.js';
import { meanCi } from '../stats/confidence.js';
import type { ScenarioSpec } from '../workload/schema.js';
import { loadScenarioFile } from '../workload/load.js';
import { type MeasuredPoint, groupRuns, readRuns } from './runs.js';
import { figuresOf } from './sim-point.js';

/** Mean and 95% t interval over replications of one simulated point. */
export interface SimCi {
  mean: number;
  lo: number;
  hi: number;
}

export interface ValidationRow {
  point: MeasuredPoint;
  tps: SimCi;
  p95: SimCi;
  p99: SimCi;
  threads: SimCi;
  active: SimCi;
  queue: SimCi;
  rowLockWaitsPerS: SimCi;
}

/** Simulates a scenario at `connections` with n replications: key figures with intervals. */
export function simulateWithCi(spec: ScenarioSpec, n: number): Omit<ValidationRow, 'point'> {
  const figs = runReplicationResults(spec, n).map(figuresOf);
  const ci = (f: (x: (typeof figs)[number]) => number): SimCi => {
    const c = meanCi(figs.map(f), 0.95);
    return { mean: c.mean, lo: c.halfWidth > 0 ? c.lo : c.mean, hi: c.halfWidth > 0 ? c.hi : c.mean };
  };
  return {
    tps: ci((x) => x.tps),
    p95: ci((x) => x.p95),
    p99: ci((x) => x.p99),
    threads: ci((x) => x.gauges.Threadpool_threads ?? x.threadsMean),
    active: ci((x) => x.gauges.ACTIVE_THREADS ?? NaN),
    queue: ci((x) => x.gauges.QUEUE_LENGTH ?? NaN),
    rowLockWaitsPerS: ci((x) => x.rowLockWaitsPerS),
  };
}

/** Every training point of `workload` in runs.csv against the pool / tpc scenario, n replications each. */
export function validate(runsCsv: string, workload: string, poolFile: string, tpcFile: string, n: number, duration: string, warmup: string): ValidationRow[] {
  const points = groupRuns(readRuns(runsCsv).filter((r) => r.workload === workload));
  return points.map((p) => {
    const spec = loadScenarioFile(p.handling === 'tpc' ? tpcFile : poolFile, [`workload.connections=${p.threads}`, `duration=${duration}`, `warmup=${warmup}`]);
    return { point: p, ...simulateWithCi(spec, n) };
  });
}
