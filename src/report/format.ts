/** Number and table formatting for terminal output. */

const EN = 'en-US';
// Intl prints -0 as "-0": a sum or integral that starts at -0 (engine/double-zero.ts) and adds
// nothing would show it. + 0 turns -0 into 0 and leaves every other number as it is.

/** Whole counts with thousands separators: 1,234,567. */
export function fmtCount(n: number): string {
  if (!Number.isFinite(n)) return '-';
  return (Math.round(n) + 0).toLocaleString(EN);
}

/** Milliseconds to 3 significant digits; values of 1000 and more as whole numbers with separators. */
export function fmtMs(v: number): string {
  if (!Number.isFinite(v)) return '-';
  if (v === 0) return '0';
  if (Math.abs(v) >= 1000) return fmtCount(v);
  if (Math.abs(v) < 0.001) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

/** Rates such as tps: separators and 2 decimals (1 above 100, like sysbench's "per sec."). */
export function fmtRate(n: number): string {
  if (!Number.isFinite(n)) return '-';
  const digits = Math.abs(n) >= 100 ? 1 : 2;
  return (n + 0).toLocaleString(EN, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A plain quantity to 3 significant digits (thread means, cores). */
export function fmtNum(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (Math.abs(n) >= 1000) return fmtCount(n);
  return String(Number(n.toPrecision(3)));
}

export function fmtPct(fraction: number): string {
  if (!Number.isFinite(fraction)) return '-';
  return `${(fraction * 100).toFixed(1)}%`;
}

/** Large rates in short form: 12.3M, 456k. */
export function fmtShort(n: number): string {
  if (!Number.isFinite(n)) return '-';
  const a = Math.abs(n);
  if (a >= 1e9) return `${Number((n / 1e9).toPrecision(3))}G`;
  if (a >= 1e6) return `${Number((n / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((n / 1e3).toPrecision(3))}k`;
  return fmtNum(n);
}

/** Seconds as a short human string: "10 s", "0.25 s", "1.5 ms". */
export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return '-';
  if (s !== 0 && Math.abs(s) < 0.01) return `${fmtMs(s * 1000)} ms`;
  return `${fmtNum(s)} s`;
}

export type Align = 'l' | 'r';

/**
 * Renders rows as aligned columns. The first column is left-aligned unless `align` says otherwise;
 * the others are right-aligned, as numbers are.
 */
export function table(rows: readonly (readonly string[])[], options: { indent?: number; align?: readonly Align[] } = {}): string[] {
  const indent = ' '.repeat(options.indent ?? 2);
  const cols = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, c) => Math.max(0, ...rows.map((r) => [...(r[c] ?? '')].length)));
  return rows.map((r) =>
    (
      indent +
      r
        .map((cell, c) => {
          const pad = ' '.repeat(widths[c] - [...cell].length);
          const align = options.align?.[c] ?? (c === 0 ? 'l' : 'r');
          return align === 'l' ? cell + pad : pad + cell;
        })
        .join('  ')
    ).trimEnd(),
  );
}
