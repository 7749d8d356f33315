import { fmtPct, table } from '../report/format.js';
import type { RunResult } from '../run/result.js';
import { runReplicationResults } from '../run/replications.js';
import { resolveScenario } from '../run/run.js';
import { meanCi } from '../stats/confidence.js';
import { loadScenarioFile } from '../workload/load.js';
import type { ScenarioSpec } from '../workload/schema.js';
import { asRunFailure, UsageError } from './errors.js';

export interface CheckArgs {
  files: string[];
  set: string[];
  replications?: number;
  duration?: string;
  warmup?: string;
  /** Confidence level of the band that decides PASS (the report also shows the 95% interval). */
  level: number;
  json: boolean;
}

/** One expectation's verdict. */
export interface CheckRow {
  file: string;
  scenario: string;
  metric: string;
  source: string;
  exact: number;
  mean: number;
  ci95: [number, number];
  band: [number, number];
  level: number;
  tolerance: number;
  relativeError: number;
  replications: number;
  pass: boolean;
  note?: string;
}

const DEFAULT_REPLICATIONS = 10;

/** The number at a dotted path of a result (e.g. latency.byTransaction.q.p99), or undefined. */
export function metricValue(result: unknown, path: string): number | undefined {
  let cur: unknown = result;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(key in cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return typeof cur === 'number' ? cur : undefined;
}

/**
 * Runs each scenario's `expect` list with independent replications and judges each expected
 * value: PASS when it lies in the mean's t band at `level` (99.9% by default, so that a suite of
 * exact checks does not fail by chance one time in twenty), widened by the expectation's
 * relative tolerance. An unstable run fails all its expectations.
 */
export function checkScenario(file: string, spec: ScenarioSpec, n: number, level: number): CheckRow[] {
  const expectations = spec.expect ?? [];
  if (expectations.length === 0) return [];
  let results: RunResult[];
  try {
    results = runReplicationResults(resolveScenario(spec), n);
  } catch (e) {
    throw asRunFailure(e);
  }
  const unstable = results.some((r) => r.stability?.unstable === true);
  return expectations.map((x) => {
    const values = results.map((r) => metricValue(r, x.metric));
    const base = {
      file,
      scenario: spec.name,
      metric: x.metric,
      source: x.source ?? '',
      exact: x.value,
      level,
      tolerance: x.tolerance,
      replications: n,
    };
    if (values.some((v) => v === undefined)) {
      return { ...base, mean: NaN, ci95: [NaN, NaN], band: [NaN, NaN], relativeError: NaN, pass: false, note: `no metric "${x.metric}" in the result` };
    }
    const xs = values as number[];
    const c95 = meanCi(xs, 0.95);
    const cb = meanCi(xs, level);
    const slack = x.tolerance * Math.abs(x.value);
    const pass = !unstable && x.value >= cb.lo - slack && x.value <= cb.hi + slack;
    const row: CheckRow = {
      ...base,
      mean: c95.mean,
      ci95: [c95.lo, c95.hi],
      band: [cb.lo, cb.hi],
      relativeError: x.value !== 0 ? (c95.mean - x.value) / Math.abs(x.value) : c95.mean - x.value,
      pass,
    };
    if (unstable) row.note = 'the run was unstable';
    return row;
  });
}

export function checkCommand(args: CheckArgs): void {
  if (args.files.length === 0) throw new UsageError('no scenario files to check. Run "sim check --help" for usage.');
  if (!(args.level > 0 && args.level < 1)) throw new UsageError(`--level must be between 0 and 1, got ${args.level}.`);
  if (args.replications !== undefined && !(Number.isInteger(args.replications) && args.replications >= 2)) {
    throw new UsageError(`--replications must be an integer of at least 2 (a confidence interval needs two), got ${args.replications}.`);
  }
  const sets = [...args.set];
  if (args.duration !== undefined) sets.push(`duration=${args.duration}`);
  if (args.warmup !== undefined) sets.push(`warmup=${args.warmup}`);
  // Validate every file before running any: a typo in the last one should not cost a long run.
  const specs = args.files.map((f) => ({ file: f, spec: loadScenarioFile(f, sets) }));
  const rows: CheckRow[] = [];
  const skipped: string[] = [];
  for (const { file, spec } of specs) {
    const n = args.replications ?? Math.max(2, spec.replications ?? DEFAULT_REPLICATIONS);
    const r = checkScenario(file, spec, n, args.level);
    if (r.length === 0) skipped.push(file);
    rows.push(...r);
    if (!args.json) process.stdout.write(formatCheckRows(r));
  }
  const failed = rows.filter((r) => !r.pass).length;
  if (args.json) process.stdout.write(`${JSON.stringify({ level: args.level, rows, skipped }, null, 2)}\n`);
  else {
    for (const f of skipped) process.stdout.write(`${f}: no expectations, skipped\n`);
    process.stdout.write(`\n${rows.length - failed} passed, ${failed} failed (band: ${fmtPct(args.level).replace('.0%', '%')} t interval of the mean${rows.some((r) => r.tolerance > 0) ? ' plus tolerance' : ''})\n`);
  }
  if (failed > 0) process.exitCode = 1;
}

/** A small table per scenario: exact, simulated mean, 95% CI, relative error, verdict. */
export function formatCheckRows(rows: readonly CheckRow[]): string {
  if (rows.length === 0) return '';
  const head = `${rows[0].file} (${rows[0].scenario}, ${rows[0].replications} replications)`;
  const body = table([
    ['metric', 'exact', 'mean', '95% CI', 'rel. error', 'verdict'],
    ...rows.map((r) => [
      r.metric,
      String(r.exact),
      fmt4(r.mean),
      `[${fmt4(r.ci95[0])}, ${fmt4(r.ci95[1])}]`,
      Number.isFinite(r.relativeError) ? `${(r.relativeError * 100).toFixed(2)}%` : '-',
      r.pass ? 'PASS' : `FAIL${r.note ? ` (${r.note})` : ''}`,
    ]),
  ]);
  const sources = rows.filter((r) => r.source !== '').map((r) => `  ${r.metric}: ${r.source}`);
  return `${[head, ...body, ...sources].join('\n')}\n\n`;
}

function fmt4(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : '-';
}
