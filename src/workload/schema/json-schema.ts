/**
 * Rewrites the unions of zod's JSON Schema so that a validator (an editor) reports one mistake
 * as one error. A `oneOf` of tagged objects makes a validator try every branch and report each
 * branch's failures (a typo in a thread pool variable gave 11 errors); here the tag is checked
 * once (an enum) and only the branch it names is applied (`if`/`then`). Unions told apart by JSON
 * type become `if: {type}` / `then` / `else`, and unions of constants an `enum`.
 */

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy of `schema` with every union rewritten (outer unions first, so nested ones flatten). */
export function tagUnions(schema: Json): Json {
  const defs = isObject(schema.$defs) ? schema.$defs : {};
  const resolve = (s: Json): Json => {
    const ref = s.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/$defs/')) {
      const target = defs[ref.slice('#/$defs/'.length)];
      if (isObject(target)) return target;
    }
    return s;
  };
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!isObject(v)) return v;
    const out: Json = {};
    for (const [k, x] of Object.entries(rewriteUnion(v, resolve))) out[k] = walk(x);
    return out;
  };
  return walk(schema) as Json;
}

function branchesOf(node: Json): Json[] | undefined {
  const list = node.oneOf ?? node.anyOf;
  return Array.isArray(list) && list.every(isObject) ? list : undefined;
}

/** A branch that is only a union (zod nests the pool flavours inside "mode": "pool") is flattened. */
function flattened(list: Json[]): Json[] {
  return list.flatMap((b): Json[] => {
    const keys = Object.keys(b);
    const inner = b.oneOf ?? b.anyOf;
    if (Array.isArray(inner) && keys.length === 1 && inner.every(isObject)) return inner;
    return [b];
  });
}

function rewriteUnion(node: Json, resolve: (s: Json) => Json): Json {
  const branches = branchesOf(node);
  if (branches === undefined) return node;
  const { oneOf: _o, anyOf: _a, ...rest } = node;
  const flat = flattened(branches);
  const replaced = constants(flat) ?? tagged(flat, resolve) ?? byType(branches, resolve);
  return replaced === undefined ? node : { ...rest, ...replaced };
}

/** [{const: 0}, {const: 1}] of one type: {type, enum: [0, 1]}. */
function constants(branches: Json[]): Json | undefined {
  if (!branches.every((b) => 'const' in b && Object.keys(b).every((k) => k === 'const' || k === 'type' || k === 'description'))) return undefined;
  const types = new Set(branches.map((b) => b.type));
  if (types.size !== 1) return undefined;
  const type = branches[0].type === 'number' && branches.every((b) => Number.isInteger(b.const)) ? 'integer' : branches[0].type;
  return { type, enum: branches.map((b) => b.const) };
}

function tagValue(b: Json, key: string): unknown {
  const props = b.properties;
  if (!isObject(props) || !isObject(props[key]) || !('const' in props[key])) return undefined;
  return (props[key] as Json).const;
}

/** Objects told apart by a constant property: the tag's enum, then only the branch it names. */
function tagged(branches: Json[], resolve: (s: Json) => Json): Json | undefined {
  const objects = branches.map(resolve);
  if (!objects.every((b) => b.type === 'object' && isObject(b.properties))) return undefined;
  for (const key of Object.keys(objects[0].properties as Json)) {
    if (!objects.every((b) => tagValue(b, key) !== undefined)) continue;
    const groups = new Map<unknown, Json[]>();
    objects.forEach((b, i) => {
      const v = tagValue(b, key);
      groups.set(v, [...(groups.get(v) ?? []), branches[i]]);
    });
    if (groups.size < 2) continue; // the same value everywhere ("mode": "pool"): try the next key
    const descriptions: string[] = [];
    const allOf: Json[] = [];
    for (const [value, group] of groups) {
      const first = resolve(group[0]).properties as Json;
      const d = (first[key] as Json).description;
      if (typeof d === 'string') descriptions.push(`${JSON.stringify(value)}: ${d}`);
      const then = group.length === 1 ? group[0] : (tagged(group, resolve) ?? { anyOf: group });
      allOf.push({ if: { properties: { [key]: { const: value } }, required: [key] }, then });
    }
    const tag: Json = { enum: [...groups.keys()] };
    if (descriptions.length > 0) tag.description = descriptions.join(' ');
    return { type: 'object', required: [key], properties: { [key]: tag }, allOf };
  }
  return undefined;
}

/** The JSON type a branch admits: its own, or the one type all its union's branches share. */
function typeOf(branch: Json, resolve: (s: Json) => Json): unknown {
  const b = resolve(branch);
  if (typeof b.type === 'string') return b.type;
  const inner = branchesOf(b);
  const types = new Set(inner?.map((x) => typeOf(x, resolve)));
  return types.size === 1 ? [...types][0] : undefined;
}

/** Branches of distinct JSON types (a duration string or an object): chosen by the value's type. */
function byType(input: Json[], resolve: (s: Json) => Json): Json | undefined {
  const types = input.map((b) => typeOf(b, resolve));
  if (!types.every((t) => typeof t === 'string') || new Set(types).size !== types.length) return undefined;
  // A number branch goes last, as the "else": 1.5 against an integer branch then fails as
  // "not an integer" rather than as "not a string".
  const numeric = (t: unknown): boolean => t === 'number' || t === 'integer';
  const order = input.map((_, i) => i).sort((a, b) => Number(numeric(types[a])) - Number(numeric(types[b])));
  let chain: Json = input[order[order.length - 1]];
  for (let k = order.length - 2; k >= 0; k--) {
    const i = order[k];
    chain = { if: { type: types[i] }, then: input[i], else: chain };
  }
  return chain;
}
