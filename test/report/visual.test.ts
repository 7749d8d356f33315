import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PLOT_KINDS, makeChart, plotSource, resultSources, type Chart, type PlotKind, type PlotSource } from '../../src/report/plot.js';
import { lastWarnings, svgToPng, toSvg } from '../../src/report/render.js';
import type { SweepFile } from '../../src/report/sweep-file.js';
import { COLLAPSED_COLOR } from '../../src/report/vega-specs.js';
import { aggregateReplications, runReplicationResults } from '../../src/run/replications.js';
import type { RunResult } from '../../src/run/result.js';
import { parseVary, type Axis } from '../../src/sweep/grid.js';
import { runSweep } from '../../src/sweep/sweep.js';
import { loadScenarioFile } from '../../src/workload/load.js';
import { TINY, tempDir } from '../cli/helpers.js';

/**
 * Every chart kind rendered to SVG for the edge cases that used to mislead: a run whose measured
 * window ends in a partial second, a replicated run, a replicated sweep over a categorical and a
 * numeric parameter with collapsed points (no transaction completed), and a one-point sweep.
 * The SVGs' axes, labels and marks are checked; with TPSIM_VISUAL_DIR set, each chart is also
 * written there as PNG and SVG, to look at.
 */

const WINDOW = ['duration=1.75s', 'warmup=0.25s']; // 1.5 s measured: one whole second and a half
const VISUAL_DIR = process.env.TPSIM_VISUAL_DIR;

let normal: RunResult;
let replicated: RunResult;
let busy: RunResult;
let collapsed: SweepFile;
let onePoint: SweepFile;
const svgs = new Map<string, string>();

/** The aria-label vega gives each axis: "X-axis titled '...' for a log scale with values from a to b". */
function axisLabels(svg: string): string[] {
  return [...svg.matchAll(/aria-roledescription="axis" aria-label="([^"]*)"/g)].map((m) => m[1]);
}

/** Texts of one role (axis-label, legend-label, title-subtitle, mark ...), in document order. */
function texts(svg: string, role = 'axis-label'): string[] {
  const out: string[] = [];
  for (const g of svg.split(`class="mark-text role-${role}`).slice(1)) {
    const body = g.slice(0, g.indexOf('</g>'));
    for (const m of body.matchAll(/<text[^>]*>([^<]*)<\/text>/g)) out.push(m[1]);
  }
  return out;
}

