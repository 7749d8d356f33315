import type { z } from 'zod';

/**
 * Read-only navigation of a zod 4 schema by the path of an issue, so error messages can name the
 * allowed keys of an object or the range of a number. Works on the schema's `_zod.def`, which is
 * zod's documented introspection surface; unions yield several candidates, hence arrays.
 */

export type AnySchema = z.core.$ZodType;

function defOf(s: AnySchema): Record<string, unknown> {
  return s._zod.def as unknown as Record<string, unknown>;
}

function isSchema(v: unknown): v is AnySchema {
  return typeof v === 'object' && v !== null && '_zod' in v;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch']);

/** Strips optional/default/lazy/pipe wrappers. */
export function unwrap(s: AnySchema): AnySchema {
  let cur = s;
  for (let i = 0; i < 32; i++) {
    const d = defOf(cur);
    let next: unknown;
    if (typeof d.type === 'string' && WRAPPERS.has(d.type)) next = d.innerType;
    else if (d.type === 'lazy' && typeof d.getter === 'function') next = (d.getter as () => unknown)();
    else if (d.type === 'pipe') next = d.in;
    if (!isSchema(next)) return cur;
    cur = next;
  }
  return cur;
}

export function schemaType(s: AnySchema): string {
  const t = defOf(unwrap(s)).type;
  return typeof t === 'string' ? t : 'unknown';
}

/** The unwrapped schema, with unions expanded into their options (recursively). */
function alternatives(s: AnySchema, depth = 0): AnySchema[] {
  const u = unwrap(s);
  const d = defOf(u);
  if (d.type === 'union' && Array.isArray(d.options) && depth < 8) {
    return d.options.filter(isSchema).flatMap((o) => alternatives(o, depth + 1));
  }
  return [u];
}

export function objectShape(s: AnySchema): Record<string, AnySchema> | undefined {
  const d = defOf(unwrap(s));
  if (d.type !== 'object' || typeof d.shape !== 'object' || d.shape === null) return undefined;
  const out: Record<string, AnySchema> = {};
  for (const [k, v] of Object.entries(d.shape)) if (isSchema(v)) out[k] = v;
  return out;
}

function child(s: AnySchema, seg: PropertyKey): AnySchema[] {
  const d = defOf(s);
  switch (d.type) {
    case 'object': {
      const shape = objectShape(s);
      // Own keys only: "__proto__" or "toString" must not resolve to Object.prototype members.
      const key = String(seg);
      return shape !== undefined && Object.hasOwn(shape, key) ? [shape[key]] : [];
    }
    case 'array':
      return isSchema(d.element) ? [d.element] : [];
    case 'tuple': {
      const items = Array.isArray(d.items) ? d.items : [];
      const item: unknown = typeof seg === 'number' ? items[seg] : undefined;
      if (isSchema(item)) return [item];
      return isSchema(d.rest) ? [d.rest] : [];
    }
    case 'record':
      return isSchema(d.valueType) ? [d.valueType] : [];
    default:
      return [];
  }
}

/**
 * Every schema the value at `path` could be validated against (after unwrapping unions). With the
 * document (`data`), union branches whose literal fields (e.g. "mode", "flavor") disagree with it
 * are dropped, so each pool flavour's own ranges are found.
 */
export function schemasAt(root: AnySchema, path: readonly PropertyKey[], data?: unknown): AnySchema[] {
  let value = data;
  let cur = matchingBranches(alternatives(root), value);
  for (const seg of path) {
    cur = cur.flatMap((s) => child(s, seg)).flatMap((s) => alternatives(s));
    value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[seg] : undefined;
    cur = matchingBranches(cur, value);
    if (cur.length === 0) return [];
  }
  return cur;
}

/** The object branches whose literal fields agree with `value` (all of them if none does). */
function matchingBranches(cands: AnySchema[], value: unknown): AnySchema[] {
  if (cands.length < 2 || typeof value !== 'object' || value === null) return cands;
  const obj = value as Record<string, unknown>;
  const kept = cands.filter((s) => {
    const shape = objectShape(s);
    return (
      shape === undefined ||
      Object.entries(shape).every(([k, v]) => {
        const lits = literalValues(v);
        return lits === undefined || obj[k] === undefined || lits.includes(obj[k]);
      })
    );
  });
  return kept.length > 0 ? kept : cands;
}

/** Literal values a schema accepts (for z.literal and z.enum), else undefined. */
export function literalValues(s: AnySchema): unknown[] | undefined {
  const d = defOf(unwrap(s));
  if (d.type === 'literal' && Array.isArray(d.values)) return d.values;
  if (d.type === 'enum' && typeof d.entries === 'object' && d.entries !== null) return Object.values(d.entries);
  return undefined;
}

/**
 * The keys allowed in the object at `path`. When that object is one branch of a union, `input` (the
 * offending object) picks the branches whose literal fields (e.g. "mode", "dist") it matches.
 */
export function allowedKeysAt(root: AnySchema, path: readonly PropertyKey[], input: unknown): string[] {
  const shapes = schemasAt(root, path)
    .map((s) => objectShape(s))
    .filter((s): s is Record<string, AnySchema> => s !== undefined);
  const obj = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const matching = shapes.filter((shape) =>
    Object.entries(shape).every(([k, v]) => {
      const lits = literalValues(v);
      return lits === undefined || obj[k] === undefined || lits.includes(obj[k]);
    }),
  );
  const chosen = matching.length > 0 ? matching : shapes;
  return [...new Set(chosen.flatMap((s) => Object.keys(s)))];
}

export interface NumberBounds {
  int: boolean;
  min?: { value: number; inclusive: boolean };
  max?: { value: number; inclusive: boolean };
}

/** Integer-ness and bounds of the number schema at `path`, if there is one. */
export function numberBoundsAt(root: AnySchema, path: readonly PropertyKey[], data?: unknown): NumberBounds | undefined {
  const num = schemasAt(root, path, data).find((s) => defOf(s).type === 'number');
  if (num === undefined) return undefined;
  const out: NumberBounds = { int: false };
  const checks = defOf(num).checks;
  for (const c of Array.isArray(checks) ? checks : []) {
    if (!isSchema(c)) continue;
    const cd = defOf(c);
    const value = typeof cd.value === 'number' ? cd.value : undefined;
    const inclusive = cd.inclusive === true;
    if (cd.check === 'number_format' && (cd.format === 'safeint' || cd.format === 'int32')) out.int = true;
    else if (cd.check === 'greater_than' && value !== undefined) out.min = { value, inclusive };
    else if (cd.check === 'less_than' && value !== undefined) out.max = { value, inclusive };
  }
  return out;
}

/**
 * Where else in the schema a key is allowed, as display paths such as "threadHandling" or
 * "workload.transactions[]": for a key written at the wrong level.
 */
export function findKeyElsewhere(root: AnySchema, key: string): string[] {
  const found: string[] = [];
  const seen = new Set<AnySchema>();
  const visit = (s: AnySchema, where: string, depth: number): void => {
    if (depth > 10 || found.length >= 3) return;
    for (const alt of alternatives(s)) {
      if (seen.has(alt)) continue;
      seen.add(alt);
      const d = defOf(alt);
      const shape = objectShape(alt);
      if (shape) {
        if (Object.hasOwn(shape, key) && !found.includes(where)) found.push(where);
        for (const [k, v] of Object.entries(shape)) visit(v, where === '' ? k : `${where}.${k}`, depth + 1);
      } else if (d.type === 'array' && isSchema(d.element)) {
        visit(d.element, `${where}[]`, depth + 1);
      } else if (d.type === 'record' && isSchema(d.valueType)) {
        visit(d.valueType, `${where}.*`, depth + 1);
      }
    }
  };
  visit(root, '', 0);
  return found;
}

/** The default value zod would fill in for a missing key at `path`, if it has one. */
export function defaultValueAt(root: AnySchema, path: readonly PropertyKey[]): unknown {
  if (path.length === 0) return undefined;
  const parents = schemasAt(root, path.slice(0, -1));
  for (const p of parents) {
    for (const c of child(p, path[path.length - 1])) {
      let cur: AnySchema = c;
      for (let i = 0; i < 8; i++) {
        const d = defOf(cur);
        if (d.type === 'default' || d.type === 'prefault') return structuredClone(d.defaultValue);
        if (!isSchema(d.innerType)) break;
        cur = d.innerType;
      }
    }
  }
  return undefined;
}

/** JS types ("string", "number", ...) a value at `path` may have, judged from the schema. */
export function acceptedTypesAt(root: AnySchema, path: readonly PropertyKey[]): Set<string> {
  const out = new Set<string>();
  for (const s of schemasAt(root, path)) {
    const t = schemaType(s);
    const lits = literalValues(s);
    if (lits !== undefined) for (const v of lits) out.add(v === null ? 'null' : typeof v);
    else if (t === 'string' || t === 'number' || t === 'boolean' || t === 'null') out.add(t);
    else if (t === 'object' || t === 'record') out.add('object');
    else if (t === 'array' || t === 'tuple') out.add('array');
    else out.add('unknown');
  }
  return out;
}
