#!/usr/bin/env node
/**
 * Coverage of the 95% intervals `sim run` reports by default (one run; mean by batch means,
 * percentiles by sectioning; src/run/output-analysis.ts): for each case, E independent
 * experiments (seeds 1..E) of the scenario as written, counting how often the interval of the
 * mean and of p99 of transaction latency contains the exact value in the file's "expect" list.
 * A correct method gives about 95%; with E = 200 the binomial standard error is 1.5 points.
 * Also: how often the run warned that its window was too short or held a transient, and the
 * coverage among the runs that did not warn.
 * Usage: node scripts/coverage.mjs [E] [scenario files...]
 */
import { loadScenarioFile, runScenario } from '../dist/index.js';
import { outputWarnings } from '../dist/run/model-warnings.js';

const E = Number(process.argv[2] ?? 200);
const files = process.argv.length > 3 ? process.argv.slice(3) : ['scenarios/validation/coverage-mm1-rho09.json', 'scenarios/validation/coverage-mmc4-rho085.json'];
const t00 = Date.now();
for (const file of files) {
  const spec = loadScenarioFile(file, []);
  const exact = Object.fromEntries(spec.expect.map((x) => [x.metric, x.value]));
  const t0 = Date.now();
  const hit = { mean: 0, p99: 0 };
  const quiet = { n: 0, mean: 0, p99: 0 };
  const rel = { mean: 0, p99: 0 };
  const err = { mean: 0, p99: 0 };
  let warned = 0;
  for (let e = 0; e < E; e++) {
    const r = runScenario({ ...spec, seed: 1 + e });
    const a = r.outputAnalysis;
    if (a === undefined) throw new Error(`${file} seed ${1 + e}: no output analysis`);
    const w = outputWarnings(r).length > 0;
    if (w) warned++;
    else quiet.n++;
    for (const [k, iv] of [['mean', a.latency.mean], ['p99', a.latency.p99]]) {
      const x = exact[`latency.all.${k}`];
      const ok = x >= iv.lo && x <= iv.hi;
      if (ok) hit[k]++;
      if (ok && !w) quiet[k]++;
      rel[k] += iv.relativeHalfWidth;
      err[k] += iv.estimate / x - 1;
    }
  }
  const p = (k) => `${(100 * hit[k] / E).toFixed(1)}%`;
  const q = (k) => (quiet.n > 0 ? `${(100 * quiet[k] / quiet.n).toFixed(1)}%` : '-');
  console.log(
    `${spec.name} (${spec.duration}, warm-up ${spec.warmup}): coverage of the 95% interval over ${E} runs: ` +
      `mean ${p('mean')} (exact ${exact['latency.all.mean']} ms), p99 ${p('p99')} (exact ${exact['latency.all.p99']} ms); ` +
      `binomial 95% band ${(100 * (0.95 - 1.96 * Math.sqrt(0.0475 / E))).toFixed(1)}-${(100 * (0.95 + 1.96 * Math.sqrt(0.0475 / E))).toFixed(1)}%; ` +
      `mean half-width ±${(100 * rel.mean / E).toFixed(1)}% / ±${(100 * rel.p99 / E).toFixed(1)}%; ` +
      `mean error ${(100 * err.mean / E).toFixed(2)}% / ${(100 * err.p99 / E).toFixed(2)}%; ` +
      `warned ${warned}/${E}, coverage without a warning mean ${q('mean')} p99 ${q('p99')}; ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
}
console.log(`total ${((Date.now() - t00) / 1000).toFixed(0)} s`);
