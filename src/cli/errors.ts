import { OutputFailed } from '../report/write.js';
import { ScenarioError } from '../workload/errors.js';

/** The simulation itself threw: exit 1, as opposed to a ScenarioError (the user's input, exit 2). */
export class SimulationFailed extends Error {
  override readonly name = 'SimulationFailed';
  constructor(override readonly cause: unknown) {
    super(`simulation failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Writing output failed (disk full, permissions): exit 1. Defined beside the writer, which throws it. */
export { OutputFailed };

/** A command-line mistake found by yargs (unknown option, missing argument): exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * What an error thrown while simulating becomes: the user's input errors stay as they are (exit
 * 2), a failed write stays "cannot write FILE" (exit 1), anything else is a failure of the
 * simulation (exit 1).
 */
export function asRunFailure(e: unknown): unknown {
  return e instanceof ScenarioError || e instanceof UsageError || e instanceof OutputFailed ? e : new SimulationFailed(e);
}

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * What to print for an error (every line prefixed "sim: ") and the exit code. Stack traces only
 * for failures of the simulator, and only when asked for (TPSIM_DEBUG): input errors never have one.
 */
export function describeError(err: unknown, debug: boolean): { code: number; text: string } {
  const prefix = (message: string): string =>
    message
      .split('\n')
      .map((l) => `sim: ${l}`)
      .join('\n');
  if (err instanceof ScenarioError || err instanceof UsageError) return { code: EXIT_USAGE, text: `${prefix(err.message)}\n` };
  let message: string;
  let origin: unknown;
  if (err instanceof SimulationFailed || err instanceof OutputFailed) {
    message = err.message;
    origin = err.cause;
  } else {
    message = `internal error: ${err instanceof Error ? err.message : String(err)}`;
    origin = err;
  }
  const stack = debug && origin instanceof Error && origin.stack ? `${origin.stack}\n` : '';
  return { code: EXIT_FAILURE, text: `${prefix(message)}\n${stack}` };
}
