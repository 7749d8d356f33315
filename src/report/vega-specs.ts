import type { TopLevelSpec } from 'vega-lite';
import { fmtCount, fmtMs } from './format.js';
import type { CdfRow, HeatRow, LadderRow, SplitRow, SweepRow, TimelineRow } from './plot-data.js';
import type { SummaryField, SweepValue } from './sweep-file.js';

/**
 * vega-lite specs for tpsim's charts, from the tidy rows of plot-data.ts. Every spec carries its
 * data inline (no URLs: the HTML output must work offline) and the same look: DejaVu Sans (the
 * font the PNG renderer embeds), white background (PNGs are otherwise transparent), explicit
 * tick values on log axes (vega labels every 1..9 tick otherwise, which overlap).
 */

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
export const FONT = 'DejaVu Sans';

const CONFIG = {
  font: FONT,
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e8e8e8' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 15, subtitleFontSize: 12, anchor: 'start', subtitleColor: '#555', offset: 12 },
  view: { stroke: '#ccc' },
} as const;

export interface ChartText {
  title: string;
  subtitle?: string;
}

function top(text: ChartText): Pick<TopLevelSpec, '$schema' | 'title' | 'background' | 'padding' | 'config'> {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: text.subtitle ? { text: text.title, subtitle: text.subtitle } : { text: text.title },
    background: 'white',
    padding: 12,
    config: CONFIG,
  };
}

/** Tick values for a log axis over [lo, hi]: decades, or 1-2-5 steps when the range is short. */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi > 0)) return [];
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const steps = b - a <= 3 ? [1, 2, 5] : [1];
  const out: number[] = [];
  for (let e = a; e <= b; e++) {
    for (const s of steps) {
      const v = +(s * 10 ** e).toPrecision(12);
      if (v >= lo / 1.001 && v <= hi * 1.001) out.push(v);
    }
  }
  // A short range may hold no round value at all: keep its ends so the axis is labelled.
  return out.length >= 2 ? out : [+lo.toPrecision(2), +hi.toPrecision(2)];
}

function range(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#b279a2', '#e45756', '#72b7b2', '#eeca3b', '#9d755d', '#bab0ac'];

/**
 * Several runs: colour tells the run, dashes the transaction type ("all" solid); one run: colour
 * tells the type, "all" in dark grey so the types stand out against it.
 */
function seriesEncoding(rows: ReadonlyArray<{ result: string; tx: string }>): Record<string, unknown> {
  const txs = [...new Set(rows.map((r) => r.tx))].sort((a, b) => (a === 'all' ? -1 : b === 'all' ? 1 : 0));
  if (isMulti(rows)) {
    return {
      color: { field: 'result', type: 'nominal', title: 'run', scale: { range: PALETTE } },
      strokeDash: { field: 'tx', type: 'nominal', title: 'transaction', scale: { domain: txs, range: [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3]] } },
    };
  }
  const hasAll = txs[0] === 'all';
  return {
    color: {
      field: 'tx',
      type: 'nominal',
      title: 'transaction',
      scale: { domain: txs, range: hasAll ? ['#333333', ...PALETTE] : PALETTE },
    },
  };
}

function isMulti(rows: ReadonlyArray<{ result: string }>): boolean {
  return new Set(rows.map((r) => r.result)).size > 1;
}

/** Latency CDF: fraction of transactions at or below each latency, log latency axis. */
export function cdfSpec(rows: readonly CdfRow[], text: ChartText): TopLevelSpec {
  const [lo, hi] = range(rows.map((r) => r.ms));
  return {
    ...top(text),
    width: 560,
    height: 300,
    data: { values: [...rows] },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.8 },
    encoding: {
      x: {
        field: 'ms',
        type: 'quantitative',
        scale: { type: 'log', nice: false, domain: [lo, hi] },
        axis: { title: 'latency (ms, log scale)', values: logTicks(lo, hi), format: '~g' },
      },
      y: { field: 'fraction', type: 'quantitative', scale: { domain: [0, 1] }, axis: { title: 'fraction at or below', format: '%' } },
      ...seriesEncoding(rows),
      tooltip: [
        { field: 'result', title: 'run' },
        { field: 'tx', title: 'transaction' },
        { field: 'ms', title: 'latency (ms)', format: '.4~g' },
        { field: 'fraction', title: 'fraction', format: '.4~%' },
      ],
    },
  } as TopLevelSpec;
}

