import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleText } from '../../src/cli/help.js';
import { CLI, ROOT, ensureBuilt, tempDir } from './helpers.js';

/** Every command's help, as a user sees it at 80 columns (no terminal: the default width). */
const COMMANDS = ['run', 'plot', 'check', 'validate', 'sweep', 'compare', 'tune', 'merge', 'import', 'fit', 'predict', 'measure', 'export', 'schema'];

/** The examples of one help text: "# what" comment lines, then the command with " \" continuations. */
function examplesOf(help: string): string[] {
  const at = help.indexOf('\nExamples:\n');
  if (at < 0) return [];
  const lines = help.slice(at + '\nExamples:\n'.length).split('\n');
  const out: string[] = [];
  let cur = '';
  for (const raw of lines) {
    if (!raw.startsWith('  ')) break; // the epilogue or the end
    const l = raw.trim();
    if (l.startsWith('#')) continue;
    cur += l;
    if (cur.endsWith('\\')) cur = `${cur.slice(0, -1).trimEnd()} `;
    else {
      out.push(cur);
      cur = '';
    }
  }
  return out;
}

/** Scenario files with a very short run, so that every example finishes in moments. */
function shortScenarios(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) shortScenarios(p);
    else if (name.endsWith('.json')) {
      const doc = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
      if (typeof doc.duration === 'string') {
        doc.duration = '0.05s';
        doc.warmup = '0.02s';
        writeFileSync(p, JSON.stringify(doc, null, 2));
      }
    }
  }
}

/** Stand-ins for sysbench and the mariadb client that answer as a server would (a fixed report). */
function fakeServerTools(dir: string): string {
  const bin = join(dir, 'fake-bin');
  if (existsSync(bin)) return bin;
  mkdirSync(bin);
  const tool = (name: string, text: string): void => {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  };
  tool('mariadb', '#!/bin/sh\ncase "$*" in\n  *--version*) echo "mariadb  Ver 15.1 Distrib 10.11.6-MariaDB" ;;\n  *"SHOW GLOBAL VARIABLES"*) printf \'version\\t10.11.6-MariaDB\\nthread_handling\\tone-thread-per-connection\\n\' ;;\nesac\nexit 0\n');
  tool(
    'sysbench',
    '#!/bin/sh\n[ "$1" = "--version" ] && { echo "sysbench 1.0.20"; exit 0; }\nfor a in "$@"; do cmd="$a"; done\n[ "$cmd" = run ] && cat <<R\nSQL statistics:\n    transactions:                        5000   (5000.00 per sec.)\n    queries:                             5000   (5000.00 per sec.)\n    ignored errors:                      0      (0.00 per sec.)\n\nLatency (ms):\n         min:                                    0.10\n         avg:                                    0.20\n         max:                                    1.50\n         95th percentile:                        0.30\nR\nexit 0\n',
  );
  return bin;
}

/** A small slow query log (MariaDB format): 40 two-statement transactions on 4 connections. */
function slowLog(): string {
  const entries: string[] = ['/usr/sbin/mariadbd, Version: 10.11.6-MariaDB-log. started with:', 'Time                Id Command  Argument'];
  for (let i = 0; i < 40; i++) {
    const id = (i % 4) + 1;
    const t = 1_700_000_000 + i;
    for (const [q, sec] of [
      [`SELECT c FROM sbtest1 WHERE id=${i + 1};`, '0.000100'],
      ['COMMIT;', '0.000050'],
    ] as const) {
      entries.push(
        `# Time: 231114 22:13:${String(i % 60).padStart(2, '0')}`,
        `# User@Host: sbtest[sbtest] @ localhost []`,
        `# Thread_id: ${id}  Schema: sbtest  QC_hit: No`,
        `# Query_time: ${sec}  Lock_time: 0.000000  Rows_sent: 1  Rows_examined: 1`,
        `SET timestamp=${t};`,
        q,
      );
    }
  }
  return `${entries.join('\n')}\n`;
}

