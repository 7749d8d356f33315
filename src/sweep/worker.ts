import { parentPort } from 'node:worker_threads';
import { runOneReplication } from '../run/replications.js';
import { runPoint } from './point.js';
import { type PointOutcome, type ReplicationOutcome, type WorkerTask, failure } from './tasks.js';

/** Worker thread entry (see pool.ts): runs the tasks it is sent, one at a time, and reports each outcome. */
parentPort?.on('message', (task: WorkerTask) => {
  if ('kind' in task) {
    try {
      // The result crosses to the main thread by structured clone: plain data, key order kept.
      parentPort?.postMessage({ index: task.index, ok: true, result: runOneReplication(task.spec) } satisfies ReplicationOutcome);
    } catch (e) {
      parentPort?.postMessage(failure(task.index, e));
    }
    return;
  }
  try {
    const r = runPoint(task);
    parentPort?.postMessage({ index: task.index, ok: true, wallSeconds: r.engine.wallSeconds } satisfies PointOutcome);
  } catch (e) {
    parentPort?.postMessage(failure(task.index, e));
  }
});
