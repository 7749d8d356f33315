import { Worker } from 'node:worker_threads';
import type { PointTask } from './point.js';
import type { PointOutcome, WorkerOutcome, WorkerTask } from './tasks.js';

/**
 * Each worker's V8 reserves a code range of its own (128 MiB by default on x64) on top of the
 * address space WebAssembly-free simulation needs: under `ulimit -v` 2 GiB two default workers
 * failed with "Failed to reserve virtual memory for CodeRange". 32 MiB of code is plenty here.
 */
export const WORKER_LIMITS = { codeRangeSizeMb: 32 };

/**
 * Runs tasks on `workers` worker threads (each task is an independent simulation: the speed-up
 * is close to the number of cores). Tasks are handed out one at a time, so a slow task does not
 * hold back a queue of others. Resolves when all have finished or one failed; the outcomes come
 * in the order they finished (each carries its task's index).
 */
export async function runTasks<O extends WorkerOutcome>(
  tasks: readonly WorkerTask[],
  workers: number,
  onDone: (outcome: O, finished: number) => void,
): Promise<O[]> {
  const outcomes: O[] = [];
  if (tasks.length === 0) return outcomes;
  const n = Math.max(1, Math.min(workers, tasks.length));
  let next = 0;
  let failed: O | undefined;
  const url = new URL('./worker.js', import.meta.url);
  await Promise.all(
    Array.from({ length: n }, () => {
      const w = new Worker(url, { resourceLimits: WORKER_LIMITS });
      return new Promise<void>((resolve, reject) => {
        const feed = (): void => {
          if (next < tasks.length && failed === undefined) w.postMessage(tasks[next++]);
          else void w.terminate().then(() => resolve());
        };
        w.on('message', (o: O) => {
          outcomes.push(o);
          if (!o.ok) failed ??= o;
          onDone(o, outcomes.length);
          feed();
        });
        w.on('error', reject);
        feed();
      });
    }),
  );
  return outcomes;
}

/** Sweep and tuning points on worker threads (see runTasks). */
export function runOnWorkers(
  tasks: readonly PointTask[],
  workers: number,
  onDone: (outcome: PointOutcome, finished: number) => void,
): Promise<PointOutcome[]> {
  return runTasks<PointOutcome>(tasks, workers, onDone);
}
