import { basename, dirname, join } from 'node:path';
import type { LatencyGroupName } from '../report/plot-data.js';
import {
  formatOf,
  makeChart,
  parseKind,
  parseMetric,
  readPlotSources,
  renderCharts,
  resultSources,
  standardKinds,
  type Chart,
  type ChartOptions,
  type PlotKind,
  type PlotSource,
} from '../report/plot.js';
import type { RunResult } from '../run/result.js';
import { writeFileAtomic } from '../report/write.js';
import { UsageError } from './errors.js';

export interface PlotArgs {
  files: string[];
  kind?: string;
  /** One or more output files; each gets the format of its ending. */
  out: string[];
  group?: string;
  metric?: string;
  x?: string;
  y?: string;
  title?: string;
  quiet: boolean;
}

const GROUPS: readonly LatencyGroupName[] = ['latency', 'queueWait', 'execution'];

/** Input mistakes (bad file, wrong kind for the input) are usage errors: exit 2. */
function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

/** Same-directory temporary file then rename: readers never see a torn chart. */

/**
 * `sim plot <files..> [--kind K] [--out FILE...]`: the format follows each --out's ending. Without --kind,
 * an .html file gets every standard chart of the input, other formats the first one.
 */
export async function plotCommand(a: PlotArgs): Promise<void> {
  if (a.files.length === 0) throw new UsageError('sim plot needs a result or sweep file.');
  const options: ChartOptions = usage(() => ({
    group: a.group === undefined ? undefined : GROUPS.find((g) => g === a.group) ?? fail(`--group ${a.group}: one of ${GROUPS.join(', ')}`),
    metric: a.metric === undefined ? undefined : parseMetric(a.metric),
    x: a.x,
    y: a.y,
    title: a.title,
  }));
  const sources = usage(() => readPlotSources(a.files));
  const explicit: PlotKind | undefined = a.kind === undefined ? undefined : usage(() => parseKind(a.kind as string));
  const first = explicit ?? standardKinds(sources)[0];
  const outs = a.out.length > 0 ? a.out : [join(dirname(a.files[0]), `${basename(a.files[0]).replace(/\.json$/i, '')}.${first}.svg`)];
  const formats = usage(() => outs.map(formatOf));
  const cache = new Map<PlotKind, Chart>();
  const chartOf = (k: PlotKind): Chart => cache.get(k) ?? cache.set(k, makeChart(k, sources, options)).get(k) as Chart;
  for (const [i, out] of outs.entries()) {
    const kinds = explicit !== undefined ? [explicit] : formats[i] === 'html' ? standardKinds(sources) : [first];
    const charts: Chart[] = usage(() => kinds.map(chartOf));
    writeFileAtomic(out, await renderCharts(charts, formats[i]));
    if (!a.quiet) process.stderr.write(`${kinds.join(', ')} written to ${out}\n`);
  }
}

function fail(message: string): never {
  throw new Error(message);
}

/**
 * What `sim run --plot` writes beside the result file: one PNG per standard chart
 * (<name>.<kind>.png) and one HTML page with all of them (<name>.html). Returns the paths.
 */
export async function plotRunResult(result: RunResult, resultPath: string): Promise<string[]> {
  const sources: PlotSource[] = resultSources([result]);
  const base = resultPath.replace(/\.json$/i, '');
  const charts = standardKinds(sources).map((k) => makeChart(k, sources));
  const written: string[] = [];
  for (const c of charts) {
    const path = `${base}.${c.kind}.png`;
    writeFileAtomic(path, await renderCharts([c], 'png'));
    written.push(path);
  }
  const html = `${base}.html`;
  writeFileAtomic(html, await renderCharts(charts, 'html', `tpsim: ${result.scenario.name}`));
  written.push(html);
  return written;
}
