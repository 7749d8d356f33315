import { parentPort } from 'node:worker_threads';
import type { QueueMessage } from './tasks.js';
import { runWorkerTask } from './worker-task.js';

/**
 * Worker thread entry (see pool.ts): takes task after task from the shared queue, each by an
 * atomic increment of its counter, until none is left or one has failed anywhere, and reports
 * each outcome; then says it is done. Outcomes cross to the main thread by structured clone:
 * plain data, key order kept.
 */
parentPort?.on('message', ({ tasks, counter }: QueueMessage) => {
  const shared = new Int32Array(counter);
  for (;;) {
    if (Atomics.load(shared, 1) !== 0) break;
    const i = Atomics.add(shared, 0, 1);
    if (i >= tasks.length) break;
    const outcome = runWorkerTask(tasks[i]);
    if (!outcome.ok) Atomics.store(shared, 1, 1);
    parentPort?.postMessage(outcome);
  }
  parentPort?.postMessage({ done: true });
});
