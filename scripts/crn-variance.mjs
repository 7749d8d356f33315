// Measures how much common random numbers narrow the confidence interval of a difference
// between two nearby settings: the same replication seeds on both sides (paired) against
// independent seeds (Welch). Usage: npm run build && node scripts/crn-variance.mjs [R]
import { loadScenarioFile, meanCi, runScenario } from '../dist/index.js';
import { replicationSeed } from '../dist/run/replications.js';
import { tCritical } from '../dist/stats/confidence.js';

const R = Number(process.argv[2] ?? 10);
const base = ['duration=1.2s', 'warmup=0.4s', 'workload.connections=256'];
const A = loadScenarioFile('scenarios/oltp.json', [...base, 'threadHandling.thread_pool_size=16']);
const B = loadScenarioFile('scenarios/oltp.json', [...base, 'threadHandling.thread_pool_size=20']);
const pick = { tps: (r) => r.summary.tps, mean: (r) => r.latency.all.mean, p99: (r) => r.latency.all.p99 };
const run = (spec, seed) => runScenario({ ...spec, seed });
const a = [], bSame = [], bIndep = [];
for (let r = 0; r < R; r++) {
  a.push(run(A, replicationSeed(A.seed, r)));
  bSame.push(run(B, replicationSeed(A.seed, r)));
  bIndep.push(run(B, replicationSeed(A.seed + 1_000_003, r)));
  process.stderr.write(`replication ${r + 1}/${R}\r`);
}
console.log(`thread_pool_size 16 vs 20, oltp.json at 256 connections, ${R} replications per side`);
console.log('statistic  diff(CRN)  CI half-width CRN  CI half-width independent  ratio');
for (const [name, f] of Object.entries(pick)) {
  const xa = a.map(f);
  const paired = meanCi(xa.map((x, i) => f(bSame[i]) - x));
  const ca = meanCi(xa);
  const cb = meanCi(bIndep.map(f));
  const se = Math.sqrt(ca.sd ** 2 / R + cb.sd ** 2 / R);
  const df = se ** 4 / ((ca.sd ** 2 / R) ** 2 / (R - 1) + (cb.sd ** 2 / R) ** 2 / (R - 1));
  const indep = tCritical(0.95, df) * se;
  console.log(`${name.padEnd(9)}  ${paired.mean.toPrecision(4).padStart(9)}  ${paired.halfWidth.toPrecision(3).padStart(16)}  ${indep.toPrecision(3).padStart(25)}  ${(paired.halfWidth / indep).toFixed(3)}`);
}
