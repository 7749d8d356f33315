import type { RunResult } from '../run/result.js';
import { meanCi, tCritical } from '../stats/confidence.js';

/** A statistic compared between two results: how to read it from a result. */
export interface Metric {
  name: string;
  label: string;
  unit: 'tps' | 'ms' | 'threads' | 'ratio';
  /** Higher is better (throughput) or lower is better (latency). */
  higherIsBetter: boolean;
  get(r: RunResult): number;
  /** Its 95% interval in a replicated result, if there is one. */
  ci(r: RunResult): [number, number] | undefined;
  /** Its value in each replication, if the result keeps it. */
  perReplication(r: RunResult): number[] | undefined;
}

const tree = (r: RunResult, path: string[]): [number, number] | undefined => {
  let node: unknown = r.ci95;
  for (const k of path) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[k] : undefined;
  return Array.isArray(node) && node.length === 2 ? (node as [number, number]) : undefined;
};

function metric(
  name: string,
  label: string,
  unit: Metric['unit'],
  higherIsBetter: boolean,
  path: string[],
  perRep?: 'tps' | 'latencyMean' | 'latencyP99',
): Metric {
  return {
    name,
    label,
    unit,
    higherIsBetter,
    get: (r) => path.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], r) as number,
    ci: (r) => tree(r, path),
    perReplication: (r) => (perRep === undefined ? undefined : r.replications?.perReplication.map((p) => p[perRep])),
  };
}

/** The statistics `sim compare` shows, by short name (also what --fail-if accepts). */
export const METRICS: Metric[] = [
  metric('tps', 'throughput (tps)', 'tps', true, ['summary', 'tps'], 'tps'),
  metric('mean', 'latency mean', 'ms', false, ['latency', 'all', 'mean'], 'latencyMean'),
  metric('p50', 'latency p50', 'ms', false, ['latency', 'all', 'p50']),
  metric('p95', 'latency p95', 'ms', false, ['latency', 'all', 'p95']),
  metric('p99', 'latency p99', 'ms', false, ['latency', 'all', 'p99'], 'latencyP99'),
  metric('p999', 'latency p99.9', 'ms', false, ['latency', 'all', 'p999']),
  metric('max', 'latency max', 'ms', false, ['latency', 'all', 'max']),
  metric('queue', 'queue wait mean', 'ms', false, ['queueWait', 'all', 'mean']),
  metric('queue_p99', 'queue wait p99', 'ms', false, ['queueWait', 'all', 'p99']),
  metric('exec', 'execution mean', 'ms', false, ['execution', 'all', 'mean']),
  metric('threads', 'peak threads', 'threads', false, ['threads', 'peak']),
  metric('cpu', 'CPU utilization', 'ratio', false, ['cpu', 'utilization']),
];

export interface Comparison {
  metric: Metric;
  a: number;
  b: number;
  diff: number;
  /** (b - a) / a; NaN when a is 0. */
  relative: number;
  /** 95% interval of b - a, when it can be formed. */
  ci?: [number, number];
  /** How the interval was formed. */
  method: 'paired' | 'welch' | 'none';
  /** The interval excludes 0. */
  significant?: boolean;
}

/**
 * Compares b against a. With the values of each replication on both sides and the same seeds
 * (common random numbers) the test is paired: the interval of the mean per-replication
 * difference, far narrower than independent intervals because both sides saw the same workload.
 * With only intervals, Welch's approximation; with single runs, no test.
 */
export function compareResults(a: RunResult, b: RunResult, perRep?: { a: RunResult[]; b: RunResult[] }): Comparison[] {
  return METRICS.map((m) => {
    const va = m.get(a);
    const vb = m.get(b);
    const base: Comparison = { metric: m, a: va, b: vb, diff: vb - va, relative: va === 0 ? NaN : (vb - va) / va, method: 'none' };
    const xa = perRep?.a.map((r) => m.get(r)) ?? m.perReplication(a);
    const xb = perRep?.b.map((r) => m.get(r)) ?? m.perReplication(b);
    const sameSeeds =
      perRep !== undefined ||
      (a.replications !== undefined && JSON.stringify(a.replications.seeds) === JSON.stringify(b.replications?.seeds));
    if (xa !== undefined && xb !== undefined && xa.length === xb.length && xa.length >= 2 && sameSeeds) {
      const d = meanCi(xa.map((x, i) => xb[i] - x));
      return { ...base, ci: [d.lo, d.hi], method: 'paired', significant: d.lo > 0 || d.hi < 0 };
    }
    const ca = m.ci(a);
    const cb = m.ci(b);
    const na = a.replications?.count ?? 1;
    const nb = b.replications?.count ?? 1;
    if (ca !== undefined && cb !== undefined && na >= 2 && nb >= 2) {
      // Standard errors back from the t intervals, then Welch-Satterthwaite degrees of freedom.
      const sa = (ca[1] - ca[0]) / 2 / tCritical(0.95, na - 1);
      const sb = (cb[1] - cb[0]) / 2 / tCritical(0.95, nb - 1);
      const se = Math.sqrt(sa * sa + sb * sb);
      const df = se === 0 ? na + nb - 2 : se ** 4 / (sa ** 4 / (na - 1) + sb ** 4 / (nb - 1));
      const h = tCritical(0.95, Math.max(1, df)) * se;
      const lo = base.diff - h;
      const hi = base.diff + h;
      return { ...base, ci: [lo, hi], method: 'welch', significant: lo > 0 || hi < 0 };
    }
    return base;
  });
}

/** A `--fail-if` rule, e.g. "p99 > +10%", "tps < -5%", "mean > +2" (ms). */
export interface FailRule {
  text: string;
  metric: Metric;
  op: '>' | '<';
  value: number;
  relative: boolean;
}

export function parseFailRule(text: string): FailRule {
  const m = /^\s*([a-z_0-9]+)\s*([<>])\s*([+-]?\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  const metric = m === null ? undefined : METRICS.find((x) => x.name === m[1]);
  if (m === null || metric === undefined) {
    throw new Error(
      `--fail-if "${text}": expected METRIC > CHANGE or METRIC < CHANGE, e.g. "p99 > +10%" or "tps < -5%"; metrics: ${METRICS.map((x) => x.name).join(', ')}`,
    );
  }
  return { text, metric, op: m[2] as '>' | '<', value: Number(m[3]), relative: m[4] === '%' };
}

/** True when the change from a to b breaks the rule (on the point estimate). */
export function ruleFails(rule: FailRule, c: Comparison): boolean {
  const change = rule.relative ? 100 * c.relative : c.diff;
  if (Number.isNaN(change)) return false;
  return rule.op === '>' ? change > rule.value : change < rule.value;
}
