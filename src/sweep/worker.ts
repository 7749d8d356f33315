import { parentPort } from 'node:worker_threads';
import { type QueueMessage, failQueue, takeTask } from './tasks.js';
import { runWorkerTask } from './worker-task.js';

/**
 * Worker thread entry (see pool.ts): takes task after task from the shared queue, each by an
 * atomic increment of its counter, until none is left or one has failed anywhere, and reports
 * each outcome; then says it is done. Outcomes cross to the main thread by structured clone:
 * plain data, key order kept.
 */
parentPort?.on('message', ({ tasks, counter }: QueueMessage) => {
  const shared = new Int32Array(counter);
  for (let i = takeTask(shared, tasks.length); i >= 0; i = takeTask(shared, tasks.length)) {
    const outcome = runWorkerTask(tasks[i]);
    if (!outcome.ok) failQueue(shared);
    parentPort?.postMessage(outcome);
  }
  parentPort?.postMessage({ done: true });
});
