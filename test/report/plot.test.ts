import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdfRows, ladderRows, splitRows, sweepRows, timelineRows } from '../../src/report/plot-data.js';
import { formatOf, makeChart, plotSource, readPlotSources, renderCharts, resultSources, type PlotKind, type PlotSource } from '../../src/report/plot.js';
import { lastWarnings, pngSize, toHtml, toSvg } from '../../src/report/render.js';
import { SWEEP_KIND, parseSweep, readSweepFile, type SweepFile } from '../../src/report/sweep-file.js';
import { logTicks } from '../../src/report/vega-specs.js';
import type { RunResult } from '../../src/run/result.js';
import { ROOT, TINY, ensureBuilt, sim, tempDir } from '../cli/helpers.js';

const EXAMPLES = join(ROOT, 'results', 'examples');
const OLTP = join(EXAMPLES, 'oltp.json');
const NO_POOL = join(EXAMPLES, 'oltp-no-pool.json');
const SWEEP_POOL = join(EXAMPLES, 'connections-pool', 'sweep.json');
const SWEEP_NO_POOL = join(EXAMPLES, 'connections-no-pool', 'sweep.json');
const HEAT = join(EXAMPLES, 'pool-size-x-connections', 'sweep.json');

const readResult = (p: string): RunResult => JSON.parse(readFileSync(p, 'utf8')) as RunResult;

/** Occurrences of an SVG item role, e.g. "point" (symbols) or "rect" (heatmap cells). */
function countRole(svg: string, role: string): number {
  return svg.split(`aria-roledescription="${role}"`).length - 1;
}

/** The aria-label vega gives each axis: "X-axis titled '...' for a log scale with values from a to b". */
function axisLabels(svg: string): string[] {
  return [...svg.matchAll(/aria-roledescription="axis" aria-label="([^"]*)"/g)].map((m) => m[1]);
}

/**
 * Decodes a PNG far enough to prove it is whole: chunk CRC layout, IHDR, and the inflated image
 * data having exactly one filter byte plus width * channels bytes per row.
 */
function decodePng(png: Uint8Array): { width: number; height: number; channels: number } {
  const buf = Buffer.from(png);
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let off = 8;
  const idat: Buffer[] = [];
  let width = 0;
  let height = 0;
  let channels = 0;
  let ended = false;
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8); // bit depth
      channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[data[9]] ?? 0;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    off += 12 + len;
  }
  expect(ended).toBe(true);
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe(height * (1 + width * channels));
  return { width, height, channels };
}

/** The SVG's own size (vega writes width/height on the root element). */
function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\bwidth="([\d.]+)" height="([\d.]+)"/.exec(svg);
  expect(m).not.toBeNull();
  return { width: Number(m?.[1]), height: Number(m?.[2]) };
}

describe('committed examples', () => {
  it('exist and parse: two results with histograms, three sweeps', () => {
    for (const p of [OLTP, NO_POOL]) {
      const r = readResult(p);
      expect(r.histograms?.latency.all, p).toMatch(/^[A-Za-z0-9+/=]+$/);
      expect(Object.keys(r.histograms?.latency.byTransaction ?? {})).toEqual(Object.keys(r.latency.byTransaction));
    }
    for (const p of [SWEEP_POOL, SWEEP_NO_POOL, HEAT]) {
      const s = readSweepFile(p);
      expect(s.kind).toBe(SWEEP_KIND);
      for (const pt of s.points) expect(existsSync(join(p, '..', pt.result)), pt.result).toBe(true);
    }
  });
});

