import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { createHash } from 'node:crypto';
import type { RunResult } from '../run/result.js';
import { overridesSuffix, safeName } from './write.js';

/**
 * The sweep file: one scenario run at several settings of some scenario paths. `sim sweep` will
 * write it; `sim plot` and the notebooks read it. Each point names its own result file (relative
 * to the sweep file) and repeats the few numbers the sweep charts need, so plotting a sweep never
 * has to open the point files.
 */
export const SWEEP_KIND = 'tpsim-sweep';
export const SWEEP_SCHEMA_VERSION = 1;

/** A value a varied scenario path takes at one point (what `--set path=value` would give). */
export const SweepValue = z.union([z.number(), z.string(), z.boolean()]);
export type SweepValue = z.infer<typeof SweepValue>;

/** Fields of a point's summary; latencies in ms (transaction response time, all types). */
export const SUMMARY_FIELDS = ['tps', 'p50', 'p95', 'p99', 'p999', 'mean', 'queueWaitMean', 'peakThreads'] as const;
export type SummaryField = (typeof SUMMARY_FIELDS)[number];

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const SweepSummary = z.object({
  tps: finite,
  p50: finite,
  p95: finite,
  p99: finite,
  p999: finite,
  mean: finite,
  queueWaitMean: finite,
  peakThreads: finite,
  /** 95% confidence intervals [lo, hi] of some fields, when the point was replicated. */
  ci95: z.record(z.string(), z.tuple([finite, finite])).optional(),
});
export type SweepSummary = z.infer<typeof SweepSummary>;

export const SweepPoint = z.object({
  /** The varied paths' values at this point: one key per entry of `parameters`. */
  values: z.record(z.string(), SweepValue),
  /** The point's result file, relative to the sweep file. */
  result: z.string(),
  summary: SweepSummary,
});
export type SweepPoint = z.infer<typeof SweepPoint>;

export const SweepFile = z
  .object({
    kind: z.literal(SWEEP_KIND),
    schemaVersion: z.literal(SWEEP_SCHEMA_VERSION),
    /** The scenario's name. */
    scenario: z.string(),
    /** Scenario paths varied (dotted, as `--set` takes them), in display order: x first. */
    parameters: z.array(z.string()).min(1),
    points: z.array(SweepPoint),
  })
  .superRefine((s, ctx) => {
    s.points.forEach((p, i) => {
      for (const name of s.parameters) {
        if (!(name in p.values)) ctx.addIssue({ code: 'custom', path: ['points', i, 'values'], message: `missing parameter "${name}"` });
      }
    });
  });
export type SweepFile = z.infer<typeof SweepFile>;

/** A point's summary from its run result. */
export function sweepSummary(r: RunResult): SweepSummary {
  return {
    tps: r.summary.tps,
    p50: r.latency.all.p50,
    p95: r.latency.all.p95,
    p99: r.latency.all.p99,
    p999: r.latency.all.p999,
    mean: r.latency.all.mean,
    queueWaitMean: r.queueWait.all.mean,
    peakThreads: r.threads.peak,
  };
}

/** Builds a sweep from runs already done (the shape `sim sweep` will write). */
export function buildSweep(
  scenario: string,
  parameters: readonly string[],
  runs: ReadonlyArray<{ values: Record<string, SweepValue>; result: string; run: RunResult }>,
): SweepFile {
  return {
    kind: SWEEP_KIND,
    schemaVersion: SWEEP_SCHEMA_VERSION,
    scenario,
    parameters: [...parameters],
    points: runs.map((p) => ({ values: { ...p.values }, result: p.result, summary: sweepSummary(p.run) })),
  };
}

export function isSweepDocument(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && (doc as { kind?: unknown }).kind === SWEEP_KIND;
}

/** Parses a sweep document; throws an Error naming the first problems. */
export function parseSweep(doc: unknown, source = 'sweep file'): SweepFile {
  const r = SweepFile.safeParse(doc);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
  throw new Error(`${source} is not a valid tpsim sweep: ${issues.join('; ')}`);
}

export function readSweepFile(path: string): SweepFile {
  return parseSweep(JSON.parse(readFileSync(path, 'utf8')), path);
}

/** Values listed in a sweep directory's name; longer lists are shortened to first..last. */
const MAX_LISTED = 6;

/**
 * The directory a sweep writes by default, named after its scenario, its grid and the overrides
 * applied to every point, e.g. "oltp--thread_pool_size=8,16,32--connections=64,512": two
 * different sweeps never share (and mix) point files, and the same command run again finds its
 * finished points. Shortened names get a hash of the full grid so they stay distinct.
 */
export function sweepDirName(scenario: string, grid: ReadonlyArray<{ path: string; values: readonly unknown[] }>, overrides: readonly string[] = []): string {
  const short = grid.map((a) => a.path.split('.').pop() ?? a.path);
  let lossy = new Set(short).size !== short.length;
  const parts = grid.map((a, i) => {
    const v = a.values.map(String);
    if (v.length > MAX_LISTED) lossy = true;
    const list = v.length > MAX_LISTED ? `${v[0]}..${v[v.length - 1]}` : v.join(',');
    const text = `${short[i]}=${list}`;
    if (safeName(text, 1000) !== text) lossy = true;
    return safeName(text, 1000);
  });
  let name = [safeName(scenario) || 'sweep', ...parts].join('--');
  if (name.length > 100) {
    name = name.slice(0, 100).replace(/[-.]+$/, '');
    lossy = true;
  }
  if (lossy) name += `-${createHash('sha256').update(JSON.stringify(grid.map((a) => [a.path, a.values]))).digest('hex').slice(0, 8)}`;
  return `${name}${overridesSuffix(overrides)}`;
}
