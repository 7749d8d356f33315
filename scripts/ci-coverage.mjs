#!/usr/bin/env node
/**
 * Measured coverage of the 95% confidence interval that `sim run --replications` and `sim check`
 * report: for each case, E independent experiments (seeds 1000..1000+E-1), each of R
 * replications of a short run, count how often the 95% t interval of the mean response
 * contains the exact value. A correct model and interval give about 95%; the binomial standard
 * error with E = 200 is 1.5 points. Short runs started empty carry a small initial bias, which
 * shows up here as under-coverage. Usage: node scripts/ci-coverage.mjs [E] [R]
 */
import { loadScenarioFile, meanCi, runReplicationResults } from '../dist/index.js';

const E = Number(process.argv[2] ?? 200);
const R = Number(process.argv[3] ?? 5);
const cases = [
  { file: 'scenarios/validation/mm1-rho05.json', duration: '20s', warmup: '2s' },
  { file: 'scenarios/validation/mmc4-rho09.json', duration: '20s', warmup: '2s' },
];
for (const c of cases) {
  const spec = loadScenarioFile(c.file, [`duration=${c.duration}`, `warmup=${c.warmup}`]);
  const x = spec.expect[0];
  let hits = 0;
  let relSum = 0;
  const t0 = Date.now();
  for (let e = 0; e < E; e++) {
    const means = runReplicationResults({ ...spec, seed: 1000 + e }, R).map((r) => r.latency.all.mean);
    const ci = meanCi(means, 0.95);
    if (x.value >= ci.lo && x.value <= ci.hi) hits++;
    relSum += ci.mean / x.value - 1;
  }
  const p = hits / E;
  console.log(
    `${spec.name}: ${hits}/${E} = ${(100 * p).toFixed(1)}% of 95% intervals contain ${x.value} ` +
      `(± ${(100 * 1.96 * Math.sqrt((0.95 * 0.05) / E)).toFixed(1)} points expected spread); ` +
      `${R} replications of ${c.duration} after ${c.warmup}; mean relative error ${(100 * relSum / E).toFixed(2)}%; ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
}