describe('chart data', () => {
  const r = readResult(OLTP);

  it('the CDF rises from 0 to 1 and agrees with the result percentiles', () => {
    const rows = cdfRows([{ label: 'oltp', result: r }]);
    const all = rows.filter((x) => x.tx === 'all');
    expect(all.length).toBeGreaterThan(20);
    expect(all.length).toBeLessThan(600);
    for (let i = 1; i < all.length; i++) {
      expect(all[i].ms).toBeGreaterThan(all[i - 1].ms);
      expect(all[i].fraction).toBeGreaterThanOrEqual(all[i - 1].fraction);
    }
    expect(all[all.length - 1].fraction).toBe(1);
    // The first latency at which the CDF reaches 0.99 is the p99, within HDR's bucket precision.
    const p99 = all.find((x) => x.fraction >= 0.99)?.ms ?? NaN;
    expect(Math.abs(p99 / r.latency.all.p99 - 1)).toBeLessThan(0.05);
    expect(new Set(rows.map((x) => x.tx))).toEqual(new Set(['all', ...Object.keys(r.latency.byTransaction)]));
  });

  it('the ladder passes through p50/p90/p99 of the result and stops where the sample does', () => {
    const rows = ladderRows([{ label: 'oltp', result: r }]).filter((x) => x.tx === 'all' && x.named);
    const at = (p: number): number => rows.find((x) => x.percentile === p)?.ms ?? NaN;
    expect(at(50)).toBeCloseTo(r.latency.all.p50, 1);
    expect(at(99)).toBeCloseTo(r.latency.all.p99, 1);
    const report = ladderRows([{ label: 'oltp', result: r }]).filter((x) => x.tx === 'report');
    expect(Math.max(...report.map((x) => x.nines))).toBeLessThanOrEqual(Math.log10(r.latency.byTransaction.report.count) + 1e-9);
  });

  it('split shares add up to 1 and keep the means', () => {
    const rows = splitRows([{ label: 'oltp', result: r }]);
    const q = rows.find((x) => x.tx === 'all' && x.phase === 'queue wait');
    const e = rows.find((x) => x.tx === 'all' && x.phase === 'execution');
    expect(q?.ms).toBe(r.queueWait.all.mean);
    expect(e?.ms).toBe(r.execution.all.mean);
    expect((q?.share ?? 0) + (e?.share ?? 0)).toBeCloseTo(1, 3);
  });

  it('timeline has one row per second and series', () => {
    const rows = timelineRows([{ label: 'oltp', result: r }]);
    expect(rows.filter((x) => x.series === 'tps').map((x) => x.value)).toEqual(r.timeline.tps);
    expect(rows.filter((x) => x.series === 'threads').map((x) => x.value)).toEqual(r.timeline.threads);
  });

  it('a result without histograms says how to get them', () => {
    const { histograms: _h, ...old } = r;
    expect(() => makeChart('cdf', [plotSource(old)])).toThrow(/no histograms/);
    // Charts that need no distribution still work.
    expect(makeChart('split', [plotSource(old)]).table).toMatch(/queue wait/);
  });

  it('log axis ticks are decades, or 1-2-5 on short ranges, and label both ends', () => {
    expect(logTicks(0.5, 40)).toEqual([0.5, 1, 2, 5, 10, 20, 40]);
    expect(logTicks(0.5, 400)).toEqual([0.5, 1, 10, 100, 400]);
    expect(logTicks(0.01, 1000)).toEqual([0.01, 0.1, 1, 10, 100, 1000]);
    expect(logTicks(11, 13)).toEqual([11, 13]);
    expect(logTicks(0.589, 0.5891)).toEqual([0.589]); // rounded ends would cross: one label
    // A 2..16 range used to stop at 10, leaving the top unlabelled.
    expect(logTicks(2, 16)).toEqual([2, 5, 10, 16]);
    // Ends are rounded inwards (always inside the axis) and left out next to a round tick.
    expect(logTicks(0.0612, 0.7188)).toEqual([0.062, 0.1, 0.2, 0.5, 0.71]);
    expect(logTicks(0.0712, 0.7188)).toEqual([0.1, 0.2, 0.5, 0.71]);
    expect(logTicks(1.76, 48.3)).toEqual([2, 5, 10, 20, 48]);
  });

  it('the timeline charts a partial last interval as a rate over its own length', () => {
    // 3 s with a 500 ms warm-up: 2.5 s measured, the last interval half a second.
    const partial = { ...r, summary: { ...r.summary, simulatedSeconds: 2.5 }, timeline: { ...r.timeline, tps: [444000, 445000, 222000] } };
    const tps = timelineRows([{ label: 'x', result: partial }]).filter((x) => x.series === 'tps');
    expect(tps.map((x) => [x.t, x.value])).toEqual([[0, 444000], [1, 445000], [2, 444000]]);
    // A remainder under half an interval is too noisy to chart; a window shorter than one is all there is.
    const sliver = { ...partial, summary: { ...partial.summary, simulatedSeconds: 2.2 }, timeline: { ...partial.timeline, tps: [444000, 445000, 88000] } };
    expect(timelineRows([{ label: 'x', result: sliver }]).filter((x) => x.series === 'tps').map((x) => x.value)).toEqual([444000, 445000]);
    const short = { ...partial, summary: { ...partial.summary, simulatedSeconds: 0.25 }, timeline: { ...partial.timeline, tps: [111000] } };
    expect(timelineRows([{ label: 'x', result: short }]).filter((x) => x.series === 'tps').map((x) => x.value)).toEqual([444000]);
  });

  it('sweep rows: numeric parameters in numeric order, the default x the numeric one', () => {
    const base = readSweepFile(SWEEP_POOL).points[0];
    const grid: SweepFile = {
      kind: SWEEP_KIND,
      schemaVersion: 1,
      scenario: 's',
      parameters: ['threadHandling', 'workload.connections'],
      points: ['pool', 'no pool'].flatMap((mode) => [1024, 16, 256, 4096, 64].map((c) => ({ values: { threadHandling: mode, 'workload.connections': c }, result: 'x.json', summary: base.summary }))),
    };
    const rows = sweepRows(grid, ['tps']);
    expect([...new Set(rows.map((x) => x.series))]).toEqual(['threadHandling=pool', 'threadHandling=no pool']);
    expect(rows.slice(0, 5).map((x) => x.x)).toEqual([16, 64, 256, 1024, 4096]);
    const byMode = sweepRows(grid, ['tps'], 'threadHandling');
    expect([...new Set(byMode.map((x) => x.series))]).toEqual(['connections=16', 'connections=64', 'connections=256', 'connections=1024', 'connections=4096']);
  });
});

