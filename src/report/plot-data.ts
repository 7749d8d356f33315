import * as hdr from 'hdr-histogram-js';
import type { EncodedHistogramGroup, LatencyGroup, RunResult } from '../run/result.js';
import { STATION_TITLES, STATIONS } from '../stats/queue-wait.js';
import { SUMMARY_FIELDS, type SummaryField, type SweepFile, type SweepValue } from './sweep-file.js';
import { chartedRates } from './timeline.js';

/**
 * Tidy rows for the charts, computed from result and sweep files. Kept apart from the vega-lite
 * specs so the rows also give each chart's text table and can be tested without rendering.
 */

/** A result with the name it goes by in legends. */
export interface LabelledResult {
  label: string;
  result: RunResult;
}

export type LatencyGroupName = 'latency' | 'queueWait' | 'execution';

/** Values are recorded in ns (see LatencyRecorder); charts use ms. */
const NS_PER_MS = 1e6;

/**
 * Decodes with the JS implementation: only it has the recorded-values iterator, and it needs no
 * WebAssembly instance to free afterwards.
 */
function decode(base64: string): hdr.JsHistogram {
  const h = hdr.decodeFromCompressedBase64(base64, 64, false);
  if (!(h instanceof hdr.JsHistogram)) throw new Error('hdr-histogram-js decoded into an unexpected type');
  return h;
}

/** Series of one latency group: "all" plus each transaction type that ran. */
function groupSeries(r: RunResult, group: LatencyGroupName): Array<{ tx: string; encoded: string; count: number }> {
  const enc: EncodedHistogramGroup | undefined = r.histograms?.[group];
  if (enc === undefined) {
    throw new Error(`result "${r.scenario.name}" has no histograms (written by an older tpsim): run it again to plot distributions`);
  }
  const stats: LatencyGroup = r[group];
  const out = [{ tx: 'all', encoded: enc.all, count: stats.all.count }];
  // "all" repeats the only type of a one-type scenario; with several, every type that ran.
  const types = Object.entries(enc.byTransaction).filter(([tx]) => (stats.byTransaction[tx]?.count ?? 0) > 0);
  if (Object.keys(enc.byTransaction).length > 1) for (const [tx, e] of types) out.push({ tx, encoded: e, count: stats.byTransaction[tx].count });
  return out.filter((s) => s.count > 0);
}

export interface CdfRow {
  result: string;
  tx: string;
  ms: number;
  fraction: number;
}

/**
 * The empirical CDF at each recorded bucket, thinned to about 200 points per series on a log
 * grid (a bucket is kept when latency moved by 1% of a decade or the fraction by 0.5%).
 */
export function cdfRows(results: readonly LabelledResult[], group: LatencyGroupName = 'latency'): CdfRow[] {
  const rows: CdfRow[] = [];
  for (const { label, result } of results) {
    for (const s of groupSeries(result, group)) {
      const h = decode(s.encoded);
      const total = h.totalCount;
      const it = h.recordedValuesIterator;
      it.reset();
      let lastLog = -Infinity;
      let lastF = -1;
      let pending: CdfRow | undefined;
      while (it.hasNext()) {
        const v = it.next();
        const ms = h.highestEquivalentValue(v.valueIteratedTo) / NS_PER_MS;
        if (ms <= 0) continue;
        const row = { result: label, tx: s.tx, ms: round4(ms), fraction: round6(v.totalCountToThisValue / total) };
        if (Math.log10(ms) - lastLog >= 0.01 || row.fraction - lastF >= 0.005) {
          rows.push(row);
          lastLog = Math.log10(ms);
          lastF = row.fraction;
          pending = undefined;
        } else pending = row;
      }
      if (pending !== undefined) rows.push(pending);
    }
  }
  return rows;
}

export interface LadderRow {
  result: string;
  tx: string;
  /** -log10(1 - p): 1 is p90, 2 is p99, 3 is p99.9. */
  nines: number;
  percentile: number;
  ms: number;
  /** A named percentile (p50, p90, p99, ...), drawn as a point. */
  named: boolean;
}

const NAMED = [50, 90, 99, 99.9, 99.99, 99.999];

/**
 * The percentile ladder: latency at p = 1 - 10^-nines on a fine grid, up to the nines the sample
 * size supports (log10 of the count), plus the named percentiles.
 */
