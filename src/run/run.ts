import type { ScenarioSpec } from '../workload/schema.js';
import type { RunResult } from './result.js';

export interface RunOptions {
  /** Called now and then with the fraction of simulated time done (0..1). */
  onProgress?: (fraction: number) => void;
}

/** Fills profile-dependent defaults (e.g. MySQL 8.4 vs 9.7 thread pool values). */
export function resolveScenario(spec: ScenarioSpec): ScenarioSpec {
  return spec;
}

/** Runs one scenario to completion. Throws SimulationError on an internal failure. */
export function runScenario(spec: ScenarioSpec, options: RunOptions = {}): RunResult {
  void spec;
  void options;
  throw new Error('not implemented yet');
}
