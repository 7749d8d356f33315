// The 16-core analogue of the MariaDB KB "Threadpool Benchmarks" (facebook-maria1): runs
// scenarios/benchmarks/kb-*.json with the MariaDB pool and one thread per connection from 16 to
// 4,096 clients and prints them beside the published figures, with the acceptance checks.
// Usage: npm run validate:kb [-- point-select|read-write]   (nice'd; about ten minutes here)
// KB_DIR=<dir> runs <dir>/kb-*.json instead (a variant of the analogue).
import { readFileSync } from 'node:fs';
import { runScenario } from '../dist/run/run.js';
import { parseScenarioText } from '../dist/workload/load.js';
import { shortWarmupWarning } from '../dist/run/warmup.js';
import { outputWarnings } from '../dist/run/model-warnings.js';

const CLIENTS = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096];
// MariaDB KB "Threadpool Benchmarks", facebook-maria1 (Linux, 16 cores), sysbench 0.4.
const PUBLISHED = {
  'point-select': {
    tpc: [91322, 113116, 115418, 114484, 111169, 104612, 26902, 12843, 5038],
    pool: [100359, 115618, 118115, 120136, 119165, 113931, 110787, 109970, 104985],
  },
  'read-write': {
    tpc: [2833, 3510, 3545, 3420, 3259, 2818, 1788, 820, 113],
    pool: [3163, 3590, 3498, 3459, 3354, 3117, 2190, 1064, 506],
  },
};

const only = process.argv[2];
for (const name of Object.keys(PUBLISHED)) {
  if (only !== undefined && only !== name) continue;
  const file = `${process.env.KB_DIR ?? 'scenarios/benchmarks'}/kb-${name}.json`;
  const base = parseScenarioText(readFileSync(file, 'utf8'), file);
  const sim = { tpc: [], pool: [] };
  const clamps = [];
  // What sim run would warn of this run's warm-up and length (the start-up transient, too few
  // independent batches): the analogue's warm-up and duration must hold from 16 to 4,096 clients.
  const lengthWarnings = [];
  for (const mode of ['tpc', 'pool']) {
    for (const c of CLIENTS) {
      const th = mode === 'tpc' ? { mode: 'one-thread-per-connection' } : base.threadHandling;
      const t0 = Date.now();
      const r = runScenario({ ...base, threadHandling: th, workload: { ...base.workload, connections: c } });
      sim[mode].push(r.summary.tps);
      if (r.clamps !== undefined) clamps.push(`${mode} ${c}: ${JSON.stringify(r.clamps)}`);
      for (const w of [shortWarmupWarning(r), ...outputWarnings(r)]) if (w !== undefined) lengthWarnings.push(`${mode} ${c}: ${w}`);
      process.stderr.write(`${name} ${mode} ${c}: ${r.summary.tps} tps, p95 ${r.latency.all.p95} ms, ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    }
  }
  const pub = PUBLISHED[name];
  const rel = (xs) => xs.map((x) => x / Math.max(...xs));
  console.log(`\n${name} (${file}): tps, and as a fraction of the curve's own peak`);
  console.log('| clients | published tpc | sim tpc | published pool | sim pool |');
  console.log('|---:|---:|---:|---:|---:|');
  const [ptr, str, ppr, spr] = [rel(pub.tpc), rel(sim.tpc), rel(pub.pool), rel(sim.pool)];
  CLIENTS.forEach((c, i) => {
    const f = (x, r) => `${Math.round(x).toLocaleString('en-US')} (${r.toFixed(2)})`;
    console.log(`| ${c} | ${f(pub.tpc[i], ptr[i])} | ${f(sim.tpc[i], str[i])} | ${f(pub.pool[i], ppr[i])} | ${f(sim.pool[i], spr[i])} |`);
  });
  // Point by point: the mean distance between the published and simulated fractions of peak.
  const gap = (p, q) => p.reduce((acc, x, i) => acc + Math.abs(x - q[i]), 0) / p.length;
  console.log(`mean |published - simulated| fraction of peak: per connection ${gap(ptr, str).toFixed(3)}, pool ${gap(ppr, spr).toFixed(3)}`);
  const at = (c) => CLIENTS.indexOf(c);
  const checks = [
    // From 32 clients: at 16 the published curves themselves are 16-21% below their peaks.
    ['per-connection within 10% of its peak from 32 to 256 clients', CLIENTS.filter((c) => c >= 32 && c <= 256).every((c) => str[at(c)] >= 0.9)],
    ['per-connection at least 4x below its peak at 4,096', str[at(4096)] <= 0.25],
  ];
  if (name === 'point-select') checks.push(['pool within 15% of its peak at 4,096', spr[at(4096)] >= 0.85]);
  else checks.push(['pool below 60% of its peak at 4,096', spr[at(4096)] < 0.6], ['pool above per-connection at 4,096', sim.pool[at(4096)] > sim.tpc[at(4096)]]);
  checks.push(['no clamp binds', clamps.length === 0]);
  checks.push(['warm-up and duration hold at every count (no warm-up or run-length warning)', lengthWarnings.length === 0]);
  for (const [what, ok] of checks) console.log(`- ${ok ? 'holds' : 'MISSES'}: ${what}`);
  for (const c of clamps) console.log(`  clamp: ${c}`);
  for (const w of lengthWarnings) console.log(`  warning: ${w}`);
}
