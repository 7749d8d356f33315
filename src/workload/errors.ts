import type { z } from 'zod';
import { DURATION_HINT } from '../engine/duration.js';
import { Scenario } from './schema.js';
import {
  allowedKeysAt,
  findKeyElsewhere,
  numberBoundsAt,
  schemaType,
  schemasAt,
  type AnySchema,
} from './schema-walk.js';

/**
 * A mistake in the user's input (file, JSON, value, command-line override), as opposed to a failure
 * of the simulator. The CLI prints the message as is (exit 2), without a stack trace.
 */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(
    /** The scenario file the mistake is in (or refers to). */
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

export type ZodIssue = z.core.$ZodIssue;

/** Most issues a user needs to see at once; the rest are counted. */
export const MAX_ISSUES = 10;

export interface FormatOptions {
  /** The schema the issues came from, to look up allowed keys and number ranges. */
  schema?: AnySchema;
  /** Paths set on the command line, so issues under them say so. */
  overrides?: ReadonlyArray<{ path: readonly PropertyKey[]; text: string }>;
  /** The parsed document: refinements on the whole scenario report it as their input, not the value. */
  data?: unknown;
}

/** Turns zod issues into one line each: `<file>: at <path>: <expected>; found <input>`. */
export function formatZodIssues(file: string, issues: readonly ZodIssue[], options: FormatOptions = {}): string[] {
  const schema = options.schema ?? Scenario;
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const issue of expandUnions(issues)) {
    let line = `${file}: at ${formatPath(issue.path)}: ${describeIssue(issue, schema, options.data)}`;
    const override = options.overrides?.find((o) => startsWith(issue.path, o.path) || setsUnknownKey(issue, o.path));
    if (override) line += ` (from --set ${clip(override.text)})`;
    if (seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
  }
  if (lines.length > MAX_ISSUES) {
    const more = lines.length - MAX_ISSUES;
    return [...lines.slice(0, MAX_ISSUES), `${file}: ... and ${more} more problem${more === 1 ? '' : 's'}`];
  }
  return lines;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * zod reports a failed union of objects (a distribution) as one issue at the union. When the input
 * picked a branch by its tag (e.g. "dist": "gamma"), that branch's own issues are what to fix.
 */
function expandUnions(issues: readonly ZodIssue[], depth = 0): ZodIssue[] {
  return issues.flatMap((issue): ZodIssue[] => {
    if (issue.code !== 'invalid_union' || issue.discriminator !== undefined || !isPlainObject(issue.input) || depth > 8) {
      return [issue];
    }
    const tagged = issue.errors.filter(
      (branch) =>
        branch.length > 0 &&
        !branch.some((i) => (i.code === 'invalid_value' && i.path.length === 1) || (i.code === 'invalid_type' && i.path.length === 0)),
    );
    if (tagged.length === 0) return [issue];
    const best = tagged.reduce((a, b) => (b.length < a.length ? b : a));
    return expandUnions(
      best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })),
      depth + 1,
    );
  });
}

/** An override that added a key the schema does not know: the issue is at its parent. */
function setsUnknownKey(issue: ZodIssue, path: readonly PropertyKey[]): boolean {
  return (
    issue.code === 'unrecognized_keys' &&
    path.length === issue.path.length + 1 &&
    startsWith(path, issue.path) &&
    issue.keys.includes(String(path[path.length - 1]))
  );
}

function startsWith(path: readonly PropertyKey[], prefix: readonly PropertyKey[]): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => String(seg) === String(path[i]));
}

/** `workload.transactions[0].statements[1].cpu`; the empty path is the top level of the file. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'top level';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const s = String(seg);
      if (/^[A-Za-z_$][\w$]*$/.test(s)) out += out === '' ? s : `.${s}`;
      else out += `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

/**
 * JSON of a value, shortened to about 60 characters. Written out by hand with a depth and length
 * bound: JSON.stringify and String() recurse through the whole value (arrays nested 5,000 deep
 * overflowed the stack, and String() of an object says "[object Object]"), and JSON has no
 * Infinity (1e999 parses to it and JSON.stringify writes null).
 */