describe('sweep file contract', () => {
  it('rejects a point that lacks a parameter, and other kinds', () => {
    const s = readSweepFile(SWEEP_POOL);
    const bad = { ...s, points: [{ ...s.points[0], values: {} }] };
    expect(() => parseSweep(bad)).toThrow(/missing parameter "workload.connections"/);
    expect(() => parseSweep({ ...s, kind: 'other' })).toThrow(/not a valid tpsim sweep/);
  });
});

describe('SVG marks and axes follow the data', () => {
  it('sweep: one point per sweep point and panel, log x axis for connections, one line per sweep', async () => {
    const sources = readPlotSources([SWEEP_POOL, SWEEP_NO_POOL]);
    const n = sources.reduce((k, s) => k + (s.type === 'sweep' ? s.sweep.points.length : 0), 0);
    const svg = await toSvg(makeChart('sweep', sources).spec);
    expect(countRole(svg, 'point')).toBe(2 * n); // throughput and p99 panels
    expect(countRole(svg, 'line mark')).toBe(2 * 2); // two sweeps x two panels
    const axes = axisLabels(svg);
    expect(axes.filter((a) => a.startsWith("X-axis titled 'connections' for a log scale"))).toHaveLength(2);
    expect(axes.some((a) => a.startsWith("Y-axis titled 'throughput (tps)' for a linear scale"))).toBe(true);
    expect(axes.some((a) => a.startsWith("Y-axis titled 'p99 latency (ms)' for a log scale"))).toBe(true);
  });

  it('sweep with CIs draws a band per series', async () => {
    const s = readSweepFile(SWEEP_POOL);
    const withCi: SweepFile = {
      ...s,
      points: s.points.map((p) => ({ ...p, summary: { ...p.summary, ci95: { tps: [p.summary.tps * 0.97, p.summary.tps * 1.03], p99: [p.summary.p99 * 0.9, p.summary.p99 * 1.1] } } })),
    };
    const chart = makeChart('sweep', [plotSource(withCi)]);
    const svg = await toSvg(chart.spec);
    expect(countRole(svg, 'area mark')).toBe(2); // a band: one series, two panels
    expect(countRole(svg, 'rule mark')).toBe(2 * s.points.length); // an error bar per point and panel
    expect(chart.table).toMatch(/\[/);
  });

  it('heatmap: one cell per point, the best outlined, labelled with the parameters', async () => {
    const sources = readPlotSources([HEAT]);
    const s = sources[0] as Extract<PlotSource, { type: 'sweep' }>;
    const svg = await toSvg(makeChart('heatmap', sources).spec);
    // Cells plus the outline of the best one.
    expect(countRole(svg, 'rect mark')).toBe(s.sweep.points.length + 1);
    expect(countRole(svg, 'text mark')).toBe(s.sweep.points.length);
    const axes = axisLabels(svg);
    expect(axes.some((a) => a.startsWith("X-axis titled 'thread_pool_size'"))).toBe(true);
    expect(axes.some((a) => a.startsWith("Y-axis titled 'connections'"))).toBe(true);
    expect(svg).toContain('p99 latency (ms)');
  });

  it('cdf and ladder of two runs: a line per run and type, log latency axis', async () => {
    const sources = readPlotSources([OLTP, NO_POOL]);
    const types = Object.keys(readResult(OLTP).latency.byTransaction).length + 1;
    for (const kind of ['cdf', 'ladder'] as const) {
      const svg = await toSvg(makeChart(kind, sources).spec);
      expect(countRole(svg, 'line mark'), kind).toBe(2 * types);
      expect(axisLabels(svg).some((a) => /axis titled 'latency \(ms, log scale\)' for a log scale/.test(a)), kind).toBe(true);
    }
  });

  it('timeline: a panel each for throughput, queues and threads, a point per second', async () => {
    const r = readResult(OLTP);
    const chart = makeChart('timeline', resultSources([r]));
    const svg = await toSvg(chart.spec);
    expect(svg).toContain('throughput (tps)');
    expect(svg).toContain('queued (connections)');
    const series = 1 + 2 + 3; // tps; 2 queues; threads, active, stalled
    expect(countRole(svg, 'point')).toBe(series * r.timeline.tps.length);
  });
});

describe('every chart renders without a vega warning', () => {
  it('results and sweeps', async () => {
    const results = readPlotSources([OLTP, NO_POOL]);
    const sweeps = readPlotSources([SWEEP_POOL, SWEEP_NO_POOL]);
    const cases: Array<[PlotKind, PlotSource[]]> = [
      ['cdf', results.slice(0, 1)],
      ['split', results],
      ['timeline', results],
      ['sweep', sweeps],
      ['heatmap', readPlotSources([HEAT])],
    ];
    for (const [kind, src] of cases) {
      await toSvg(makeChart(kind, src).spec);
      expect(lastWarnings, kind).toEqual([]);
    }
  });
});

describe('formats', () => {
  it('the format follows the file ending', () => {
    expect(formatOf('a.vl.json')).toBe('vl.json');
    expect(formatOf('a.SVG')).toBe('svg');
    expect(formatOf('a.png')).toBe('png');
    expect(formatOf('a.html')).toBe('html');
    expect(() => formatOf('a.json')).toThrow(/\.vl\.json/);
  });

  it('PNG decodes at twice the size of the SVG', async () => {
    const chart = makeChart('split', readPlotSources([OLTP]));
    const svg = await toSvg(chart.spec);
    const png = (await renderCharts([chart], 'png')) as Uint8Array;
    const d = decodePng(png);
    const s = svgSize(svg);
    expect(d).toEqual({ width: Math.round(2 * s.width), height: Math.round(2 * s.height), channels: 4 });
    expect(pngSize(png)).toEqual({ width: d.width, height: d.height });
  });

  it('HTML holds the specs and loads nothing from the network', () => {
    const charts = ['cdf', 'split'].map((k) => makeChart(k as 'cdf' | 'split', readPlotSources([OLTP])));
    const html = toHtml(charts);
    const specs = JSON.parse(/<script id="tpsim-specs" type="application\/json">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? 'null') as unknown[];
    expect(specs).toEqual(charts.map((c) => JSON.parse(JSON.stringify(c.spec))));
    // No external resources at all; the inlined libraries hold URLs only as strings (e.g. the
    // vega-lite schema id), so outside them there must be no URL either.
    const shell = html.replace(/<script>[\s\S]*?<\/script>/g, (s) => (s.includes('vegaEmbed(') ? s : '<script></script>'));
    expect(shell.length).toBeLessThan(html.length / 10);
    expect(shell).toContain('vegaEmbed(');
    expect(shell).not.toMatch(/<(script|img|link|iframe)[^>]+(src|href)=/i);
    const outside = shell.replace(/<script id="tpsim-specs"[\s\S]*?<\/script>/, '');
    expect(outside).not.toMatch(/https?:\/\//);
    // Inside the specs only the $schema identifier, never data or image URLs.
    expect(JSON.stringify(specs).match(/https?:\/\/[^"]*/g) ?? []).toEqual(charts.map(() => 'https://vega.github.io/schema/vega-lite/v6.json'));
    expect(html.length).toBeGreaterThan(500_000); // the libraries are inlined
  });
});

describe('sim plot and sim run --plot', () => {
  beforeAll(() => ensureBuilt());

  it('writes each format from the committed example result', () => {
    const dir = tempDir();
    // One process for the four files keeps the test fast; each gets its own ending's format.
    const outs = ['cdf.vl.json', 'cdf.svg', 'cdf.png', 'all.html'].flatMap((f) => ['--out', join(dir, f)]);
    const r = sim(['plot', OLTP, ...outs]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('cdf, ladder, split, timeline written to');
    const k = sim(['plot', OLTP, '--kind', 'ladder', '--out', join(dir, 'ladder.svg')]);
    expect(k.status, k.stderr).toBe(0);
    expect(readFileSync(join(dir, 'ladder.svg'), 'utf8')).toContain("X-axis titled 'percentile'");
    expect((JSON.parse(readFileSync(join(dir, 'cdf.vl.json'), 'utf8')) as { $schema: string }).$schema).toMatch(/vega-lite\/v6/);
    expect(readFileSync(join(dir, 'cdf.svg'), 'utf8')).toMatch(/^<svg/);
    decodePng(readFileSync(join(dir, 'cdf.png')));
    const html = readFileSync(join(dir, 'all.html'), 'utf8');
    for (const id of ['chart0', 'chart1', 'chart2', 'chart3']) expect(html).toContain(`id="${id}"`);
  });

  it('a sweep file plots too; a wrong kind for the input is a usage error', () => {
    const dir = tempDir();
    const ok = sim(['plot', HEAT, '--kind', 'heatmap', '--out', join(dir, 'h.svg')]);
    expect(ok.status, ok.stderr).toBe(0);
    const bad = sim(['plot', OLTP, '--kind', 'heatmap', '--out', join(dir, 'x.svg')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/needs a sweep file/);
  });

  it('the result of sim run --replications plots (it used to say "written by an older tpsim")', () => {
    const dir = tempDir();
    const r = sim(['run', TINY, '--replications', '3', '--out', dir, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const p = sim(['plot', join(dir, 'tiny--replications=3.json'), '--out', join(dir, 'cdf.svg'), '--quiet']);
    expect(p.status, p.stderr).toBe(0);
    const svg = readFileSync(join(dir, 'cdf.svg'), 'utf8');
    expect(svg).toContain('tiny (3 replications, pooled)');
    expect(countRole(svg, 'line mark')).toBe(1);
  });

  it('sim run --plot writes the standard set beside the result', () => {
    const dir = tempDir();
    const r = sim(['run', TINY, '--out', dir, '--plot', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    for (const f of ['tiny.json', 'tiny.cdf.png', 'tiny.ladder.png', 'tiny.split.png', 'tiny.waits.png', 'tiny.timeline.png', 'tiny.html']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
  });
});
