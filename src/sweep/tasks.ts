import { OutputFailed } from '../report/write.js';
import type { RunResult } from '../run/result.js';
import { ScenarioError } from '../workload/errors.js';
import type { ScenarioSpec } from '../workload/schema.js';
import type { PointTask } from './point.js';

/** A replication of a resolved scenario: `spec` already holds its seed and warm-up. */
export interface ReplicationTask {
  kind: 'replication';
  index: number;
  spec: ScenarioSpec;
}

export type WorkerTask = PointTask | ReplicationTask;

/**
 * What a worker is sent once: every task, and the queue's shared counters (Int32 0: the next
 * task's position, taken by Atomics.add; Int32 1: set once a task has failed).
 */
export interface QueueMessage {
  tasks: readonly WorkerTask[];
  counter: SharedArrayBuffer;
}

/** The next task's position for this thread, or -1 when none is left or a task has failed anywhere. */
export function takeTask(shared: Int32Array, count: number): number {
  if (Atomics.load(shared, 1) !== 0) return -1;
  const i = Atomics.add(shared, 0, 1);
  return i < count ? i : -1;
}

/** Marks the queue failed: no thread takes another task. */
export function failQueue(shared: Int32Array): void {
  Atomics.store(shared, 1, 1);
}

/** What a worker thread reports for each task it ran. */
export interface WorkerOutcome {
  index: number;
  ok: boolean;
  error?: string;
  /** Set when the error was the user's input (a ScenarioError): the file it names. */
  scenarioFile?: string;
  /** Set when the task ran but its output could not be written (a full disk, not the model). */
  output?: { path: string; reason: string };
}

export interface PointOutcome extends WorkerOutcome {
  wallSeconds?: number;
}

export interface ReplicationOutcome extends WorkerOutcome {
  result?: RunResult;
}

/** The error a failed outcome stands for, rebuilt in the main thread. */
export function outcomeError(o: WorkerOutcome): Error {
  const message = o.error ?? 'unknown error';
  return o.scenarioFile !== undefined ? new ScenarioError(o.scenarioFile, message) : new Error(message);
}

export function failure(index: number, e: unknown): WorkerOutcome {
  return {
    index,
    ok: false,
    error: e instanceof Error ? e.message : String(e),
    ...(e instanceof ScenarioError ? { scenarioFile: e.file } : {}),
    ...(e instanceof OutputFailed ? { output: { path: e.path, reason: e.reason } } : {}),
  };
}
