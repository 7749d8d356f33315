import { z } from 'zod';
import { distributionProblems } from '../dist-spec.js';
import { Dist, Duration } from './common.js';
import { parseDuration } from '../../engine/duration.js';
import { serverDuration } from './units.js';
import { Latches } from './latches.js';

/** The modelled server: cores, contention, threads. */
export const Contention = z.discriminatedUnion('model', [
  z.strictObject({ model: z.literal('none').describe('No contention: n runnable threads share the cores perfectly.') }),
  z.strictObject({
    model: z.literal('switch').describe('Trub et al.: with n > cores runnable threads each progresses at cores/n - cost.'),
    cost: z.number().min(0).max(1).describe('Share of a core lost per runnable thread beyond the cores (0 to 1).'),
  }),
  z.strictObject({
    model: z.literal('usl').describe('Universal Scalability Law: capacity divided by 1 + sigma(n-1) + kappa n(n-1).'),
    sigma: z.number().min(0).describe('USL contention (serialisation) coefficient, >= 0.'),
    kappa: z.number().min(0).describe('USL coherency (crosstalk) coefficient, >= 0.'),
  }),
]);

/**
 * InnoDB settings that decide the server's own waits (src/server/locks.ts, redo-log.ts,
 * admission.ts), named as in my.cnf. All are inert for a workload without `locks` on its
 * statements, except innodb_thread_concurrency.
 */
export const Innodb = z.strictObject({
  innodb_lock_wait_timeout: z
    .number()
    .positive()
    .max(1073741824)
    .default(50)
    .describe('MySQL manual: the length of time in seconds an InnoDB transaction waits for a row lock before giving up. In seconds (fractions allowed here; the server takes whole seconds). Default 50.'),
  innodb_deadlock_detect: z
    .boolean()
    .default(true)
    .describe('MySQL manual: enables or disables deadlock detection (a wait-for graph when a lock wait begins); off: only innodb_lock_wait_timeout breaks deadlocks. Default true (ON).'),
  deadlockDetector: z
    .enum(['graph', 'wait-chain'])
    .default('graph')
    .describe(
      'tpsim setting: how InnoDB finds deadlocks. "graph": a search of every wait-for edge when a request starts waiting, the requester the victim (MySQL; MariaDB before 10.6 searches all edges too). "wait-chain": MariaDB 10.6 and later (lock0lock.cc, Deadlock): each waiting transaction keeps one edge, to the owner of the first conflicting lock ahead of it; the chain is followed when the request starts waiting, and again from a waiting blocker after a commit or rollback re-points a waiter at it; the victim is the lightest transaction of the cycle (locks plus rows written), the requester on a tie. Default "graph".',
    ),
  innodb_flush_log_at_trx_commit: z
    .union([z.literal(0), z.literal(1), z.literal(2)])
    .default(1)
    .describe('MySQL manual: controls the balance between strict ACID compliance for commit operations and higher performance. 1: write and fsync the redo log at COMMIT (group commit); 0 and 2: a background flush each second. Default 1.'),
  logFsync: Dist.default('500us').describe('tpsim setting: time of one redo-log fsync, shared by the commits waiting in a group: a distribution or a duration. Default "500us".'),
  logWrite: Duration.default('2us').describe('tpsim setting: CPU time of COMMIT\'s write of the redo log to the OS cache (modes 1 and 2): a duration. Default "2us".'),
  innodb_thread_concurrency: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(0)
    .describe('MySQL manual: InnoDB tries to keep the number of operating system threads concurrently inside InnoDB less than or equal to this limit. Threads; 0: no limit (the default).'),
  innodb_concurrency_tickets: z
    .number()
    .int()
    .min(1)
    .max(4294967295)
    .default(5000)
    .describe('MySQL manual: determines the number of threads that can enter InnoDB concurrently: row operations a thread may do after entering before it must queue again. Default 5000.'),
  sqlLayerShare: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe('tpsim setting: share of each InnoDB statement\'s CPU spent in the SQL layer before its first row operation (parsing, optimizing, opening tables): outside innodb_thread_concurrency\'s gate and before the statement\'s latches, which InnoDB takes from its first row operation on. 0 to 1. Default 0: the whole statement inside InnoDB.'),
  readViewWalk: Duration.default('0us').describe(
    'tpsim setting: CPU per active read-write transaction that opening a read view walks (MariaDB 10.6+: ReadView::open copies the ids of every transaction in trx_sys.rw_trx_hash, a lock-free hash walked element by element; found as the loop that grew from 1.03% to 16.5% of the CPU from 64 to 1,024 hot-key clients in a profile of MariaDB 10.11, docs/VALIDATION.md). Charged to the first statement of the transaction that enters InnoDB (not BEGIN), once per transaction as REPEATABLE READ opens one view, times the read-write transactions (those that took an exclusive lock) open at that moment; not under any latch (the walk is lock-free). A duration. Default "0us": none.',
  ),
}).superRefine((s, ctx) => {
  for (const [, message] of distributionProblems(s.logFsync, '')) ctx.addIssue({ code: 'custom', path: ['logFsync'], message });
});

