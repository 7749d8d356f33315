// Mutated scenario files for the fuzz suite (test/fuzz/fuzz.test.ts and scripts/fuzz.mjs):
// a fast-check arbitrary of mutations applied to the shipped scenarios. Plain JavaScript so the
// long run needs no TypeScript loader; types in fuzz-cases.d.mts.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The shipped scenarios: scenarios/*.json and scenarios/validation/*.json. */
export function shippedScenarios() {
  const dirs = ['scenarios', join('scenarios', 'validation')];
  return dirs.flatMap((d) =>
    readdirSync(join(ROOT, d))
      .filter((n) => n.endsWith('.json'))
      .sort()
      .map((n) => ({ name: join(d, n), text: readFileSync(join(ROOT, d, n), 'utf8') })),
  );
}

/** Values that break programs: extremes, wrong types, bad durations, unicode, nesting. */
const nasty = fc.oneof(
  fc.constantFrom(0, -1, 1, 0.5, 2 ** 31, 2 ** 53, 1e308, -1e308, 1e-320, 5e-324, 1e9, 1e15, 3.7, -0),
  fc.constantFrom('', ' ', '0us', '1e400s', '1e-400s', '1e12s', '-5ms', '5 parsecs', '1ms', '999999999min', 'auto', 'NaN', 'Infinity', 'µs', '\u0000', '💥', 'a'.repeat(300)),
  fc.constantFrom(null, true, false, [], {}, [[]], { dist: 'mixture', components: [] }),
  fc.constantFrom(
    { dist: 'gamma', mean: '1ms', cv: 1e-155 },
    { dist: 'gamma', mean: '1ms', cv: 1e300 },
    { dist: 'lognormal', mean: '1ms', cv: 1e300 },
    { dist: 'mixture', components: [{ weight: 1e308, value: '1us' }, { weight: 1e308, value: '2us' }] },
    { dist: 'empirical', quantiles: [] },
    { dist: 'pareto', min: '1us', alpha: 1.0000001 },
    { dist: 'uniform', min: '0us', max: '1e9s' },
    { dist: 'exponential', mean: '0us' },
  ),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.jsonValue({ maxDepth: 3 }),
);

/**
 * One mutation: an operation and a choice of where (an index into the document's paths). `heavy`
 * adds 20,001 copies of an array's element (transaction types beyond the limit: slow to parse).
 */
const AT = fc.noBias(fc.nat());
const mutation = (heavy) => fc.oneof(
  fc.record({ op: fc.constant('delete'), at: AT }),
  fc.record({ op: fc.constant('set'), at: AT, value: nasty }),
  fc.record({ op: fc.constant('addKey'), at: AT, key: fc.oneof(fc.constantFrom('cpu', 'count', 'weight', 'dist', 'mean', '__proto__', 'constructor'), fc.string({ maxLength: 12 })), value: nasty }),
  fc.record({ op: fc.constant('nest'), at: AT, depth: fc.constantFrom(10, 70, 600, 6000) }),
  fc.record({ op: fc.constant('duplicate'), at: AT, times: heavy ? fc.oneof({ arbitrary: fc.constantFrom(2, 50), weight: 40 }, { arbitrary: fc.constant(20_001), weight: 1 }) : fc.constantFrom(2, 50) }),
  fc.record({ op: fc.constant('scale'), at: AT, factor: fc.constantFrom(0, -1, 1e-9, 1e3, 1e300, Number.MAX_VALUE) }),
);

/** A case: which scenario, its mutations, and whether to run it (else validate only). */
export function caseArbitrary(scenarioCount, runShare = 0.1, heavy = true) {
  return fc.record({
    scenario: fc.nat({ max: scenarioCount - 1 }),
    mutations: fc.array(mutation(heavy), { minLength: 1, maxLength: 3 }),
    run: fc.noBias(fc.integer({ min: 0, max: 999 })).map((i) => i < runShare * 1000),
  });
}

/** Every path of a JSON value (objects and arrays included), in a stable order. */
function paths(doc) {
  const out = [];
  const stack = [[doc, []]];
  while (stack.length > 0) {
    const [v, p] = stack.pop();
    out.push(p);
    if (typeof v === 'object' && v !== null && p.length < 12) {
      const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) stack.push([v[keys[i]], [...p, keys[i]]]);
    }
  }
  return out;
}

function get(doc, path) {
  let v = doc;
  for (const k of path) v = v[k];
  return v;
}

