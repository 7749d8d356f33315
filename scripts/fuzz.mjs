#!/usr/bin/env node
// The long fuzz: N mutated scenarios (default 10,000) through the CLI's own code path in child
// processes, each case with a timeout and each child under memory limits; prints the outcome
// table. Needs a build (dist/). Usage:
//   node scripts/fuzz.mjs [--cases 10000] [--seed 18] [--workers 2] [--timeout 60] [--json out.json]
// Outcomes: ok (exit 0, every figure finite), rejected (exit 2, file + path + expected/found),
// over-budget (exit 2, the estimate refused it), and the failures: unclear (exit 2 without a
// clear message), internal, failed (exit 1), non-finite, hang (timeout), crash (signal, OOM).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { caseArbitrary, classify, mutate, shippedScenarios } from './fuzz-cases.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = join(HERE, '..', 'dist');
/** Heap of a child; its address space (prlimit) leaves room for code, stacks and buffers. */
const HEAP_MIB = 1536;
const ADDRESS_SPACE = 4 * 2 ** 30;

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

if (process.argv.includes('--child')) await child();
else await parent();

/** A child: one case per stdin line, handled as `sim validate` or `sim run` would, one reply line each. */
async function child() {
  const { loadScenarioFile } = await import(join(DIST, 'workload', 'load.js'));
  const { resolveScenario } = await import(join(DIST, 'run', 'run.js'));
  const { runCommand } = await import(join(DIST, 'cli', 'commands.js'));
  const { asRunFailure, describeError } = await import(join(DIST, 'cli', 'errors.js'));
  const dir = mkdtempSync(join(tmpdir(), 'tpsim-fuzz-'));
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    const c = JSON.parse(line);
    const file = join(dir, `case-${c.id}.json`);
    const out = join(dir, `result-${c.id}.json`);
    writeFileSync(file, c.text);
    let reply;
    try {
      if (c.run) {
        runCommand({ scenario: file, set: [], json: false, out, quiet: true });
        reply = { code: 0, stderr: '', resultText: readFileSync(out, 'utf8') };
      } else {
        try {
          resolveScenario(loadScenarioFile(file));
        } catch (e) {
          throw asRunFailure(e);
        }
        reply = { code: 0, stderr: '' };
      }
    } catch (e) {
      const d = describeError(e, true);
      reply = { code: d.code, stderr: d.text };
    }
    rmSync(file, { force: true });
    rmSync(out, { force: true });
    const outcome = classify({ ...reply, file });
    process.stdout.write(`${JSON.stringify({ id: c.id, outcome, stderr: outcome === 'ok' || outcome === 'rejected' ? '' : reply.stderr.slice(0, 2000) })}\n`);
  }
  rmSync(dir, { recursive: true, force: true });
}

async function parent() {
  const n = Number(arg('cases', '10000'));
  const seed = Number(arg('seed', '18'));
  const workers = Number(arg('workers', '2'));
  const timeoutS = Number(arg('timeout', '60'));
  const scenarios = shippedScenarios();
  const cases = fc.sample(caseArbitrary(scenarios.length, 0.1, true), { numRuns: n, seed }).map((c, id) => ({ id, c }));
  const counts = {};
  const examples = {};
  const byMode = { validate: {}, run: {} };
  const started = Date.now();
  let next = 0;
  let done = 0;
  const record = (id, outcome, detail) => {
    const c = cases[id].c;
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    const m = byMode[c.run ? 'run' : 'validate'];
    m[outcome] = (m[outcome] ?? 0) + 1;
    if (!['ok', 'rejected', 'over-budget'].includes(outcome)) {
      (examples[outcome] ??= []).length < 5 && examples[outcome].push({ id, scenario: scenarios[c.scenario].name, mutations: JSON.stringify(c.mutations).slice(0, 400), run: c.run, detail: detail.slice(0, 600) });
    }
    done++;
    if (done % 500 === 0) process.stderr.write(`${done}/${n} cases, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  };

  const runWorker = () =>
    new Promise((resolve) => {
      let proc;
      let current;
      let timer;
      let rl;
      const start = () => {
        // prlimit caps the address space where it exists; --max-old-space-size caps the heap.
        const nodeArgs = [`--max-old-space-size=${HEAP_MIB}`, fileURLToPath(import.meta.url), '--child'];
        proc = spawn('prlimit', [`--as=${ADDRESS_SPACE}`, process.execPath, ...nodeArgs], { stdio: ['pipe', 'pipe', 'pipe'] });
        let stderr = '';
        proc.stderr.on('data', (d) => {
          stderr = (stderr + d).slice(-4000);
        });
        rl = createInterface({ input: proc.stdout });
        rl.on('line', (line) => {
          const r = JSON.parse(line);
          clearTimeout(timer);
          record(r.id, r.outcome, r.stderr);
          current = undefined;
          feed();
        });
        proc.on('exit', (code, signal) => {
          clearTimeout(timer);
          if (current !== undefined) {
            const hung = current.timedOut === true;
            record(current.id, hung ? 'hang' : 'crash', hung ? `no answer within ${timeoutS} s` : `child exited with ${signal ?? code}: ${stderr}`);
            current = undefined;
            start();
            feed();
          } else if (next >= cases.length) resolve();
        });
      };
      const feed = () => {
        if (next >= cases.length) {
          proc.stdin.end();
          return;
        }
        const { id, c } = cases[next++];
        current = { id, timedOut: false };
        const text = mutate(scenarios[c.scenario].text, c);
        timer = setTimeout(() => {
          current.timedOut = true;
          proc.kill('SIGKILL');
        }, timeoutS * 1000);
        proc.stdin.write(`${JSON.stringify({ id, text, run: c.run })}\n`);
      };
      start();
      feed();
    });
  await Promise.all(Array.from({ length: workers }, runWorker));

  const order = ['ok', 'rejected', 'over-budget', 'unclear', 'internal', 'failed', 'non-finite', 'hang', 'crash'];
  const rows = order.map((o) => [o, byMode.validate[o] ?? 0, byMode.run[o] ?? 0, counts[o] ?? 0]);
  const lines = [
    `fuzz: ${n} cases (seed ${seed}) from ${scenarios.length} shipped scenarios in ${((Date.now() - started) / 1000).toFixed(0)} s; timeout ${timeoutS} s, heap ${HEAP_MIB} MiB, address space ${ADDRESS_SPACE / 2 ** 30} GiB per child`,
    '',
    '| outcome | validate | run | total |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const bad = order.slice(3).reduce((s, o) => s + (counts[o] ?? 0), 0);
  if (bad > 0) process.stdout.write(`\nexamples:\n${JSON.stringify(examples, null, 2)}\n`);
  const jsonOut = arg('json', undefined);
  if (jsonOut !== undefined) writeFileSync(jsonOut, `${JSON.stringify({ n, seed, counts, byMode, examples }, null, 2)}\n`);
  process.exitCode = bad > 0 ? 1 : 0;
}
