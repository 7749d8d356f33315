import { parentPort } from 'node:worker_threads';
import type { ScenarioSpec } from '../workload/schema.js';
import { type PointFigures, simulatePoint } from './sim-point.js';

export interface FitTask {
  id: number;
  spec: ScenarioSpec;
}
export type FitReply = { id: number; ok: true; figures: PointFigures } | { id: number; ok: false; error: string };

/** Worker thread of the fitter: simulates the scenarios it is sent, one at a time. */
parentPort?.on('message', (t: FitTask) => {
  try {
    parentPort?.postMessage({ id: t.id, ok: true, figures: simulatePoint(t.spec) } satisfies FitReply);
  } catch (e) {
    parentPort?.postMessage({ id: t.id, ok: false, error: e instanceof Error ? e.message : String(e) } satisfies FitReply);
  }
});