export function show(value: unknown, max = 60): string {
  const out: string[] = [];
  let len = 0;
  const emit = (t: string): boolean => {
    out.push(t);
    len += t.length;
    return len <= max;
  };
  const go = (v: unknown, depth: number): boolean => {
    if (typeof v === 'number') return emit(Number.isFinite(v) ? JSON.stringify(v) : String(v));
    if (typeof v === 'string') return emit(JSON.stringify(v.length > max ? v.slice(0, max) : v));
    if (v === null || typeof v === 'boolean') return emit(String(v));
    if (typeof v !== 'object') return emit(String(v));
    if (depth >= 8) return emit('…');
    const arr = Array.isArray(v);
    if (!emit(arr ? '[' : '{')) return false;
    const keys = arr ? [] : Object.keys(v);
    const n = arr ? (v as unknown[]).length : keys.length;
    for (let i = 0; i < n; i++) {
      if (i > 0 && !emit(',')) return false;
      if (!arr && !emit(`${JSON.stringify(keys[i])}:`)) return false;
      if (!go(arr ? (v as unknown[])[i] : (v as Record<string, unknown>)[keys[i]], depth + 1)) return false;
    }
    return emit(arr ? ']' : '}');
  };
  go(value, 0);
  return clip(out.join(''), max);
}

/** Shortens text to `max` characters, marking the cut. */
export function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      if (!Number.isFinite(value)) return 'a number beyond the largest one, about 1.8e308';
      return Number.isInteger(value) ? 'a whole number' : 'a number';
    case 'boolean':
      return 'true/false';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const TYPE_NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'an array',
  tuple: 'an array',
  object: 'an object',
  record: 'an object',
  null: 'null',
};

/** Joins an expectation and what was found, avoiding a comma clash with the expectation's own. */
function expectedFound(expected: string, found: string): string {
  return `${expected}${expected.includes(',') ? ';' : ','} found ${found}`;
}

/** "missing" stays distinct from a present value, since zod reports it as an invalid_type. */
function foundText(input: unknown, withKind: boolean): string {
  if (input === undefined) return 'nothing (the key is missing)';
  const kind = withKind && typeof input !== 'object' ? ` (${kindOf(input)})` : '';
  return `${show(input)}${kind}`;
}

function describeIssue(issue: ZodIssue, schema: AnySchema, data: unknown): string {
  if (issue.code === 'unrecognized_keys') return unknownKeys(issue.keys, issue.path, issue.input, schema);
  if (issue.code === 'custom') {
    // Refinements of the whole scenario carry its root as input; look the value up instead.
    if (/\bfound\b/.test(issue.message)) return issue.message;
    const value = valueAt(data, issue.path);
    return value === undefined ? issue.message : expectedFound(issue.message, show(value));
  }
  if (issue.code === 'invalid_union') return describeUnion(issue, isCustomMessage(issue.message));
  const expected = expectation(issue, schema, data);
  // zod reports a missing key as a wrong value of undefined.
  if (issue.input === undefined) return `required key is missing (${expected})`;
  const hint = durationHint(issue);
  let found: string;
  if (hint !== '') found = show(issue.input) + hint;
  else if (issue.code === 'too_small' || issue.code === 'too_big') found = sizeFound(issue.origin, issue.input);
  else found = foundText(issue.input, issue.code === 'invalid_type' && issue.expected !== 'int');
  if (issue.code === 'invalid_value') found += didYouMean(issue.input, issue.values);
  return expectedFound(expected, found);
}

