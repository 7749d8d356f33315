// Wall time of independent runs on two threads against one, as the acceptance of parallel
// replications states it: `sim run --replications 4` and `sim compare` (2 replications a side),
// each with --jobs 1 and --jobs N in alternating pairs so that a slow spell of the host falls on
// both sides, reported per pair and as the ratio of the medians, with each side's CPU time
// (user + system of the child, from /proc/self/stat's cutime and cstime).
// Before and after each pair a short run pinned to each core (taskset) measures how far the
// cores' speeds differ: on a virtual machine one vCPU can run this code 45% slower than the other
// for minutes (measured here), and then two threads cannot finish 0.6x as fast as one thread on
// the fast core. Pairs whose cores differed by more than 10% are reported apart.
// Usage: npm run bench:parallel [-- --pairs 5] [-- --jobs 2]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const scenario = join(root, 'scenarios', 'oltp.json');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v < 1) {
    process.stderr.write(`bench-parallel: --${name} must be a whole number >= 1\n`);
    process.exit(2);
  }
  return v;
};
const pairs = arg('pairs', 5);
const out = mkdtempSync(join(tmpdir(), 'tpsim-bench-parallel-'));
process.on('exit', () => rmSync(out, { recursive: true, force: true }));
const jobs = arg('jobs', 2);

const TICK = 100; // USER_HZ: clock ticks per second in /proc
function childCpuSeconds() {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) / TICK; // cutime, cstime (fields 16 and 17)
}

function timed(args) {
  const c0 = childCpuSeconds();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    process.stderr.write(`bench-parallel: sim ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
    process.exit(1);
  }
  return { wall, cpu: childCpuSeconds() - c0 };
}

// Wall time of a short simulation pinned to each core, or undefined without taskset or with
// fewer than two cores; the asymmetry of a moment is slowest / fastest.
const probeArgs = ['run', scenario, '--duration', '2s', '--quiet', '--out', join(out, 'probe.json')];
function coreSpeeds() {
  const n = cpus().length;
  if (n < 2) return undefined;
  const walls = [];
  for (let c = 0; c < n; c++) {
    const t0 = performance.now();
    const r = spawnSync('taskset', ['-c', String(c), process.execPath, cli, ...probeArgs], { encoding: 'utf8' });
    if (r.error || r.status !== 0) return undefined;
    walls.push((performance.now() - t0) / 1000);
  }
  return walls;
}
const asymmetry = (walls) => Math.max(...walls) / Math.min(...walls);

const commands = {
  'sim run --replications 4': (j) => ['run', scenario, '--replications', '4', '--jobs', String(j), '--quiet', '--out', join(out, 'run.json')],
  'sim compare, 2 replications a side': (j) => ['compare', scenario, scenario, '--set-b', 'threadHandling.thread_pool_size=8', '--replications', '2', '--jobs', String(j)],
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const f2 = (x) => x.toFixed(2);

process.stderr.write(`${cpus().length} cores; ${pairs} alternating pairs per command, --jobs 1 against --jobs ${jobs}\n`);
const rows = [];
for (const [name, argsFor] of Object.entries(commands)) {
  const serial = [];
  const parallel = [];
  const skew = [];
  let before = coreSpeeds();
  for (let i = 0; i < pairs; i++) {
    serial.push(timed(argsFor(1)));
    parallel.push(timed(argsFor(jobs)));
    const after = coreSpeeds();
    skew.push(before && after ? Math.max(asymmetry(before), asymmetry(after)) : NaN);
    before = after;
    const probe = after ? `; core probes ${after.map(f2).join(' / ')} s, asymmetry ${f2(skew[i])}` : '';
    process.stderr.write(`${name}: pair ${i + 1}: ${f2(serial[i].wall)} s, ${f2(parallel[i].wall)} s${probe}\n`);
  }
  const ratios = serial.map((s, i) => parallel[i].wall / s.wall);
  const even = ratios.filter((_, i) => skew[i] <= 1.1);
  rows.push({
    name,
    serial: serial.map((r) => f2(r.wall)).join(', '),
    parallel: parallel.map((r) => f2(r.wall)).join(', '),
    cpu: `${f2(median(serial.map((r) => r.cpu)))} / ${f2(median(parallel.map((r) => r.cpu)))}`,
    ratios: ratios.map(f2).join(', '),
    ofMedians: (median(parallel.map((r) => r.wall)) / median(serial.map((r) => r.wall))).toFixed(3),
    atMost06: ratios.filter((r) => r <= 0.6).length,
    skew: skew.map((x) => (Number.isNaN(x) ? '-' : f2(x))).join(', '),
    even: even.length ? `${median(even).toFixed(3)} (${even.length} pairs)` : '-',
  });
}
console.log(`| command | --jobs 1 wall, s | --jobs ${jobs} wall, s | median CPU s (1 / ${jobs}) | pair ratios | ratio of the medians | pairs at most 0.6 | core asymmetry per pair | median ratio, pairs with asymmetry <= 1.10 |`);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| \`${r.name}\` | ${r.serial} | ${r.parallel} | ${r.cpu} | ${r.ratios} | ${r.ofMedians} | ${r.atMost06} of ${pairs} | ${r.skew} | ${r.even} |`);
