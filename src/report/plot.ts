import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { LatencyStats, RunResult } from '../run/result.js';
import { fmtCount, fmtMs, fmtNum, fmtRate, table } from './format.js';
import {
  cdfRows,
  defaultSweepX,
  heatRows,
  isSummaryField,
  ladderRows,
  shortName,
  sortedValues,
  splitRows,
  sweepRows,
  timelineRows,
  waitRows,
  type LabelledResult,
  type LatencyGroupName,
  type SweepRow,
} from './plot-data.js';
import { svgToPng, toHtml, toSvg } from './render.js';
import { isSweepDocument, parseSweep, type SummaryField, type SweepFile } from './sweep-file.js';
import { COLLAPSED_NOTE, cdfSpec, heatmapSpec, ladderSpec, metricTitle, splitSpec, sweepSpec, timelineSpec, waitsSpec } from './vega-specs.js';

/** Charts of result files (cdf, ladder, split, waits, timeline) and of sweep files (sweep, heatmap). */
export const PLOT_KINDS = ['cdf', 'ladder', 'split', 'waits', 'sweep', 'heatmap', 'timeline'] as const;
export type PlotKind = (typeof PLOT_KINDS)[number];
const RESULT_KINDS: readonly PlotKind[] = ['cdf', 'ladder', 'split', 'waits', 'timeline'];

export type PlotSource =
  | { type: 'result'; label: string; result: RunResult }
  | { type: 'sweep'; label: string; sweep: SweepFile };

export interface Chart {
  kind: PlotKind;
  title: string;
  spec: TopLevelSpec;
  /** The chart's numbers as a plain-text table (for terminals and notebook fallbacks). */
  table: string;
}

export interface ChartOptions {
  /** Which latency the cdf and ladder show (default: transaction response time). */
  group?: LatencyGroupName;
  /** Heatmap colour (default p99); sweep panels (default tps and p99). */
  metric?: SummaryField;
  metrics?: readonly SummaryField[];
  /** Sweep parameters on the axes (default: the sweep's first and second). */
  x?: string;
  y?: string;
  title?: string;
}

/** An input document is a sweep (by its `kind`) or a run result. */
export function plotSource(doc: unknown, label?: string): PlotSource {
  if (isSweepDocument(doc)) {
    const sweep = parseSweep(doc);
    return { type: 'sweep', label: label ?? sweep.scenario, sweep };
  }
  if (!isRunResult(doc)) throw new Error('neither a tpsim result file nor a sweep file');
  return { type: 'result', label: label ?? doc.scenario.name, result: doc };
}

function isRunResult(doc: unknown): doc is RunResult {
  if (typeof doc !== 'object' || doc === null) return false;
  const d = doc as Partial<RunResult>;
  return typeof d.schemaVersion === 'number' && typeof d.scenario?.name === 'string' && typeof d.latency === 'object' && typeof d.timeline === 'object';
}

