import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../src/report/terminal.js';
import { aggregateReplications, replicationSeed, runBatchMeans, runReplicationResults, runReplications } from '../../src/run/replications.js';
import type { RunResult } from '../../src/run/result.js';
import { runScenario } from '../../src/run/run.js';
import { meanCi } from '../../src/stats/confidence.js';
import { Scenario, type ScenarioInput } from '../../src/workload/schema.js';
import { scenario } from '../helpers/scenarios.js';

const withoutEngine = (r: RunResult): string => JSON.stringify({ ...r, engine: undefined });

const small = (): ReturnType<typeof scenario> =>
  scenario('oltp.json', (s) => {
    s.duration = '300ms';
    s.warmup = '100ms';
    s.workload.connections = 16;
  });

function mm1(rate: number, extra: Partial<ScenarioInput> = {}) {
  return Scenario.parse({
    name: 'mm1',
    duration: '20s',
    warmup: '1s',
    server: { cores: 1, scheduling: 'fifo' },
    threadHandling: { mode: 'one-thread-per-connection' },
    workload: {
      connections: 100,
      client: { model: 'open', arrivals: { process: 'poisson', rate } },
      network: { rtt: '0us' },
      transactions: [{ name: 'q', type: 'autocommit', statements: [{ name: 'q', cpu: { dist: 'exponential', mean: '1ms' } }] }],
    },
    ...extra,
  } satisfies ScenarioInput);
}

describe('replications', () => {
  it('replication 0 is the single run, byte for byte; n = 1 returns it unchanged', () => {
    const spec = small();
    const single = runScenario(spec);
    expect(withoutEngine(runReplications(spec, 1))).toBe(withoutEngine(single));
    expect(withoutEngine(runReplicationResults(spec, 2)[0])).toBe(withoutEngine(single));
  });

  it('derives distinct, deterministic seeds', () => {
    expect(replicationSeed(7, 0)).toBe(7);
    const seeds = Array.from({ length: 50 }, (_, r) => replicationSeed(7, r));
    expect(new Set(seeds).size).toBe(50);
    expect(replicationSeed(7, 3)).toBe(replicationSeed(7, 3));
    expect(replicationSeed(8, 3)).not.toBe(replicationSeed(7, 3));
    for (const s of seeds) expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
  });

  it('reports means with 95% t intervals of every statistic and a replications block', () => {
    const spec = small();
    const reps = runReplicationResults(spec, 3);
    const agg = aggregateReplications(reps);
    const means = reps.map((r) => r.latency.all.mean);
    const ci = meanCi(means, 0.95);
    expect(agg.latency.all.mean).toBeCloseTo(ci.mean, 4);
    const iv = (agg.ci95 as { latency: { all: { mean: [number, number] } } }).latency.all.mean;
    expect(iv[0]).toBeCloseTo(ci.lo, 4);
    expect(iv[1]).toBeCloseTo(ci.hi, 4);
    // Every latency statistic, throughput, threads, CPU and counters have an interval.
    const tree = agg.ci95 as Record<string, Record<string, unknown>>;
    for (const k of ['count', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max']) {
      expect((tree.latency.all as Record<string, unknown>)[k]).toHaveLength(2);
      expect((tree.queueWait.all as Record<string, unknown>)[k]).toHaveLength(2);
    }
    expect(tree.summary.tps).toHaveLength(2);
    expect(tree.cpu.utilization).toHaveLength(2);
    expect(tree.threads.peak).toHaveLength(2);
    for (const name of Object.keys(agg.counters)) expect(tree.counters[name]).toHaveLength(2);
    expect(agg.replications?.count).toBe(3);
    expect(agg.replications?.seeds).toEqual([spec.seed, replicationSeed(spec.seed, 1), replicationSeed(spec.seed, 2)]);
    expect(agg.replications?.perReplication.map((p) => p.tps)).toEqual(reps.map((r) => r.summary.tps));
    // The histograms pool every replication's samples (so a replicated result plots).
    const pooled = (e: string | undefined): number => hdr.decodeFromCompressedBase64(e ?? '', 64, false).totalCount;
    expect(pooled(agg.histograms?.latency.all)).toBe(reps.reduce((s, r) => s + r.latency.all.count, 0));
    for (const tx of Object.keys(agg.latency.byTransaction)) {
      expect(pooled(agg.histograms?.execution.byTransaction[tx])).toBe(reps.reduce((s, r) => s + r.execution.byTransaction[tx].count, 0));
    }
    // The same JSON fields as a single run, plus the documented additions.
    expect(Object.keys(agg).sort()).toEqual([...Object.keys(reps[0]), 'ci95', 'replications'].sort());
  });

  it('shows "mean ± half-width" for every statistic in the terminal report', () => {
    const text = formatReport(runReplications(small(), 3));
    expect(text).toContain('3 independent replications');
    const section = (title: string): string[] => {
      const lines = text.split('\n');
      const i = lines.indexOf(title);
      const out: string[] = [];
      for (let k = i + 2; k < lines.length && lines[k] !== ''; k++) out.push(lines[k]);
      return out;
    };
    for (const title of ['Transaction latency (ms)', 'Statement latency by class (ms)']) {
      const rows = section(title);
      expect(rows.length).toBeGreaterThan(0);
      // 10 statistics per row (count, min, mean, p50 ... p99.99, max), each with its half-width.
      for (const row of rows) expect(row.split('±').length - 1, row).toBe(10);
    }
    expect(text).toMatch(/transactions:\s+\S+ ±/);
    expect(text).toMatch(/utilization:\s+\S+ ±/);
  });

  it('batch means on one run give an interval for mean latency and tps', () => {
    const r = runBatchMeans(mm1(500), 10);
    const b = r.batchMeans;
    expect(b?.batches).toBe(10);
    expect(b?.latencyMean.lo).toBeLessThan(r.latency.all.mean);
    expect(b?.latencyMean.hi).toBeGreaterThan(r.latency.all.mean);
    expect(b?.tps.lo).toBeLessThan(r.summary.tps);
    expect(b?.tps.hi).toBeGreaterThan(r.summary.tps);
    expect(formatReport(r)).toContain('Batch means (10 batches');
  });

  it('warmup "auto" picks a warm-up by MSER-5 and reports it', () => {
    const spec = mm1(900, { warmup: 'auto' });
    const r = runScenario(spec);
    const w = r.warmupSelection;
    expect(w?.method).toBe('MSER-5');
    expect(w?.seconds).toBe(Math.max(w?.throughputSeconds ?? NaN, w?.latencySeconds ?? NaN));
    expect(r.summary.warmupSeconds).toBeCloseTo(w?.seconds ?? NaN, 5);
    expect(r.summary.warmupSeconds).toBeLessThanOrEqual(10);
    expect(r.scenario.warmup).toBe('auto');
    expect(formatReport(r)).toContain('auto (MSER-5)');
    // Every replication chooses its own warm-up, from its own pilot run (same seed: same choice).
    const reps = runReplicationResults({ ...spec, duration: '8s' }, 2);
    for (const rep of reps) expect(rep.summary.warmupSeconds).toBe(rep.warmupSelection?.seconds);
    expect(reps[1].summary.warmupSeconds).not.toBe(reps[0].summary.warmupSeconds);
    expect(runScenario({ ...spec, duration: '8s', seed: reps[1].seed }).summary.warmupSeconds).toBe(reps[1].summary.warmupSeconds);
  });
});
