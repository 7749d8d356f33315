/**
 * tpsim as a library: load or build a scenario, run it, read the result. The CLI is a thin
 * layer over these functions, so notebooks and other programs get exactly what `sim` prints.
 */
export { runScenario, resolveScenario, type RunOptions } from './run/run.js';
export { RESULT_SCHEMA_VERSION, type RunResult, type LatencyStats, type LatencyGroup } from './run/result.js';
export { loadScenarioFile, parseScenarioText } from './workload/load.js';
export { ScenarioError } from './workload/errors.js';
export { Scenario, scenarioJsonSchema, type ScenarioInput, type ScenarioSpec } from './workload/schema.js';
export { formatReport } from './report/terminal.js';
export { parseDuration, formatDuration } from './engine/duration.js';
export * as theory from './stats/theory.js';
export { meanCi, batchMeans, type MeanCi } from './stats/confidence.js';
