/**
 * tpsim as a library: load or build a scenario, run it, read the result. The CLI is a thin
 * layer over these functions, so notebooks and other programs get exactly what `sim` prints.
 */
export { runScenario, resolveScenario, type RunOptions } from './run/run.js';
export { runReplications, runReplicationResults, aggregateReplications, replicationSeed, runBatchMeans } from './run/replications.js';
export { RESULT_SCHEMA_VERSION, type RunResult, type LatencyStats, type LatencyGroup } from './run/result.js';
export { loadScenarioFile, parseScenarioText } from './workload/load.js';
export { ScenarioError } from './workload/errors.js';
export { Scenario, scenarioJsonSchema, type ScenarioInput, type ScenarioSpec } from './workload/schema.js';
export { formatReport } from './report/terminal.js';
export { parseDuration, formatDuration } from './engine/duration.js';
export * as theory from './stats/theory.js';
export { meanCi, batchMeans, type MeanCi } from './stats/confidence.js';
// Charts (vega-lite specs, SVG/PNG/HTML rendering, notebook display bundles) and the sweep file.
export {
  PLOT_KINDS,
  makeChart,
  standardKinds,
  plotSource,
  readPlotSources,
  resultSources,
  renderCharts,
  displayBundle,
  formatOf,
  type Chart,
  type ChartOptions,
  type PlotKind,
  type PlotSource,
  type PlotFormat,
} from './report/plot.js';
export { toSvg, svgToPng, toPng, toHtml, pngSize } from './report/render.js';
export {
  SweepFile,
  SWEEP_KIND,
  SWEEP_SCHEMA_VERSION,
  SUMMARY_FIELDS,
  buildSweep,
  sweepSummary,
  parseSweep,
  readSweepFile,
  type SweepPoint,
  type SweepSummary,
  type SweepValue,
  type SummaryField,
} from './report/sweep-file.js';
