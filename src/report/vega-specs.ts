import type { TopLevelSpec } from 'vega-lite';
import { fmtCount, fmtMs } from './format.js';
import type { CdfRow, HeatRow, LadderRow, SplitRow, SweepRow, TimelineRow, WaitRow } from './plot-data.js';
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

/**
 * Tick values for a log axis over [lo, hi]: decades, or 1-2-5 steps when the range is short,
 * plus each end (to 2 digits, rounded inwards) when no tick is near it: a 2..16 axis reads
 * 2, 5, 10, 16, not 2, 5, 10 with its top unlabelled.
 */
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
  // A short range may hold no round value at all: its ends label the axis.
  if (out.length < 2) {
    const ends = [round2(lo, Math.ceil), round2(hi, Math.floor)];
    // So narrow that the rounded ends cross (or meet): one label, the value itself.
    return ends[0] < ends[1] ? ends : [lo];
  }
  // Ends within a factor 1.4 of a tick would crowd its label.
  const far = (v: number): boolean => out.every((t) => Math.max(t / v, v / t) >= 1.4);
  const first = round2(lo, Math.ceil);
  const last = round2(hi, Math.floor);
  return [...(far(first) ? [first] : []), ...out, ...(far(last) ? [last] : [])];
}

/** x to 2 significant digits, rounded by `dir` (Math.ceil: up, Math.floor: down). */
function round2(x: number, dir: (v: number) => number): number {
  const unit = 10 ** (Math.floor(Math.log10(x)) - 1);
  return +(dir(x / unit - (dir === Math.ceil ? 1e-9 : -1e-9)) * unit).toPrecision(12);
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

/**
 * Wait by queue: a bar for the mean wait, a tick for p99 (both over all visits, zeros included),
 * P(wait) in the row's label, so that a queue most visitors pass straight through reads apart
 * from one where all wait a little.
 */
export function waitsSpec(rows: readonly WaitRow[], text: ChartText): TopLevelSpec {
  const multi = isMulti(rows);
  const values = rows.map((r) => ({ ...r, row: `${multi ? `${r.result}: ` : ''}${r.queue}, P(wait) ${(r.pWait * 100).toFixed(1)}%` }));
  const order = [...new Set(values.map((v) => v.row))];
  const tooltip = [
    { field: 'row', title: 'queue' },
    { field: 'visits', format: ',' },
    { field: 'pWait', title: 'P(wait)', format: '.1%' },
    { field: 'mean', title: 'mean wait (ms)', format: '.4~g' },
    { field: 'p99', title: 'p99 wait (ms)', format: '.4~g' },
  ];
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
        mark: { type: 'bar', height: { band: 0.6 }, color: '#4c78a8' },
        encoding: {
          x: { field: 'mean', type: 'quantitative', axis: { title: 'wait (ms): bar mean, tick p99, over all visits' } },
          tooltip,
        },
      },
      {
        mark: { type: 'tick', color: '#e4572e', thickness: 3 },
        encoding: { x: { field: 'p99', type: 'quantitative' }, tooltip },
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

/** Metrics of transaction latency: undefined where no transaction completed (a collapsed point). */
const TX_LATENCY: ReadonlySet<SummaryField> = new Set(['p50', 'p95', 'p99', 'p999', 'mean']);

/** The mark and note of a collapsed point (no transaction completed). */
export const COLLAPSED_COLOR = '#c0392b';
export const COLLAPSED_NOTE = '× collapsed: no transaction completed, so no latency';

/** The values in the order the rows give them (sweepRows sorts: numbers numerically). */
function orderOf<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/**
 * Numbers go on a numeric axis, on a log scale when they spread over a factor 8 or more
 * (connections 16..1024), every value a labelled tick (so both ends are); one value gets a
 * little room either side. Anything else is ordinal, in the sweep's order.
 */
function xEncoding(values: readonly SweepValue[], title: string): Record<string, unknown> {
  if (!values.every((v) => typeof v === 'number')) return { field: 'x', type: 'ordinal', title, sort: orderOf(values), axis: { labelAngle: 0 } };
  const ticks = [...new Set(values as number[])].sort((a, b) => a - b);
  const [lo, hi] = [ticks[0], ticks[ticks.length - 1]];
  const log = lo > 0 && hi / lo >= 8;
  const scale = log
    ? { type: 'log', nice: false, domain: [lo, hi] }
    : lo === hi
      ? { type: 'linear', nice: false, zero: false, domain: lo > 0 ? [lo / 2, lo * 1.5] : [lo - 1, lo + 1] }
      : { type: 'linear', nice: false, zero: false, domain: [lo, hi] };
  return { field: 'x', type: 'quantitative', title, scale, axis: { values: ticks, format: '~g', labelFlush: false } };
}

/**
 * One metric against the x parameter, one line per series, with its 95% CI as a band and error
 * bars where points have one. A collapsed point has no latency: it leaves the latency lines and
 * is marked with a red × at the top of the panel (in the throughput panel, at its true 0).
 */
function metricPanel(rows: readonly SweepRow[], metric: SummaryField, xTitle: string, width: number, series: readonly string[]): Record<string, unknown> {
  const mine = rows.filter((r) => r.metric === metric);
  const undefinedWhenCollapsed = TX_LATENCY.has(metric);
  const live = mine.filter((r) => !(r.collapsed && undefinedWhenCollapsed));
  const log = LOG_METRICS.has(metric) && live.length > 0 && live.every((r) => r.value > 0);
  const spread = live.flatMap((r) => [r.value, r.lo ?? r.value, r.hi ?? r.value]);
  // A CI reaching 0 or below cannot be drawn on a log axis: the band is clipped at the bottom.
  let [lo, hi] = range(spread.filter((v) => (log ? v > 0 : v >= 0)));
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  // One value (a one-point sweep): room around it, and it alone labelled.
  const single = lo === hi ? [+lo.toPrecision(3)] : undefined;
  if (log && lo === hi) [lo, hi] = [lo / 2, hi * 2];
  const values = mine.map((r) => ({
    ...r,
    hidden: r.collapsed && undefinedWhenCollapsed,
    note: r.collapsed ? `${xTitle}=${String(r.x)}, ${r.series}: collapsed, no transaction completed` : '',
    markY: r.collapsed ? (undefinedWhenCollapsed ? hi : r.value) : null,
    // Every metric is >= 0: a t interval reaching below 0 is drawn to 0 (on a log axis, to its bottom).
    bandLo: r.lo === undefined || (r.collapsed && undefinedWhenCollapsed) ? null : Math.max(r.lo, log ? lo : 0),
    bandHi: r.hi === undefined || (r.collapsed && undefinedWhenCollapsed) ? null : r.hi,
  }));
  const x = xEncoding(mine.map((r) => r.x), xTitle);
  const scale = log ? { type: 'log', nice: false, domain: [lo, hi] } : { zero: metric === 'tps' || lo === hi };
  const y = {
    field: 'value',
    type: 'quantitative',
    title: metricTitle(metric),
    scale,
    ...(log ? { axis: { values: single ?? logTicks(lo, hi), format: '~g' } } : {}),
  };
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain: [...series], range: PALETTE } };
  const layers: Array<Record<string, unknown>> = [];
  if (values.some((r) => r.bandLo !== null)) {
    const band = { field: 'bandLo', type: 'quantitative', title: metricTitle(metric), scale };
    // The band shows the trend of the interval, the bars each point's own (visible when narrow).
    layers.push({
      transform: [{ filter: 'isValid(datum.bandLo)' }],
      mark: { type: 'area', opacity: 0.3 },
      encoding: { x, y: band, y2: { field: 'bandHi' }, color },
    });
    layers.push({
      transform: [{ filter: 'isValid(datum.bandLo)' }],
      mark: { type: 'rule', strokeWidth: 1.5 },
      encoding: { x, y: band, y2: { field: 'bandHi' }, color },
    });
  }
  layers.push({
    transform: [{ filter: '!datum.hidden' }],
    mark: { type: 'line', point: { filled: true, size: 40 }, strokeWidth: 1.8 },
    encoding: {
      x,
      y,
      color,
      tooltip: [
        { field: 'series', title: 'series' },
        { field: 'x', title: xTitle },
        { field: 'value', title: metricTitle(metric), format: '.4~g' },
        // Without replications there is no interval: no "NaN" in the tooltip.
        ...(mine.some((r) => r.lo !== undefined)
          ? [
              { field: 'lo', title: 'CI 95% low', format: '.4~g' },
              { field: 'hi', title: 'CI 95% high', format: '.4~g' },
            ]
          : []),
      ],
    },
  });
  if (values.some((r) => r.collapsed)) {
    const my = { ...y, field: 'markY' };
    layers.push({
      transform: [{ filter: 'datum.collapsed' }],
      mark: { type: 'point', shape: 'cross', angle: 45, size: 160, filled: true, color: COLLAPSED_COLOR, opacity: 1 },
      encoding: {
        x,
        y: my,
        // Its height is only a place to draw it: the description says what it is.
        description: { field: 'note' },
        tooltip: [
          { field: 'series', title: 'series' },
          { field: 'x', title: xTitle },
          { field: 'note', title: 'note' },
        ],
      },
    });
    layers.push({
      transform: [{ filter: 'datum.collapsed' }],
      mark: { type: 'text', text: 'collapsed', color: COLLAPSED_COLOR, fontSize: 10, baseline: undefinedWhenCollapsed ? 'top' : 'bottom', dy: undefinedWhenCollapsed ? 9 : -9 },
      encoding: { x, y: my, description: { field: 'note' } },
    });
  }
  return { width, height: 260, data: { values }, layer: layers };
}

