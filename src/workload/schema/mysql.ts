import { z } from 'zod';

/** MySQL Enterprise Thread Pool settings: the server's variable names and units. */
export const MysqlPool = z.strictObject({
  mode: z.literal('pool'),
  flavor: z.literal('mysql'),
  /** Default values: "8.4" as documented for 8.0/8.4, "9.7" as compiled in the 9.7 source. */
  profile: z.enum(['8.4', '9.7']).default('8.4'),
  thread_pool_size: z.number().int().min(1).max(512).optional(),
  thread_pool_algorithm: z.union([z.literal(0), z.literal(1)]).optional(),
  /** In units of 10 ms, as in MySQL. */
  thread_pool_stall_limit: z.number().int().min(4).max(600).optional(),
  /** In ms. */
  thread_pool_prio_kickup_timer: z.number().int().min(0).max(4294967295).optional(),
  thread_pool_high_priority_connection: z.union([z.literal(0), z.literal(1)]).optional(),
  thread_pool_max_unused_threads: z.number().int().min(0).max(4096).optional(),
  thread_pool_max_active_query_threads: z.number().int().min(0).max(512).optional(),
  thread_pool_query_threads_per_group: z.number().int().min(1).max(4096).optional(),
  /** Transactions, pool-wide (0 = off); 9.7 default clamp(32 * thread_pool_size, 1, 512), 8.4 default 0. */
  thread_pool_max_transactions_limit: z.number().int().min(0).max(1_000_000).optional(),
  /** In ms; only with thread_pool_max_transactions_limit > 0. */
  thread_pool_longrun_trx_limit: z.number().int().min(10).max(86_400_000).optional(),
  /** In ms: sleep before each statement that is not inside an active multi-statement transaction. */
  thread_pool_transaction_delay: z.number().int().min(0).max(300_000).optional(),
  /** One listener per group that never executes statements; forced off when the transactions limit is 0. */
  thread_pool_dedicated_listeners: z.union([z.literal(0), z.literal(1)]).optional(),
  /** tpsim setting: the last N connections have TP_CONNECTION_ADMIN and are served by the admin group. */
  admin_connections: z.number().int().min(0).max(1_000_000).optional(),
});

export type MysqlPoolSpec = z.output<typeof MysqlPool>;