/** Percentile ladder: latency against p50, p90, p99, p99.9... (x in "nines"), both axes log-like. */
export function ladderSpec(rows: readonly LadderRow[], text: ChartText): TopLevelSpec {
  const [lo, hi] = range(rows.map((r) => r.ms));
  const maxNines = Math.max(1, ...rows.map((r) => r.nines));
  // p50 (0.301) and each nine; 0 (the minimum) is not labelled, it would crowd p50.
  const xTicks = [0.30103, ...Array.from({ length: Math.floor(maxNines + 1e-9) }, (_, i) => i + 1)];
  const enc = {
    x: {
      field: 'nines',
      type: 'quantitative',
      scale: { domain: [0, Math.ceil(maxNines * 10) / 10], nice: false },
      axis: {
        title: 'percentile',
        values: xTicks,
        // x = -log10(1 - p): 1 -> 90%, 2 -> 99%, 3 -> 99.9%.
        labelExpr: "format(100 - 100 * pow(10, -datum.value), '.4~f') + '%'",
      },
    },
    y: {
      field: 'ms',
      type: 'quantitative',
      scale: { type: 'log', nice: false, domain: [lo, hi] },
      axis: { title: 'latency (ms, log scale)', values: logTicks(lo, hi), format: '~g' },
    },
    ...seriesEncoding(rows),
  };
  return {
    ...top(text),
    width: 560,
    height: 300,
    data: { values: [...rows] },
    encoding: enc,
    layer: [
      { mark: { type: 'line', strokeWidth: 1.8 } },
      {
        transform: [{ filter: 'datum.named' }],
        mark: { type: 'point', filled: true, size: 36 },
        encoding: {
          // Points take the colour of their line; dashes do not apply to points.
          strokeDash: null,
          tooltip: [
            { field: 'result', title: 'run' },
            { field: 'tx', title: 'transaction' },
            { field: 'percentile', title: 'percentile', format: '.5~f' },
            { field: 'ms', title: 'latency (ms)', format: '.4~g' },
          ],
        },
      },
    ],
  } as TopLevelSpec;
}

