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
});

export type MysqlPoolSpec = z.output<typeof MysqlPool>;
