#!/usr/bin/env node
// Markdown tables of docs/VALIDATION.md "Real server": every training point of a runs.csv against
// the fitted pool / one-thread-per-connection scenarios, n replications each (mean and 95% t
// interval), next to the measured median and replicate range.
// Usage: node scripts/oracle-validation.mjs RUNS.csv DIR [replications]   (DIR holds point_select.json, read_write.json and their -tpc twins)
import { validate } from '../dist/calibrate/validation.js';

const [runs, dir, nArg] = process.argv.slice(2);
if (runs === undefined || dir === undefined) {
  process.stderr.write('usage: node scripts/oracle-validation.mjs RUNS.csv SCENARIO_DIR [replications]\n');
  process.exit(2);
}
const n = Number(nArg ?? 5);
const settings = { point_select: ['1s', '300ms'], read_write: ['3s', '300ms'] };
const num = (x) => (x >= 1000 ? Math.round(x).toString() : x >= 1 ? x.toPrecision(3) : x.toPrecision(3).replace(/0+$/, ''));
let passTps = 0;
let passP95 = 0;
let total = 0;
for (const [w, [duration, warmup]] of Object.entries(settings)) {
  const rows = validate(runs, `oltp_${w}`, `${dir}/${w}.json`, `${dir}/${w}-tpc.json`, n, duration, warmup);
  if (rows.length === 0) continue;
  console.log(`\n### ${w}: training points (${n} replications of ${duration} after ${warmup} each)\n`);
  console.log('| handling | clients | TPS measured (range) | TPS simulated [95% CI] | ok | p95 ms measured (range) | p95 simulated [95% CI] | Δ p95 | p99 ms measured (range) | p99 simulated |');
  console.log('|---|---:|---:|---:|:-:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const p = r.point;
    const [lo, hi] = p.range.tps;
    const okTps = (r.tps.mean >= lo && r.tps.mean <= hi) || Math.abs(r.tps.mean / p.median.tps - 1) <= 0.05;
    const [plo, phi] = p.range.p95 ?? [NaN, NaN];
    const d95 = r.p95.mean / p.median.p95 - 1;
    const inRange = r.p95.mean >= plo && r.p95.mean <= phi;
    const ok95 = Math.abs(d95) <= 0.25 || inRange;
    total++;
    if (okTps) passTps++;
    if (ok95) passP95++;
    const [qlo, qhi] = p.range.p99 ?? [NaN, NaN];
    console.log(
      `| ${p.handling} | ${p.threads} | ${num(p.median.tps)} (${num(lo)}–${num(hi)}) | ${num(r.tps.mean)} [${num(r.tps.lo)}, ${num(r.tps.hi)}] | ${okTps ? 'yes' : '**no**'} | ` +
        `${num(p.median.p95)} (${num(plo)}–${num(phi)}) | ${num(r.p95.mean)} [${num(r.p95.lo)}, ${num(r.p95.hi)}] | ${(100 * d95).toFixed(0)}%${ok95 ? (Math.abs(d95) > 0.25 ? ' (in range)' : '') : ' **miss**'} | ` +
        `${num(p.median.p99)} (${num(qlo)}–${num(qhi)}) | ${num(r.p99.mean)} |`,
    );
  }
}
console.log(`\nTPS inside the range or within 5%: ${passTps} of ${total}; p95 within 25% or inside the range: ${passP95} of ${total}.`);
