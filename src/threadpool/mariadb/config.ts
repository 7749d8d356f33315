import { withDefaults } from '../defaults.js';
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
    extra_port_connections: 0,
  };
}

/** The scenario's settings with the defaults filled in (idempotent). */
export function resolveMariadbPool(spec: MariadbPoolSpec, cores: number): MariadbPoolSpec & MariadbPoolConfig {
  return withDefaults(spec, mariadbDefaults(cores));
}
