import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/cli/check.js';
import { parseDuration } from '../../src/engine/duration.js';
import {
  cobhamTwoClassWaits,
  erlangC,
  mg1MeanResponse,
  mg1PsConditionalResponse,
  mm1MeanResponse,
  mm1PsMeanResponse,
  mmcMeanResponse,
  mm1SojournQuantile,
  mmcSojournQuantile,
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

const EXACT: Record<string, Record<string, number>> = {
  'mm1-rho05.json': { 'latency.all.mean': mm1MeanResponse(0.5, 1) },
  'mm1-rho09.json': { 'latency.all.mean': mm1MeanResponse(0.9, 1) },
  'mmc4-rho05.json': { 'latency.all.mean': mmcMeanResponse(2, 1, 4) },
  'mmc4-rho09.json': { 'latency.all.mean': mmcMeanResponse(3.6, 1, 4) },
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
    for (const x of spec.expect ?? []) expect(x.value, `${file} ${x.metric}`).toBeCloseTo(exact[x.metric], 4);
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
