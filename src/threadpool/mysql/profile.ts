import type { MysqlPoolSpec } from '../../workload/schema.js';

/** MySQL Enterprise Thread Pool settings with every value decided. */
export interface MysqlPoolConfig {
  thread_pool_size: number;
  thread_pool_algorithm: 0 | 1;
  thread_pool_stall_limit: number;
  thread_pool_prio_kickup_timer: number;
  thread_pool_high_priority_connection: 0 | 1;
  thread_pool_max_unused_threads: number;
  thread_pool_max_active_query_threads: number;
  thread_pool_query_threads_per_group: number;
}

/**
 * Defaults by profile (spec 1(a)): "8.4" = the values documented for 8.0/8.4, "9.7" = the values
 * compiled into the 9.7 plugin source. The 9.7 default thread_pool_max_transactions_limit is not
 * modelled yet, so the 9.7 profile runs without MTL.
 */
export function mysqlDefaults(profile: '8.4' | '9.7', cores: number): MysqlPoolConfig {
  if (profile === '9.7') {
    return {
      // update_config_defaults: clamp(vcpus/2, 1, 16) when not set.
      thread_pool_size: Math.min(16, Math.max(1, Math.floor(cores / 2))),
      thread_pool_algorithm: 1,
      thread_pool_stall_limit: 6,
      thread_pool_prio_kickup_timer: 1000,
      thread_pool_high_priority_connection: 0,
      thread_pool_max_unused_threads: 32,
      thread_pool_max_active_query_threads: 0,
      thread_pool_query_threads_per_group: 2,
    };
  }
  return {
    thread_pool_size: 16,
    thread_pool_algorithm: 0,
    thread_pool_stall_limit: 6,
    thread_pool_prio_kickup_timer: 1000,
    thread_pool_high_priority_connection: 0,
    // [not re-verified in the spec] the 8.x docs value.
    thread_pool_max_unused_threads: 0,
    thread_pool_max_active_query_threads: 0,
    thread_pool_query_threads_per_group: 1,
  };
}

/** The scenario's pool settings with the profile's defaults filled in. */
export function resolveMysqlPool(spec: MysqlPoolSpec, cores: number): MysqlPoolSpec & MysqlPoolConfig {
  const d = mysqlDefaults(spec.profile, cores);
  return {
    ...spec,
    thread_pool_size: spec.thread_pool_size ?? d.thread_pool_size,
    thread_pool_algorithm: spec.thread_pool_algorithm ?? d.thread_pool_algorithm,
    thread_pool_stall_limit: spec.thread_pool_stall_limit ?? d.thread_pool_stall_limit,
    thread_pool_prio_kickup_timer: spec.thread_pool_prio_kickup_timer ?? d.thread_pool_prio_kickup_timer,
    thread_pool_high_priority_connection:
      spec.thread_pool_high_priority_connection ?? d.thread_pool_high_priority_connection,
    thread_pool_max_unused_threads: spec.thread_pool_max_unused_threads ?? d.thread_pool_max_unused_threads,
    thread_pool_max_active_query_threads:
      spec.thread_pool_max_active_query_threads ?? d.thread_pool_max_active_query_threads,
    thread_pool_query_threads_per_group:
      spec.thread_pool_query_threads_per_group ?? d.thread_pool_query_threads_per_group,
  };
}
