import type { Simulator } from '../engine/simulator.js';
import type { ConnectionTable } from '../server/connections.js';
import type { Executor } from '../server/executor.js';
import type { ThreadRegistry } from '../server/threads.js';
import type { ThreadHandlingSpec } from '../workload/schema.js';
import { resolveMariadbPool } from './mariadb/config.js';
import { MariadbThreadPool } from './mariadb/pool.js';
import { MysqlThreadPool } from './mysql/pool.js';
import { resolveMysqlPool } from './mysql/profile.js';
import { OneThreadPerConnection } from './one-thread-per-connection.js';
import { resolvePerconaPool } from './percona/config.js';
import { PerconaThreadPool } from './percona/pool.js';
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
  if (spec.mode !== 'pool') return spec;
  switch (spec.flavor) {
    case 'mariadb':
      return resolveMariadbPool(spec, cores);
    case 'percona':
      return resolvePerconaPool(spec, cores);
    default:
      return resolveMysqlPool(spec, cores);
  }
}

export function createThreadHandling(spec: ThreadHandlingSpec, parts: ServerParts): ThreadHandling {
  if (spec.mode === 'one-thread-per-connection') {
    return new OneThreadPerConnection(parts.executor, parts.threads, parts.sink, parts.sim, parts.threadCreateUs);
  }
  const { sim, conns, executor, threads, sink, cores, threadCreateUs } = parts;
  if (spec.flavor === 'mariadb') {
    return new MariadbThreadPool(sim, resolveMariadbPool(spec, cores), conns, executor, threads, sink, threadCreateUs);
  }
  if (spec.flavor === 'percona') {
    return new PerconaThreadPool(sim, resolvePerconaPool(spec, cores), conns, executor, threads, sink, threadCreateUs);
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
