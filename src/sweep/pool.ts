import { Worker } from 'node:worker_threads';
import type { PointTask } from './point.js';
import type { PointOutcome } from './worker.js';

/**
 * Runs point tasks on `workers` worker threads (points are independent simulations: the
 * speed-up is close to the number of cores). Tasks are handed out one at a time, so a slow
 * point does not hold back a queue of others. Resolves when all have finished or one failed.
 */
export async function runOnWorkers(
  tasks: readonly PointTask[],
  workers: number,
  onDone: (outcome: PointOutcome, finished: number) => void,
): Promise<PointOutcome[]> {
  const outcomes: PointOutcome[] = [];
  if (tasks.length === 0) return outcomes;
  const n = Math.max(1, Math.min(workers, tasks.length));
  let next = 0;
  let failed: PointOutcome | undefined;
  const url = new URL('./worker.js', import.meta.url);
  await Promise.all(
    Array.from({ length: n }, () => {
      const w = new Worker(url);
      return new Promise<void>((resolve, reject) => {
        const feed = (): void => {
          if (next < tasks.length && failed === undefined) w.postMessage(tasks[next++]);
          else void w.terminate().then(() => resolve());
        };
        w.on('message', (o: PointOutcome) => {
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
