import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/run/result.js';
import { ROOT, TINY, TINY_NO_POOL, edited, ensureBuilt, sim, tempDir, type CliResult } from './helpers.js';

beforeAll(() => ensureBuilt());

const TINY_TEXT = readFileSync(TINY, 'utf8');

/** A modified copy of the tiny fixture (or raw text), written to a temporary file. */
function variantFile(edits: Array<readonly [string, unknown]>, raw?: string): string {
  const file = join(tempDir(), 'scenario.json');
  writeFileSync(file, raw ?? edited(TINY_TEXT, edits));
  return file;
}

/** Exit 2, one paragraph on stderr, every line "sim: ", no stack trace, nothing on stdout. */
function expectUsageFailure(r: CliResult, ...mentions: string[]): void {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  const err = r.stderr.trimEnd();
  expect(err.length).toBeGreaterThan(0);
  expect(err).not.toMatch(/\n\s*\n/);
  for (const line of err.split('\n')) expect(line.startsWith('sim: '), line).toBe(true);
  expect(err).not.toMatch(/^\s+at /m);
  expect(err).not.toMatch(/Error:|\.ts:\d|\.js:\d/);
  for (const m of mentions) expect(err).toContain(m);
}

describe('bad input exits 2 with a short message and writes no result', () => {
  const cases: Array<[string, () => { args: string[]; mentions: string[] }]> = [
    ['missing file', () => ({ args: ['run', 'no/such/file.json'], mentions: ['no/such/file.json', 'no such file'] })],
    [
      'invalid JSON',
      () => {
        const f = variantFile([], '{\n  "name": "x",\n  "seed": 1,,\n}');
        return { args: ['run', f], mentions: [f, 'invalid JSON at line 3, column 13'] };
      },
    ],
    [
      'unknown key',
      () => {
        const f = variantFile([['threadHandling.thread_pool_sizee', 8]]);
        return { args: ['run', f], mentions: [f, 'at threadHandling: unknown key "thread_pool_sizee" (did you mean "thread_pool_size"?)'] };
      },
    ],
    [
      'negative duration',
      () => {
        const f = variantFile([['workload.transactions.0.statements.1.cpu', '-5ms']]);
        return { args: ['run', f], mentions: [f, 'at workload.transactions[0].statements[1].cpu: expected a duration', 'found "-5ms"'] };
      },
    ],
    ['wrong unit via --duration', () => ({ args: ['run', TINY, '--duration', '5 parsecs'], mentions: ['at duration: expected a duration', 'found "5 parsecs"'] })],
    [
      'wrong type',
      () => {
        const f = variantFile([['workload.connections', 'four']]);
        return { args: ['run', f], mentions: [f, 'at workload.connections: expected a number, found "four"'] };
      },
    ],
    [
      'out-of-range thread_pool_size via --set',
      () => ({
        args: ['run', TINY, '--set', 'threadHandling.thread_pool_size=1000'],
        mentions: ['at threadHandling.thread_pool_size: expected a whole number from 1 to 512, found 1000'],
      }),
    ],
    ['negative --seed', () => ({ args: ['run', TINY, '--seed', '-1'], mentions: ['at seed:', 'found -1'] })],
    ['--set without "="', () => ({ args: ['run', TINY, '--set', 'workload.connections'], mentions: ['path=value'] })],
    ['--set on a missing parent', () => ({ args: ['run', TINY, '--set', 'nope.x=1'], mentions: ['nope', 'does not exist'] })],
    ['unknown option', () => ({ args: ['run', TINY, '--frobnicate'], mentions: ['frobnicate'] })],
    ['missing argument', () => ({ args: ['run'], mentions: ['scenario'] })],
    ['option without its value', () => ({ args: ['run', TINY, '--seed'], mentions: ['seed'] })],
    ['--json with --quiet', () => ({ args: ['run', TINY, '--json', '--quiet'], mentions: ['json', 'quiet'] })],
    ['unknown command', () => ({ args: ['rnu', TINY], mentions: ['unknown command "rnu"', 'did you mean "run"'] })],
    ['no command', () => ({ args: [], mentions: ['command'] })],
  ];

  it.each(cases)('%s', (_name, make) => {
    const { args, mentions } = make();
    const out = join(tempDir(), 'results');
    const r = sim([...args, ...(args[0] === 'run' ? ['--out', out] : [])]);
    expectUsageFailure(r, ...mentions);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('validate reports the same problems', () => {
    const f = variantFile([['duration', '-1s']]);
    expectUsageFailure(sim(['validate', f]), f, 'at duration', 'found "-1s"');
  });

  it('does not show a stack trace even with TPSIM_DEBUG for input errors', () => {
    expectUsageFailure(sim(['run', 'no/such/file.json', '--out', tempDir()], { TPSIM_DEBUG: '1' }), 'no such file');
  });
});

describe('sim validate', () => {
  const scenarioDir = join(ROOT, 'scenarios');
  const files = [
    TINY,
    TINY_NO_POOL,
    ...(existsSync(scenarioDir) ? readdirSync(scenarioDir).filter((f) => f.endsWith('.json')).map((f) => join(scenarioDir, f)) : []),
  ];

  it.each(files)('accepts %s', (file) => {
    const r = sim(['validate', file]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^ok: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(.+\\)$`));
    expect(lines[1]).toMatch(/connections/);
  });

  it('applies --set', () => {
    const r = sim(['validate', TINY, '--set', 'workload.connections=9', '--set', 'name=renamed']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ok: ');
    expect(r.stdout).toContain('(renamed)');
    expect(r.stdout).toContain('9 connections');
  });
});

describe('sim schema', () => {
  it('prints a JSON Schema with the scenario properties', () => {
    const r = sim(['schema']);
    expect(r.status).toBe(0);
    const schema = JSON.parse(r.stdout) as { $id?: unknown; title?: unknown; properties: Record<string, unknown> };
    expect(schema.$id).toBeTypeOf('string');
    expect(schema.title).toBe('tpsim scenario');
    expect(schema.properties.threadHandling).toBeDefined();
    expect(schema.properties.workload).toBeDefined();
  });

  it('writes the same text with --out, and the committed schema file is up to date', () => {
    const file = join(tempDir(), 'sub', 'scenario.schema.json');
    const r = sim(['schema', '--out', file]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(sim(['schema']).stdout);
    expect(readFileSync(join(ROOT, 'schema', 'scenario.schema.json'), 'utf8'), 'run `npm run schema`').toBe(text);
  });
});

describe('help and version', () => {
  it('--help lists the commands', () => {
    const r = sim(['--help']);
    expect(r.status).toBe(0);
    for (const c of ['run <scenario>', 'validate <scenario>', 'schema']) expect(r.stdout).toContain(c);
  });

  it('every command has --help and --version', () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    for (const cmd of ['run', 'validate', 'schema']) {
      const h = sim([cmd, '--help']);
      expect(h.status).toBe(0);
      expect(h.stdout).toContain(`sim ${cmd}`);
      const v = sim([cmd, '--version']);
      expect(v.status).toBe(0);
      expect(v.stdout.trim()).toBe(version);
    }
    expect(sim(['run', '--help']).stdout).toContain('--set');
  });
});

/** Needs the real runScenario (src/run/run.ts). */
describe('sim run', () => {
  const REQUIRED = ['schemaVersion', 'scenario', 'seed', 'summary', 'latency', 'queueWait', 'execution', 'threads', 'counters', 'engine'];

  function runJson(extra: string[] = [], file = TINY): { result: RunResult; stdout: string; file: string; r: CliResult } {
    const out = tempDir();
    const r = sim(['run', file, '--json', '--out', out, ...extra]);
    expect(r.status, r.stderr).toBe(0);
    const files = readdirSync(out);
    expect(files).toHaveLength(1);
    return { result: JSON.parse(r.stdout) as RunResult, stdout: r.stdout, file: join(out, files[0]), r };
  }

  function withoutEngine(text: string): string {
    const o = JSON.parse(text) as Record<string, unknown>;
    delete o.engine;
    return JSON.stringify(o);
  }

  it('--json prints exactly one JSON object, the same as the result file', () => {
    const { result, stdout, file, r } = runJson();
    expect(r.stderr).toBe('');
    expect(stdout.trim().startsWith('{')).toBe(true);
    expect(stdout.trim().endsWith('}')).toBe(true);
    for (const key of REQUIRED) expect(result, key).toHaveProperty(key);
    expect(result.summary.tps).toBeTypeOf('number');
    expect(result.summary.tps).toBeGreaterThan(0);
    expect(result.latency.all.p99).toBeTypeOf('number');
    expect(result.queueWait.all).toHaveProperty('p99');
    expect(result.execution.all).toHaveProperty('p99');
    expect(result.threads.peak).toBeGreaterThan(0);
    expect(result.counters).toBeTypeOf('object');
    expect(result.engine.eventsPerSecond).toBeTypeOf('number');
    expect(result.seed).toBe(7);
    expect(file.endsWith('tiny.json')).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(stdout);
  });

  it('is deterministic for a seed, apart from the engine timings', () => {
    const a = runJson();
    const b = runJson();
    expect(withoutEngine(readFileSync(b.file, 'utf8'))).toBe(withoutEngine(readFileSync(a.file, 'utf8')));
  });

  it('a different --seed changes the result', () => {
    const a = runJson();
    const c = runJson(['--seed', '8']);
    expect(c.result.seed).toBe(8);
    expect(withoutEngine(c.stdout)).not.toBe(withoutEngine(a.stdout));
  });

  it('--set shows up in result.scenario', () => {
    const { result } = runJson(['--set', 'threadHandling.thread_pool_size=4', '--duration', '300ms']);
    expect(result.scenario.threadHandling).toMatchObject({ thread_pool_size: 4 });
    expect(result.scenario.duration).toBe('300ms');
  });

  it('prints the report by default and says where the result went', () => {
    const out = tempDir();
    const r = sim(['run', TINY, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('tiny');
    expect(r.stdout).toContain('Transaction latency (ms)');
    expect(r.stdout).toContain('Thread pool counters');
    expect(r.stderr).toBe(`result written to ${join(out, 'tiny.json')}\n`);
  });

  it('--quiet prints nothing but writes the file', () => {
    const out = tempDir();
    const r = sim(['run', TINY, '--quiet', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
    expect(readdirSync(out)).toEqual(['tiny.json']);
  });

  it('--out naming a .json file writes the result there (its directory made), not into a directory of that name', () => {
    const dir = tempDir();
    const target = join(dir, 'sub', 'mine.json');
    const r = sim(['run', TINY, '--out', target]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe(`result written to ${target}\n`);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['mine.json']);
    expect((JSON.parse(readFileSync(target, 'utf8')) as RunResult).scenario.name).toBe('tiny');
  });

  it('warns on stderr when the warm-up is short next to the mean latency, and not with --quiet', () => {
    const out = tempDir();
    const r = sim(['run', TINY, '--out', out, '--set', 'warmup=100us']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^result written to .*\nwarning: the warm-up \(100us\) is shorter than 5 mean transaction latencies \(5 x \d/);
    const q = sim(['run', TINY, '--out', out, '--set', 'warmup=100us', '--quiet']);
    expect(q.status, q.stderr).toBe(0);
    expect(q.stderr).toBe('');
  });

  it('exits 1 when the result cannot be written', () => {
    const blocker = join(tempDir(), 'file');
    writeFileSync(blocker, 'not a directory');
    const r = sim(['run', TINY, '--out', blocker, '--quiet']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^sim: cannot write .*tiny\.json: /);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('runs one thread per connection, without a counters section', () => {
    const out = tempDir();
    const r = sim(['run', TINY_NO_POOL, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('Thread pool counters');
  });
});
