import { z } from 'zod';
import { Dispatch } from './dispatch.js';
import { serverDuration } from './units.js';

const Bit = z.union([z.literal(0), z.literal(1)]);

/**
 * MySQL Enterprise Thread Pool settings: the server's variable names and units (spec 1(a)).
 * Descriptions quote the MySQL manual's one-line summary of each variable, then the defaults of
 * the two profiles ("8.4" documented, "9.7" compiled in the source).
 */
export const MysqlPool = z.strictObject({
  mode: z.literal('pool').describe('Thread handling through a thread pool (thread_handling=loaded-dynamically with the thread_pool plugin).'),
  flavor: z.literal('mysql').describe('MySQL Enterprise Thread Pool (plugin thread_pool.so).'),
  profile: z
    .enum(['8.4', '9.7'])
    .default('8.4')
    .describe('Which defaults fill unset variables: "8.4" as documented for MySQL 8.0/8.4, "9.7" as compiled into the 9.7 plugin source (which turns the transactions limit on).'),
  thread_pool_size: z
    .number()
    .int()
    .min(1)
    .max(512)
    .optional()
    .describe('MySQL manual: the number of thread groups in the thread pool, the most important parameter controlling its performance. Groups (plus one admin group). Default 16 (8.4), clamp(cores/2, 1, 16) (9.7); range 1 to 512.'),
  thread_pool_algorithm: Bit.optional().describe('MySQL manual: the concurrency algorithm to use for scheduling: 0 low concurrency, 1 high concurrency. Default 0 (8.4), 1 (9.7).'),
  thread_pool_stall_limit: serverDuration(
    '10ms',
    4,
    600,
    'MySQL manual: the time before an executing statement is considered to be stalled, measured in 10 ms units (6 = 60 ms; at most 600 = 6 s). A value that looks like milliseconds (100 or more, 1 s or longer) is accepted with a warning. Default 6.',
  ).optional(),
  thread_pool_prio_kickup_timer: serverDuration(
    'ms',
    0,
    4294967295,
    'MySQL manual: how long before the thread pool moves a statement awaiting execution from the low-priority queue to the high-priority queue. 0: every statement is queued as high priority. Default 1000 (1 s).',
  ).optional(),
  thread_pool_high_priority_connection: Bit.optional().describe('MySQL manual: how to schedule statement execution for a session: 1 queues every statement of the session as high priority. Default 0.'),
  thread_pool_max_unused_threads: z
    .number()
    .int()
    .min(0)
    .max(4096)
    .optional()
    .describe('MySQL manual: how many sleeping threads to permit. Threads per group; 0 = no cap. Default 0 (8.4), 32 (9.7).'),
  thread_pool_max_active_query_threads: z
    .number()
    .int()
    .min(0)
    .max(512)
    .optional()
    .describe('MySQL manual: how many active threads per group to permit; 0 = the stall-aware rule. Threads per group. Default 0.'),
  thread_pool_query_threads_per_group: z
    .number()
    .int()
    .min(1)
    .max(4096)
    .optional()
    .describe('MySQL manual: the number of query threads permitted in a thread group. Threads per group. Default 1 (8.4), 2 (9.7).'),
  thread_pool_max_transactions_limit: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .optional()
    .describe('MySQL manual: the maximum number of transactions permitted by the thread pool plugin. Transactions, pool-wide (0 = off). Default 0 (8.4), clamp(32 * thread_pool_size, 1, 512) (9.7).'),
  thread_pool_longrun_trx_limit: serverDuration(
    'ms',
    10,
    86_400_000,
    'MySQL manual: how long to wait while threads using all of thread_pool_max_transactions_limit have been executing before suspending the limit for the group. Only with thread_pool_max_transactions_limit > 0. Default 2000 (2 s).',
  ).optional(),
  thread_pool_transaction_delay: serverDuration(
    'ms',
    0,
    300_000,
    'MySQL manual: the delay period before executing a new transaction: a sleep before each statement that is not inside an active multi-statement transaction. Default 0.',
  ).optional(),
  thread_pool_dedicated_listeners: Bit.optional().describe('MySQL manual: dedicates a listener thread in each thread group to listen for incoming statements. Forced off when the transactions limit is 0. Default 0.'),
  admin_connections: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .optional()
    .describe('tpsim setting, not a server variable: the last N connections have TP_CONNECTION_ADMIN and are served by the admin group (M15). Default 0.'),
  dispatch: Dispatch.optional(),
});

export type MysqlPoolSpec = z.output<typeof MysqlPool>;