/** Reads result or sweep files; two results of one scenario are told apart by file name. */
export function readPlotSources(paths: readonly string[]): PlotSource[] {
  const sources = paths.map((p) => {
    try {
      return plotSource(JSON.parse(readFileSync(p, 'utf8')));
    } catch (e) {
      throw new Error(`${p}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  const seen = new Map<string, number>();
  for (const s of sources) seen.set(s.label, (seen.get(s.label) ?? 0) + 1);
  return sources.map((s, i) => ((seen.get(s.label) ?? 0) > 1 ? { ...s, label: basename(paths[i]).replace(/\.json$/, '') } : s));
}

/** Results are labelled by scenario name, made unique with a counter when names repeat. */
export function resultSources(results: readonly RunResult[], labels?: readonly string[]): PlotSource[] {
  const count = new Map<string, number>();
  return results.map((r, i) => {
    let label = labels?.[i] ?? r.scenario.name;
    const n = (count.get(label) ?? 0) + 1;
    count.set(label, n);
    if (n > 1) label = `${label} (${n})`;
    return { type: 'result', label, result: r };
  });
}

/** The charts `sim run --plot` and `sim plot` without --kind make for these inputs. */
export function standardKinds(sources: readonly PlotSource[]): PlotKind[] {
  if (sources.some((s) => s.type === 'sweep')) {
    const twoParams = sources.some((s) => s.type === 'sweep' && s.sweep.parameters.length >= 2);
    return twoParams ? ['sweep', 'heatmap'] : ['sweep'];
  }
  // Result files older than the queue waits have no waits chart.
  const waits = sources.every((s) => s.type === 'result' && s.result.waits !== undefined);
  return RESULT_KINDS.filter((k) => k !== 'waits' || waits);
}

const GROUP_TITLES: Record<LatencyGroupName, string> = {
  latency: 'transaction response time',
  queueWait: 'statement queue wait',
  execution: 'statement execution time',
};

/** A replicated result's waits are means over its replications (not pooled samples): say so. */
function waitsSubtitle(runs: string, results: readonly LabelledResult[]): string {
  const n = results.map((r) => r.result.replications?.count ?? 1);
  return n.some((k) => k > 1) ? `${runs} (means over ${results.length === 1 ? `${n[0]} replications` : 'replications'})` : runs;
}

function runsText(labels: readonly string[]): string {
  return labels.length === 1 ? labels[0] : labels.join(' vs ');
}

export function makeChart(kind: PlotKind, sources: readonly PlotSource[], options: ChartOptions = {}): Chart {
  const results: LabelledResult[] = sources.flatMap((s) => (s.type === 'result' ? [{ label: s.label, result: s.result }] : []));
  const sweeps = sources.flatMap((s) => (s.type === 'sweep' ? [s] : []));
  const isResultKind = RESULT_KINDS.includes(kind);
  if (isResultKind && results.length === 0) throw new Error(`--kind ${kind} needs result files (a sweep gives: sweep, heatmap)`);
  if (!isResultKind && sweeps.length === 0) throw new Error(`--kind ${kind} needs a sweep file (a result gives: ${RESULT_KINDS.join(', ')})`);
  const runs = runsText(results.map((r) => r.label));
  // A replicated result's distribution is every replication's samples together: say so.
  const pooled = (text: string): string => {
    const n = results.map((r) => r.result.replications?.count ?? 1);
    return n.some((k) => k > 1) ? `${text} (${results.length === 1 ? `${n[0]} replications` : 'replicated runs'}, pooled)` : text;
  };
  const group = options.group ?? 'latency';
  switch (kind) {
    case 'cdf': {
      const title = options.title ?? `Latency CDF: ${GROUP_TITLES[group]}`;
      const subtitle = pooled(options.title === undefined ? runs : `${GROUP_TITLES[group]}: CDF`);
      return { kind, title, spec: cdfSpec(cdfRows(results, group), { title, subtitle }), table: percentileTable(results, group) };
    }
    case 'ladder': {
      const title = options.title ?? `Percentile ladder: ${GROUP_TITLES[group]}`;
      const subtitle = pooled(options.title === undefined ? runs : `${GROUP_TITLES[group]} by percentile`);
      return { kind, title, spec: ladderSpec(ladderRows(results, group), { title, subtitle }), table: percentileTable(results, group) };
    }
    case 'split': {
      const title = options.title ?? 'Where statements spend their time: queue wait vs execution';
      const rows = splitRows(results);
      const t = table([
        ['run', 'transaction', 'queue wait ms', 'execution ms', 'queue share'],
        ...rows
          .filter((r) => r.phase === 'queue wait')
          .map((q) => {
            const e = rows.find((r) => r.result === q.result && r.tx === q.tx && r.phase === 'execution');
            return [q.result, q.tx, fmtMs(q.ms), fmtMs(e?.ms ?? 0), `${(q.share * 100).toFixed(1)}%`];
          }),
      ], { indent: 0, align: ['l', 'l'] });
      return { kind, title, spec: splitSpec(rows, { title, subtitle: `${runs}; mean per statement at the server` }), table: t.join('\n') };
    }
    case 'waits': {
      const title = options.title ?? 'Waiting at each queue';
      const rows = waitRows(results);
      if (rows.length === 0) throw new Error('--kind waits needs result files with queue waits (written by a newer tpsim)');
      const t = table([
        ['run', 'queue', 'visits', 'P(wait)', 'mean ms', 'p99 ms'],
        ...rows.map((r) => [r.result, r.queue, fmtCount(r.visits), `${(r.pWait * 100).toFixed(1)}%`, fmtMs(r.mean), fmtMs(r.p99)]),
      ], { indent: 0, align: ['l', 'l'] });
      return { kind, title, spec: waitsSpec(rows, { title, subtitle: waitsSubtitle(runs, results) }), table: t.join('\n') };
    }
    case 'timeline': {
      const title = options.title ?? 'Throughput, queues and threads per second';
      const rows = timelineRows(results);
      return { kind, title, spec: timelineSpec(rows, { title, subtitle: runs }), table: timelineTable(rows) };
    }
    case 'sweep': {
      const metrics = options.metrics ?? (options.metric ? ['tps', options.metric] : ['tps', 'p99']);
      const x = options.x ?? defaultSweepX(sweeps[0].sweep);
      const rows: SweepRow[] = sweeps.flatMap((s) => {
        if (!s.sweep.parameters.includes(x)) throw new Error(`sweep "${s.label}" does not vary ${x}`);
        const r = sweepRows(s.sweep, metrics, x);
        return sweeps.length > 1 ? r.map((row) => ({ ...row, series: row.series === 'all' ? s.label : `${s.label}: ${row.series}` })) : r;
      });
      const names = metrics.map(metricTitle).map((t) => t.replace(/ \(.*\)$/, '')).join(' and ');
      const title = options.title ?? `${names.charAt(0).toUpperCase()}${names.slice(1)} vs ${shortName(x)}`;
      const points = rows.length / metrics.length;
      const notes = [
        `${runsText(sweeps.map((s) => s.label))}; ${points} point${points === 1 ? '' : 's'}`,
        ...(rows.some((r) => r.lo !== undefined) ? ['bands and bars: 95% CI'] : []),
        ...(rows.some((r) => r.collapsed) ? [COLLAPSED_NOTE] : []),
      ];
      return { kind, title, spec: sweepSpec(rows, metrics, shortName(x), { title, subtitle: notes.join(', ') }), table: sweepTable(rows, metrics, shortName(x)) };
    }
    case 'heatmap': {
      const s = sweeps[0];
      const metric = options.metric ?? 'p99';
      const x = options.x ?? defaultSweepX(s.sweep);
      const y = options.y ?? s.sweep.parameters.find((p) => p !== x);
      if (y === undefined || !s.sweep.parameters.includes(x) || !s.sweep.parameters.includes(y)) {
        throw new Error(`a heatmap needs a sweep over two parameters (this one varies ${s.sweep.parameters.join(', ')})`);
      }
      const rows = heatRows(s.sweep, metric, x, y);
      const xOrder = sortedValues(rows.map((r) => r.x));
      const yOrder = sortedValues(rows.map((r) => r.y));
      const mt = metricTitle(metric);
      // "Throughput ..." but "p99 ...": percentile names keep their lower-case p.
      const lead = /^p\d/.test(mt) ? mt : `${mt.charAt(0).toUpperCase()}${mt.slice(1)}`;
      const title = options.title ?? `${lead} over ${shortName(x)} and ${shortName(y)}`;
      const best = metric === 'tps' ? 'highest' : 'lowest';
      const notes = [`${s.label}; outlined: the ${best}`, ...(rows.some((r) => r.collapsed) ? ['grey: collapsed, no transaction completed'] : [])];
      const spec = heatmapSpec(rows, metric, { x: shortName(x), y: shortName(y), xOrder, yOrder }, { title, subtitle: notes.join('; ') });
      const cell = (xv: unknown, yv: unknown): string => {
        const r = rows.find((q) => q.x === xv && q.y === yv);
        return r === undefined ? '-' : r.collapsed ? 'collapsed' : metric === 'tps' ? fmtCount(r.value) : fmtNum(r.value);
      };
      const t = table([[`${shortName(y)} \\ ${shortName(x)}`, ...xOrder.map(String)], ...(yOrder.every((v) => typeof v === 'number') ? [...yOrder].reverse() : yOrder).map((yv) => [String(yv), ...xOrder.map((xv) => cell(xv, yv))])], { indent: 0 });
      return { kind, title, spec, table: `${metricTitle(metric)}\n${t.join('\n')}` };
    }
  }
}

function percentileTable(results: readonly LabelledResult[], group: LatencyGroupName): string {
  const rows: string[][] = [['run', 'transaction', 'count', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max']];
  const line = (run: string, tx: string, s: LatencyStats): string[] => [
    run,
    tx,
    String(s.count),
    ...[s.mean, s.p50, s.p90, s.p99, s.p999, s.max].map(fmtMs),
  ];
  for (const { label, result } of results) {
    const g = result[group];
    rows.push(line(label, 'all', g.all));
    const types = Object.entries(g.byTransaction).filter(([, s]) => s.count > 0);
    if (types.length > 1) for (const [tx, s] of types) rows.push(line(label, tx, s));
  }
  return [`${GROUP_TITLES[group]} (ms)`, ...table(rows, { indent: 0, align: ['l', 'l'] })].join('\n');
}

function timelineTable(rows: ReturnType<typeof timelineRows>): string {
  const cols = [...new Set(rows.map((r) => `${r.result}: ${r.series}`))];
  const times = [...new Set(rows.map((r) => r.t))].sort((a, b) => a - b);
  const multi = new Set(rows.map((r) => r.result)).size > 1;
  const head = ['t (s)', ...cols.map((c) => (multi ? c : c.slice(c.indexOf(': ') + 2)))];
  const body = times.map((t) => [
    String(t),
    ...cols.map((c) => {
      const r = rows.find((q) => q.t === t && `${q.result}: ${q.series}` === c);
      return r === undefined ? '-' : fmtNum(r.value);
    }),
  ]);
  return table([head, ...body], { indent: 0 }).join('\n');
}

function sweepTable(rows: readonly SweepRow[], metrics: readonly SummaryField[], xName: string): string {
  const keys = [...new Set(rows.map((r) => `${r.series}\u0000${String(r.x)}`))];
  const body = keys.map((k) => {
    const [series, x] = k.split('\u0000');
    return [
      series,
      x,
      ...metrics.map((m) => {
        const r = rows.find((q) => q.series === series && String(q.x) === x && q.metric === m);
        if (r === undefined) return '-';
        if (r.collapsed && m !== 'tps' && m !== 'peakThreads' && m !== 'queueWaitMean') return 'collapsed';
        const v = m === 'tps' ? fmtRate(r.value) : fmtNum(r.value);
        return r.lo !== undefined && r.hi !== undefined ? `${v} [${fmtNum(r.lo)}, ${fmtNum(r.hi)}]` : v;
      }),
    ];
  });
  return table([['series', xName, ...metrics.map(metricTitle)], ...body], { indent: 0, align: ['l'] }).join('\n');
}

export type PlotFormat = 'vl.json' | 'svg' | 'png' | 'html';

/** The output format follows the file name's ending. */
export function formatOf(path: string): PlotFormat {
  const p = path.toLowerCase();
  if (p.endsWith('.vl.json')) return 'vl.json';
  if (p.endsWith('.svg')) return 'svg';
  if (p.endsWith('.png')) return 'png';
  if (p.endsWith('.html') || p.endsWith('.htm')) return 'html';
  throw new Error(`cannot tell the format of "${path}": end it with .vl.json, .svg, .png or .html`);
}

/** The file content for one format; html holds every chart, the others only the first. */
export async function renderCharts(charts: readonly Chart[], format: PlotFormat, pageTitle?: string): Promise<string | Uint8Array> {
  if (charts.length === 0) throw new Error('no chart to render');
  const first = charts[0];
  switch (format) {
    case 'vl.json':
      return `${JSON.stringify(first.spec, null, 2)}\n`;
    case 'svg':
      return toSvg(first.spec);
    case 'png':
      return svgToPng(await toSvg(first.spec));
    case 'html':
      return toHtml(charts, pageTitle ?? charts.map((c) => c.title).join(' | '));
  }
}

/**
 * A Jupyter display bundle: the vega-lite spec for front ends that render it (JupyterLab,
 * VS Code), a PNG for those that do not (classic Notebook, nbconvert HTML: SVG is sanitized away
 * there), and the table as text. `$schema` is left out: the v5 MIME type with a v6 URL may be refused.
 */
export async function displayBundle(c: Pick<Chart, 'title' | 'spec' | 'table'>): Promise<Record<string, unknown>> {
  const { $schema: _schema, ...spec } = c.spec as TopLevelSpec & { $schema?: string };
  const png = await svgToPng(await toSvg(c.spec));
  return {
    'application/vnd.vegalite.v5+json': spec,
    'image/png': Buffer.from(png).toString('base64'),
    'text/plain': `${c.title}\n${c.table}`,
  };
}

export function parseKind(s: string): PlotKind {
  if ((PLOT_KINDS as readonly string[]).includes(s)) return s as PlotKind;
  throw new Error(`unknown chart kind "${s}": one of ${PLOT_KINDS.join(', ')}`);
}

export function parseMetric(s: string): SummaryField {
  if (isSummaryField(s)) return s;
  throw new Error(`unknown metric "${s}"`);
}
