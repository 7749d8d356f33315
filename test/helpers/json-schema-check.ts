/**
 * A small JSON Schema (2020-12 subset) validator for tests: reports every failed assertion as an
 * editor or ajv with allErrors does, so a test can count the errors one mistake produces. In a
 * failed anyOf / oneOf each branch's errors are reported (as validators list them); the
 * combinators' own summary lines ("must match a schema in anyOf") are not counted.
 */

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeMatches(type: string, v: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'null':
      return v === null;
    default:
      return typeof v === type;
  }
}

export function validate(root: Json, data: unknown): string[] {
  const resolve = (ref: string): Json => {
    if (ref === '#') return root;
    const name = ref.replace(/^#\/\$defs\//, '');
    const target = (root.$defs as Json | undefined)?.[name];
    if (!isObject(target)) throw new Error(`unresolved $ref ${ref}`);
    return target;
  };
  const check = (s: unknown, v: unknown, at: string): string[] => {
    if (s === true || s === undefined) return [];
    if (s === false) return [`${at}: not allowed`];
    if (!isObject(s)) return [];
    const errs: string[] = [];
    if (typeof s.$ref === 'string') errs.push(...check(resolve(s.$ref), v, at));
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? s.type : [s.type];
      if (!types.some((t) => typeMatches(String(t), v))) return [...errs, `${at}: must be ${types.join(' or ')}`];
    }
    if ('const' in s && v !== s.const) errs.push(`${at}: must be ${JSON.stringify(s.const)}`);
    if (Array.isArray(s.enum) && !s.enum.includes(v)) errs.push(`${at}: must be one of ${JSON.stringify(s.enum)}`);
    if (typeof v === 'string') {
      if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) errs.push(`${at}: must match ${s.pattern}`);
      if (typeof s.minLength === 'number' && v.length < s.minLength) errs.push(`${at}: too short`);
    }
    if (typeof v === 'number') {
      if (typeof s.minimum === 'number' && v < s.minimum) errs.push(`${at}: must be >= ${s.minimum}`);
      if (typeof s.maximum === 'number' && v > s.maximum) errs.push(`${at}: must be <= ${s.maximum}`);
      if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) errs.push(`${at}: must be > ${s.exclusiveMinimum}`);
      if (typeof s.exclusiveMaximum === 'number' && v >= s.exclusiveMaximum) errs.push(`${at}: must be < ${s.exclusiveMaximum}`);
    }
    if (isObject(v)) {
      const props = isObject(s.properties) ? s.properties : {};
      for (const key of Array.isArray(s.required) ? s.required : []) {
        if (!(String(key) in v)) errs.push(`${at}: must have ${String(key)}`);
      }
      for (const [k, x] of Object.entries(v)) {
        if (k in props) errs.push(...check(props[k], x, `${at}.${k}`));
        else {
          if (s.propertyNames !== undefined) errs.push(...check(s.propertyNames, k, `${at}[key ${k}]`));
          if (s.additionalProperties === false) errs.push(`${at}: unknown property ${k}`);
          else if (isObject(s.additionalProperties)) errs.push(...check(s.additionalProperties, x, `${at}.${k}`));
        }
      }
      if (isObject(s.dependentRequired)) {
        for (const [k, needs] of Object.entries(s.dependentRequired)) {
          if (k in v && Array.isArray(needs)) for (const n of needs) if (!(String(n) in v)) errs.push(`${at}: ${k} needs ${String(n)}`);
        }
      }
    }
    if (Array.isArray(v)) {
      const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : [];
      v.forEach((x, i) => {
        if (i < prefix.length) errs.push(...check(prefix[i], x, `${at}[${i}]`));
        else if (s.items !== undefined) errs.push(...check(s.items, x, `${at}[${i}]`));
      });
      if (typeof s.minItems === 'number' && v.length < s.minItems) errs.push(`${at}: too few items`);
      if (typeof s.maxItems === 'number' && v.length > s.maxItems) errs.push(`${at}: too many items`);
    }
    if (Array.isArray(s.allOf)) for (const b of s.allOf) errs.push(...check(b, v, at));
    if (Array.isArray(s.anyOf)) {
      const results = s.anyOf.map((b) => check(b, v, at));
      if (!results.some((r) => r.length === 0)) errs.push(...results.flat());
    }
    if (Array.isArray(s.oneOf)) {
      const results = s.oneOf.map((b) => check(b, v, at));
      const passing = results.filter((r) => r.length === 0).length;
      if (passing === 0) errs.push(...results.flat());
      else if (passing > 1) errs.push(`${at}: matches ${passing} oneOf branches`);
    }
    if (s.if !== undefined) {
      if (check(s.if, v, at).length === 0) errs.push(...check(s.then, v, at));
      else errs.push(...check(s.else, v, at));
    }
    if (s.not !== undefined && check(s.not, v, at).length === 0) errs.push(`${at}: must not match`);
    return errs;
  };
  return check(root, data, '$');
}

/** Every property schema in the document (under "properties" anywhere, $defs included), by path. */
export function propertiesOf(root: Json): Array<{ path: string; schema: Json }> {
  const out: Array<{ path: string; schema: Json }> = [];
  const walk = (v: unknown, at: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
    if (!isObject(v)) return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'properties' && isObject(x)) {
        for (const [name, p] of Object.entries(x)) {
          if (isObject(p)) out.push({ path: `${at}.${name}`, schema: p });
          walk(p, `${at}.${name}`);
        }
      } else if (k !== 'if') walk(x, `${at}/${k}`);
    }
  };
  walk(root, '$');
  return out;
}
