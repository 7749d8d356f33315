import { availableParallelism } from 'node:os';
import { fmtMs, fmtRate, table } from '../report/format.js';
import type { MeanCi } from '../stats/confidence.js';
import { pointsWarmupWarning } from '../run/warmup.js';
import { parseVary } from '../sweep/grid.js';
import { loadScenarioFile } from '../workload/load.js';
import { type Objective, OBJECTIVES, type TuneResult, parseConstraint, tune } from '../tune/tune.js';
import { noteModeSwitch, overridesOf } from './commands.js';
import { asRunFailure, UsageError } from './errors.js';
import { varyNamed } from './sweep.js';
import { createProgress } from './progress.js';

export interface TuneArgs {
  scenario: string;
  set: string[];
  param: string[];
  duration?: string;
  warmup?: string;
  objective: string;
  constraint: string[];
  replications: number;
  workers?: number;
  method?: string;
  out: string;
  json: boolean;
}

export async function tuneCommand(a: TuneArgs): Promise<void> {
  if (a.param.length === 0) throw new UsageError('sim tune needs at least one --param path=v1,v2,... or path=start..end:step.');
  if (!OBJECTIVES.includes(a.objective as Objective)) throw new UsageError(`--objective ${a.objective}: expected one of ${OBJECTIVES.join(', ')}.`);
  if (a.method !== undefined && a.method !== 'grid' && a.method !== 'climb') throw new UsageError(`--method ${a.method}: expected grid or climb.`);
  if (!Number.isInteger(a.replications) || a.replications < 2) throw new UsageError(`--replications ${a.replications}: expected a whole number >= 2.`);
  const params = a.param.map((p) => parseVary(p, '--param'));
  const sets = overridesOf({ set: a.set, duration: a.duration, warmup: a.warmup });
  noteModeSwitch(a.scenario, sets);
  const method = (a.method as 'grid' | 'climb' | undefined) ?? (params.length <= 2 ? 'grid' : 'climb');
  const progress = createProgress(process.stderr, !a.json && process.stderr.isTTY === true);
  const total = params.reduce((n, p) => n * p.values.length, 1);
  let result: TuneResult;
  try {
    result = await tune({
      file: a.scenario,
      sets,
      params,
      objective: a.objective as Objective,
      constraints: a.constraint.map(parseConstraint),
      replications: a.replications,
      workers: a.workers ?? availableParallelism(),
      outDir: a.out,
      method,
      onProgress: (n) => progress.update(Math.min(1, n / total)),
    });
  } catch (e) {
    throw asRunFailure(varyNamed(e, params, '--param'));
  } finally {
    progress.finish();
  }
  if (a.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(`${formatTune(result)}\n`);
  const warning = pointsWarmupWarning(result.evaluated, loadScenarioFile(a.scenario, sets).warmup);
  if (warning !== undefined) process.stderr.write(`warning: ${warning}\n`);
}

const show = (v: Record<string, unknown>): string =>
  Object.entries(v)
    .map(([k, x]) => `${k.split('.').pop() ?? k}=${String(x)}`)
    .join(' ');

export function formatTune(r: TuneResult): string {
  const fmt = r.objective === 'tps' ? fmtRate : r.objective === 'peakThreads' ? (x: number) => x.toFixed(1) : fmtMs;
  const ci = (c: MeanCi): string => `${fmt(c.mean)} ±${fmt(c.halfWidth)}`;
  const lines = [
    `tune ${r.objective} (${r.objective === 'tps' ? 'higher' : 'lower'} is better) by ${r.method}: ${r.evaluated.length} settings evaluated`,
  ];
  const sorted = [...r.evaluated].sort((x, y) => (r.objective === 'tps' ? y.summary.tps - x.summary.tps : x.summary[r.objective] - y.summary[r.objective]));
  const params = Object.keys(r.current);
  // One column per figure: the objective, then throughput and p99 unless the objective is one of them.
  const unit = r.objective === 'tps' ? '' : r.objective === 'peakThreads' ? '' : ' ms';
  const extra = (['tps', 'p99'] as const).filter((f) => f !== r.objective);
  const extraHead = { tps: 'tps', p99: 'p99 ms' };
  const extraCell = (e: (typeof sorted)[number], f: 'tps' | 'p99'): string => (f === 'tps' ? fmtRate(e.summary.tps) : fmtMs(e.summary.p99));
  lines.push(
    ...table(
      [
        [...params.map((p) => p.split('.').pop() ?? p), `${r.objective}${unit}`, ...extra.map((f) => extraHead[f]), 'feasible'],
        ...sorted.slice(0, 12).map((e) => [
          ...params.map((p) => String(e.values[p])),
          fmt(e.summary[r.objective]),
          ...extra.map((f) => extraCell(e, f)),
          e.feasible ? 'yes' : 'no',
        ]),
      ],
      { align: [...params.map(() => 'l' as const), 'r', ...extra.map(() => 'r' as const), 'l'] },
    ),
  );
  if (sorted.length > 12) lines.push(`  ... ${sorted.length - 12} more`);
  lines.push('', `confirmed with ${r.replications} replications (same seeds for every setting; 95% CI):`);
  for (const c of r.candidates) {
    const d = c.vsCurrent;
    const sig = d.lo > 0 || d.hi < 0 ? 'significant' : 'not significant';
    lines.push(`  ${show(c.values).padEnd(40)} ${ci(c.ci).padStart(18)}   vs current ${d.mean >= 0 ? '+' : ''}${fmt(d.mean)} [${fmt(d.lo)}, ${fmt(d.hi)}] ${sig}`);
  }
  const d = r.best.vsCurrent;
  const rel = r.currentCi.mean === 0 ? 0 : (100 * d.mean) / r.currentCi.mean;
  lines.push(
    '',
    `recommendation: ${show(r.best.values)}  ${r.objective} ${ci(r.best.ci)}`,
    `current:        ${show(r.current)}  ${r.objective} ${ci(r.currentCi)}  (${rel >= 0 ? '+' : ''}${rel.toFixed(1)}% with the recommendation)`,
  );
  return lines.join('\n');
}