/** Throughput and p99 (or other metrics) against the varied parameter, side by side. */
export function sweepSpec(rows: readonly SweepRow[], metrics: readonly SummaryField[], xTitle: string, text: ChartText): TopLevelSpec {
  const series = orderOf(rows.map((r) => r.series));
  return {
    ...top(text),
    hconcat: metrics.map((m) => metricPanel(rows, m, xTitle, metrics.length > 1 ? 330 : 560, series)),
    resolve: { scale: { color: 'shared' } },
    config: { ...CONFIG, legend: { ...CONFIG.legend, orient: 'bottom', direction: 'horizontal', columns: 3 } },
  } as unknown as TopLevelSpec;
}

/**
 * A metric over two parameters; the best cell (lowest latency, highest throughput) is outlined.
 * Collapsed cells (no transaction completed) are grey and say so: outside the colour scale and
 * never the best, whatever their stored 0 would suggest.
 */
export function heatmapSpec(
  rows: readonly HeatRow[],
  metric: SummaryField,
  axes: { x: string; y: string; xOrder: SweepValue[]; yOrder: SweepValue[] },
  text: ChartText,
): TopLevelSpec {
  const higherIsBetter = metric === 'tps';
  const live = rows.filter((r) => !r.collapsed);
  const log = LOG_METRICS.has(metric) && live.length > 0 && live.every((r) => r.value > 0);
  const [lo, hi] = range(live.map((r) => r.value));
  const best = higherIsBetter ? hi : lo;
  // Text over the darker half of the colour scale is white (both schemes darken with the value).
  const mid = log ? Math.sqrt(lo * hi) : (lo + hi) / 2;
  const cellW = Math.max(44, Math.min(90, 560 / Math.max(1, axes.xOrder.length)));
  const cellH = Math.max(26, Math.min(60, 320 / Math.max(1, axes.yOrder.length)));
  const values = rows.map((r) => ({
    ...r,
    xs: String(r.x),
    ys: String(r.y),
    label: r.collapsed ? (cellW >= 60 ? 'collapsed' : '×') : metric === 'tps' || metric === 'peakThreads' ? fmtCount(r.value) : fmtMs(r.value),
    dark: !r.collapsed && r.value > mid,
    note: r.collapsed ? 'collapsed: no transaction completed' : '',
    best: !r.collapsed && r.value === best,
  }));
  const x = { field: 'xs', type: 'ordinal', sort: axes.xOrder.map(String), title: axes.x, axis: { labelAngle: 0 } };
  // Numbers grow upwards; categories read top-down in the sweep's order.
  const yNumeric = axes.yOrder.every((v) => typeof v === 'number');
  const y = { field: 'ys', type: 'ordinal', sort: (yNumeric ? [...axes.yOrder].reverse() : axes.yOrder).map(String), title: axes.y };
  const layers: Array<Record<string, unknown>> = [];
  if (live.length > 0) {
    layers.push({
      transform: [{ filter: '!datum.collapsed' }],
      mark: { type: 'rect' },
      encoding: {
        color: {
          field: 'value',
          type: 'quantitative',
          title: metricTitle(metric),
          scale: { type: log ? 'log' : 'linear', scheme: higherIsBetter ? 'greens' : 'orangered' },
          // One value has no gradient to read: its cell label says it all.
          legend:
            lo === hi
              ? null
              : { format: higherIsBetter ? ',.0f' : '.3~g', ...(log ? { values: logTicks(lo, hi) } : {}), gradientLength: Math.max(120, cellH * axes.yOrder.length) },
        },
        tooltip: [
          { field: 'xs', title: axes.x },
          { field: 'ys', title: axes.y },
          { field: 'value', title: metricTitle(metric), format: '.4~g' },
        ],
      },
    });
  }
  if (live.length < rows.length) {
    layers.push({
      transform: [{ filter: 'datum.collapsed' }],
      mark: { type: 'rect', fill: '#d9d9d9' },
      encoding: {
        tooltip: [
          { field: 'xs', title: axes.x },
          { field: 'ys', title: axes.y },
          { field: 'note', title: 'note' },
        ],
      },
    });
  }
  layers.push(
    {
      transform: [{ filter: 'datum.best' }],
      mark: { type: 'rect', fill: null, stroke: 'black', strokeWidth: 2.5 },
    },
    {
      mark: { type: 'text', fontSize: 11 },
      encoding: {
        text: { field: 'label' },
        color: { condition: [{ test: 'datum.collapsed', value: COLLAPSED_COLOR }, { test: 'datum.dark', value: 'white' }], value: 'black' },
      },
    },
  );
  return {
    ...top(text),
    width: { step: cellW },
    height: { step: cellH },
    data: { values },
    encoding: { x, y },
    layer: layers,
  } as unknown as TopLevelSpec;
}