/** What the schema wanted, as "expected ..." in plain words. */
function expectation(issue: ZodIssue, schema: AnySchema, data: unknown): string {
  if (isCustomMessage(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return numberRange(issue.path, schema, 'a whole number', data);
      return `expected ${TYPE_NOUNS[issue.expected] ?? issue.expected}`;
    case 'too_small':
    case 'too_big':
      return sizeExpectation(issue, schema, data);
    case 'invalid_format':
      return `expected ${issue.pattern ? `a string matching ${issue.pattern}` : `a valid ${issue.format}`}`;
    case 'invalid_value':
      return `expected ${oneOf(issue.values)}`;
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}`;
    default:
      return issue.message;
  }
}

/**
 * Messages set in schema.ts start with a lower-case "expected"; zod's own English defaults
 * ("Invalid input: ...", "Too small: ...") do not, and are rewritten here.
 */
function isCustomMessage(message: string): boolean {
  return message.startsWith('expected ');
}

/** A pointed hint for the commonest duration mistakes. */
function durationHint(issue: ZodIssue): string {
  if (issue.message !== `expected ${DURATION_HINT}`) return '';
  const v = issue.input;
  if (typeof v === 'number') return ` (add a unit, e.g. "${v}ms")`;
  if (typeof v !== 'string') return '';
  const t = v.trim();
  if (t.startsWith('-')) return ' (durations cannot be negative)';
  if (/^\d*\.?\d+(e[+-]?\d+)?$/i.test(t)) return ` (the unit is missing, e.g. "${t}ms")`;
  const unit = /^\d*\.?\d+(?:e[+-]?\d+)?\s*([^\d\s].*)$/i.exec(t)?.[1];
  if (unit !== undefined) return ` (unknown unit "${unit}")`;
  return '';
}

function numberRange(path: readonly PropertyKey[], schema: AnySchema, fallbackNoun: string, data?: unknown): string {
  const b = numberBoundsAt(schema, path, data);
  const noun = b ? (b.int ? 'a whole number' : 'a number') : fallbackNoun;
  if (!b) return `expected ${noun}`;
  const { min, max } = b;
  if (min && max && min.inclusive && max.inclusive) return `expected ${noun} from ${min.value} to ${max.value}`;
  const parts: string[] = [];
  if (min) parts.push(`${min.inclusive ? '>=' : '>'} ${min.value}`);
  if (max) parts.push(`${max.inclusive ? '<=' : '<'} ${max.value}`);
  return parts.length ? `expected ${noun} ${parts.join(' and ')}` : `expected ${noun}`;
}

function sizeExpectation(
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  schema: AnySchema,
  data: unknown,
): string {
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'number':
    case 'int':
      // The schema knows both bounds and integer-ness; the issue only the violated bound.
      if (schemasAt(schema, issue.path).some((s) => schemaType(s) === 'number')) {
        return numberRange(issue.path, schema, 'a number', data);
      }
      return `expected a number ${small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<'} ${bound}`;
    case 'array':
    case 'set': {
      const n = inclusive ? bound : small ? bound + 1 : bound - 1;
      if (issue.exact) return `expected a list of exactly ${bound} item${bound === 1 ? '' : 's'}`;
      return `expected a list of ${small ? 'at least' : 'at most'} ${n} item${n === 1 ? '' : 's'}`;
    }
    case 'string': {
      if (small && bound <= 1) return 'expected a non-empty string';
      const n = inclusive ? bound : small ? bound + 1 : bound - 1;
      return `expected a string of ${small ? 'at least' : 'at most'} ${n} character${n === 1 ? '' : 's'}`;
    }
    default:
      return `expected ${issue.origin} ${small ? '>=' : '<='} ${bound}`;
  }
}

function sizeFound(origin: string, input: unknown): string {
  if ((origin === 'array' || origin === 'set') && Array.isArray(input)) {
    return input.length === 0 ? 'an empty list' : `${input.length} item${input.length === 1 ? '' : 's'}`;
  }
  return show(input);
}

function oneOf(values: readonly unknown[]): string {
  if (values.length === 1) return show(values[0]);
  return `one of ${values.map((v) => show(v)).join(', ')}`;
}

function describeUnion(issue: z.core.$ZodIssueInvalidUnion, custom: boolean): string {
  const input: unknown = issue.input;
  const options = 'options' in issue ? issue.options : undefined;
  if (issue.discriminator !== undefined && options !== undefined) {
    // The path already ends at the discriminator key; the input is the enclosing object.
    const value =
      typeof input === 'object' && input !== null && !Array.isArray(input)
        ? (input as Record<string, unknown>)[issue.discriminator]
        : undefined;
    const expected = `expected ${oneOf(options)}`;
    if (value === undefined) {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        return expectedFound(`expected an object with "${issue.discriminator}": ${oneOf(options)}`, foundText(input, true));
      }
      return `required key is missing (${expected})`;
    }
    return expectedFound(expected, show(value)) + didYouMean(value, options);
  }
  if (custom) return expectedFound(issue.message, foundText(input, false)) + tagHint(issue);
  // A union of plain literals or types (e.g. 0 | 1): list what each branch wanted.
  const wanted: string[] = [];
  for (const branch of issue.errors) {
    const top = branch.filter((i) => i.path.length === 0);
    if (top.length !== 1) return expectedFound('expected one of the allowed forms', foundText(input, false));
    const i = top[0];
    if (i.code === 'invalid_value') wanted.push(...i.values.map((v) => show(v)));
    else if (i.code === 'invalid_type') wanted.push(TYPE_NOUNS[i.expected] ?? i.expected);
    else return expectedFound('expected one of the allowed forms', foundText(input, false));
  }
  return expectedFound(`expected ${wanted.join(' or ')}`, foundText(input, false));
}