/** Where a statement's time goes: mean queue wait vs mean execution per statement, by type. */
export function splitSpec(rows: readonly SplitRow[], text: ChartText): TopLevelSpec {
  const multi = isMulti(rows);
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(`${r.result}\u0000${r.tx}`, (totals.get(`${r.result}\u0000${r.tx}`) ?? 0) + r.ms);
  const values = rows.map((r) => ({
    ...r,
    row: `${multi ? `${r.result}: ` : ''}${r.tx} (${fmtMs(totals.get(`${r.result}\u0000${r.tx}`) ?? 0)} ms)`,
    label: r.share >= 0.14 ? `${fmtMs(r.ms)} ms` : '',
    mid: (r.start + r.end) / 2,
  }));
  const order = [...new Set(values.map((v) => v.row))];
  return {
    ...top(text),
    width: 520,
    height: { step: 30 },
    data: { values },
    encoding: {
      y: { field: 'row', type: 'nominal', sort: order, axis: { title: null, labelLimit: 480 } },
    },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.75 } },
        encoding: {
          x: { field: 'start', type: 'quantitative', scale: { domain: [0, 1] }, axis: { title: 'share of the mean statement time at the server', format: '%' } },
          x2: { field: 'end' },
          color: {
            field: 'phase',
            type: 'nominal',
            title: null,
            scale: { domain: ['queue wait', 'execution'], range: ['#e4572e', '#4c78a8'] },
            legend: { orient: 'top' },
          },
          tooltip: [
            { field: 'row', title: 'run / transaction' },
            { field: 'phase' },
            { field: 'ms', title: 'mean (ms)', format: '.4~g' },
            { field: 'share', format: '.1%' },
          ],
        },
      },
      {
        mark: { type: 'text', color: 'white', fontSize: 11 },
        encoding: { x: { field: 'mid', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  } as TopLevelSpec;
}

const METRIC_TITLES: Record<SummaryField, string> = {
  tps: 'throughput (tps)',
  p50: 'p50 latency (ms)',
  p95: 'p95 latency (ms)',
  p99: 'p99 latency (ms)',
  p999: 'p99.9 latency (ms)',
  mean: 'mean latency (ms)',
  queueWaitMean: 'mean queue wait (ms)',
  peakThreads: 'peak threads',
};

export function metricTitle(m: SummaryField): string {
  return METRIC_TITLES[m];
}

const LOG_METRICS: ReadonlySet<SummaryField> = new Set(['p50', 'p95', 'p99', 'p999', 'mean', 'queueWaitMean']);

/** Numbers spread over more than a factor 8 read best on a log axis (connections 16..1024). */
function xScaleOf(values: readonly SweepValue[]): { type: 'quantitative' | 'ordinal'; log: boolean; ticks?: number[] } {
  if (!values.every((v) => typeof v === 'number')) return { type: 'ordinal', log: false };
  const nums = values as number[];
  const [lo, hi] = range(nums);
  const log = lo > 0 && hi / lo >= 8;
  return { type: 'quantitative', log, ticks: [...new Set(nums)].sort((a, b) => a - b) };
}

/** One metric against the x parameter, one line per series, with a CI band where points have one. */
function metricPanel(rows: readonly SweepRow[], metric: SummaryField, xTitle: string, width: number): Record<string, unknown> {
  const mine = rows.filter((r) => r.metric === metric);
  const xs = xScaleOf(mine.map((r) => r.x));
  const log = LOG_METRICS.has(metric) && mine.every((r) => r.value > 0);
  const [lo, hi] = range(mine.flatMap((r) => [r.value, r.lo ?? r.value, r.hi ?? r.value]));
  const x = {
    field: 'x',
    type: xs.type,
    title: xTitle,
    ...(xs.type === 'quantitative'
      ? { scale: xs.log ? { type: 'log', nice: false } : { type: 'linear', nice: false, zero: false }, axis: { values: xs.ticks, format: '~g' } }
      : {}),
  };
  const y = {
    field: 'value',
    type: 'quantitative',
    title: metricTitle(metric),
    scale: log ? { type: 'log', nice: false, domain: [lo, hi] } : { zero: metric === 'tps' },
    ...(log ? { axis: { values: logTicks(lo, hi), format: '~g' } } : {}),
  };
  const color = { field: 'series', type: 'nominal', title: null };
  const layers: Array<Record<string, unknown>> = [];
  if (mine.some((r) => r.lo !== undefined)) {
    layers.push({
      transform: [{ filter: 'isValid(datum.lo)' }],
      mark: { type: 'errorband', opacity: 0.25 },
      encoding: { x, y: { field: 'lo', type: 'quantitative', title: metricTitle(metric) }, y2: { field: 'hi' }, color },
    });
  }
  layers.push({
    mark: { type: 'line', point: { filled: true, size: 40 }, strokeWidth: 1.8 },
    encoding: {
      x,
      y,
      color,
      tooltip: [
        { field: 'series', title: 'series' },
        { field: 'x', title: xTitle },
        { field: 'value', title: metricTitle(metric), format: '.4~g' },
        { field: 'lo', title: 'CI 95% low', format: '.4~g' },
        { field: 'hi', title: 'CI 95% high', format: '.4~g' },
      ],
    },
  });
  return { width, height: 260, data: { values: mine }, layer: layers };
}

/** Throughput and p99 (or other metrics) against the varied parameter, side by side. */
export function sweepSpec(rows: readonly SweepRow[], metrics: readonly SummaryField[], xTitle: string, text: ChartText): TopLevelSpec {
  return {
    ...top(text),
    hconcat: metrics.map((m) => metricPanel(rows, m, xTitle, metrics.length > 1 ? 330 : 560)),
    resolve: { scale: { color: 'shared' } },
    config: { ...CONFIG, legend: { ...CONFIG.legend, orient: 'bottom', direction: 'horizontal', columns: 3 } },
  } as unknown as TopLevelSpec;
}

/** A metric over two parameters; the best cell (lowest latency, highest throughput) is outlined. */
export function heatmapSpec(
  rows: readonly HeatRow[],
  metric: SummaryField,
  axes: { x: string; y: string; xOrder: SweepValue[]; yOrder: SweepValue[] },
  text: ChartText,
): TopLevelSpec {
  const higherIsBetter = metric === 'tps';
  const log = LOG_METRICS.has(metric) && rows.every((r) => r.value > 0);
  const [lo, hi] = range(rows.map((r) => r.value));
  const best = higherIsBetter ? hi : lo;
  // Text over the darker half of the colour scale is white (both schemes darken with the value).
  const mid = log ? Math.sqrt(lo * hi) : (lo + hi) / 2;
  const values = rows.map((r) => ({
    ...r,
    xs: String(r.x),
    ys: String(r.y),
    label: metric === 'tps' || metric === 'peakThreads' ? fmtCount(r.value) : fmtMs(r.value),
    dark: r.value > mid,
    best: r.value === best,
  }));
  const cellW = Math.max(44, Math.min(90, 560 / Math.max(1, axes.xOrder.length)));
  const cellH = Math.max(26, Math.min(60, 320 / Math.max(1, axes.yOrder.length)));
  const x = { field: 'xs', type: 'ordinal', sort: axes.xOrder.map(String), title: axes.x, axis: { labelAngle: 0 } };
  const y = { field: 'ys', type: 'ordinal', sort: axes.yOrder.map(String).reverse(), title: axes.y };
  return {
    ...top(text),
    width: { step: cellW },
    height: { step: cellH },
    data: { values },
    encoding: { x, y },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: {
            field: 'value',
            type: 'quantitative',
            title: metricTitle(metric),
            scale: { type: log ? 'log' : 'linear', scheme: higherIsBetter ? 'greens' : 'orangered' },
            legend: { format: higherIsBetter ? ',.0f' : '.3~g', ...(log ? { values: logTicks(lo, hi) } : {}), gradientLength: Math.max(120, cellH * axes.yOrder.length) },
          },
          tooltip: [
            { field: 'xs', title: axes.x },
            { field: 'ys', title: axes.y },
            { field: 'value', title: metricTitle(metric), format: '.4~g' },
          ],
        },
      },
      {
        transform: [{ filter: 'datum.best' }],
        mark: { type: 'rect', fill: null, stroke: 'black', strokeWidth: 2.5 },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          text: { field: 'label' },
          color: { condition: { test: 'datum.dark', value: 'white' }, value: 'black' },
        },
      },
    ],
  } as TopLevelSpec;
}

