import { withDefaults } from '../defaults.js';
import type { PerconaPoolSpec } from '../../workload/schema/percona.js';
import type { UnixPoolSettings } from '../unix-pool/pool.js';

/** Percona Server thread pool settings with every value decided (spec 3(a)). */
export interface PerconaPoolConfig extends UnixPoolSettings {
  thread_pool_high_prio_mode: 'transactions' | 'statements' | 'none';
  thread_pool_high_prio_tickets: number;
  /** tpsim: the last N connections are admin_port connections (P1, P2). */
  admin_connections: number;
}

/** The server's defaults; thread_pool_size defaults to sysconf(_SC_NPROCESSORS_ONLN). */
export function perconaDefaults(cores: number): PerconaPoolConfig {
  return {
    thread_pool_size: Math.min(1024, cores),
    thread_pool_stall_limit: 500,
    thread_pool_oversubscribe: 3,
    thread_pool_max_threads: 100000,
    thread_pool_idle_timeout: 60,
    thread_pool_high_prio_mode: 'transactions',
    thread_pool_high_prio_tickets: 4294967295,
    admin_connections: 0,
  };
}

/** The scenario's settings with the defaults filled in (idempotent). */
export function resolvePerconaPool(spec: PerconaPoolSpec, cores: number): PerconaPoolSpec & PerconaPoolConfig {
  return withDefaults(spec, perconaDefaults(cores));
}