export function ladderRows(results: readonly LabelledResult[], group: LatencyGroupName = 'latency'): LadderRow[] {
  const rows: LadderRow[] = [];
  for (const { label, result } of results) {
    for (const s of groupSeries(result, group)) {
      const h = decode(s.encoded);
      const maxNines = Math.max(0.3, Math.log10(s.count));
      const grid = new Set<number>();
      for (let k = 0; k <= maxNines + 1e-9; k += 0.05) grid.add(round6(k));
      const named = new Set(NAMED.filter((p) => -Math.log10(1 - p / 100) <= maxNines + 1e-9).map((p) => round6(-Math.log10(1 - p / 100))));
      for (const n of named) grid.add(n);
      for (const nines of [...grid].sort((a, b) => a - b)) {
        const percentile = 100 * (1 - 10 ** -nines);
        const ms = h.getValueAtPercentile(percentile) / NS_PER_MS;
        if (ms <= 0) continue;
        rows.push({ result: label, tx: s.tx, nines, percentile: round6(percentile), ms: round4(ms), named: named.has(nines) });
      }
    }
  }
  return rows;
}

export interface SplitRow {
  result: string;
  tx: string;
  phase: 'queue wait' | 'execution';
  /** Mean per statement, ms. */
  ms: number;
  share: number;
  /** Stacked position of the segment in [0, 1]. */
  start: number;
  end: number;
}

/** Mean queue wait and mean execution per statement, by transaction type, as shares of their sum. */
export function splitRows(results: readonly LabelledResult[]): SplitRow[] {
  const rows: SplitRow[] = [];
  for (const { label, result } of results) {
    // Per type whenever the scenario has several, so that compared runs show the same rows.
    const all = Object.keys(result.execution.byTransaction);
    const types = all.filter((tx) => result.execution.byTransaction[tx].count > 0);
    const names = all.length > 1 ? ['all', ...types] : ['all'];
    for (const tx of names) {
      const q = tx === 'all' ? result.queueWait.all : result.queueWait.byTransaction[tx];
      const e = tx === 'all' ? result.execution.all : result.execution.byTransaction[tx];
      if (q === undefined || e === undefined) continue;
      const sum = q.mean + e.mean;
      const qs = sum > 0 ? q.mean / sum : 0;
      rows.push({ result: label, tx, phase: 'queue wait', ms: q.mean, share: round4(qs), start: 0, end: round4(qs) });
      rows.push({ result: label, tx, phase: 'execution', ms: e.mean, share: round4(1 - qs), start: round4(qs), end: 1 });
    }
  }
  return rows;
}

export interface WaitRow {
  result: string;
  queue: string;
  visits: number;
  /** P(wait > 0). */
  pWait: number;
  /** Mean and p99 of the wait over all visits (zeros included), ms. */
  mean: number;
  p99: number;
}

/** The queues each result visited, in the model's order (stats/queue-wait.ts); none for older files. */
export function waitRows(results: readonly LabelledResult[]): WaitRow[] {
  const rows: WaitRow[] = [];
  for (const { label, result } of results) {
    const w = result.waits;
    if (w === undefined) continue;
    for (const name of STATIONS) {
      const s = w.stations[name];
      if (s.visits > 0) rows.push({ result: label, queue: STATION_TITLES[name], visits: s.visits, pWait: s.pWait, mean: s.mean, p99: s.p99 });
    }
  }
  return rows;
}

export interface TimelineRow {
  result: string;
  /** Seconds since the end of the warm-up. */
  t: number;
  panel: 'throughput (tps)' | 'queued (connections)' | 'threads';
  series: string;
  value: number;
}

/**
 * Per-second throughput, pool queue lengths and thread counts from each result's timeline.
 * Throughput is each interval's count over its own length (see chartedRates: a partial last
 * interval counted as a whole one would draw a false drop); gauges are samples at each
 * interval's start.
 */
