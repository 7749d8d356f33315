import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError, closest, editDistance, formatZodIssues } from '../../src/workload/errors.js';
import { locateJsonError } from '../../src/workload/json-error.js';
import { loadScenarioFile, parseScenarioText } from '../../src/workload/load.js';
import { Scenario } from '../../src/workload/schema.js';
import { DELETE, ROOT, TINY, edited, tempDir } from './helpers.js';

const FIXTURES = join(ROOT, 'test', 'fixtures');
const SCENARIOS = join(ROOT, 'scenarios');

const TEXT = readFileSync(TINY, 'utf8');
const FILE = 'scenarios/x.json';

function parse(sets: string[] = [], text = TEXT) {
  return parseScenarioText(text, FILE, sets);
}

/** Runs fn, expects a ScenarioError, and returns its message. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as ScenarioError).message;
  }
  throw new Error('expected a ScenarioError, but nothing was thrown');
}

/** A modified copy of the tiny fixture, as text. */
function variant(...edits: Array<readonly [string, unknown]>): string {
  return edited(TEXT, edits);
}

describe('loadScenarioFile', () => {
  it('loads the tiny fixture and fills defaults', () => {
    const s = loadScenarioFile(TINY);
    expect(s.name).toBe('tiny');
    expect(s.workload.connections).toBe(4);
    expect(s.threadHandling).toMatchObject({ mode: 'pool', flavor: 'mysql', profile: '8.4' });
    expect(s.workload.transactions[0].weight).toBe(1);
    expect(s.server.threadCreate).toBe('50us');
  });

  it('names the file and the OS reason when the file is missing', () => {
    const missing = join(tempDir(), 'nope.json');
    const msg = errorOf(() => loadScenarioFile(missing));
    expect(msg).toContain(missing);
    expect(msg).toMatch(/no such file/);
    expect(msg).toContain('ENOENT');
  });

  it('reports a directory given as the scenario', () => {
    const dir = tempDir();
    const msg = errorOf(() => loadScenarioFile(dir));
    expect(msg).toContain(dir);
    expect(msg).toContain('EISDIR');
  });

  it('reads a file with a byte order mark', () => {
    const dir = tempDir();
    const p = join(dir, 'bom.json');
    writeFileSync(p, `\uFEFF${TEXT}`);
    expect(loadScenarioFile(p).name).toBe('tiny');
  });
});

