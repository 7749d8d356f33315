import { Worker } from 'node:worker_threads';

/**
 * Each worker's V8 reserves a code range of its own (128 MiB by default on x64) on top of the
 * address space WebAssembly-free simulation needs: under `ulimit -v` 2 GiB two default workers
 * failed with "Failed to reserve virtual memory for CodeRange". 32 MiB of code is plenty here.
 */
export const WORKER_LIMITS = { codeRangeSizeMb: 32 };

/**
 * Idle task workers (worker.js), kept between runTasks calls. A worker takes 0.25-0.45 s to load
 * the simulator's modules (the longer while this thread simulates beside it) and then warms its
 * JIT on its first task. Started early (prestart, while this thread loads and validates) and kept
 * warm (between the batches of --precision or the rounds of tune), it starts simulating when this
 * thread does. Idle workers are unref'd: they never keep the process alive. This module imports
 * nothing of the simulator, so that the CLI entry can start workers before it loads the rest.
 */
const idle: Worker[] = [];
const WORKER_URL = new URL('./worker.js', import.meta.url);

/** An idle worker that fails or exits (it should not) just leaves the pool. */
function leave(this: Worker): void {
  const i = idle.indexOf(this);
  if (i >= 0) idle.splice(i, 1);
}

function park(w: Worker): void {
  w.unref();
  w.on('error', leave);
  w.on('exit', leave);
  idle.push(w);
}

/** Starts `count` workers now and keeps them idle until acquireWorkers takes them. */
export function prestartWorkers(count: number): void {
  for (let i = 0; i < count; i++) park(new Worker(WORKER_URL, { resourceLimits: WORKER_LIMITS }));
}

/** `count` workers: idle ones first (warm), new ones for the rest. The caller owns them. */
export function acquireWorkers(count: number): Worker[] {
  const out: Worker[] = [];
  while (out.length < count && idle.length > 0) {
    const w = idle.pop() as Worker;
    w.off('error', leave);
    w.off('exit', leave);
    w.ref();
    out.push(w);
  }
  while (out.length < count) out.push(new Worker(WORKER_URL, { resourceLimits: WORKER_LIMITS }));
  return out;
}

/** Hands back a worker that finished its tasks cleanly; the caller has removed its own listeners. */
export function releaseWorker(w: Worker): void {
  park(w);
}

/** Idle workers in the pool now (for tests and diagnostics). */
export function idleWorkerCount(): number {
  return idle.length;
}
