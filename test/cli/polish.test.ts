import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatComparison } from '../../src/cli/compare.js';
import { withOverrides } from '../../src/cli/commands.js';
import { formatTune } from '../../src/cli/tune.js';
import { METRICS, type Comparison } from '../../src/compare/compare.js';
import { sweepDirName } from '../../src/report/sweep-file.js';
import { formatReport } from '../../src/report/terminal.js';
import { resultFileName } from '../../src/report/write.js';
import type { SweepSummary } from '../../src/report/sweep-file.js';
import type { TuneResult } from '../../src/tune/tune.js';
import { parseScenarioText } from '../../src/workload/load.js';
import { sampleResult } from '../report/sample.js';
import { TINY } from './helpers.js';

const metric = (name: string) => METRICS.find((m) => m.name === name) as (typeof METRICS)[number];

describe('output names say what was run (no silent overwrite)', () => {
  it('a run with overrides gets a name of its own, readable and distinct', () => {
    const r = sampleResult();
    expect(resultFileName(r)).toBe('oltp-sample-1.json');
    expect(resultFileName(r, ['workload.connections=1024'])).toBe('oltp-sample-1--workload.connections=1024.json');
    expect(resultFileName(r, ['seed=7', 'duration=2s'])).toBe('oltp-sample-1--seed=7--duration=2s.json');
    // Characters a filesystem or a shell would not take, or a long list: cut, with a hash of the whole.
    const json = resultFileName(r, ['threadHandling={"mode":"one-thread-per-connection"}']);
    const other = resultFileName(r, ['threadHandling={"mode":"pool","flavor":"mysql"}']);
    expect(json).toMatch(/^oltp-sample-1--threadHandling=-mode-one-thread-per-connection-[0-9a-f]{8}\.json$/);
    expect(other).not.toBe(json);
    const long = Array.from({ length: 12 }, (_, i) => `workload.transactions.${i}.weight=${i + 1}`);
    expect(resultFileName(r, long).length).toBeLessThan(200);
    expect(resultFileName(r, long)).not.toBe(resultFileName(r, long.slice(0, 11)));
    // The file records its overrides, so the default name follows them.
    expect(resultFileName(withOverrides(r, ['seed=7']))).toBe('oltp-sample-1--seed=7.json');
  });

  it('the result records its overrides right after the scenario, and the report lists them', () => {
    const r = withOverrides(sampleResult(), ['workload.connections=1024']);
    const keys = Object.keys(r);
    expect(keys[keys.indexOf('scenario') + 1]).toBe('overrides');
    expect(r.overrides).toEqual(['workload.connections=1024']);
    expect(withOverrides(sampleResult(), [])).not.toHaveProperty('overrides');
    const text = formatReport({ ...r, scenario: { ...r.scenario, description: 'Says 512 connections.' } });
    expect(text).toContain('overrides: workload.connections=1024');
    expect(text.replace(/\s+/g, ' ')).toContain('The scenario file describes itself, before the overrides, as: Says 512 connections.');
    expect(formatReport({ ...sampleResult(), scenario: { ...sampleResult().scenario, description: 'Plain.' } })).not.toContain('before the overrides');
  });

  it('each sweep has a directory named after its scenario, grid and overrides', () => {
    const grid = [
      { path: 'threadHandling.thread_pool_size', values: [8, 16] },
      { path: 'workload.connections', values: [64, 512] },
    ];
    expect(sweepDirName('oltp', grid)).toBe('oltp--thread_pool_size=8,16--connections=64,512');
    expect(sweepDirName('oltp', grid, ['duration=2s'])).toBe('oltp--thread_pool_size=8,16--connections=64,512--duration=2s');
    expect(sweepDirName('oltp', [grid[0]])).not.toBe(sweepDirName('oltp', grid));
    // Long lists are shortened to first..last, and a hash keeps two such grids apart.
    const a = sweepDirName('oltp', [{ path: 'workload.connections', values: [1, 2, 3, 4, 5, 6, 7, 8] }]);
    const b = sweepDirName('oltp', [{ path: 'workload.connections', values: [1, 3, 4, 5, 6, 7, 7.5, 8] }]);
    expect(a).toMatch(/^oltp--connections=1\.\.8-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    // Two paths with the same last part are told apart too.
    const twin = sweepDirName('s', [
      { path: 'a.size', values: [1] },
      { path: 'b.size', values: [2] },
    ]);
    expect(twin).not.toBe(sweepDirName('s', [{ path: 'b.size', values: [1] }, { path: 'a.size', values: [2] }]));
  });
});

describe('the report explains its counters', () => {
  it('says the counters cover the measured window (logins were in the warm-up) and names the admin group', () => {
    const r = sampleResult({ countersByGroup: Array.from({ length: 17 }, () => ({})) });
    const text = formatReport(r).replace(/\s+/g, ' ');
    expect(text).toContain('summed over 17 groups');
    expect(text).toContain('note: counted over the 10 s measured, after the warm-up: the 512 connections logged in during the warm-up, so CONNECTIONS_STARTED counts only later logins.');
    expect(text).toContain("note: 17 groups: thread_pool_size 16 plus MySQL's admin group, which serves only the connections with CONNECTION_ADMIN");
    // Without an extra group (MariaDB, Percona) there is nothing to explain.
    expect(formatReport(sampleResult())).not.toContain('admin group');
  });
});

describe('sim compare table', () => {
  const row = (name: string, a: number, b: number, extra: Partial<Comparison> = {}): Comparison => ({
    metric: metric(name),
    a,
    b,
    diff: b - a,
    relative: a === 0 ? NaN : (b - a) / a,
    method: 'paired',
    ...extra,
  });

  it('labels the two sides as given (a variant names its overrides)', () => {
    const text = formatComparison('a.json', 'a.json with threadHandling.thread_pool_size=32', [row('tps', 100, 110)]);
    expect(text.split('\n').slice(0, 2)).toEqual(['a: a.json', 'b: a.json with threadHandling.thread_pool_size=32']);
  });

  it('gives no verdict and no sign to a change that shows as 0.0%', () => {
    // A latency 1e-12 ms higher in b: significant in the last bits, invisible at one decimal.
    const tiny = row('p99', 10, 10 + 1e-12, { ci: [1e-12, 1e-12], significant: true });
    const text = formatComparison('a', 'b', [tiny]);
    const line = text.split('\n').find((l) => l.trim().startsWith('latency p99')) as string;
    expect(line).not.toContain('worse');
    expect(line).not.toContain('better');
    expect(line).not.toMatch(/[+-]0\.0%/);
    expect(line).toMatch(/\s0\.0%/);
    const down = formatComparison('a', 'b', [row('p99', 10, 10 - 1e-9, { significant: false })]);
    expect(down).not.toMatch(/-0\.0%/);
  });

  it('signs and verdicts follow the direction that is better for each statistic', () => {
    const text = formatComparison('a', 'b', [row('tps', 100, 90, { significant: true, ci: [-11, -9] }), row('p99', 10, 9, { significant: true, ci: [-1.1, -0.9] })]);
    const tps = text.split('\n').find((l) => l.trim().startsWith('throughput')) as string;
    const p99 = text.split('\n').find((l) => l.trim().startsWith('latency p99')) as string;
    expect(tps).toMatch(/-10\.0%.*yes \(worse\)/);
    expect(p99).toMatch(/-10\.0%.*yes \(better\)/);
  });
});

describe('sim tune table', () => {
  const summary = (tps: number, p99: number): SweepSummary => ({ tps, p50: 1, p95: 2, p99, p999: 4, mean: 1, queueWaitMean: 0.5, peakThreads: 3 });
  const ci = (mean: number) => ({ mean, lo: mean - 1, hi: mean + 1, halfWidth: 1, n: 3, sd: 1 });
  const result = (objective: TuneResult['objective']): TuneResult => ({
    objective,
    method: 'grid',
    evaluated: [
      { values: { 'threadHandling.thread_pool_size': 4 }, summary: summary(1000, 12), feasible: true },
      { values: { 'threadHandling.thread_pool_size': 8 }, summary: summary(1200, 9), feasible: true },
    ],
    current: { 'threadHandling.thread_pool_size': 4 },
    best: { values: { 'threadHandling.thread_pool_size': 8 }, ci: ci(9), vsCurrent: ci(-3) },
    currentCi: ci(12),
    candidates: [],
    replications: 3,
  });

  it('shows each figure in one column, the objective first', () => {
    for (const [objective, head] of [
      ['p99', ['thread_pool_size', 'p99 ms', 'tps', 'feasible']],
      ['tps', ['thread_pool_size', 'tps', 'p99 ms', 'feasible']],
      ['mean', ['thread_pool_size', 'mean ms', 'tps', 'p99 ms', 'feasible']],
    ] as const) {
      const header = formatTune(result(objective)).split('\n')[1].trim().split(/\s{2,}/);
      expect(header, objective).toEqual(head);
    }
  });
});

describe('--set threadHandling.mode switches thread handling', () => {
  const text = readFileSync(TINY, 'utf8');

  it('drops the keys only the old mode takes', () => {
    const spec = parseScenarioText(text, 'tiny.json', ['threadHandling.mode=one-thread-per-connection']);
    expect(spec.threadHandling).toEqual(expect.objectContaining({ mode: 'one-thread-per-connection' }));
    expect(spec.threadHandling).not.toHaveProperty('flavor');
  });

  it('keeps a key the user set in the same command, so a wrong one is still reported', () => {
    expect(() => parseScenarioText(text, 'tiny.json', ['threadHandling.mode=one-thread-per-connection', 'threadHandling.thread_pool_size=4'])).toThrow(
      /thread_pool_size/,
    );
  });

  it('a typo in the file is still reported, and setting the same mode drops nothing', () => {
    const typo = text.replace('"flavor": "mysql"', '"flavor": "mysql", "thread_pool_sizee": 4');
    expect(() => parseScenarioText(typo, 'tiny.json', ['threadHandling.mode=one-thread-per-connection'])).toThrow(/thread_pool_sizee/);
    expect(() => parseScenarioText(typo, 'tiny.json', ['threadHandling.mode=pool'])).toThrow(/thread_pool_sizee/);
  });

  it('without a mode override, an unknown key is still an error', () => {
    expect(() => parseScenarioText(text, 'tiny.json', ['threadHandling={"mode":"one-thread-per-connection","flavor":"mysql"}'])).toThrow(/flavor/);
  });
});
