/**
 * The settings with every unset (undefined) value taken from `defaults`: what each flavour's
 * resolver does, so that a result file shows every value as run. Keys keep the spec's order,
 * then the defaults' order.
 */
export function withDefaults<S extends object, D extends object>(spec: S, defaults: D): S & D {
  const out: Record<string, unknown> = { ...(spec as Record<string, unknown>) };
  for (const [k, v] of Object.entries(defaults)) if (out[k] === undefined) out[k] = v;
  return out as S & D;
}