function nested(value, depth) {
  let v = value;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/**
 * Applies a case's mutations to a scenario text; returns the new text. Runs are kept short:
 * unless a mutation changed them, duration and warm-up become 30ms and 10ms.
 */
export function mutate(text, c) {
  let doc = JSON.parse(text);
  const original = { duration: doc.duration, warmup: doc.warmup, replications: doc.replications };
  // Deep nests are spliced into the text at the end: JSON.stringify itself recurses.
  const deep = [];
  for (const m of c.mutations) {
    const all = paths(doc);
    const path = all[m.at % all.length];
    const parentPath = path.slice(0, -1);
    const key = path[path.length - 1];
    const parent = path.length > 0 ? get(doc, parentPath) : undefined;
    const cur = get(doc, path);
    switch (m.op) {
      case 'delete':
        if (parent === undefined) doc = {};
        else if (Array.isArray(parent)) parent.splice(key, 1);
        else delete parent[key];
        break;
      case 'set':
        if (parent === undefined) doc = m.value;
        else parent[key] = structuredClone(m.value);
        break;
      case 'addKey':
        if (typeof cur === 'object' && cur !== null && !Array.isArray(cur)) Object.defineProperty(cur, m.key, { value: structuredClone(m.value), enumerable: true, configurable: true, writable: true });
        break;
      case 'nest': {
        const v = m.depth <= 50 ? nested(cur, m.depth) : `__DEEP_${deep.push({ depth: m.depth, inner: JSON.stringify(cur) ?? 'null' }) - 1}__`;
        if (parent === undefined) doc = v;
        else parent[key] = v;
        break;
      }
      case 'duplicate':
        if (Array.isArray(cur) && cur.length > 0) {
          const copies = Array.from({ length: m.times }, (_, i) => structuredClone(cur[i % cur.length]));
          if (parent === undefined) doc = copies;
          else parent[key] = copies;
        }
        break;
      case 'scale':
        if (typeof cur === 'number' && parent !== undefined) parent[key] = cur * m.factor;
        else if (typeof cur === 'string' && parent !== undefined) {
          const x = /^(\d+(?:\.\d+)?)(\s*[a-zµ]+)$/.exec(cur);
          if (x !== null) parent[key] = `${Number(x[1]) * m.factor}${x[2]}`;
        }
        break;
    }
  }
  // A mutation that left the run length as it was (even one aimed at it, such as a key added to
  // a string) keeps the run short; a changed length is the mutation and stays.
  const lengthChanged = (d) => ['duration', 'warmup', 'replications'].some((k) => JSON.stringify(d[k]) !== JSON.stringify(original[k]));
  if (c.run && typeof doc === 'object' && doc !== null && !Array.isArray(doc) && !lengthChanged(doc)) {
    doc.duration = '30ms';
    doc.warmup = '10ms';
    delete doc.replications;
  }
  // JSON.stringify writes non-finite numbers as null; write 1e999 for them, as a user could.
  const out = JSON.stringify(doc, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `__NONFINITE_${v}__` : v)).replace(
    /"__NONFINITE_(-?)(Infinity|NaN)__"/g,
    (_m, sign, kind) => (kind === 'NaN' ? 'null' : `${sign}1e999`),
  );
  // A deep nest may hold another (nested twice): splice until none is left.
  let spliced = out;
  for (let pass = 0; pass < 4 && spliced.includes('"__DEEP_'); pass++) {
    spliced = spliced.replace(/"__DEEP_(\d+)__"/g, (m, i) => {
      const d = deep[Number(i)];
      return d === undefined ? m : `${'['.repeat(d.depth)}${d.inner}${']'.repeat(d.depth)}`;
    });
  }
  return spliced;
}

/** True when a parsed result holds a null anywhere (JSON's spelling of NaN and Infinity). */
function hasNull(doc) {
  const stack = [doc];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null) return true;
    if (typeof v === 'object') for (const x of Object.values(v)) stack.push(x);
  }
  return false;
}

/**
 * Classifies one outcome. `exit 0` needs a result whose every figure is a finite number (the
 * text has no null: JSON writes NaN and Infinity as null); `exit 2` needs one message naming the
 * file, a place (a JSON path, a line, or the file itself) and what was expected or found.
 */
export function classify({ code, signal, timedOut, stderr, resultText, file }) {
  if (timedOut) return 'hang';
  if (signal !== null && signal !== undefined) return 'crash';
  if (code === 0) {
    if (resultText === undefined) return 'ok';
    return hasNull(JSON.parse(resultText)) ? 'non-finite' : 'ok';
  }
  if (code === 2) {
    if (/internal error|Maximum call stack|\n\s+at /.test(stderr)) return 'internal';
    if (stderr.includes(file) && /above the budget/.test(stderr)) return 'over-budget';
    // Every line: the file, where (a JSON path or a line of the file), and what was expected/found.
    const lines = stderr.trimEnd().split('\n').filter((l) => !/\.\.\. and \d+ more problem/.test(l));
    const clear = (l) => l.includes(file) && /: at |invalid JSON at line|--set /.test(l) && /expected|found|missing|unknown key|did you mean/.test(l);
    return lines.length > 0 && lines.every(clear) ? 'rejected' : 'unclear';
  }
  if (code === 1) return /internal error/.test(stderr) ? 'internal' : 'failed';
  return 'crash';
}
