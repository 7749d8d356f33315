import { z } from 'zod';
import { distributionProblems } from '../dist-spec.js';
import { Dist, Duration } from './common.js';

/** The modelled server: cores, contention, threads. */
export const Contention = z.discriminatedUnion('model', [
  z.strictObject({ model: z.literal('none') }),
  /** Trub et al.: with n > cores runnable threads each progresses at cores/n - cost. */
  z.strictObject({ model: z.literal('switch'), cost: z.number().min(0).max(1) }),
  /** Universal Scalability Law: capacity divided by 1 + sigma(n-1) + kappa n(n-1). */
  z.strictObject({ model: z.literal('usl'), sigma: z.number().min(0), kappa: z.number().min(0) }),
]);

/**
 * InnoDB settings that decide the server's own waits (src/server/locks.ts, redo-log.ts,
 * admission.ts), named as in my.cnf. All are inert for a workload without `locks` on its
 * statements, except innodb_thread_concurrency.
 */
export const Innodb = z.strictObject({
  /** Seconds a row-lock wait lasts before the statement fails (fractions allowed; MySQL takes whole seconds). */
  innodb_lock_wait_timeout: z.number().positive().max(1073741824).default(50),
  /** Wait-for-graph deadlock detection when a lock wait begins; off: only the timeout breaks deadlocks. */
  innodb_deadlock_detect: z.boolean().default(true),
  /** 1: write and fsync the redo log at COMMIT (group commit); 0 / 2: a background flush each second. */
  innodb_flush_log_at_trx_commit: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
  /** Time of one redo-log fsync (the flush that commits waiting in a group share). */
  logFsync: Dist.default('500us'),
  /** CPU time of COMMIT's write of the redo log to the OS cache (modes 1 and 2). */
  logWrite: Duration.default('2us'),
  /** Threads allowed inside InnoDB at once; 0: no limit (the default). */
  innodb_thread_concurrency: z.number().int().min(0).max(1000).default(0),
  /** Row operations a thread may do after entering before it must queue again. */
  innodb_concurrency_tickets: z.number().int().min(1).max(4294967295).default(5000),
}).superRefine((s, ctx) => {
  for (const [, message] of distributionProblems(s.logFsync, '')) ctx.addIssue({ code: 'custom', path: ['logFsync'], message });
});

export const Server = z.strictObject({
  cores: z.number().int().min(1).max(4096).default(16),
  contention: Contention.default({ model: 'none' }),
  /** Time from a decision to create a thread until it runs. */
  threadCreate: Duration.default('50us'),
  /** Stack (and other per-thread) memory, for the peak-memory figure. */
  threadMemoryKiB: z.number().min(0).default(1024),
  /**
   * CPU scheduling of runnable threads: "ps" (processor sharing, the default), "fifo" (each core
   * runs one thread until its burst ends, the others wait in arrival order; contention not
   * applied), or the Linux scheduler: "cfs" (CFS, kernels up to 6.5; src/server/cfs-cpu.ts) or
   * "eevdf" (EEVDF, kernels 6.6 and later; src/server/eevdf-cpu.ts). Under both, a thread that
   * does not block keeps its core for a slice, a woken thread may preempt the running one.
   */
  scheduling: z.enum(['ps', 'fifo', 'cfs', 'eevdf']).optional(),
  /**
   * The Linux scheduler's settings (scheduling "cfs" or "eevdf"), named as the kernel names
   * them; absent ones take the kernel's defaults for `cpus` online CPUs (default: cores), scaled
   * by 1 + log2(min(cpus, 8)): sched_latency 6 ms, sched_min_granularity 0.75 ms,
   * sched_wakeup_granularity 1 ms (CFS), sched_base_slice 0.75 ms (EEVDF); CONFIG_HZ 250.
   */
  linux: z
    .strictObject({
      cpus: z.number().int().min(1).max(4096).optional(),
      hz: z.number().int().min(10).max(10000).optional(),
      sched_latency: Duration.optional(),
      sched_min_granularity: Duration.optional(),
      sched_wakeup_granularity: Duration.optional(),
      sched_base_slice: Duration.optional(),
      /**
       * CPU time lost per context switch (a core taking another thread than its last one: the
       * switch, cache and TLB refill), charged to the incoming thread; default 0.
       */
      contextSwitch: Duration.optional(),
      /**
       * The cache refill of a thread that gets a core back, by how many other threads ran there
       * since its last turn (server/cache-refill.ts): the switch cost that grows with the number of
       * threads taking turns. Absent: none.
       */
      cacheRefill: z
        .strictObject({
          /** Time to reload a thread's whole working set into the core's cache. */
          refill: Duration,
          /** How many threads' working sets the core's cache holds at once. */
          capacity: z.number().positive().max(1e6),
          /** Ways per cache set (LRU within a set); 8 as the L2 of current x86 cores. */
          associativity: z.number().int().min(1).max(64).default(8),
        })
        .optional(),
    })
    .optional(),
  /** Row locks, redo log and InnoDB admission (see Innodb); absent: all defaults. */
  innodb: Innodb.optional(),
});

export type ServerSpec = z.output<typeof Server>;
export type InnodbSpec = z.output<typeof Innodb>;
export type ContentionSpec = z.output<typeof Contention>;
