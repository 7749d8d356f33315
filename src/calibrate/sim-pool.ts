import { Worker } from 'node:worker_threads';
import { WORKER_LIMITS } from '../sweep/worker-pool.js';
import type { ScenarioSpec } from '../workload/schema.js';
import type { FitReply, FitTask } from './fit-worker.js';
import { type PointFigures, simulatePoint } from './sim-point.js';

/**
 * Simulates batches of scenarios: in this thread (workers 1) or on persistent worker threads,
 * kept for the whole fit so that each evaluation does not pay for starting them.
 */
export class SimPool {
  private readonly workers: Worker[] = [];
  private nextId = 0;

  constructor(readonly size: number) {
    const url = new URL('./fit-worker.js', import.meta.url);
    if (size > 1) for (let i = 0; i < size; i++) this.workers.push(new Worker(url, { resourceLimits: WORKER_LIMITS }));
  }

  async run(specs: readonly ScenarioSpec[]): Promise<PointFigures[]> {
    if (this.workers.length === 0) return specs.map((s) => simulatePoint(s));
    const out: PointFigures[] = new Array(specs.length);
    let next = 0;
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = (): void => {
              if (next >= specs.length) {
                w.off('message', onMessage);
                w.off('error', reject);
                resolve();
                return;
              }
              const idx = next++;
              const id = this.nextId++;
              pending.set(id, idx);
              w.postMessage({ id, spec: specs[idx] } satisfies FitTask);
            };
            const pending = new Map<number, number>();
            const onMessage = (r: FitReply): void => {
              const idx = pending.get(r.id);
              if (idx === undefined) return;
              pending.delete(r.id);
              if (!r.ok) {
                w.off('message', onMessage);
                reject(new Error(r.error));
                return;
              }
              out[idx] = r.figures;
              feed();
            };
            w.on('message', onMessage);
            w.on('error', reject);
            feed();
          }),
      ),
    );
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
