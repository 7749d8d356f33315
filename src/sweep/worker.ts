import { parentPort } from 'node:worker_threads';
import { OutputFailed } from '../report/write.js';
import { type PointTask, runPoint } from './point.js';

/** Worker thread: runs the points it is sent, one at a time, and reports each outcome. */
export interface PointOutcome {
  index: number;
  ok: boolean;
  error?: string;
  /** Set when the point ran but its result file could not be written (a full disk, not the model). */
  output?: { path: string; reason: string };
  wallSeconds?: number;
}

parentPort?.on('message', (task: PointTask) => {
  try {
    const r = runPoint(task);
    parentPort?.postMessage({ index: task.index, ok: true, wallSeconds: r.engine.wallSeconds } satisfies PointOutcome);
  } catch (e) {
    const output = e instanceof OutputFailed ? { path: e.path, reason: e.reason } : undefined;
    parentPort?.postMessage({ index: task.index, ok: false, error: e instanceof Error ? e.message : String(e), output } satisfies PointOutcome);
  }
});
