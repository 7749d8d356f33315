import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/cli/check.js';
import { parseDuration } from '../../src/engine/duration.js';
import {
  cobhamTwoClassWaits,
  erlangC,
  finiteSourceMmc,
  finiteSourceWaitProbability,
  mg1MeanResponse,
  mg1PsConditionalResponse,
  mm1MeanResponse,
  mm1PsMeanResponse,
  mmcMeanResponse,
  mm1SojournQuantile,
  mmcSojournQuantile,
  mmcWaitQuantile,
  priorityNonPreemptiveWaits,
} from '../../src/stats/theory.js';
import { loadScenarioFile } from '../../src/workload/load.js';

/**
 * The validation suite (scenarios/validation) in short form: each file's exact values are
 * recomputed here from src/stats/theory.ts (so a typo in a file cannot pass), then checked with
 * 6 replications of a tenth of the file's duration. PASS means the exact value lies in the
 * 99.9% t band of the simulated mean: with ~11 checks a correct model fails by chance about
 * once in a hundred seeds; the seeds are fixed, so the outcome is stable. The full-length
 * figures are in docs/VALIDATION.md (npm run validate).
 */
const DIR = new URL('../../scenarios/validation/', import.meta.url);

/** Cobham with three classes: 800/s split evenly, exponential service of 0.5, 1 and 1.5 ms. */
const COBHAM3 = priorityNonPreemptiveWaits([0.5, 1, 1.5].map((s) => ({ lambda: 0.8 / 3, meanService: s })));
const REPAIRMAN = finiteSourceMmc(12, 4, 1, 2);

const EXACT: Record<string, Record<string, number>> = {
  'mm1-rho05.json': { 'latency.all.mean': mm1MeanResponse(0.5, 1) },
  'mm1-rho09.json': { 'latency.all.mean': mm1MeanResponse(0.9, 1) },
  'mm1-rho097.json': {
    'latency.all.mean': mm1MeanResponse(0.97, 1),
    'latency.all.p99': mm1SojournQuantile(0.97, 1, 0.99),
    'waits.stations.cpu.pWait': 0.97,
    'waits.stations.cpu.mean': mm1MeanResponse(0.97, 1) - 1,
  },
  'mmc4-rho05.json': {
    'latency.all.mean': mmcMeanResponse(2, 1, 4),
    'waits.stations.cpu.pWait': erlangC(4, 2),
    'waits.stations.cpu.mean': mmcMeanResponse(2, 1, 4) - 1,
  },
  'mmc4-rho09.json': {
    'latency.all.mean': mmcMeanResponse(3.6, 1, 4),
    'waits.stations.cpu.pWait': erlangC(4, 3.6),
    'waits.stations.cpu.mean': mmcMeanResponse(3.6, 1, 4) - 1,
    'waits.stations.cpu.p99': mmcWaitQuantile(3.6, 1, 4, 0.99),
  },
  'mg1-pareto-rho05.json': {
    // Pareto of minimum 0.6 ms and alpha 2.5: E[S] = 1 ms, E[S^2] = alpha xm^2/(alpha - 2) = 1.8 ms^2.
    'latency.all.mean': mg1MeanResponse(0.5, 1, (2.5 * 0.36) / 0.5),
    'waits.stations.cpu.mean': mg1MeanResponse(0.5, 1, (2.5 * 0.36) / 0.5) - 1,
    'waits.stations.cpu.pWait': 0.5,
  },
  'priority-cobham-3-classes.json': {
    'waits.stations.cpu.byTransaction.hi.mean': COBHAM3[0],
    'waits.stations.cpu.byTransaction.mid.mean': COBHAM3[1],
    'waits.stations.cpu.byTransaction.lo.mean': COBHAM3[2],
    'latency.byTransaction.hi.mean': COBHAM3[0] + 0.5,
    'latency.byTransaction.mid.mean': COBHAM3[1] + 1,
    'latency.byTransaction.lo.mean': COBHAM3[2] + 1.5,
    'waits.stations.cpu.pWait': 0.8,
  },
  'machine-repairman-n12.json': {
    'summary.tps': REPAIRMAN.throughput * 1000,
    'latency.all.mean': REPAIRMAN.meanResponse,
    'waits.stations.cpu.pWait': finiteSourceWaitProbability(12, 4, 1, 2),
    'waits.stations.cpu.mean': REPAIRMAN.meanResponse - 1,
  },
  'md1-rho09.json': { 'latency.all.mean': mg1MeanResponse(0.9, 1, 1) },
  'mg1-lognormal-rho05.json': { 'latency.all.mean': mg1MeanResponse(0.5, 1, 1 + 1.5 ** 2) },
  'mm1-ps-rho05.json': { 'latency.all.mean': mm1PsMeanResponse(0.5, 1) },
  'mm1-ps-conditional.json': {
    'latency.byTransaction.probe.mean': mg1PsConditionalResponse(2, 0.5 * 1.1),
    'latency.all.mean': 1.1 / (1 - 0.55),
  },
  'coverage-mm1-rho09.json': { 'latency.all.mean': mm1MeanResponse(0.9, 1), 'latency.all.p99': mm1SojournQuantile(0.9, 1, 0.99) },
  'coverage-mmc4-rho085.json': { 'latency.all.mean': mmcMeanResponse(3.4, 1, 4), 'latency.all.p99': mmcSojournQuantile(3.4, 1, 4, 0.99) },
  'priority-cobham-mysql-pool.json': {
    'statements.hi.mean': cobhamTwoClassWaits(0.3, 1, 0.3, 1)[0] + 1,
    'statements.lo.mean': cobhamTwoClassWaits(0.3, 1, 0.3, 1)[1] + 1,
  },
};

