/** Durations in scenario files are strings with a unit; inside the model they are microseconds. */
const UNITS: Record<string, number> = {
  ns: 1e-3,
  us: 1,
  'µs': 1,
  ms: 1e3,
  s: 1e6,
  min: 60e6,
};

export const DURATION_PATTERN = /^(\d+(?:\.\d+)?|\.\d+)(?:e[+-]?\d+)?\s*(ns|us|µs|ms|s|min)$/;
export const DURATION_HINT = 'a duration such as "250us", "1.5ms", "2s" or "1min" (units: ns, us, ms, s, min)';

/** Parses "1.5ms" to 1500 (µs). Returns NaN for anything that is not a non-negative duration. */
export function parseDuration(text: string): number {
  const m = DURATION_PATTERN.exec(text.trim());
  if (m === null) return NaN;
  const value = Number(text.trim().slice(0, text.trim().length - m[2].length));
  return value * UNITS[m[2]];
}

/** Formats microseconds as a short human string ("850us", "12.3ms", "1.20s"). */
export function formatDuration(us: number): string {
  if (us < 1000) return `${+us.toPrecision(3)}us`;
  if (us < 1e6) return `${+(us / 1000).toPrecision(3)}ms`;
  return `${+(us / 1e6).toPrecision(3)}s`;
}
