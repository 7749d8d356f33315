/**
 * A one-line progress bar on stderr. It stays silent for short runs (under ~1 s) and when stderr is
 * not a terminal, so piped output and logs never contain carriage-return noise.
 */

export interface Progress {
  update(fraction: number): void;
  /** Clears the line if anything was drawn. */
  finish(): void;
}

const SHOW_AFTER_MS = 1000;
const REDRAW_MS = 100;

export function createProgress(stream: NodeJS.WriteStream, enabled: boolean, now: () => number = () => performance.now()): Progress {
  const start = now();
  let lastDraw = -Infinity;
  let drawn = false;
  return {
    update(fraction: number): void {
      if (!enabled) return;
      const t = now();
      if (t - start < SHOW_AFTER_MS || t - lastDraw < REDRAW_MS) return;
      lastDraw = t;
      drawn = true;
      stream.write(`\r${renderBar(fraction, (t - start) / 1000, stream.columns || 80)}\x1b[K`);
    },
    finish(): void {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}

/** "sim: [#####.....]  42%  eta 3 s", fitted to the terminal width. */
export function renderBar(fraction: number, elapsedSeconds: number, columns: number): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const pct = `${Math.floor(f * 100)}%`.padStart(4);
  const eta = f > 0.01 ? `  eta ${Math.ceil((elapsedSeconds * (1 - f)) / f)} s` : '';
  const fixed = `sim: []  ${pct}${eta}`.length;
  const width = Math.max(10, Math.min(40, columns - 1 - fixed));
  const filled = Math.round(f * width);
  return `sim: [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]  ${pct}${eta}`;
}