const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

describe('validation scenarios against exact queueing theory', () => {
  it('cover the required cases, rho = 0.5 and rho >= 0.9', () => {
    expect(files).toEqual(Object.keys(EXACT).sort());
    expect(erlangC(4, 3.6)).toBeGreaterThan(0.5); // the M/M/4 case at 0.9 queues most arrivals
  });

  it.each(files)('%s', (file) => {
    const path = new URL(file, DIR).pathname;
    const spec = loadScenarioFile(path);
    const exact = EXACT[file];
    expect(spec.expect?.map((x) => x.metric).sort()).toEqual(Object.keys(exact).sort());
    // The files give 6 significant digits.
    for (const x of spec.expect ?? []) expect(Math.abs(x.value - exact[x.metric]) / Math.abs(exact[x.metric]), `${file} ${x.metric}`).toBeLessThan(1e-5);
    const short = `${Math.max(20, parseDuration(spec.duration) / 1e6 / 10)}s`;
    const rows = checkScenario(file, { ...spec, duration: short, warmup: spec.warmup === 'auto' ? '2s' : spec.warmup }, 6, 0.999);
    for (const r of rows) {
      const text = `${r.metric}: exact ${r.exact}, mean ${r.mean.toFixed(4)}, 99.9% band [${r.band[0].toFixed(4)}, ${r.band[1].toFixed(4)}]`;
      expect(r.pass, text).toBe(true);
    }
  });

  it('fails when the expected value is wrong (the check can fail)', () => {
    const spec = loadScenarioFile(new URL('mmc4-rho05.json', DIR).pathname);
    const wrong = { ...spec, duration: '30s', expect: [{ metric: 'latency.all.mean', value: 1.1 * mmcMeanResponse(2, 1, 4), tolerance: 0 }] };
    const [row] = checkScenario('wrong', wrong, 6, 0.999);
    expect(row.pass).toBe(false);
    // A tolerance wide enough lets it pass again.
    const lenient = { ...wrong, expect: [{ ...wrong.expect[0], tolerance: 0.15 }] };
    expect(checkScenario('lenient', lenient, 6, 0.999)[0].pass).toBe(true);
  });
});
