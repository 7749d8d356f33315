import { z } from 'zod';

const UINT32_MAX = 4294967295;

/**
 * MariaDB thread pool (thread_handling=pool-of-threads, Unix "generic" implementation): the
 * server's variable names and units (spec 2(a)). Unset values take the server's defaults.
 */
export const MariadbPool = z.strictObject({
  mode: z.literal('pool'),
  flavor: z.literal('mariadb'),
  /** Thread groups; default: the number of cores. */
  thread_pool_size: z.number().int().min(1).max(100000).optional(),
  /** In ms (not 10 ms as in MySQL): the timer period; default 500. */
  thread_pool_stall_limit: z.number().int().min(1).max(UINT32_MAX).optional(),
  /** Default 3. */
  thread_pool_oversubscribe: z.number().int().min(1).max(1000).optional(),
  /** Pool-wide cap on worker threads (each group may always have 2); default 65536. */
  thread_pool_max_threads: z.number().int().min(1).max(65536).optional(),
  /** In seconds; default 60. */
  thread_pool_idle_timeout: z.number().int().min(1).max(UINT32_MAX).optional(),
  /** In ms; default 1000. */
  thread_pool_prio_kickup_timer: z.number().int().min(0).max(UINT32_MAX).optional(),
  /** Default "auto": high priority iff a transaction is active. */
  thread_pool_priority: z.enum(['high', 'low', 'auto']).optional(),
  /** Default false (OFF). */
  thread_pool_dedicated_listener: z.boolean().optional(),
  /** Default false (OFF): enqueue times are the timer's coarse clock. */
  thread_pool_exact_stats: z.boolean().optional(),
  /**
   * tpsim setting, not a server variable. true: the connections logged in together just before
   * the run (as sysbench's do), so the pool starts with one thread per connection plus the
   * listener, the others asleep (A2: a login is a queued request; it waits on the network, its
   * thread's wait_begin finds no other active thread and A10 creates one without throttling:
   * the measured Threadpool_threads is n + 1 at n clients) [inferred]. Default false: the pool
   * starts with one thread per group.
   */
  login_burst: z.boolean().optional(),
  /**
   * tpsim setting: the last N connections come in on `extra_port` and are served by the
   * one-thread-per-connection handler, outside the pool's groups and `thread_pool_max_threads`
   * (emergency access to a blocked pool). Default 0.
   */
  extra_port_connections: z.number().int().min(0).optional(),
});

export type MariadbPoolSpec = z.output<typeof MariadbPool>;
