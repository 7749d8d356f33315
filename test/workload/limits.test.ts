import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Gamma, LogNormal, Mixture, Constant } from '../../src/engine/distributions.js';
import { ScenarioError, show } from '../../src/workload/errors.js';
import { BUDGET, LIMITS, checkBudget, estimateRun } from '../../src/workload/limits.js';
import { loadScenarioFile, parseScenarioText } from '../../src/workload/load.js';
import { TINY, tempDir } from '../cli/helpers.js';

const BASE = JSON.parse(readFileSync(TINY, 'utf8')) as Record<string, unknown> & { workload: { transactions: Array<{ statements: Array<Record<string, unknown>> }> } };
const FILE = 'hostile.json';

/** The tiny scenario with `edit` applied, parsed: returns the message of the ScenarioError it must throw. */
function rejection(edit: (d: typeof BASE) => void, raw?: (text: string) => string): string {
  const d = structuredClone(BASE);
  edit(d);
  const text = raw ? raw(JSON.stringify(d)) : JSON.stringify(d);
  try {
    parseScenarioText(text, FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error('accepted');
}
const stmt = (d: typeof BASE): Record<string, unknown> => d.workload.transactions[0].statements[0];

describe('hostile scenarios are exit-2 messages naming file, path, expected and found', () => {
  it('a sysbench-special key space whose rows do not split evenly over its tables', () => {
    const m = rejection((d) => {
      (d.workload as Record<string, unknown>).keySpace = { rows: 40001, distribution: { kind: 'sysbench-special', tables: 4 } };
    });
    expect(m).toMatch(/^hostile\.json: at workload\.keySpace\.rows: expected rows divisible by distribution\.tables \(4\), found 40001/);
    const big = rejection((d) => {
      (d.workload as Record<string, unknown>).keySpace = { rows: 2 * 4_194_305, distribution: { kind: 'sysbench-special', tables: 2 } };
    });
    expect(big).toMatch(/at workload\.keySpace\.rows: expected at most 4194304 rows per table for a sysbench-special key space, found 4194305/);
  });

  it('a mixture nested 500 deep: no stack overflow, a depth message', () => {
    let mix = '"1ms"';
    for (let i = 0; i < 500; i++) mix = `{"dist":"mixture","components":[{"weight":1,"value":${mix}}]}`;
    const m = rejection(() => {}, (t) => t.replace('{"dist":"exponential","mean":"50us"}', mix));
    expect(m).toMatch(/^hostile\.json: at workload\.transactions\[0\]\.statements\[0\]\.cpu\.components\[0\].*: expected at most 64 levels of nesting, found more/);
  });

  it('name and description holding arrays nested 6,000 deep (and in --set)', () => {
    const deep = '['.repeat(6000) + ']'.repeat(6000);
    expect(rejection(() => {}, (t) => t.replace('"tiny"', deep))).toMatch(/^hostile\.json: at name\[0\]\[0\].*: expected at most 64 levels of nesting/);
    expect(rejection(() => {}, (t) => t.replace(/"A tiny scenario[^"]*"/, deep))).toMatch(/at description\[0\].*levels of nesting/);
    expect(() => parseScenarioText(JSON.stringify(BASE), FILE, [`name=${deep}`])).toThrow(/^hostile\.json: at name\[0\].* \(from --set name=\[\[.*\): expected at most 64 levels of nesting/);
  });

  it('a statement count of 2^31', () => {
    expect(rejection((d) => (stmt(d).count = 2 ** 31))).toBe(
      'hostile.json: at workload.transactions[0].statements: expected at most 1,000,000 statements per transaction (counts included), found 2147483649',
    );
  });

  it('more transaction types than the limit', () => {
    const m = rejection((d) => {
      const t = d.workload.transactions[0];
      d.workload.transactions = Array.from({ length: LIMITS.transactionTypes + 1 }, (_, i) => ({ ...t, name: `t${i}` }));
    });
    expect(m).toBe(`hostile.json: at workload.transactions: expected at most 10000 transaction types, found ${LIMITS.transactionTypes + 1}`);
  });

  it('durations beyond 1e9 s ("1e400s" is Infinity)', () => {
    expect(rejection((d) => (d.duration = '1e400s'))).toBe('hostile.json: at duration: expected a duration up to 1e9s (about 32 years), found "1e400s"');
    expect(rejection((d) => (stmt(d).cpu = { dist: 'exponential', mean: '1e400s' }))).toContain('at workload.transactions[0].statements[0].cpu.mean: expected a duration up to 1e9s');
  });

  it('gamma and lognormal cv outside 1e-6..100', () => {
    for (const [dist, cv] of [['gamma', 1e-155], ['gamma', 1e300], ['lognormal', 1e300], ['gamma', 101]] as const) {
      expect(rejection((d) => (stmt(d).cpu = { dist, mean: '50us', cv }))).toBe(
        `hostile.json: at workload.transactions[0].statements[0].cpu.cv: expected a cv from 1e-6 to 100, found ${cv}`,
      );
    }
    // The ends of the range are accepted.
    for (const cv of [1e-6, 100]) {
      const d = structuredClone(BASE);
      stmt(d).cpu = { dist: 'gamma', mean: '50us', cv };
      expect(() => parseScenarioText(JSON.stringify(d), FILE)).not.toThrow();
    }
  });

  it('mixture weights summing to Infinity', () => {
    const m = rejection((d) => (stmt(d).cpu = { dist: 'mixture', components: [{ weight: 1e308, value: '1us' }, { weight: 1e308, value: '2us' }] }));
    expect(m).toBe('hostile.json: at workload.transactions[0].statements[0].cpu.components: expected weights with a finite sum above 0, found a sum of Infinity');
  });

  it('"seed": 1e999 says Infinity, not "null (a number)"', () => {
    const m = rejection(() => {}, (t) => t.replace('"seed":7', '"seed":1e999'));
    expect(m).toBe('hostile.json: at seed: expected a number, found Infinity (a number beyond the largest one, about 1.8e308)');
  });

  it('an empty quantiles list: the list is the problem (was an internal error)', () => {
    expect(rejection((d) => (stmt(d).cpu = { dist: 'empirical', quantiles: [] }))).toContain(
      'at workload.transactions[0].statements[0].cpu.quantiles: expected a list of at least 2 items, found an empty list',
    );
  });

  it('a nested object as name shows the object, never [object Object]', () => {
    const m = rejection((d) => ((d as Record<string, unknown>).name = { a: { b: [1, 2] } }));
    expect(m).toBe('hostile.json: at name: expected a string, found {"a":{"b":[1,2]}}');
    expect(show([[[[[[[[[[[[1]]]]]]]]]]]])).toBe('[[[[[[[[…]]]]]]]]');
  });

  it('open-loop values that make the run stop at 0 s or overflow', () => {
    expect(rejection((d) => ((d.workload as Record<string, unknown>).client = { model: 'open', arrivals: { process: 'renewal', interarrival: '0us' } }))).toBe(
      'hostile.json: at workload.client.arrivals.interarrival: expected an interarrival time with a mean above 0, found "0us"',
    );
    expect(rejection((d) => ((d.workload as Record<string, unknown>).client = { model: 'open', arrivals: { process: 'poisson', rate: 1e308 } }))).toBe(
      'hostile.json: at workload.client.arrivals.rate: expected at most 1000000000 arrivals per second, found 1e+308',
    );
    expect(rejection((d) => ((d.server as Record<string, unknown>).threadMemoryKiB = 1e308))).toBe(
      'hostile.json: at server.threadMemoryKiB: expected at most 1073741824 (1 TiB), found 1e+308',
    );
  });
});

describe('the samplers refuse what they cannot handle (library use)', () => {
  it('gamma shape Infinity or 0, cv outside the range, weights summing to Infinity', () => {
    expect(() => Gamma.fromMeanCv(50, 1e-155)).toThrow(RangeError);
    expect(() => new Gamma(Infinity, 0)).toThrow(RangeError);
    expect(() => new Gamma(0, 1)).toThrow(RangeError);
    expect(() => LogNormal.fromMeanCv(50, 1e300)).toThrow(RangeError);
    expect(() => new Mixture([{ weight: 1e308, dist: new Constant(1) }, { weight: 1e308, dist: new Constant(2) }])).toThrow(RangeError);
  });
});

describe('files that are not regular or too large are refused before reading', () => {
  it('a FIFO with no writer does not hang', () => {
    const fifo = join(tempDir(), 'pipe.json');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return;
    expect(() => loadScenarioFile(fifo)).toThrow(`${fifo}: cannot read the scenario file: it is a named pipe (FIFO), not a regular file`);
  });

  it('/dev/zero is a device', () => {
    expect(() => loadScenarioFile('/dev/zero')).toThrow('/dev/zero: cannot read the scenario file: it is a device, not a regular file');
  });

  it('a file above 16 MiB', () => {
    const big = join(tempDir(), 'big.json');
    writeFileSync(big, Buffer.alloc(LIMITS.fileBytes + 1, 0x20));
    expect(() => loadScenarioFile(big)).toThrow(`${big}: cannot read the scenario file: it holds ${LIMITS.fileBytes + 1} bytes, more than the 16 MiB a scenario may have`);
  });
});

describe('estimate of a run before it starts', () => {
  it('estimates the tiny scenario within its real size and refuses a huge run unless forced', () => {
    const spec = loadScenarioFile(TINY);
    const e = estimateRun(spec);
    expect(e.events).toBeGreaterThan(0);
    expect(e.events).toBeLessThan(BUDGET.events);
    expect(e.memoryMiB).toBeLessThan(BUDGET.memoryMiB);
    const huge = loadScenarioFile(TINY, ['duration=1e8s']);
    expect(() => checkBudget(huge, 'x.json', false)).toThrow(/^x\.json: this run would take about .* events .* above the budget of 2\.0e9 .*--force$/);
    expect(() => checkBudget(huge, 'x.json', true)).not.toThrow();
    const wide = loadScenarioFile(TINY, ['workload.connections=1000000', 'workload.transactions.0.weight=1']);
    expect(estimateRun(wide).memoryMiB).toBeGreaterThan(2000);
  });

  it('a closed loop in which nothing takes time is refused even with --force (time could never advance)', () => {
    const spec = loadScenarioFile(TINY, ['workload.transactions.0.statements.0.cpu="0us"', 'workload.transactions.0.statements.1.cpu="0us"', 'workload.transactions.0.statements.1.waits=[]', 'workload.network.rtt="0us"', 'workload.transactions.0.type=autocommit']);
    expect(() => checkBudget(spec, 'z.json', true)).toThrow(/z\.json: at workload: expected transactions that take simulated time/);
  });
});