describe('help text', () => {
  const helps = new Map<string, string>();
  beforeAll(async () => {
    ensureBuilt();
    // All at once: each is a fresh node process, and their start-up dominates.
    const texts = await Promise.all(
      COMMANDS.map((c) => promisify(execFile)(process.execPath, [CLI, c, '--help'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } })),
    );
    COMMANDS.forEach((c, i) => helps.set(c, texts[i].stdout));
  }, 120_000);

  it('wraps at spaces, never inside a word, and keeps every line within the width', () => {
    for (const c of COMMANDS) {
      const text = helps.get(c) ?? '';
      expect(text, c).toContain(`sim ${c}`);
      for (const line of text.split('\n')) expect(line.length, `${c}: ${line}`).toBeLessThanOrEqual(80);
    }
    // Words that the character-wise wrapping used to cut (e.g. "path=sta" / "rt..end:step").
    expect(helps.get('sweep')).toContain('path=start..end:step');
    expect(helps.get('sweep')).toContain('queueWaitMean');
  });

  it('lays out an example as a comment and a command cut only at spaces, with continuations', () => {
    const text = exampleText('sim sweep scenarios/oltp.json --vary threadHandling.thread_pool_size=8,16 --vary workload.connections=64,512', 'a grid', 60);
    expect(text.split('\n')).toEqual([
      '# a grid',
      'sim sweep scenarios/oltp.json \\',
      '--vary threadHandling.thread_pool_size=8,16 \\',
      '--vary workload.connections=64,512',
    ]);
    // A quoted argument stays whole.
    expect(exampleText('sim compare a.json b.json --fail-if "p99 > +50%"', 'gate', 40).split('\n')).toEqual(['# gate', 'sim compare a.json b.json \\', '--fail-if "p99 > +50%"']);
  });

  it('every example of every --help runs as printed', () => {
    const cwd = tempDir('tpsim-examples-');
    cpSync(join(ROOT, 'scenarios'), join(cwd, 'scenarios'), { recursive: true });
    shortScenarios(join(cwd, 'scenarios'));
    writeFileSync(join(cwd, 'slow.log.gz'), gzipSync(slowLog()));
    writeFileSync(join(cwd, 'runs.csv'), 'workload,threads,tps\noltp_read_write,1,900\noltp_read_write,4,3000\n');
    const byCommand = new Map(COMMANDS.map((c) => [c, examplesOf(helps.get(c) ?? '')]));
    expect(byCommand.get('sweep')).toHaveLength(2);
    // Producers before consumers: results and sweeps before plot and compare, import before fit.
    const order = ['run', 'export', 'sweep', 'tune', 'compare', 'plot', 'check', 'validate', 'merge', 'schema', 'import', 'fit', 'predict', 'measure'];
    let ran = 0;
    for (const c of order) {
      for (const example of byCommand.get(c) ?? []) {
        expect(example.startsWith(`sim ${c} `), example).toBe(true);
        // Fewer replications and evaluations than the defaults: the test shows that the example
        // runs, not what it finds. (fit evaluates every measured point per step.)
        const extra =
          c === 'fit'
            ? ' --max-evals 2 --statements 2000'
            : c === 'predict'
              ? ' --draws 2 --duration 60ms --warmup 20ms'
              : c === 'measure'
                ? ' --threads 1 --time 1 --warmup 0 --out measured.csv'
                : c === 'tune' || c === 'check' || (c === 'compare' && !example.includes('results/'))
              ? ' --replications 2'
              : '';
        const t0 = Date.now();
        const r = spawnSync('sh', ['-c', `sim() { "${process.execPath}" "${CLI}" "$@"; }\n${example}${extra}`], {
          cwd,
          encoding: 'utf8',
          // sim measure talks to the server only through sysbench and the mariadb client: stand-ins
          // on PATH answer for it, so its example runs without a server (and sends nothing anywhere).
          env: { ...process.env, NO_COLOR: '1', TPSIM_DEBUG: '', PATH: `${fakeServerTools(cwd)}:${process.env.PATH ?? ''}` },
          timeout: 120_000,
        });
        // A --fail-if gate may hold (exit 1, and it says so), and a check of these shortened runs
        // may miss a band (exit 1 with its verdicts); anything else must succeed.
        const gate = example.includes('--fail-if') && r.status === 1 && /--fail-if ".*" holds/.test(r.stderr);
        const verdicts = c === 'check' && r.status === 1 && /\d+ passed, \d+ failed/.test(r.stdout);
        expect(r.status === 0 || gate || verdicts, `${example}\n${r.stderr}`).toBe(true);
        ran++;
        if (process.env.TPSIM_TIME_EXAMPLES) process.stderr.write(`${Date.now() - t0} ms: ${example}\n`);
      }
    }
    // The files the examples name exist: they chain as a user would run them.
    for (const f of ['results/oltp.json', 'results/oltp--seed=7.json', 'results/sweep/oltp--thread_pool_size=8,16--connections=64,512/sweep.json', 'heat.html', 'scenarios/mine-fitted.json', 'oltp.hgrm']) {
      expect(existsSync(join(cwd, f)), f).toBe(true);
    }
    // measure ran against the stand-ins and wrote what sim fit reads.
    expect(readFileSync(join(cwd, 'measured.csv'), 'utf8')).toMatch(/oltp_point_select-t1-rep1/);
    expect(ran).toBeGreaterThanOrEqual(15);
  }, 300_000);
});
