import type { ExecutionObserver } from '../server/executor.js';

/** Told when a statement has finished on the server (the reply leaves for the client). */
export interface StatementSink {
  onStatementDone(conn: number): void;
}

/**
 * A thread-handling policy: who runs a request when it reaches the server. The pool flavours
 * and one-thread-per-connection all implement it, so any comparison runs the same workload
 * through the same server.
 */
export interface ThreadHandling extends ExecutionObserver {
  /** Sets up threads and connections at time 0 (connections are logged in before the run). */
  start(connections: number): void;
  /** The connection's next request has reached the server (its socket became readable). */
  onRequest(conn: number): void;
  /** Counter names, as the real server names them. */
  readonly counterNames: readonly string[];
  /** Where the names come from, e.g. "performance_schema.tp_thread_group_stats". */
  readonly counterSource: string;
  /** Number of rows of per-group counters. */
  readonly groupCount: number;
  /** Current cumulative counter values of one group (index into counterNames). */
  groupCounters(group: number): Float64Array;
  /** Instantaneous state, summed over groups (e.g. queue lengths, active threads). */
  readonly gaugeNames: readonly string[];
  /** Writes the current gauge values (index into gaugeNames) into `out`. */
  sampleGauges(out: Float64Array): void;
}
