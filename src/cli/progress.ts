/**
 * A one-line progress bar on stderr, drawn by cli-progress. It stays silent for short runs
 * (under ~1 s) and when stderr is not a terminal, so piped output and logs never contain
 * carriage-return noise.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(fraction: number): void;
  /** Clears the line if anything was drawn. */
  finish(): void;
}

const SHOW_AFTER_MS = 1000;
/** Steps of the bar's value: 0.1% of the run. */
const TOTAL = 1000;

/** "sim: [#####.....]  42%  eta 3s", fitted to the terminal width. */
const FORMAT = 'sim: [{bar}] {percentage}%  eta {eta_formatted}';

export function createProgress(stream: NodeJS.WriteStream, enabled: boolean, now: () => number = () => performance.now()): Progress {
  const start = now();
  let bar: cliProgress.SingleBar | null = null;
  return {
    update(fraction: number): void {
      if (!enabled) return;
      const value = Math.round(Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0)) * TOTAL);
      if (bar !== null) {
        bar.update(value);
        return;
      }
      if (now() - start < SHOW_AFTER_MS) return;
      const fixed = FORMAT.replace('{bar}', '').length + 8;
      bar = new cliProgress.SingleBar({
        stream,
        format: FORMAT,
        barCompleteChar: '#',
        barIncompleteChar: '.',
        barsize: Math.max(10, Math.min(40, (stream.columns || 80) - 1 - fixed)),
        // A simulation holds the event loop: cli-progress's own timer rarely fires, so it redraws
        // from update() (synchronousUpdate), at most every 2 / fps seconds.
        fps: 20,
        synchronousUpdate: true,
        clearOnComplete: true,
        hideCursor: false,
        gracefulExit: false,
        linewrap: null,
        etaBuffer: 20,
      });
      bar.start(TOTAL, value);
    },
    finish(): void {
      bar?.stop();
      bar = null;
    },
  };
}
