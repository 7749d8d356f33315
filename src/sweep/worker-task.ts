import { runReplicationTask } from '../run/replications.js';
import { runPoint, type PointTask } from './point.js';
import { type PointOutcome, type WorkerOutcome, type WorkerTask, failure } from './tasks.js';

/** A sweep or tuning point's outcome; the same on a worker thread and on the main thread. */
export function runPointTask(task: PointTask): PointOutcome {
  try {
    const r = runPoint(task);
    return { index: task.index, ok: true, wallSeconds: r.engine.wallSeconds };
  } catch (e) {
    return failure(task.index, e);
  }
}

/** Any task's outcome (what a worker thread runs). */
export function runWorkerTask(task: WorkerTask): WorkerOutcome {
  return 'kind' in task ? runReplicationTask(task) : runPointTask(task);
}