export function timelineRows(results: readonly LabelledResult[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (const { label, result } of results) {
    const tl = result.timeline;
    const dt = tl.intervalSeconds;
    const push = (panel: TimelineRow['panel'], series: string, values: readonly number[] | undefined): void => {
      values?.forEach((v, i) => rows.push({ result: label, t: i * dt, panel, series, value: round6(v) }));
    };
    for (const x of chartedRates(result)) rows.push({ result: label, t: x.t, panel: 'throughput (tps)', series: 'tps', value: round6(x.tps) });
    push('queued (connections)', 'queued queries', tl.gauges.queued_queries);
    push('queued (connections)', 'queued transactions', tl.gauges.queued_transactions);
    push('threads', 'threads', tl.threads);
    push('threads', 'active threads', tl.gauges.active_thread_count);
    push('threads', 'stalled threads', tl.gauges.stalled_thread_count);
  }
  return rows;
}

/** The last segment of a scenario path: "threadHandling.thread_pool_size" reads as "thread_pool_size". */
export function shortName(path: string): string {
  const segs = path.split('.').filter((s) => !/^\d+$/.test(s));
  return segs[segs.length - 1] ?? path;
}

export interface SweepRow {
  /** The x parameter's value. */
  x: SweepValue;
  /** The other parameters' values, "name=value, ..." ("all" when there are none). */
  series: string;
  metric: SummaryField;
  value: number;
  lo?: number;
  hi?: number;
  /** No transaction completed at this point: its latencies are undefined (stored as 0), not fast. */
  collapsed: boolean;
}

/**
 * A point collapsed when no transaction completed in its measured window (throughput 0): the
 * result then holds 0 for every latency percentile, which must never read as the best latency.
 */
export function isCollapsed(summary: SweepFile['points'][number]['summary']): boolean {
  return summary.tps === 0;
}

/** The values each parameter takes over the sweep's points. */
function valuesOf(sweep: SweepFile, param: string): SweepValue[] {
  return sweep.points.map((p) => p.values[param]);
}

/**
 * The default x parameter: the first numeric one that varies (a numeric x axis reads as a trend,
 * and categories such as pool / no pool make good series), else the first.
 */
export function defaultSweepX(sweep: SweepFile): string {
  const numeric = sweep.parameters.filter((p) => valuesOf(sweep, p).every((v) => typeof v === 'number'));
  return numeric.find((p) => new Set(valuesOf(sweep, p)).size > 1) ?? numeric[0] ?? sweep.parameters[0];
}

/**
 * One row per point and metric, with the CI when the point has one for that metric. Rows come
 * in series order, then x order (sortedValues: numbers numerically, so connections=16 precedes
 * connections=256), which the chart keeps for its legend.
 */
export function sweepRows(sweep: SweepFile, metrics: readonly SummaryField[], x = defaultSweepX(sweep)): SweepRow[] {
  const others = sweep.parameters.filter((p) => p !== x);
  const rank = new Map(sweep.parameters.map((p) => [p, sortedValues(valuesOf(sweep, p)).map(valueKey)]));
  const pos = (param: string, v: SweepValue): number => rank.get(param)?.indexOf(valueKey(v)) ?? 0;
  const points = [...sweep.points].sort((a, b) => {
    for (const o of [...others, x]) {
      const d = pos(o, a.values[o]) - pos(o, b.values[o]);
      if (d !== 0) return d;
    }
    return 0;
  });
  const rows: SweepRow[] = [];
  for (const p of points) {
    const series = others.length ? others.map((o) => `${shortName(o)}=${String(p.values[o])}`).join(', ') : 'all';
    const collapsed = isCollapsed(p.summary);
    for (const metric of metrics) {
      const ci = p.summary.ci95?.[metric];
      rows.push({ x: p.values[x], series, metric, value: p.summary[metric], ...(ci ? { lo: ci[0], hi: ci[1] } : {}), collapsed });
    }
  }
  return rows;
}

export interface HeatRow {
  x: SweepValue;
  y: SweepValue;
  value: number;
  collapsed: boolean;
}

export function heatRows(sweep: SweepFile, metric: SummaryField, x: string, y: string): HeatRow[] {
  return sweep.points.map((p) => ({ x: p.values[x], y: p.values[y], value: p.summary[metric], collapsed: isCollapsed(p.summary) }));
}

export function isSummaryField(s: string): s is SummaryField {
  return (SUMMARY_FIELDS as readonly string[]).includes(s);
}

function valueKey(v: SweepValue): string {
  return `${typeof v}:${String(v)}`;
}

/**
 * Display order of a parameter's values: numbers numerically (never as text: 16 before 1024);
 * anything else in the order the sweep gives them (its axis order, e.g. pool then no pool).
 */
export function sortedValues(values: readonly SweepValue[]): SweepValue[] {
  const uniq = [...new Map(values.map((v) => [valueKey(v), v])).values()];
  return uniq.every((v) => typeof v === 'number') ? (uniq as number[]).sort((a, b) => a - b) : uniq;
}

function round6(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : +x.toPrecision(6);
}

function round4(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : +x.toPrecision(4);
}
