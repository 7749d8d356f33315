#!/usr/bin/env node
// Regenerates the committed examples under results/examples/ and the README chart in docs/img/:
// two full runs (oltp, oltp-no-pool) and three small sweeps built point by point with the library
// API, exactly as `sim run --set ...` would run each point. Needs `npm run build` first.
// Usage: node scripts/example-sweep.mjs            (about a minute on 2 cores)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSweep, loadScenarioFile, makeChart, renderCharts, resultSources, runScenario } from '../dist/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'results', 'examples');
const json = (x) => `${JSON.stringify(x, null, 2)}\n`;

function run(scenario, sets) {
  return runScenario(loadScenarioFile(join(ROOT, 'scenarios', scenario), sets));
}

/** One sweep: every combination of the axes, each point's result under points/, then sweep.json. */
function sweep(name, scenario, axes, fixed) {
  const dir = join(OUT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'points'), { recursive: true });
  const parameters = axes.map(([path]) => path);
  let grid = [{}];
  for (const [path, values] of axes) grid = grid.flatMap((g) => values.map((v) => ({ ...g, [path]: v })));
  const runs = grid.map((values, i) => {
    const sets = [...fixed, ...Object.entries(values).map(([p, v]) => `${p}=${v}`)];
    const result = run(scenario, sets);
    const id = Object.values(values).join('-');
    const file = join(dir, 'points', `${String(i).padStart(3, '0')}-${id}.json`);
    writeFileSync(file, json(result));
    process.stderr.write(`${name}: ${sets.join(' ')}: ${result.summary.tps} tps, p99 ${result.latency.all.p99} ms\n`);
    return { values, result: relative(dir, file), run: result };
  });
  const s = buildSweep(runs[0].run.scenario.name, parameters, runs);
  writeFileSync(join(dir, 'sweep.json'), json(s));
  return s;
}

mkdirSync(OUT, { recursive: true });
const pool = run('oltp.json', []);
const noPool = run('oltp-no-pool.json', []);
writeFileSync(join(OUT, 'oltp.json'), json(pool));
writeFileSync(join(OUT, 'oltp-no-pool.json'), json(noPool));

const SHORT = ['duration=1.5s', 'warmup=0.5s'];
const CONNECTIONS = [['workload.connections', [32, 128, 512, 1024]]];
sweep('connections-pool', 'oltp.json', CONNECTIONS, SHORT);
sweep('connections-no-pool', 'oltp-no-pool.json', CONNECTIONS, SHORT);
sweep(
  'pool-size-x-connections',
  'point-select.json',
  [
    ['threadHandling.thread_pool_size', [2, 4, 8, 16]],
    ['workload.connections', [16, 64, 256]],
  ],
  ['duration=1s', 'warmup=0.25s'],
);

// The README chart: the percentile ladder of the pool against one thread per connection.
const img = join(ROOT, 'docs', 'img');
mkdirSync(img, { recursive: true });
const sources = resultSources([pool, noPool], ['thread pool', 'one thread per connection']);
const chart = makeChart('ladder', sources, { title: 'oltp, 512 connections on 16 cores: thread pool vs one thread per connection' });
writeFileSync(join(img, 'oltp-latency.png'), await renderCharts([chart], 'png'));
process.stderr.write(`examples written to ${relative(ROOT, OUT)}, chart to docs/img/oltp-latency.png\n`);