describe('--set overrides', () => {
  it('sets a number', () => {
    const s = parse(['threadHandling.thread_pool_size=32']);
    expect(s.threadHandling).toMatchObject({ thread_pool_size: 32 });
  });

  it('sets a string, also when the text looks like a number but the schema wants a string', () => {
    expect(parse(['name=other']).name).toBe('other');
    expect(parse(['name=42']).name).toBe('42');
    expect(parse(['threadHandling.profile=9.7']).threadHandling).toMatchObject({ profile: '9.7' });
    expect(parse(['duration=1s']).duration).toBe('1s');
  });

  it('sets through an array index', () => {
    const s = parse(['workload.transactions.0.weight=3', 'workload.transactions.0.statements.1.count=2']);
    expect(s.workload.transactions[0].weight).toBe(3);
    expect(s.workload.transactions[0].statements[1].count).toBe(2);
  });

  it('takes an index in brackets too, as error messages print paths', () => {
    const s = parse(['workload.transactions[0].weight=3', 'workload.transactions[0].statements[1].count=2']);
    expect(s.workload.transactions[0].weight).toBe(3);
    expect(s.workload.transactions[0].statements[1].count).toBe(2);
  });

  it('sets a JSON object value', () => {
    const s = parse(['workload.transactions.0.statements.0.cpu={"dist":"lognormal","mean":"1ms","cv":0.5}']);
    expect(s.workload.transactions[0].statements[0].cpu).toEqual({ dist: 'lognormal', mean: '1ms', cv: 0.5 });
  });

  it('appends one past the end of an array', () => {
    const s = parse(['workload.transactions.1={"name":"other","statements":[{"name":"s","cpu":"5us"}]}']);
    expect(s.workload.transactions.map((t) => t.name)).toEqual(['point_select', 'other']);
  });

  it('creates a section the file leaves to its defaults', () => {
    const text = variant(['server', DELETE]);
    const s = parse(['server.cores=3'], text);
    expect(s.server.cores).toBe(3);
    expect(s.server.threadCreate).toBe('50us');
  });

  it('applies overrides in order, later ones winning', () => {
    expect(parse(['seed=1', 'seed=2']).seed).toBe(2);
  });

  it('validates overridden values like the file and says where they came from', () => {
    const msg = errorOf(() => parse(['threadHandling.thread_pool_size=0']));
    expect(msg).toContain(`${FILE}: at threadHandling.thread_pool_size:`);
    expect(msg).toContain('found 0');
    expect(msg).toContain('--set threadHandling.thread_pool_size=0');
  });

  it('rejects a --set without "="', () => {
    const msg = errorOf(() => parse(['workload.connections']));
    expect(msg).toContain('workload.connections');
    expect(msg).toMatch(/path=value/);
  });

  it('rejects an empty path segment', () => {
    expect(errorOf(() => parse(['workload..connections=3']))).toContain('workload..connections');
  });

  it('rejects a path whose parent does not exist, with a suggestion', () => {
    const msg = errorOf(() => parse(['threadHandlin.thread_pool_size=5']));
    expect(msg).toContain('threadHandlin');
    expect(msg).toContain('does not exist');
    expect(msg).toContain('did you mean "threadHandling"');
  });

  it('rejects an array index past the end', () => {
    const msg = errorOf(() => parse(['workload.transactions.3.weight=3']));
    expect(msg).toContain('workload.transactions');
    expect(msg).toContain('no index 3');
  });

  it('rejects a path through a scalar', () => {
    expect(errorOf(() => parse(['workload.connections.x=1']))).toMatch(/workload\.connections.*not an object/);
  });

  it('does not let __proto__ through', () => {
    expect(errorOf(() => parse(['__proto__.polluted=1']))).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('error messages name the file, the path, the expectation and what was found', () => {
  it('invalid JSON: line and column', () => {
    const text = '{\n  "name": "x",\n  "seed": ,\n}';
    const msg = errorOf(() => parse([], text));
    expect(msg).toContain(FILE);
    expect(msg).toContain('invalid JSON at line 3, column 11');
    expect(msg).toContain('expected a value, found ","');
  });

  it('invalid JSON: trailing comma and comments get a hint', () => {
    expect(errorOf(() => parse([], '{\n "a": 1,\n}'))).toMatch(/line 3, column 1.*trailing commas/);
    expect(errorOf(() => parse([], '{\n // note\n "a": 1\n}'))).toMatch(/line 2, column 2.*comments/);
  });

  it('unknown key with a suggestion', () => {
    const msg = errorOf(() => parse(['threadHandling.thread_pool_sizee=3']));
    expect(msg).toBe(
      `${FILE}: at threadHandling: unknown key "thread_pool_sizee" (did you mean "thread_pool_size"?) ` +
        '(from --set threadHandling.thread_pool_sizee=3)',
    );
  });

  it('unknown key in the file, at the wrong level', () => {
    const msg = errorOf(() => parse([], variant(['thread_pool_size', 16])));
    expect(msg).toBe(`${FILE}: at top level: unknown key "thread_pool_size" (it belongs in threadHandling)`);
  });

  it('unknown key without a near match lists the allowed keys', () => {
    const msg = errorOf(() => parse([], variant(['workload.network', { rtt: '1ms', zzz: 1 }])));
    expect(msg).toContain(`${FILE}: at workload.network: unknown key "zzz"; allowed keys: rtt`);
  });

  it('negative duration', () => {
    const msg = errorOf(() => parse([], variant(['workload.transactions.0.statements.1.cpu', '-5ms'])));
    expect(msg).toContain(`${FILE}: at workload.transactions[0].statements[1].cpu: expected a duration such as "250us"`);
    expect(msg).toContain('found "-5ms"');
    expect(msg).toContain('cannot be negative');
  });

  it('wrong unit', () => {
    const msg = errorOf(() => parse([], variant(['duration', '5 parsecs'])));
    expect(msg).toContain(`${FILE}: at duration: expected a duration`);
    expect(msg).toContain('found "5 parsecs" (unknown unit "parsecs")');
  });

  it('a duration without a unit', () => {
    const msg = errorOf(() => parse([], variant(['warmup', 50])));
    expect(msg).toContain(`${FILE}: at warmup: expected a duration`);
    expect(msg).toContain('found 50');
    expect(msg).toContain('add a unit');
  });

  it('wrong type', () => {
    const msg = errorOf(() => parse([], variant(['workload.connections', 'four'])));
    expect(msg).toBe(`${FILE}: at workload.connections: expected a number, found "four" (a string)`);
  });

  it('a negative count', () => {
    const msg = errorOf(() => parse([], variant(['workload.connections', -5])));
    expect(msg).toBe(`${FILE}: at workload.connections: expected a whole number from 1 to 1000000, found -5`);
  });

  it('a fraction where a whole number is needed', () => {
    const msg = errorOf(() => parse([], variant(['workload.connections', 1.5])));
    expect(msg).toContain('expected a whole number');
    expect(msg).toContain('found 1.5');
  });

  it('out-of-range thread_pool_size', () => {
    const msg = errorOf(() => parse([], variant(['threadHandling.thread_pool_size', 1000])));
    expect(msg).toBe(`${FILE}: at threadHandling.thread_pool_size: expected a whole number from 1 to 512, found 1000`);
  });

  it('a wrong enum value with a suggestion', () => {
    const msg = errorOf(() => parse([], variant(['threadHandling.mode', 'poool'])));
    expect(msg).toContain(`${FILE}: at threadHandling.mode: expected one of "one-thread-per-connection", "pool"`);
    expect(msg).toContain('found "poool" (did you mean "pool"?)');
  });

  it('a missing required key', () => {
    const msg = errorOf(() => parse([], variant(['name', DELETE])));
    expect(msg).toBe(`${FILE}: at name: required key is missing (expected a string)`);
  });

  it('a union of literals lists the choices', () => {
    const msg = errorOf(() => parse(['threadHandling.thread_pool_algorithm=2']));
    expect(msg).toContain('at threadHandling.thread_pool_algorithm: expected 0 or 1, found 2');
  });

  it('an unknown distribution kind lists the kinds (one problem, at "dist")', () => {
    const msg = errorOf(() => parse(['workload.transactions.0.statements.0.cpu={"dist":"expo","mean":"1ms"}']));
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).toContain('at workload.transactions[0].statements[0].cpu.dist: expected one of "constant", "exponential", "uniform"');
    expect(msg).toContain('found "expo" (did you mean "exponential"?)');
  });

  it('something that is not a distribution shows what a distribution looks like', () => {
    const msg = errorOf(() => parse(['workload.transactions.0.statements.0.cpu=[5]']));
    expect(msg).toContain('at workload.transactions[0].statements[0].cpu: expected a distribution');
    expect(msg).toContain('found [5]');
  });

  it('a distribution with a misspelt tag suggests the right one', () => {
    const msg = errorOf(() => parse(['workload.transactions.0.statements.0.cpu={"dist":"gama","mean":"1ms","cv":1}']));
    expect(msg).toContain('(did you mean "gamma"?)');
  });

  it('a distribution that picked its kind reports that kind\'s problem, however deep', () => {
    const mixture = '{"dist":"mixture","components":[{"weight":1,"value":{"dist":"gamma","mean":"1ms"}}]}';
    const msg = errorOf(() => parse([`workload.transactions.0.statements.0.cpu=${mixture}`]));
    expect(msg.split('\n')[0]).toMatch(
      /^scenarios\/x\.json: at workload\.transactions\[0\]\.statements\[0\]\.cpu\.components\[0\]\.value\.cv: required key is missing \(expected a number\)/,
    );
  });

  it('a relation between values (warm-up not shorter than duration)', () => {
    const msg = errorOf(() => parse(['warmup=1s']));
    expect(msg).toBe(`${FILE}: at duration: expected a duration longer than the warm-up (1s), found 200ms`);
  });

  it('an empty list', () => {
    const msg = errorOf(() => parse(['workload.transactions=[]']));
    expect(msg).toContain('at workload.transactions: expected a list of at least 1 item, found an empty list');
  });

  it('long inputs are shortened', () => {
    const msg = errorOf(() => parse([`name=${JSON.stringify(['x'.repeat(200)])}`]));
    expect(msg).toContain('…');
    expect(msg.length).toBeLessThan(300);
  });

  it('every line names the file, and the list is capped', () => {
    const many = [
      'workload.connections=-5',
      'seed=-1',
      'duration=1',
      'warmup=x',
      'server.cores=0',
      'threadHandling.thread_pool_size=0',
      'threadHandling.thread_pool_stall_limit=1',
      'threadHandling.thread_pool_algorithm=5',
      'workload.transactions.0.weight=-1',
      'workload.transactions.0.statements.0.count=0',
      'workload.transactions.0.statements.1.cpu=-1ms',
      'name=',
    ];
    const lines = errorOf(() => parse([...many, 'threadHandling.bogus=1'])).split('\n');
    expect(lines).toHaveLength(11);
    for (const line of lines) expect(line.startsWith(`${FILE}: `)).toBe(true);
    expect(lines[10]).toMatch(/and 3 more problems$/);
  });
});

describe('formatZodIssues', () => {
  it('formats issues straight from zod', () => {
    const r = Scenario.safeParse({ name: 'x', threadHandling: { mode: 'pool', flavor: 'mysql' }, workload: { connections: 0, transactions: [] } }, { reportInput: true });
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(formatZodIssues('f.json', r.error.issues)).toEqual([
      'f.json: at workload.connections: expected a whole number from 1 to 1000000, found 0',
      'f.json: at workload.transactions: expected a list of at least 1 item, found an empty list',
    ]);
  });
});

describe('suggestions and JSON error positions', () => {
  it('edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('closest only suggests near matches', () => {
    expect(closest('thread_pool_sizee', ['thread_pool_size', 'thread_pool_algorithm'])).toBe('thread_pool_size');
    expect(closest('pool_size', ['thread_pool_size', 'mode'])).toBe('thread_pool_size');
    expect(closest('zzz', ['thread_pool_size', 'mode'])).toBeUndefined();
    // Swapped letters are one edit (optimal string alignment), so short keys get a suggestion
    // too; plain Levenshtein (fastest-levenshtein) counts two and would say nothing here.
    expect(closest('sede', ['seed', 'server'])).toBe('seed');
    expect(closest('wramup', ['warmup', 'workload'])).toBe('warmup');
  });

  it('locates errors V8 reports without a position', () => {
    expect(locateJsonError('{"a": }')).toMatchObject({ line: 1, column: 7 });
    expect(locateJsonError('{\n  "a": x\n}')).toMatchObject({ line: 2, column: 8 });
    expect(locateJsonError('{"a": 1}')).toBeUndefined();
    expect(locateJsonError('')).toMatchObject({ line: 1, column: 1, problem: 'expected a value, found the end of the file' });
    expect(locateJsonError('{"a": "\\q"}')?.problem).toContain('invalid escape');
  });

  it('agrees with JSON.parse on what is valid', () => {
    const samples = ['[]', '{}', '[1,-2.5e3,"x\\u00e9",true,false,null,{"a":[{}]}]', ' 1 ', '"s"', '[01]', '[1.]', '{"a":1 "b":2}', '[-]', 'tru'];
    for (const s of samples) {
      let ok = true;
      try {
        JSON.parse(s);
      } catch {
        ok = false;
      }
      expect(locateJsonError(s) === undefined, s).toBe(ok);
    }
  });
});

describe('scenario files in the repository', () => {
  const files = [FIXTURES, SCENARIOS].flatMap((dir) =>
    existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f)) : [],
  );

  it.each(files)('%s is valid', (file) => {
    expect(loadScenarioFile(file).name.length).toBeGreaterThan(0);
  });
});
