import type { RunResult } from './result.js';

/**
 * A floor or cap of the model that decided part of the result: the figures are then the clamp's,
 * not a mechanism's, and the user must know. Undefined when none bound.
 */
export function clampWarning(r: Pick<RunResult, 'cpu' | 'summary'>): string | undefined {
  const s = r.cpu.contentionFloorSeconds;
  if (s === undefined || s <= 0) return undefined;
  const share = r.summary.simulatedSeconds > 0 ? s / r.summary.simulatedSeconds : 1;
  return (
    `the contention model's floor (1% of a fair share per runnable thread) set the CPU rate for ${(100 * share).toFixed(1)}% ` +
    'of the measured time: those figures come from the clamp, not from the model; lower the contention parameters or the load'
  );
}