const PANELS: TimelineRow['panel'][] = ['throughput (tps)', 'queued (connections)', 'threads'];

/** Throughput, queue lengths and threads per second of the measured window, one panel each. */
export function timelineSpec(rows: readonly TimelineRow[], text: ChartText): TopLevelSpec {
  const multi = isMulti(rows);
  const values = rows.map((r) => ({ ...r, line: multi ? `${r.result}: ${r.series}` : r.series }));
  // Legend in panel order (tps, queues, threads), not alphabetical.
  const lines = [...new Set(values.map((v) => v.line))];
  return {
    ...top(text),
    data: { values },
    facet: {
      row: {
        field: 'panel',
        type: 'nominal',
        sort: PANELS.filter((p) => rows.some((r) => r.panel === p)),
        title: null,
        header: { labelOrient: 'top', labelAnchor: 'start', labelAngle: 0, labelFontWeight: 'bold', labelPadding: 4 },
      },
    },
    spec: {
      width: 560,
      height: 120,
      mark: { type: 'line', point: { size: 18 }, strokeWidth: 1.6 },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'seconds after warm-up', axis: { format: '~g', tickMinStep: 1 } },
        y: { field: 'value', type: 'quantitative', title: null, axis: { format: '~s' } },
        color: { field: 'line', type: 'nominal', title: null, scale: { domain: lines, range: PALETTE } },
        tooltip: [
          { field: 'line', title: 'series' },
          { field: 't', title: 's' },
          { field: 'value', format: ',.4~g' },
        ],
      },
    },
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec;
}
