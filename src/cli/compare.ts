import { readFileSync } from 'node:fs';
import { type Comparison, type FailRule, compareResults, parseFailRule, ruleFails } from '../compare/compare.js';
import { fmtMs, fmtPct, fmtRate, table } from '../report/format.js';
import { aggregateReplications, runReplicationSets } from '../run/replications.js';
import type { RunResult } from '../run/result.js';
import { shortWarmupWarning } from '../run/warmup.js';
import { resolveScenario } from '../run/run.js';
import { loadScenarioFile } from '../workload/load.js';
import type { ScenarioSpec } from '../workload/schema.js';
import { jobsOption, noteModeSwitch, overridesOf } from './commands.js';
import { asRunFailure, UsageError } from './errors.js';

export interface CompareArgs {
  a: string;
  b: string;
  set: string[];
  /** Overrides for side b only (so one scenario can be compared with a variant of itself). */
  setB: string[];
  duration?: string;
  warmup?: string;
  /** Replications run at once (this thread and N-1 workers) (default: the number of cores; 1 = serial). */
  jobs?: number;
  replications: number;
  failIf: string[];
  json: boolean;
}

/** A result file, or a scenario to run now (every such side runs the same replication seeds). */
function isResultFile(path: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return false; // loadScenarioFile reports the problem with the file properly
  }
  return typeof doc === 'object' && doc !== null && 'schemaVersion' in doc && 'summary' in doc;
}

function readResult(path: string): RunResult {
  return JSON.parse(readFileSync(path, 'utf8')) as RunResult;
}

export async function compareCommand(args: CompareArgs): Promise<void> {
  let rules: FailRule[];
  try {
    rules = args.failIf.map(parseFailRule);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (!Number.isInteger(args.replications) || args.replications < 1) {
    throw new UsageError(`--replications ${args.replications}: expected a whole number >= 1.`);
  }
  const common = overridesOf({ set: args.set, duration: args.duration, warmup: args.warmup });
  const jobs = jobsOption(args.jobs);
  const setsOf = (side: number): string[] => (side === 0 ? common : [...common, ...args.setB]);
  const specs = [args.a, args.b].map((path, side) => {
    if (isResultFile(path)) {
      // Overrides that would apply to no scenario are a mistake, not something to ignore.
      if (side === 1 && args.setB.length > 0) throw new UsageError(`${path} is a result file: --set-b applies to a scenario file b, which compare runs now.`);
      if (common.length > 0 && isResultFile(side === 0 ? args.b : args.a)) {
        throw new UsageError(`${args.a} and ${args.b} are result files: --set, --duration and --warmup apply to scenario files, which compare runs now.`);
      }
      return undefined;
    }
    const spec = resolveScenario(loadScenarioFile(path, setsOf(side)));
    noteModeSwitch(path, setsOf(side));
    return spec;
  });
  // The replications of both sides are independent: all of them share one pool of workers.
  const toRun = specs.filter((s): s is ScenarioSpec => s !== undefined);
  let ran: RunResult[][];
  try {
    ran = await runReplicationSets(toRun, args.replications, { jobs });
  } catch (e) {
    throw asRunFailure(e);
  }
  const sides = [args.a, args.b].map((path, side) => {
    // Each side's label names its overrides, so a scenario compared with a variant of itself
    // does not show two identical labels.
    const label = sideLabel(path, side === 0 ? [] : args.setB);
    if (specs[side] === undefined) return { path, label, result: readResult(path), runs: undefined as RunResult[] | undefined };
    const runs = ran[specs.slice(0, side).filter((s) => s !== undefined).length];
    return { path, label, result: runs.length === 1 ? runs[0] : aggregateReplications(runs), runs };
  });
  const [A, B] = sides;
  const perRep = A.runs !== undefined && B.runs !== undefined && A.runs.length > 1 ? { a: A.runs, b: B.runs } : undefined;
  const rows = compareResults(A.result, B.result, perRep);
  const failed = rules.filter((r) => {
    const c = rows.find((x) => x.metric === r.metric);
    return c !== undefined && ruleFails(r, c);
  });
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          a: A.path,
          b: B.path,
          labels: { a: A.label, b: B.label },
          comparisons: rows.map((c) => ({ metric: c.metric.name, a: c.a, b: c.b, diff: c.diff, relative: c.relative, ci95: c.ci ?? null, method: c.method, significant: c.significant ?? null })),
          failed: failed.map((r) => r.text),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    process.stdout.write(`${formatComparison(A.label, B.label, rows)}\n`);
    for (const r of failed) process.stderr.write(`sim: --fail-if "${r.text}" holds: ${describe(rows.find((x) => x.metric === r.metric) as Comparison)}\n`);
  }
  for (const side of sides) {
    const w = shortWarmupWarning(side.result);
    if (w !== undefined) process.stderr.write(`warning: ${side.label}: ${w}\n`);
  }
  if (failed.length > 0) process.exitCode = 1;
}

