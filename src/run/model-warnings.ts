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

/** How far beyond the fitted client counts a prediction may go before the run says so. */
export const EXTRAPOLATION_FACTOR = 4;

/**
 * A warning when a fitted scenario (its `calibration` block, written by sim fit) is run at more
 * than EXTRAPOLATION_FACTOR times the most connections it was fitted on: the costs that grow with
 * threads were then seen only at their low end. Undefined otherwise.
 */
export function extrapolationWarning(
  calibration: { runs: string; connections: { min: number; max: number } } | undefined,
  connections: readonly number[],
): string | undefined {
  if (calibration === undefined || connections.length === 0) return undefined;
  const most = Math.max(...connections);
  const { min, max } = calibration.connections;
  if (most <= EXTRAPOLATION_FACTOR * max) return undefined;
  return (
    `this scenario was fitted on ${min}-${max} client connections (${calibration.runs}) and is run at ${most}, ` +
    `${(most / max).toFixed(most / max >= 10 ? 0 : 1)}x the most it saw: the costs that grow with threads were fitted at their low end only; ` +
    'treat the figures as an extrapolation (docs/VALIDATION.md shows how far such predictions held)'
  );
}
