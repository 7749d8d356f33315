/**
 * Durations in scenario files are strings with a unit; inside the model they are microseconds.
 * Each unit is 10^exp * factor µs; the power of ten is applied to the decimal text, not by a
 * float multiply, so "2.01ms" is exactly 2010 (2.01 * 1e3 is 2009.9999999999998).
 */
const UNITS: Record<string, { exp: number; factor: number }> = {
  ns: { exp: -3, factor: 1 },
  us: { exp: 0, factor: 1 },
  'µs': { exp: 0, factor: 1 },
  ms: { exp: 3, factor: 1 },
  s: { exp: 6, factor: 1 },
  min: { exp: 7, factor: 6 },
};

export const DURATION_PATTERN = /^(\d+(?:\.\d+)?|\.\d+)(?:e[+-]?\d+)?\s*(ns|us|µs|ms|s|min)$/;
export const DURATION_HINT = 'a duration such as "250us", "1.5ms", "2s" or "1min" (units: ns, us, ms, s, min)';

/** Parses "1.5ms" to 1500 (µs). Returns NaN for anything that is not a non-negative duration. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const m = DURATION_PATTERN.exec(trimmed);
  if (m === null) return NaN;
  const number = trimmed.slice(0, trimmed.length - m[2].length).trim();
  const e = number.indexOf('e');
  const mantissa = e < 0 ? number : number.slice(0, e);
  const exp = e < 0 ? 0 : Number(number.slice(e + 1));
  const unit = UNITS[m[2]];
  return Number(`${mantissa}e${exp + unit.exp}`) * unit.factor;
}

/** Formats microseconds as a short human string ("850us", "12.3ms", "1.20s"). */
export function formatDuration(us: number): string {
  if (us < 1000) return `${+us.toPrecision(3)}us`;
  if (us < 1e6) return `${+(us / 1000).toPrecision(3)}ms`;
  return `${+(us / 1e6).toPrecision(3)}s`;
}
