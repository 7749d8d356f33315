#!/usr/bin/env node
// Executes every notebooks/*.ipynb headlessly with Debian's nbconvert and the Deno kernel from
// node_modules, and fails when a cell errors OR writes to stderr: nbconvert alone exits 0 on a
// stderr stream (vega warnings, Deno diagnostics), and with --allow-errors on errors too, so the
// executed copies are read back and checked here. The copies go to results/notebooks/ (committed
// notebooks stay without outputs); each chart PNG is also extracted there for a look.
// Usage: node scripts/run-notebooks.mjs [notebook.ipynb ...]     (npm run notebooks builds first)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const dir = join(root, 'notebooks');
const outDir = join(root, 'results', 'notebooks'); // git-ignored, like every run output
mkdirSync(outDir, { recursive: true });

const env = {
  ...process.env,
  // The kernelspec (notebooks/kernels/deno/kernel.json) runs `deno` from node_modules.
  PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
  JUPYTER_PATH: dir,
  // Deno: no update check, no colours in error text, no lock file written into the work tree.
  DENO_NO_UPDATE_CHECK: '1',
  NO_COLOR: '1',
  PYDEVD_DISABLE_FILE_VALIDATION: '1',
};

const jupyter = spawnSync('jupyter', ['nbconvert', '--version'], { env, encoding: 'utf8' });
if (jupyter.status !== 0) {
  console.error('run-notebooks: jupyter nbconvert not found. Install it with:\n' +
    '  apt-get install -y --no-install-recommends jupyter-nbconvert python3-nbclient jupyter-client');
  process.exit(1);
}

const wanted = process.argv.slice(2).map((f) => basename(f));
const files = readdirSync(dir).filter((f) => f.endsWith('.ipynb') && (wanted.length === 0 || wanted.includes(f))).sort();
if (files.length === 0) {
  console.error('run-notebooks: no notebooks to run');
  process.exit(1);
}

/** Runs one notebook; returns its problems (empty: passed), the missing outputs apart, and its chart count. */
function runNotebook(f) {
  const problems = [];
  const missing = [];
  let images = 0;
  try {
    execFileSync(
      'jupyter',
      ['nbconvert', '--to', 'notebook', '--execute', '--allow-errors', '--ExecutePreprocessor.timeout=300',
        '--ExecutePreprocessor.kernel_name=deno', '--output-dir', outDir, join(dir, f)],
      { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const nb = JSON.parse(readFileSync(join(outDir, f), 'utf8'));
    nb.cells.forEach((cell, i) => {
      if (cell.cell_type !== 'code') return;
      for (const o of cell.outputs ?? []) {
        if (o.output_type === 'error') problems.push(`cell ${i}: ${o.ename}: ${o.evalue}\n${(o.traceback ?? []).join('\n')}`);
        if (o.output_type === 'stream' && o.name === 'stderr') problems.push(`cell ${i} wrote to stderr: ${[].concat(o.text).join('')}`);
        const png = o.data?.['image/png'];
        if (png) writeFileSync(join(outDir, `${f.replace(/\.ipynb$/, '')}-${++images}.png`), Buffer.from([].concat(png).join(''), 'base64'));
      }
      if ((cell.outputs ?? []).length === 0) missing.push(`cell ${i} showed nothing (did its output arrive after the cell ended?)`);
    });
  } catch (e) {
    problems.push(String(e.stderr ?? e.message).slice(-4000));
  }
  return { problems, missing, images };
}

// Deno 2.9's kernel sometimes publishes a cell's output after its "idle" status, and nbclient
// drops it (even an awaited Deno.jupyter.display: seen once in CI, 2026-11-22). A notebook
// whose only problem is such a missing output is run again, up to twice, and the retry is
// reported; errors and stderr fail at once.
const RETRIES = 2;
let passed = 0;
let failed = 0;
const t0 = Date.now();
for (const f of files) {
  const start = Date.now();
  let r = runNotebook(f);
  let retries = 0;
  while (r.problems.length === 0 && r.missing.length > 0 && retries < RETRIES) {
    console.log(`retry ${f}: ${r.missing.join('; ')}`);
    retries++;
    r = runNotebook(f);
  }
  const problems = [...r.problems, ...r.missing];
  const secs = ((Date.now() - start) / 1000).toFixed(1);
  if (problems.length > 0) {
    failed++;
    console.log(`FAIL ${f} (${secs} s)\n  ${problems.join('\n  ')}`);
  } else {
    passed++;
    console.log(`ok   ${f} (${secs} s, ${r.images} charts${retries > 0 ? `, after ${retries} retr${retries === 1 ? 'y' : 'ies'}` : ''})`);
  }
}
console.log(`executed copies and chart PNGs in ${outDir} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
console.log(`notebooks: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
