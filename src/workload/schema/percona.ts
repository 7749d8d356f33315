import { z } from 'zod';

const UINT32_MAX = 4294967295;

/**
 * Percona Server thread pool (thread_handling=pool-of-threads): the server's variable names and
 * units (spec 3(a)). Unset values take the server's defaults.
 */
export const PerconaPool = z.strictObject({
  mode: z.literal('pool'),
  flavor: z.literal('percona'),
  /** Thread groups; default: the number of cores. */
  thread_pool_size: z.number().int().min(1).max(1024).optional(),
  /** In ms (not 10 ms as in MySQL): the timer period; default 500. */
  thread_pool_stall_limit: z.number().int().min(10).max(UINT32_MAX).optional(),
  /** Default 3. */
  thread_pool_oversubscribe: z.number().int().min(1).max(1000).optional(),
  /** Pool-wide cap on worker threads (each group may always have 2); default 100000. */
  thread_pool_max_threads: z.number().int().min(1).max(100000).optional(),
  /** In seconds; default 60. */
  thread_pool_idle_timeout: z.number().int().min(1).max(UINT32_MAX).optional(),
  /** Default "transactions". */
  thread_pool_high_prio_mode: z.enum(['transactions', 'statements', 'none']).optional(),
  /** Default 4294967295 (UINT_MAX). */
  thread_pool_high_prio_tickets: z.number().int().min(0).max(UINT32_MAX).optional(),
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
   * tpsim setting: the last N connections come in on `admin_port` (8.0.14+): their statements go
   * to the high-priority queue whatever the mode and tickets (P2). Default 0.
   */
  admin_connections: z.number().int().min(0).optional(),
});

export type PerconaPoolSpec = z.output<typeof PerconaPool>;
