import type { Simulator } from '../engine/simulator.js';
import type { ConnectionTable } from '../server/connections.js';
import type { Executor } from '../server/executor.js';
import type { ThreadRegistry } from '../server/threads.js';
import type { ThreadHandlingSpec } from '../workload/schema.js';
import { MysqlThreadPool } from './mysql/pool.js';
import { resolveMysqlPool } from './mysql/profile.js';
import { OneThreadPerConnection } from './one-thread-per-connection.js';
import type { StatementSink, ThreadHandling } from './types.js';

/** What a thread-handling policy is built on. */
export interface ServerParts {
  sim: Simulator;
  conns: ConnectionTable;
  executor: Executor;
  threads: ThreadRegistry;
  sink: StatementSink;
  cores: number;
  /** Time to create a thread, µs. */
  threadCreateUs: number;
}

/** The scenario's thread-handling settings with profile defaults filled in. Idempotent. */
export function resolveThreadHandling(spec: ThreadHandlingSpec, cores: number): ThreadHandlingSpec {
  if (spec.mode === 'pool') return resolveMysqlPool(spec, cores);
  return spec;
}

export function createThreadHandling(spec: ThreadHandlingSpec, parts: ServerParts): ThreadHandling {
  if (spec.mode === 'one-thread-per-connection') {
    return new OneThreadPerConnection(parts.executor, parts.threads, parts.sink);
  }
  return new MysqlThreadPool(
    parts.sim,
    resolveMysqlPool(spec, parts.cores),
    parts.conns,
    parts.executor,
    parts.threads,
    parts.sink,
    parts.cores,
    parts.threadCreateUs,
  );
}