function fmt(c: Comparison, v: number): string {
  switch (c.metric.unit) {
    case 'tps':
      return fmtRate(v);
    case 'ratio':
      return fmtPct(v);
    case 'threads':
      return String(Math.round(v * 10) / 10);
    default:
      return fmtMs(v);
  }
}

function describe(c: Comparison): string {
  return `${c.metric.label} ${fmt(c, c.a)} -> ${fmt(c, c.b)} (${signed(100 * c.relative)}%)`;
}

/** The file, and for side b the --set-b overrides that make it a variant. */
export function sideLabel(path: string, overrides: readonly string[]): string {
  return overrides.length === 0 ? path : `${path} with ${overrides.join(' ')}`;
}

/** One decimal with its sign; a value that rounds to zero has none (no "+0.0" or "-0.0"). */
const signed = (x: number): string => {
  if (Number.isNaN(x)) return 'n/a';
  const t = x.toFixed(1);
  return Number(t) === 0 ? '0.0' : `${x > 0 ? '+' : ''}${t}`;
};

/** The difference in the statistic's unit, signed; zero when it shows as zero. */
function signedDiff(c: Comparison): string {
  const text = fmt(c, Math.abs(c.diff));
  if (c.diff === 0 || !/[1-9]/.test(text)) return '0';
  return `${c.diff > 0 ? '+' : '-'}${text}`;
}

/**
 * Better or worse, only for a change that shows: a difference that rounds to 0.0% gets no
 * verdict, whatever its sign in the last bits.
 */
function verdict(c: Comparison): string {
  const visible = Number.isNaN(c.relative) ? c.diff !== 0 : Math.abs(100 * c.relative) >= 0.05;
  if (!visible) return '';
  return c.diff > 0 === c.metric.higherIsBetter ? ' (better)' : ' (worse)';
}

export function formatComparison(a: string, b: string, rows: readonly Comparison[]): string {
  const method = rows.find((r) => r.method !== 'none')?.method;
  const header = ['statistic', 'a', 'b', 'b - a', 'change', '95% CI of b - a', 'significant'];
  const body = rows.map((c) => [
    c.metric.label,
    fmt(c, c.a),
    fmt(c, c.b),
    signedDiff(c),
    `${signed(100 * c.relative)}%`,
    c.ci === undefined ? '-' : `[${fmt(c, c.ci[0])}, ${fmt(c, c.ci[1])}]`,
    c.significant === undefined ? '-' : c.significant ? `yes${verdict(c)}` : 'no',
  ]);
  const note =
    method === 'paired'
      ? 'paired by replication (same seeds: common random numbers)'
      : method === 'welch'
        ? 'from the two results\' intervals (Welch)'
        : 'single runs: no significance test (compare scenarios, or results run with --replications)';
  return [`a: ${a}`, `b: ${b}`, ...table([header, ...body], { align: ['l', 'r', 'r', 'r', 'r', 'r', 'l'] }), `  ${note}`].join('\n');
}