export const Server = z.strictObject({
  cores: z.number().int().min(1).max(4096).default(16).describe('CPU cores of the modelled server (1 to 4096). Default 16.'),
  contention: Contention.default({ model: 'none' }).describe('How throughput degrades with more runnable threads than cores: "none", "switch" or "usl" (by "model"). Default none.'),
  threadCreate: Duration.default('50us').describe('Time from a decision to create a thread until it runs: a duration. Default "50us".'),
  threadMemoryKiB: z.number().min(0).default(1024).describe('Stack and other per-thread memory in KiB, for the peak-memory figure. Default 1024.'),
  /**
   * CPU scheduling of runnable threads: "ps" (processor sharing, the default), "fifo" (each core
   * runs one thread until its burst ends, the others wait in arrival order; contention not
   * applied), or the Linux scheduler: "cfs" (CFS, kernels up to 6.5; src/server/cfs-cpu.ts) or
   * "eevdf" (EEVDF, kernels 6.6 and later; src/server/eevdf-cpu.ts). Under both, a thread that
   * does not block keeps its core for a slice, a woken thread may preempt the running one.
   * "priority" is "fifo" with non-preemptive priority: a free core takes the oldest waiting burst
   * of the highest transaction cpuPriority (a queueing-theory discipline for validation, e.g.
   * Cobham's formula with more than the pools' two levels; no server schedules so).
   */
  scheduling: z
    .enum(['ps', 'fifo', 'priority', 'cfs', 'eevdf'])
    .optional()
    .describe('CPU scheduling of runnable threads: "ps" processor sharing (default), "fifo" one thread per core until its burst ends, "priority" as fifo but a free core takes the oldest waiting burst of the highest transaction cpuPriority (non-preemptive priority, for validation), "cfs" Linux CFS (kernels up to 6.5), "eevdf" Linux EEVDF (6.6 and later).'),
  /**
   * The Linux scheduler's settings (scheduling "cfs" or "eevdf"), named as the kernel names
   * them; absent ones take the kernel's defaults for `cpus` online CPUs (default: cores), scaled
   * by 1 + log2(min(cpus, 8)): sched_latency 6 ms, sched_min_granularity 0.75 ms,
   * sched_wakeup_granularity 1 ms (CFS), sched_base_slice 0.75 ms (EEVDF); CONFIG_HZ 250.
   */
  linux: z
    .strictObject({
      cpus: z.number().int().min(1).max(4096).optional().describe('Online CPUs the kernel scales its defaults by (factor 1 + log2(min(cpus, 8))). Default: cores.'),
      hz: z.number().int().min(10).max(10000).optional().describe('CONFIG_HZ: scheduler ticks per second, at which time slices end. Default 250.'),
      sched_latency: Duration.optional().describe('CFS target latency (kernel sched_latency_ns): a duration. Default 6 ms, scaled by CPUs.'),
      sched_min_granularity: Duration.optional().describe('CFS minimum time slice (kernel sched_min_granularity_ns): a duration. Default 0.75 ms, scaled by CPUs.'),
      sched_wakeup_granularity: Duration.optional().describe('CFS wake-up preemption granularity (kernel sched_wakeup_granularity_ns): a duration. Default 1 ms, scaled by CPUs.'),
      sched_base_slice: Duration.optional().describe('EEVDF base time slice (kernel sched_base_slice_ns): a duration. Default 0.75 ms, scaled by CPUs.'),
      /**
       * CPU time lost per context switch (a core taking another thread than its last one: the
       * switch, cache and TLB refill), charged to the incoming thread; default 0.
       */
      contextSwitch: Duration.optional().describe('CPU time lost per context switch, charged to the incoming thread: a duration. Default 0.'),
      cacheRefill: z
        .strictObject({
          refill: Duration.describe("Time to reload a thread's whole working set into the core's cache: a duration."),
          capacity: z.number().positive().max(1e6).describe("How many threads' working sets the core's cache holds at once."),
          associativity: z.number().int().min(1).max(64).default(8).describe('Ways per cache set (LRU within a set). Default 8, as the L2 of current x86 cores.'),
          window: Duration.optional().describe("Charge a switch-in for at least the other threads that ran on the core (for the shared level: on any core) in this last stretch of time, not only for those since the thread's own last turn: every switch then pays for the threads active around it, as one thread woken now and then made every switch dearer on a measured machine. A duration, fitted (not a property of the hardware). Absent: the reuse distance alone."),
          shared: z
            .strictObject({
              refill: Duration.describe("Time to reload a thread's whole working set from memory: a duration, at least cacheRefill.refill (which is then the reload from the shared cache)."),
              capacity: z.number().positive().max(1e6).describe("How many threads' working sets the shared cache holds at once."),
              associativity: z.number().int().min(1).max(64).default(16).describe('Ways per set of the shared cache (LRU within a set). Default 16.'),
            })
            .optional()
            .describe("The last-level cache all the cores share (server/cache-refill.ts): what a core's own cache lost is reloaded from it at cacheRefill.refill, and what it lost too, by how many distinct threads ran on any core since, from memory at shared.refill. Not fitted by sim fit: set it from the hardware. Absent: one level."),
        })
        .superRefine((c, ctx) => {
          if (c.shared !== undefined && parseDuration(c.shared.refill) < parseDuration(c.refill)) {
            ctx.addIssue({ code: 'custom', path: ['shared', 'refill'], message: `expected a reload from memory at least as long as cacheRefill.refill (${c.refill}), found ${c.shared.refill}` });
          }
        })
        .optional()
        .describe('The cache refill of a thread that gets a core back, by how many other threads ran there since its last turn (server/cache-refill.ts): the switch cost that grows with the number of threads taking turns. Absent: none.'),
    })
    .optional()
    .describe('The Linux scheduler\'s settings (scheduling "cfs" or "eevdf"), named as the kernel names them; absent ones take the kernel\'s defaults.'),
  wait_timeout: serverDuration('s', 1, 31536000, 'wait_timeout')
    .optional()
    .describe('MySQL manual: the number of seconds the server waits for activity on a noninteractive connection before closing it. Seconds, or a duration. Absent: 28800, and idle connections are not checked unless workload.churn, reconnectStorms or kills are set.'),
  login: z
    .strictObject({
      cpu: Dist.default('250us').describe('Server CPU of one login (authentication, session setup): a distribution or a duration. Default "250us".'),
    })
    .optional()
    .describe('What a new connection costs the server (only with workload.churn, reconnectStorms, kills or wait_timeout). Absent: cpu "250us".'),
  /**
   * The kernel's CPU per statement on the network path (server/executor.ts networkUs): what a
   * profile of the server shows per statement in the network stack and in the thread handling's
   * wait for the client's next statement, which a thread pool changes (epoll re-arm) and one
   * thread per connection does not (poll on its own socket).
   */
  network: z
    .strictObject({
      request: Duration.default('0us').describe("Kernel CPU of each statement's network round trip on the server, in every thread handling: the receive (softirq, TCP), the reply's send, the wake-up of the thread that reads it: a duration. Default 0."),
      socketWait: Duration.default('0us').describe("One thread per connection only: CPU of each wait for the client's next statement, the thread's poll() on its own socket (vio_io_wait): a duration. Default 0."),
      rearm: Duration.default('0us').describe("Thread pool only: CPU of re-arming the connection's socket in its group's epoll after each statement (epoll_ctl with EPOLLONESHOT): a duration. Default 0."),
    })
    .optional()
    .describe("The kernel's CPU per statement on the network path, run on the server's cores by the statement's thread before its SQL layer, outside InnoDB and its latches: request in every thread handling, plus socketWait (one thread per connection) or rearm (pool). Measured by a profile's shares of the server's CPU per statement (docs/CALIBRATION.md). Absent: none."),
  /** Row locks, redo log and InnoDB admission (see Innodb); absent: all defaults. */
  innodb: Innodb.optional().describe('Row locks, redo log and InnoDB admission, named as in my.cnf; absent: all defaults.'),
  latches: Latches.optional().describe('InnoDB hot latches taken with spin-then-sleep (server/latch.ts): per statement class hold times, innodb_sync_spin_loops, innodb_spin_wait_delay. Absent: none (off).'),
}).superRefine((s, ctx) => {
  // The search's latch phase (5.5's lock_deadlock_occurs) assumes the requester is the only victim.
  if (s.innodb?.deadlockDetector === 'wait-chain' && s.latches?.deadlockSearch !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['latches', 'deadlockSearch'], message: 'expected no deadlockSearch with innodb.deadlockDetector "wait-chain" (the search\'s CPU is modelled for 5.5\'s graph search only), found one' });
  }
});

export type ServerSpec = z.output<typeof Server>;
export type InnodbSpec = z.output<typeof Innodb>;
export type ContentionSpec = z.output<typeof Contention>;
