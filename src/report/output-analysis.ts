import type { RunResult } from '../run/result.js';
import { PERCENTILES } from '../run/output-analysis.js';
import type { IntervalEstimate } from '../run/output-analysis.js';
import { fmtMs, fmtPct, fmtRate, table } from './format.js';

/** The section title: the level and how the intervals were formed. */
export function outputAnalysisTitle(r: RunResult): string {
  const a = r.outputAnalysis;
  if (a === undefined) return '';
  const how = a.method === 'batch-means' ? `${a.sections} batches of ${a.batchSeconds ?? 0} s: batch means, percentiles by CDF inversion` : `${a.sections} replications as sections`;
  return `Intervals (${fmtPct(a.level)}, ${how})`;
}

/**
 * The intervals of transaction latency and tps (src/run/output-analysis.ts), the output's
 * correlation, and what --precision reached. Nothing when the run has no analysis.
 */
export function outputAnalysisLines(r: RunResult): string[] {
  const a = r.outputAnalysis;
  if (a === undefined) return [];
  const row = (label: string, x: IntervalEstimate | undefined, f: (v: number) => string): string[] =>
    x === undefined ? [] : [label, f(x.estimate), `[${f(x.lo)}, ${f(x.hi)}]`, `±${fmtPct(x.relativeHalfWidth)}`];
  const rows = [
    ['', 'estimate', 'interval', 'half-width'],
    row('mean latency (ms)', a.latency.mean, fmtMs),
    ...PERCENTILES.filter(([k]) => k !== 'p50').map(([k, p]) => row(`p${p} latency (ms)`, a.latency[k], fmtMs)),
    row('tps', a.tps, fmtRate),
  ].filter((x) => x.length > 0);
  const out = table(rows);
  const c = a.correlation;
  if (c !== undefined) {
    const indep = c.independentBatchSeconds === undefined ? `none down to ${a.sections} batches` : `from ${c.independentBatchSeconds} s, ${c.independentBatches} in the window`;
    out.push(`  correlation: lag-1 of the batch means ${c.lag1}; independent batches (von Neumann test) ${indep}`);
  }
  if (a.transient !== undefined && a.transient.seconds > 0) {
    out.push(`  transient left in the window (MSER-5): ${a.transient.seconds} s${a.transient.significant ? ', enough to bias the mean' : ', too small to matter'}`);
  }
  const p = r.precision;
  if (p !== undefined) {
    const got = p.metrics.map((m) => `${m} ±${(p.achieved[m] ?? -1) < 0 ? '-' : fmtPct(p.achieved[m] ?? 0)}`).join(', ');
    out.push(
      `  --precision ${fmtPct(p.target)}: ${p.reached ? 'reached' : `NOT reached (${p.stoppedBy})`}: ${got}; ` +
        `${p.replications} replications (stages ${p.stages.join(', ')}), ${p.measuredSeconds} s measured + ${p.warmupSeconds} s warm-up`,
    );
  }
  return out;
}
