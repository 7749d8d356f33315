import type { PointTask } from './point.js';
import { type PointOutcome, type QueueMessage, type WorkerOutcome, type WorkerTask, failQueue, takeTask } from './tasks.js';
import { acquireWorkers, releaseWorker } from './worker-pool.js';

/**
 * Runs independent tasks on `jobs` threads: this one and jobs - 1 workers. All take the next
 * task from one queue, by an atomic increment of a shared counter, so no thread waits for
 * another to hand it work (this thread is busy simulating while the workers run) and a slow task
 * holds back nothing. This thread counts as one of the jobs because it would otherwise only
 * wait: one worker fewer is one isolate's start-up and memory fewer (measured wall times were the
 * same as with a worker per job, docs/PERFORMANCE.md).
 * The workers come from worker-pool.ts (started early or left by an earlier call, so already
 * loaded and warm) and go back to it when they finish cleanly.
 * Resolves when all have finished or one failed (the others then take no new task); outcomes
 * come in the order they finished, each with its task's index.
 */
export async function runTasks<T extends WorkerTask, O extends WorkerOutcome>(
  tasks: readonly T[],
  jobs: number,
  runHere: (task: T) => O,
  onDone: (outcome: O, finished: number) => void,
): Promise<O[]> {
  const outcomes: O[] = [];
  if (tasks.length === 0) return outcomes;
  const threads = Math.max(1, Math.min(jobs, tasks.length));
  const counter = new SharedArrayBuffer(8);
  const shared = new Int32Array(counter);
  const record = (o: O): void => {
    outcomes.push(o);
    if (!o.ok) failQueue(shared);
    onDone(o, outcomes.length);
  };
  const workers = acquireWorkers(threads - 1);
  const finished = workers.map(
    (w) =>
      new Promise<void>((resolve, reject) => {
        const onMessage = (m: O | { done: true }): void => {
          if (!('done' in m)) return record(m);
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
          releaseWorker(w);
          resolve();
        };
        const onError = (e: Error): void => {
          failQueue(shared);
          reject(e);
        };
        // A worker killed from outside (or out of memory) would otherwise leave this call waiting.
        const onExit = (code: number): void => onError(new Error(`a worker thread stopped (exit code ${code}) before finishing its tasks`));
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        w.postMessage({ tasks, counter } satisfies QueueMessage);
      }),
  );
  try {
    for (let i = takeTask(shared, tasks.length); i >= 0; i = takeTask(shared, tasks.length)) {
      record(runHere(tasks[i]));
      // Lets the workers' outcomes be reported (progress) between this thread's own tasks.
      await new Promise<void>((r) => setImmediate(r));
    }
    await Promise.all(finished);
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  return outcomes;
}

/** Sweep and tuning points on `jobs` threads (see runTasks). */
export function runOnWorkers(
  tasks: readonly PointTask[],
  jobs: number,
  runHere: (task: PointTask) => PointOutcome,
  onDone: (outcome: PointOutcome, finished: number) => void,
): Promise<PointOutcome[]> {
  return runTasks<PointTask, PointOutcome>(tasks, jobs, runHere, onDone);
}