const PANELS: TimelineRow['panel'][] = ['throughput (tps)', 'queued (connections)', 'threads'];

/**
 * Count axis labels, each formatted alone: "400k" but "0" (d3's shared SI prefix gives "0k") and
 * "0.5" (plain "~s" gives "500m"); an all-zero panel gets a 0..1 domain, as [0, 0] labels NaN.
 */
const COUNT_LABEL = "abs(datum.value) >= 1000 ? format(datum.value, '.3~s') : format(datum.value, '~g')";

/** Throughput, queue lengths and threads per second of the measured window, one panel each. */
export function timelineSpec(rows: readonly TimelineRow[], text: ChartText): TopLevelSpec {
  const multi = isMulti(rows);
  const values = rows.map((r) => ({ ...r, line: multi ? `${r.result}: ${r.series}` : r.series }));
  // Legend in panel order (tps, queues, threads), not alphabetical.
  const lines = [...new Set(values.map((v) => v.line))];
  const tMax = Math.max(1, ...rows.map((r) => r.t));
  const panels = PANELS.filter((p) => rows.some((r) => r.panel === p));
  return {
    ...top(text),
    vconcat: panels.map((panel, i) => {
      const mine = values.filter((v) => v.panel === panel);
      const max = Math.max(0, ...mine.map((v) => v.value));
      return {
        title: { text: panel, anchor: 'start', frame: 'group', fontSize: 12, fontWeight: 'bold' },
        width: 560,
        height: 120,
        data: { values: mine },
        mark: { type: 'line', point: { size: 18 }, strokeWidth: 1.6 },
        encoding: {
          x: {
            field: 't',
            type: 'quantitative',
            // Every panel spans the same seconds, so they line up; the title only under the last.
            scale: { domain: [0, tMax], nice: false },
            title: i === panels.length - 1 ? 'seconds after warm-up' : null,
            axis: { format: '~g', tickMinStep: 1 },
          },
          y: {
            field: 'value',
            type: 'quantitative',
            title: null,
            scale: { domain: [0, max > 0 ? max : 1], nice: true },
            // Counts: no ticks between integers (an all-zero panel reads 0 and 1, not 0.2 steps).
            axis: { labelExpr: COUNT_LABEL, tickCount: 4, tickMinStep: 1 },
          },
          color: { field: 'line', type: 'nominal', title: null, scale: { domain: lines, range: PALETTE } },
          tooltip: [
            { field: 'line', title: 'series' },
            { field: 't', title: 's' },
            { field: 'value', format: ',.4~g' },
          ],
        },
      };
    }),
    resolve: { scale: { color: 'shared', y: 'independent' } },
  } as unknown as TopLevelSpec;
}
