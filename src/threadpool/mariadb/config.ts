import type { MariadbPoolSpec } from '../../workload/schema/mariadb.js';
import type { UnixPoolSettings } from '../unix-pool/pool.js';

/** MariaDB thread pool settings with every value decided (spec 2(a)). */
export interface MariadbPoolConfig extends UnixPoolSettings {
  /** s. */
  thread_pool_idle_timeout: number;
  /** ms. */
  thread_pool_prio_kickup_timer: number;
  thread_pool_priority: 'high' | 'low' | 'auto';
  thread_pool_dedicated_listener: boolean;
  thread_pool_exact_stats: boolean;
}

/** DEFAULT_THREADPOOL_STALL_LIMIT (ms). */
export const DEFAULT_THREADPOOL_STALL_LIMIT = 500;

/** The server's defaults; thread_pool_size defaults to the number of online CPUs. */
export function mariadbDefaults(cores: number): MariadbPoolConfig {
  return {
    thread_pool_size: cores,
    thread_pool_stall_limit: DEFAULT_THREADPOOL_STALL_LIMIT,
    thread_pool_oversubscribe: 3,
    thread_pool_max_threads: 65536,
    thread_pool_idle_timeout: 60,
    thread_pool_prio_kickup_timer: 1000,
    thread_pool_priority: 'auto',
    thread_pool_dedicated_listener: false,
    thread_pool_exact_stats: false,
  };
}

/** The scenario's settings with the defaults filled in (idempotent). */
export function resolveMariadbPool(spec: MariadbPoolSpec, cores: number): MariadbPoolSpec & MariadbPoolConfig {
  const d = mariadbDefaults(cores);
  return {
    ...spec,
    thread_pool_size: spec.thread_pool_size ?? d.thread_pool_size,
    thread_pool_stall_limit: spec.thread_pool_stall_limit ?? d.thread_pool_stall_limit,
    thread_pool_oversubscribe: spec.thread_pool_oversubscribe ?? d.thread_pool_oversubscribe,
    thread_pool_max_threads: spec.thread_pool_max_threads ?? d.thread_pool_max_threads,
    thread_pool_idle_timeout: spec.thread_pool_idle_timeout ?? d.thread_pool_idle_timeout,
    thread_pool_prio_kickup_timer: spec.thread_pool_prio_kickup_timer ?? d.thread_pool_prio_kickup_timer,
    thread_pool_priority: spec.thread_pool_priority ?? d.thread_pool_priority,
    thread_pool_dedicated_listener: spec.thread_pool_dedicated_listener ?? d.thread_pool_dedicated_listener,
    thread_pool_exact_stats: spec.thread_pool_exact_stats ?? d.thread_pool_exact_stats,
  };
}
