import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ScenarioError } from '../../src/workload/errors.js';
import { parseScenarioText } from '../../src/workload/load.js';
import { Scenario, scenarioJsonSchema } from '../../src/workload/schema.js';
import { POOL_UNITS } from '../../src/workload/schema/units.js';
import { ROOT, edited } from '../cli/helpers.js';
import { propertiesOf, validate } from '../helpers/json-schema-check.js';

const schema = scenarioJsonSchema();
/** zod's own output, before the unions are rewritten: what editors saw before. */
const untagged = z.toJSONSchema(Scenario, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
const tiny = readFileSync(join(ROOT, 'test', 'fixtures', 'tiny.json'), 'utf8');
const CPU = 'workload.transactions.0.statements.0.cpu';

/** The tiny fixture with one value replaced (a dotted path). */
function edit(path: string, value: unknown): unknown {
  return JSON.parse(edited(tiny, [[path, value]]));
}

/** The lines sim validate prints for a document (one per problem). */
function zodLines(doc: unknown): string[] {
  try {
    parseScenarioText(JSON.stringify(doc), 'typo.json', [], { onWarning: () => {} });
    return [];
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    return e.message.split('\n');
  }
}

describe('the JSON Schema explains itself', () => {
  it('every property has a description', () => {
    const props = propertiesOf(schema);
    expect(props.length).toBeGreaterThan(180);
    expect(props.filter((p) => typeof p.schema.description !== 'string').map((p) => p.path)).toEqual([]);
  });

  it('server variables quote their server\'s documentation; duration-like ones say their unit', () => {
    const durationLike = new Set(Object.values(POOL_UNITS).flatMap((u) => Object.keys(u)));
    const pool = propertiesOf(schema).filter((p) => /\.thread_pool_\w+$/.test(p.path));
    expect(pool.length).toBeGreaterThanOrEqual(28);
    for (const { path, schema: s } of pool) {
      const d = String(s.description);
      expect(d, path).toMatch(/^(MySQL manual|MariaDB docs|Percona docs): /);
      if (durationLike.has(path.slice(path.lastIndexOf('.') + 1))) expect(d, path).toMatch(/Unit: (milliseconds|units of 10 ms|seconds) \(the server's own\)/);
    }
    const stall = pool.filter((p) => p.path.endsWith('thread_pool_stall_limit')).map((p) => String(p.schema.description));
    expect(stall).toHaveLength(3);
    expect(stall.filter((d) => d.includes('Unit: units of 10 ms'))).toHaveLength(1);
    expect(stall.filter((d) => d.includes('Unit: milliseconds'))).toHaveLength(2);
  });

  it('every shipped scenario is valid under it', () => {
    const dirs = ['scenarios', join('scenarios', 'validation'), join('scenarios', 'sweeps'), join('test', 'fixtures')];
    let n = 0;
    for (const dir of dirs) {
      for (const f of readdirSync(join(ROOT, dir)).filter((x) => x.endsWith('.json'))) {
        const doc: unknown = JSON.parse(readFileSync(join(ROOT, dir, f), 'utf8'));
        expect(validate(schema, doc), `${dir}/${f}`).toEqual([]);
        n++;
      }
    }
    expect(n).toBeGreaterThan(15);
  });

  it('accepts the unit strings the scenario loader accepts', () => {
    expect(validate(schema, edit('threadHandling.thread_pool_stall_limit', '500ms'))).toEqual([]);
    expect(validate(schema, edit('threadHandling.thread_pool_prio_kickup_timer', 2000))).toEqual([]);
    expect(validate(schema, edit('threadHandling.thread_pool_stall_limit', 1000))).toHaveLength(1);
  });
});

describe('one mistake, one error (editor and sim validate alike)', () => {
  const typos: Array<[string, string, unknown]> = [
    ['a misspelt thread pool variable', 'threadHandling.thread_pool_stal_limit', 6],
    ['a misspelt flavour', 'threadHandling.flavor', 'mariadn'],
    ['a misspelt thread handling mode', 'threadHandling.mode', 'pooll'],
    ['a misspelt distribution kind', CPU, { dist: 'gama', mean: '1ms', cv: 1 }],
    ['a misspelt client model', 'workload.client', { model: 'closd' }],
    ['a misspelt arrival process', 'workload.client', { model: 'open', arrivals: { process: 'poison', rate: 10 } }],
    ['a misspelt contention model', 'server.contention', { model: 'usll', sigma: 0.1, kappa: 0 }],
    ['a unit-less stall limit string', 'threadHandling.thread_pool_stall_limit', '500 parsecs'],
    ['a wrong value inside a mixture', CPU, { dist: 'mixture', components: [{ weight: 1, value: { dist: 'exponential', mean: 5 } }] }],
  ];

  for (const [what, path, value] of typos) {
    it(what, () => {
      const doc = edit(path, value);
      const errors = validate(schema, doc);
      expect(errors, errors.join('\n')).toHaveLength(1);
      // zod's JSON Schema as it was: a validator tried every branch of the nested oneOf.
      expect(validate(untagged, doc).length).toBeGreaterThan(1);
      expect(zodLines(doc)).toHaveLength(1);
    });
  }

  it('a misspelt key inside a distribution: the unknown key and the missing one, as sim validate says', () => {
    const doc = edit(CPU, { dist: 'exponential', maen: '1ms' });
    expect(validate(schema, doc)).toHaveLength(2);
    expect(validate(untagged, doc).length).toBeGreaterThan(20);
    expect(zodLines(doc).join('\n')).toContain('"maen" (did you mean "mean"?)');
  });

  it('a lognormal takes mean and cv, or p50 and p99', () => {
    const ok = [{ dist: 'lognormal', mean: '1ms', cv: 0.5 }, { dist: 'lognormal', p50: '1ms', p99: '9ms' }];
    for (const cpu of ok) {
      expect(validate(schema, edit(CPU, cpu))).toEqual([]);
      expect(zodLines(edit(CPU, cpu))).toEqual([]);
    }
    const half = edit(CPU, { dist: 'lognormal', mean: '1ms' });
    expect(validate(schema, half)).toEqual(['$.workload.transactions[0].statements[0].cpu: mean needs cv']);
    expect(zodLines(half)).toEqual(['typo.json: at workload.transactions[0].statements[0].cpu.cv: required key is missing (expected a number with "mean")']);
    const both = edit(CPU, { dist: 'lognormal', mean: '1ms', cv: 1, p50: '1ms', p99: '2ms' });
    expect(zodLines(both)[0]).toContain('expected either "mean" and "cv" or "p50" and "p99", found both');
  });
});
