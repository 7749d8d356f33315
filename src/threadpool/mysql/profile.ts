import { withDefaults } from '../defaults.js';
import type { DispatchSpec, MysqlPoolSpec } from '../../workload/schema.js';

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
  /** MTL (M13), pool-wide; 0 = off. */
  thread_pool_max_transactions_limit: number;
  /** ms (M13). */
  thread_pool_longrun_trx_limit: number;
  /** ms (M14). */
  thread_pool_transaction_delay: number;
  /** M7c; has no effect when MTL is 0. */
  thread_pool_dedicated_listeners: 0 | 1;
  /** tpsim: the last N connections are TP_CONNECTION_ADMIN connections (M15). */
  admin_connections: number;
  /** tpsim what-ifs: assignment, waking, where events go (absent: the server's rules). */
  dispatch?: DispatchSpec;
}

/** 9.7 default of thread_pool_max_transactions_limit when not set: clamp(32 * size, 1, 512). */
export function defaultMaxTransactionsLimit(size: number): number {
  return Math.min(512, Math.max(1, 32 * size));
}

/**
 * Defaults by profile (spec 1(a)): "8.4" = the values documented for 8.0/8.4, "9.7" = the values
 * compiled into the 9.7 plugin source (which turns MTL on by default).
 */
export function mysqlDefaults(profile: '8.4' | '9.7', cores: number): MysqlPoolConfig {
  if (profile === '9.7') {
    // update_config_defaults: clamp(vcpus/2, 1, 16) when not set.
    const size = Math.min(16, Math.max(1, Math.floor(cores / 2)));
    return {
      thread_pool_size: size,
      thread_pool_algorithm: 1,
      thread_pool_stall_limit: 6,
      thread_pool_prio_kickup_timer: 1000,
      thread_pool_high_priority_connection: 0,
      thread_pool_max_unused_threads: 32,
      thread_pool_max_active_query_threads: 0,
      thread_pool_query_threads_per_group: 2,
      thread_pool_max_transactions_limit: defaultMaxTransactionsLimit(size),
      thread_pool_longrun_trx_limit: 2000,
      thread_pool_transaction_delay: 0,
      thread_pool_dedicated_listeners: 0,
      admin_connections: 0,
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
    thread_pool_max_transactions_limit: 0,
    thread_pool_longrun_trx_limit: 2000,
    thread_pool_transaction_delay: 0,
    thread_pool_dedicated_listeners: 0,
    admin_connections: 0,
  };
}

/** M13 per-group transaction limit max(1, ceil(MTL / size)); 0 when MTL is off. */
export function transactionLimitPerGroup(mtl: number, size: number): number {
  return mtl > 0 ? Math.max(1, Math.ceil(mtl / size)) : 0;
}

/**
 * M13 (change note 3), update_config_defaults: with MTL on, thread_pool_query_threads_per_group
 * above 1 (MIN_QUERY_THREADS_PER_GROUP) and above the per-group limit is reduced to that limit,
 * with a warning in the error log. Applies to every group, the admin group too (thd_pool_init).
 */
export function effectiveQueryThreadsPerGroup(
  c: Pick<MysqlPoolConfig, 'thread_pool_size' | 'thread_pool_max_transactions_limit' | 'thread_pool_query_threads_per_group'>,
): number {
  const txnlim = transactionLimitPerGroup(c.thread_pool_max_transactions_limit, c.thread_pool_size);
  const q = c.thread_pool_query_threads_per_group;
  return txnlim !== 0 && q > 1 && q > txnlim ? txnlim : q;
}

/** The scenario's pool settings with the profile's defaults filled in, as the plugin runs them. */
export function resolveMysqlPool(spec: MysqlPoolSpec, cores: number): MysqlPoolSpec & MysqlPoolConfig {
  const d = mysqlDefaults(spec.profile, cores);
  // 9.7: derived from the resolved size, so a set thread_pool_size moves the default too.
  if (spec.profile === '9.7') {
    d.thread_pool_max_transactions_limit = defaultMaxTransactionsLimit(spec.thread_pool_size ?? d.thread_pool_size);
  }
  const out = withDefaults(spec, d);
  out.thread_pool_query_threads_per_group = effectiveQueryThreadsPerGroup(out);
  return out;
}