/** For a union of tagged objects whose tag matched none: the allowed tags, and the nearest. */
function tagHint(issue: z.core.$ZodIssueInvalidUnion): string {
  const input = issue.input;
  if (!isPlainObject(input)) return '';
  const tags = new Map<string, unknown[]>();
  for (const branch of issue.errors) {
    for (const i of branch) {
      if (i.code !== 'invalid_value' || i.path.length !== 1) continue;
      const key = String(i.path[0]);
      tags.set(key, [...(tags.get(key) ?? []), ...i.values]);
    }
  }
  for (const [key, values] of tags) {
    const unique = [...new Set(values)];
    if (input[key] === undefined) return ` ("${key}" is missing: one of ${unique.map((v) => show(v)).join(', ')})`;
    const guess = didYouMean(input[key], unique);
    if (guess !== '') return guess;
    return ` ("${key}" must be one of ${unique.map((v) => show(v)).join(', ')})`;
  }
  return '';
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

function unknownKeys(keys: readonly string[], path: readonly PropertyKey[], input: unknown, schema: AnySchema): string {
  const allowed = allowedKeysAt(schema, path, input);
  // Keys of sibling union branches (e.g. "cv" of a lognormal on an exponential) are not "elsewhere".
  const branchKeys = new Set(allowedKeysAt(schema, path, undefined));
  const parts = keys.map((key) => {
    const suggestion = closest(key, allowed);
    if (suggestion !== undefined) return `"${key}" (did you mean "${suggestion}"?)`;
    if (branchKeys.has(key)) return `"${key}"`;
    const elsewhere = findKeyElsewhere(schema, key).filter((w) => w !== formatPath(path));
    if (elsewhere.length > 0) return `"${key}" (it belongs in ${elsewhere.map((w) => (w === '' ? 'the top level' : w)).join(' or ')})`;
    return `"${key}"`;
  });
  const head = `unknown key${keys.length === 1 ? '' : 's'} ${parts.join(', ')}`;
  const anyHint = parts.some((p) => p.includes('('));
  return anyHint || allowed.length === 0 ? head : `${head}; allowed keys: ${allowed.join(', ')}`;
}

function didYouMean(input: unknown, values: readonly unknown[]): string {
  if (typeof input !== 'string') return '';
  const s = closest(
    input,
    values.filter((v): v is string => typeof v === 'string'),
  );
  return s === undefined ? '' : ` (did you mean "${s}"?)`;
}

/** The candidate nearest to `word` by edit distance, if it is near enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.min(3, Math.floor(best.length / 3)));
  if (bestDist <= limit) return best;
  // A shortened name ("pool_size" for "thread_pool_size") is a typo too.
  const contained = candidates.filter((c) => w.length >= 4 && c.toLowerCase().includes(w));
  return contained.length === 1 ? contained[0] : undefined;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  }
  return d[a.length][b.length];
}
