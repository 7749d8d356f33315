import { z } from 'zod';
import { DURATION_HINT } from '../../engine/duration.js';
import { Duration } from './common.js';
import { Dispatch } from './dispatch.js';
import { serverDuration } from './units.js';

const UINT32_MAX = 4294967295;

/**
 * Percona Server thread pool (thread_handling=pool-of-threads): the server's variable names and
 * units (spec 3(a)). Unset values take the server's defaults. Descriptions start with the
 * Percona Server documentation's summary of each variable.
 */
export const PerconaPool = z.strictObject({
  mode: z.literal('pool').describe('Thread handling through a thread pool (thread_handling=pool-of-threads).'),
  flavor: z.literal('percona').describe('Percona Server thread pool (built into the server).'),
  thread_pool_size: z
    .number()
    .int()
    .min(1)
    .max(1024)
    .optional()
    .describe('Percona docs: the number of thread groups, which determines how many statements can execute simultaneously. Groups; default: the number of cores.'),
  thread_pool_stall_limit: serverDuration(
    'ms',
    10,
    UINT32_MAX,
    'Percona docs: the number of milliseconds before a running thread is considered stalled; when reached, the thread pool wakes up or creates another thread. In ms, not 10 ms as in MySQL. Default 500.',
  ).optional(),
  thread_pool_oversubscribe: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('Percona docs: how many additional active worker threads in a group are allowed (also throttles low-priority statements, P4). Threads; default 3.'),
  thread_pool_max_threads: z
    .number()
    .int()
    .min(1)
    .max(100000)
    .optional()
    .describe('Percona docs: the maximum number of threads in the pool; each group may always have 2. Threads, pool-wide; default 100000.'),
  thread_pool_idle_timeout: serverDuration(
    's',
    1,
    UINT32_MAX,
    'Percona docs: the number of seconds before an idle worker thread exits. Default 60.',
  ).optional(),
  thread_pool_high_prio_mode: z
    .enum(['transactions', 'statements', 'none'])
    .optional()
    .describe('Percona docs: the high priority queue policy: "transactions" (statements of open transactions while tickets last), "statements" (every statement) or "none". Default "transactions".'),
  thread_pool_high_prio_tickets: z
    .number()
    .int()
    .min(0)
    .max(UINT32_MAX)
    .optional()
    .describe('Percona docs: the number of tickets a connection gets to enter the high priority queue in "transactions" mode; 0 disables the high queue. Default 4294967295.'),
  /* A2, A10 as for MariaDB: Threadpool_threads is n + 1 at n clients [inferred]. */
  login_burst: z
    .boolean()
    .optional()
    .describe('tpsim setting, not a server variable. true: the connections logged in together just before the run (as sysbench\'s do), so the pool starts with one thread per connection plus the listener, the others asleep. Default false: the pool starts with one thread per group.'),
  listener_cpu: Duration.optional().describe(
    `tpsim setting, not a server variable: CPU the listener thread needs for each epoll_wait that returns events (the return from the system call, the group mutex, queue_put of the events), before it queues them. It waits for the core like any thread, so on a busy core the events it has not read yet wait in the socket layer, out of reach of the queues' priorities, and are read in batches (MariaDB's THREAD_POOL_STATS then show several events per listener poll). ${DURATION_HINT}; default 0: the listener reads every event the instant it arrives, without the core.`,
  ),
  admin_connections: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('tpsim setting: the last N connections come in on admin_port (8.0.14+): their statements go to the high-priority queue whatever the mode and tickets (P2). Default 0.'),
  dispatch: Dispatch.optional(),
});

export type PerconaPoolSpec = z.output<typeof PerconaPool>;
