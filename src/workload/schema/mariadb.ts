import { z } from 'zod';
import { DURATION_HINT } from '../../engine/duration.js';
import { Duration } from './common.js';
import { Dispatch } from './dispatch.js';
import { serverDuration } from './units.js';

const UINT32_MAX = 4294967295;

/**
 * MariaDB thread pool (thread_handling=pool-of-threads, Unix "generic" implementation): the
 * server's variable names and units (spec 2(a)). Unset values take the server's defaults.
 * Descriptions start with the MariaDB documentation's summary of each variable.
 */
export const MariadbPool = z.strictObject({
  mode: z.literal('pool').describe('Thread handling through a thread pool (thread_handling=pool-of-threads).'),
  flavor: z.literal('mariadb').describe('MariaDB thread pool (Unix generic implementation).'),
  thread_pool_size: z
    .number()
    .int()
    .min(1)
    .max(100000)
    .optional()
    .describe('MariaDB docs: number of thread groups in the thread pool, which determines how many statements can execute simultaneously. Groups; default: the number of cores.'),
  thread_pool_stall_limit: serverDuration(
    'ms',
    1,
    UINT32_MAX,
    'MariaDB docs: maximum query execution time in milliseconds before an executing non-yielding thread is considered stalled; also the period of the timer thread. In ms, not 10 ms as in MySQL: a value below 10 (MySQL\'s default 6 means 60 ms) gets a warning. Default 500.',
  ).optional(),
  thread_pool_oversubscribe: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('MariaDB docs: how many additional active worker threads in a group are allowed. Threads; default 3.'),
  thread_pool_max_threads: z
    .number()
    .int()
    .min(1)
    .max(65536)
    .optional()
    .describe('MariaDB docs: maximum number of threads in the thread pool; each group may always have 2. Threads, pool-wide; default 65536.'),
  thread_pool_idle_timeout: serverDuration(
    's',
    1,
    UINT32_MAX,
    'MariaDB docs: timeout in seconds for an idle thread in the thread pool; the worker thread is shut down after it. Default 60.',
  ).optional(),
  thread_pool_prio_kickup_timer: serverDuration(
    'ms',
    0,
    UINT32_MAX,
    'MariaDB docs: the number of milliseconds before a dequeued low-priority statement is moved to the high-priority queue. Default 1000 (1 s).',
  ).optional(),
  thread_pool_priority: z
    .enum(['high', 'low', 'auto'])
    .optional()
    .describe('MariaDB docs: thread pool priority; "auto": high priority iff a transaction is active. Default "auto".'),
  thread_pool_dedicated_listener: z
    .boolean()
    .optional()
    .describe('MariaDB docs: if set to 1, the listener thread will not pick up queries. Default false (OFF).'),
  thread_pool_exact_stats: z
    .boolean()
    .optional()
    .describe('MariaDB docs: if set to 1, provides better queueing time statistics by using a high precision timestamp; otherwise enqueue times are the timer\'s coarse clock. Default false (OFF).'),
  /*
   * A2: a login is a queued request; it waits on the network, its thread's wait_begin finds no
   * other active thread and A10 creates one without throttling: the measured Threadpool_threads
   * is n + 1 at n clients [inferred].
   */
  login_burst: z
    .boolean()
    .optional()
    .describe('tpsim setting, not a server variable. true: the connections logged in together just before the run (as sysbench\'s do), so the pool starts with one thread per connection plus the listener, the others asleep. Default false: the pool starts with one thread per group.'),
  listener_cpu: Duration.optional().describe(
    `tpsim setting, not a server variable: CPU the listener thread needs for each epoll_wait that returns events (the return from the system call, the group mutex, queue_put of the events), before it queues them. It waits for the core like any thread, so on a busy core the events it has not read yet wait in the socket layer, out of reach of the queues' priorities, and are read in batches (MariaDB's THREAD_POOL_STATS then show several events per listener poll). ${DURATION_HINT}; default 0: the listener reads every event the instant it arrives, without the core.`,
  ),
  version: z
    .enum(['10.5', '10.6+'])
    .optional()
    .describe('MariaDB server version: "10.5" (10.5 or earlier) or "10.6+" (10.6 and later: a COMMIT that joins a redo-log group commit releases its worker and is queued again when the flush ends, thd_async_state / DISPATCH_COMMAND_WOULDBLOCK). Default "10.6+": every MariaDB release still supported is 10.6 or later (10.5 ended in June 2025), and the oracle measurements ran 10.11.'),
  extra_port_connections: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('tpsim setting: the last N connections come in on extra_port and are served by the one-thread-per-connection handler, outside the pool\'s groups and thread_pool_max_threads (emergency access to a blocked pool). Default 0.'),
  dispatch: Dispatch.optional(),
});

export type MariadbPoolSpec = z.output<typeof MariadbPool>;