/** The items of one vega-lite layer (by its mark group name), e.g. "concat_1_layer_2_layer_1_marks". */
function layerItems(svg: string, name: string): string[] {
  // A layer split by series (lines, areas) has one group per series.
  return svg
    .split(`${name}"`)
    .slice(1)
    .flatMap((g) => [...g.slice(0, g.indexOf('</g>')).matchAll(/<(?:path|line|text|rect)\b[^>]*aria-roledescription="[^"]*"[^>]*>/g)].map((m) => m[0]));
}

const CASES: Array<[string, () => PlotSource[], readonly PlotKind[]]> = [
  ['normal', () => resultSources([normal]), ['cdf', 'ladder', 'split', 'waits', 'timeline']],
  ['replicated', () => resultSources([replicated]), ['cdf', 'ladder', 'split', 'waits', 'timeline']],
  ['busy', () => resultSources([busy]), ['waits']],
  ['collapsed', () => [plotSource(collapsed)], ['sweep', 'heatmap']],
  ['one-point', () => [plotSource(onePoint)], ['sweep', 'heatmap']],
];

beforeAll(async () => {
  // Replication 0 is exactly the single run: one simulation fewer.
  const reps = runReplicationResults(loadScenarioFile(TINY, WINDOW), 2);
  normal = reps[0];
  replicated = aggregateReplications(reps);
  // 16 connections on one pool group and one FIFO core: the pool's queues and the run queue fill.
  busy = runReplicationResults(loadScenarioFile(TINY, [...WINDOW, 'workload.connections=16', 'server.cores=1', 'server.scheduling=fifo', 'threadHandling.thread_pool_size=1']), 1)[0];
  // Without a pool, 16 threads share 2 cores: a 30..50 ms statement takes 240 ms or more and none
  // finishes in the 150 ms window (collapse); a pool of 2 groups runs 2 at a time and completes.
  const dir = tempDir();
  const variants: Axis = {
    path: 'threadHandling',
    values: ['pool', 'no pool'],
    settings: [{ mode: 'pool', flavor: 'mysql', thread_pool_size: 2 }, { mode: 'one-thread-per-connection' }],
  };
  const sweep = async (name: string, sets: string[], axes: Axis[], replications?: number): Promise<SweepFile> =>
    (await runSweep({ file: TINY, sets, axes, outDir: join(dir, name), workers: 1, replications })).sweep;
  collapsed = await sweep('collapsed', ['workload.transactions.0.statements.0.cpu={"dist":"uniform","min":"30ms","max":"50ms"}'], [variants, parseVary('workload.connections=2,4,8,16')], 2);
  onePoint = await sweep('one', [], [parseVary('workload.connections=4'), parseVary('threadHandling.thread_pool_size=2')]);
  // Every chart kind of every case, rendered once, without a vega warning.
  for (const [name, sources, kinds] of CASES) {
    for (const kind of kinds) {
      const chart: Chart = makeChart(kind, sources());
      const svg = await toSvg(chart.spec);
      expect(lastWarnings, `${name} ${kind}`).toEqual([]);
      svgs.set(`${name} ${kind}`, svg);
      if (VISUAL_DIR !== undefined) {
        mkdirSync(VISUAL_DIR, { recursive: true });
        writeFileSync(join(VISUAL_DIR, `${name}-${kind}.svg`), svg);
        writeFileSync(join(VISUAL_DIR, `${name}-${kind}.png`), await svgToPng(svg));
      }
    }
  }
}, 60_000);

const svgOf = (key: string): string => svgs.get(key) ?? '';

describe('every chart kind renders for every case', () => {
  it('covers all kinds, and no axis, label or legend reads NaN, "0k" or an empty number', () => {
    expect(new Set(CASES.flatMap(([, , kinds]) => kinds))).toEqual(new Set(PLOT_KINDS));
    expect(svgs.size).toBe(15);
    for (const [key, svg] of svgs) {
      expect(/NaN|Infinity|undefined/.exec(svg)?.[0], key).toBeUndefined();
      for (const role of ['axis-label', 'legend-label', 'mark']) {
        for (const t of texts(svg, role)) expect(t, `${key} ${role}`).not.toMatch(/^-?0(\.0+)?[kMGm]$/);
      }
    }
  });

  it('the latency charts of a replicated run draw the pooled distribution', () => {
    for (const kind of ['cdf', 'ladder']) {
      const svg = svgOf(`replicated ${kind}`);
      expect(svg, kind).toContain("axis titled 'latency (ms, log scale)' for a log scale");
      expect(svg.split('aria-roledescription="line mark"').length - 1, kind).toBeGreaterThan(0);
      expect(texts(svg, 'title-subtitle'), kind).toEqual(['tiny (2 replications, pooled)']);
    }
  });
});

describe('waits', () => {
  it('one bar and one p99 tick per queue visited, P(wait) in each label, ms on the axis', () => {
    const svg = svgOf('normal waits');
    const w = normal.waits as NonNullable<RunResult['waits']>;
    const visited = Object.values(w.stations).filter((s) => s.visits > 0);
    // The tiny pool has threads to spare: a statement reaches one without the pool's queues; no
    // CPU run queue under processor sharing.
    expect(visited.length).toBeGreaterThanOrEqual(1);
    expect(w.stations.cpu.visits).toBe(0);
    const rows = texts(svg).filter((t) => t.includes('P(wait)'));
    expect(rows).toHaveLength(visited.length);
    expect(rows[0]).toBe(`thread handling, P(wait) ${(w.stations.threadHandling.pWait * 100).toFixed(1)}%`);
    expect(svg.split('aria-roledescription="bar"').length - 1).toBe(visited.length);
    expect(svg.split('aria-roledescription="tick"').length - 1).toBe(visited.length);
    expect(axisLabels(svg).some((a) => a.startsWith("X-axis titled 'wait (ms): bar mean, tick p99, over all visits'"))).toBe(true);
    expect(texts(svgOf('replicated waits'), 'title-subtitle')).toEqual(['tiny (means over 2 replications)']);
    // A busy pool on one FIFO core: the run queue and the pool's queues each get their row.
    const b = busy.waits as NonNullable<RunResult['waits']>;
    const busyRows = texts(svgOf('busy waits')).filter((t) => t.includes('P(wait)'));
    expect(b.stations.cpu.visits).toBeGreaterThan(0);
    expect(b.stations.poolLow.visits + b.stations.poolHigh.visits).toBeGreaterThan(0);
    expect(busyRows).toHaveLength(Object.values(b.stations).filter((x) => x.visits > 0).length);
    expect(busyRows[0]).toMatch(/^CPU run queue, P\(wait\) \d+\.\d%$/);
  });
});

describe('timeline', () => {
  it('the partial last second is a rate, not a drop, and all-zero panels read 0..1', () => {
    const svg = svgOf('normal timeline');
    // 1.5 s measured: a point at 0 s (a whole second) and 1 s (half a second, scaled).
    const tps = [...svg.matchAll(/aria-label="t: (\d+); value: ([\d.]+); line: tps;[^"]*" role="graphics-symbol" aria-roledescription="point"/g)].map((m) => [Number(m[1]), Number(m[2].replace(/,/g, ''))]);
    expect(tps.map(([t]) => t)).toEqual([0, 1]);
    expect(normal.timeline.tps).toHaveLength(2);
    expect(tps[1][1]).toBeCloseTo(normal.timeline.tps[1] / 0.5, 0);
    for (const [, v] of tps) expect(Math.abs(v / normal.summary.tps - 1)).toBeLessThan(0.1);
    // The queue panel of this pool is all zero: its axis reads 0 and 1.
    expect(normal.timeline.gauges.queued_queries.every((v) => v === 0)).toBe(true);
    expect(axisLabels(svg).filter((a) => /^Y-axis for a linear scale with values from 0(\.0)? to 1(\.0)?$/.test(a))).toHaveLength(1);
    expect(texts(svg).filter((t) => t === '0.2' || t === '0.5')).toEqual([]);
    // Throughput labels: "0", then thousands as "5k".
    const labels = texts(svg);
    expect(labels).toContain('0');
    expect(labels.some((l) => /^\d+k$/.test(l))).toBe(true);
  });
});

describe('sweep and heatmap', () => {
  it('numbers go on a numeric x axis in numeric order, the categories become series in sweep order', () => {
    const svg = svgOf('collapsed sweep');
    const axes = axisLabels(svg);
    expect(axes.filter((a) => a.startsWith("X-axis titled 'connections' for a log scale with values from 2 to 16"))).toHaveLength(2);
    // Every x value labelled, both ends included, in numeric order.
    expect(texts(svg).slice(0, 4)).toEqual(['2', '4', '8', '16']);
    expect(texts(svg, 'legend-label')).toEqual(['threadHandling=pool', 'threadHandling=no pool']);
    // Numeric series (the categorical parameter asked for on x) are sorted as numbers.
    const byMode = makeChart('sweep', [plotSource(collapsed)], { x: 'threadHandling' });
    const series = (byMode.spec as unknown as { hconcat: Array<{ layer: Array<{ encoding: { color?: { scale: { domain: string[] } } } }> }> }).hconcat[0].layer.find(
      (l) => l.encoding.color !== undefined,
    )?.encoding.color?.scale.domain;
    expect(series).toEqual(['connections=2', 'connections=4', 'connections=8', 'connections=16']);
  });

  it('a collapsed point is a red × with a note, never a 0 ms latency', () => {
    const dead = collapsed.points.filter((p) => p.summary.tps === 0);
    expect(dead.map((p) => p.values)).toEqual([{ threadHandling: 'no pool', 'workload.connections': 16 }]);
    expect(dead[0].summary.p99).toBe(0); // what the result file holds; the chart must not draw it
    const svg = svgOf('collapsed sweep');
    expect(texts(svg, 'title-subtitle').join(' ')).toContain('× collapsed: no transaction completed');
    // The p99 panel (concat_1): live points on the lines, one × for the collapsed point.
    const points = layerItems(svg, 'concat_1_layer_2_layer_1_marks');
    expect(points).toHaveLength(collapsed.points.length - 1);
    for (const p of points) expect(p).not.toMatch(/p99 latency \(ms\): 0;/);
    for (const panel of ['concat_0', 'concat_1']) {
      const marks = layerItems(svg, `${panel}_layer_3_marks`);
      expect(marks, panel).toHaveLength(1);
      expect(marks[0]).toContain(`fill="${COLLAPSED_COLOR}"`);
      expect(marks[0]).toContain('connections=16, threadHandling=no pool: collapsed');
      expect(texts(svg, 'mark').filter((t) => t === 'collapsed').length).toBe(2);
    }
    // The table says so too.
    const table = makeChart('sweep', [plotSource(collapsed)]).table;
    expect(table).toMatch(/threadHandling=no pool\s+16\s+0[.0]* \[0, 0\]\s+collapsed\n?$/);
  });

  it('the 95% CI shows as a band and error bars, drawn within the axes', () => {
    const svg = svgOf('collapsed sweep');
    for (const panel of ['concat_0', 'concat_1']) {
      const bands = layerItems(svg, `${panel}_layer_0_marks`);
      expect(bands, panel).toHaveLength(2); // one per series
      for (const b of bands) {
        expect(Number(/opacity="([\d.]+)"/.exec(b)?.[1])).toBeGreaterThanOrEqual(0.3);
        expect(b).toMatch(/ d="M[\d.,LZ-]+"/);
      }
      const bars = layerItems(svg, `${panel}_layer_1_marks`);
      expect(bars.length, panel).toBe(collapsed.points.length - (panel === 'concat_1' ? 1 : 0));
    }
    // A t interval below 0 (2 replications: t = 12.7) stops at the axis.
    expect(axisLabels(svg)).toContain("Y-axis titled 'throughput (tps)' for a linear scale with values from 0 to 140");
  });

  it('the heatmap greys the collapsed cell and outlines a real best', () => {
    const chart = makeChart('heatmap', [plotSource(collapsed)]);
    const cells = (chart.spec as unknown as { data: { values: Array<{ best: boolean; collapsed: boolean; value: number; label: string }> } }).data.values;
    const best = cells.filter((c) => c.best);
    expect(best.length).toBeGreaterThan(0);
    for (const c of best) {
      expect(c.collapsed).toBe(false);
      expect(c.value).toBe(Math.min(...cells.filter((x) => !x.collapsed).map((x) => x.value)));
    }
    const svg = svgOf('collapsed heatmap');
    expect(texts(svg, 'mark')).toContain('collapsed');
    expect(texts(svg, 'mark')).not.toContain('0');
    expect(svg).toContain('fill="#d9d9d9"');
    expect(texts(svg, 'title-subtitle').join(' ')).toContain('grey: collapsed');
    expect(chart.table).toContain('collapsed');
  });

  it('a one-point sweep labels its one value on each axis', () => {
    const svg = svgOf('one-point sweep');
    const p = onePoint.points[0].summary;
    expect(texts(svg, 'title-subtitle')).toEqual(['tiny; 1 point']);
    expect(texts(svg).filter((t) => t === '4')).toHaveLength(2); // the x value, in both panels
    expect(texts(svg)).toContain(String(+p.p99.toPrecision(3)));
    const heat = svgOf('one-point heatmap');
    expect(heat).toContain("X-axis titled 'connections' for a discrete scale with 1 value: 4");
    // One cell: no colour gradient (its labels used to print over each other), the value in the cell.
    expect(heat).not.toContain('role-legend');
    expect(texts(heat, 'mark')).toEqual([String(+p.p99.toPrecision(3))]);
  });
});
