import { parentPort } from 'node:worker_threads';
import { type PointTask, runPoint } from './point.js';

/** Worker thread: runs the points it is sent, one at a time, and reports each outcome. */
export interface PointOutcome {
  index: number;
  ok: boolean;
  error?: string;
  wallSeconds?: number;
}

parentPort?.on('message', (task: PointTask) => {
  try {
    const r = runPoint(task);
    parentPort?.postMessage({ index: task.index, ok: true, wallSeconds: r.engine.wallSeconds } satisfies PointOutcome);
  } catch (e) {
    parentPort?.postMessage({ index: task.index, ok: false, error: e instanceof Error ? e.message : String(e) } satisfies PointOutcome);
  }
});
