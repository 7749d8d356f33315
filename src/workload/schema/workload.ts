import { z } from 'zod';
import { Dist, Positive, Prob, WaitSpec } from './common.js';

/** Largest zipf key space: its sampler keeps the exact CDF (8 bytes per row). */
export const MAX_ZIPF_ROWS = 4_194_304;
/** Row locks one statement may take (ConnectionTable holds them per connection). */
export const MAX_LOCKS_PER_STATEMENT = 16;

/** Which rows statements lock: rank r (0 = hottest) is row r. One uniform per key drawn. */
export const KeyDistribution = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('uniform') }),
  /** P(rank r) proportional to 1 / (r+1)^theta. */
  z.strictObject({ kind: z.literal('zipf'), theta: z.number().positive().max(10) }),
  /** A share `probability` of accesses goes to the first `fraction` of the rows, the rest uniformly to the others. */
  z.strictObject({ kind: z.literal('hotspot'), fraction: z.number().positive().max(1), probability: Prob }),
]);

export const KeySpace = z
  .strictObject({
    rows: z.number().int().min(1).max(2 ** 31 - 1),
    distribution: KeyDistribution.default({ kind: 'uniform' }),
  })
  .superRefine((k, ctx) => {
    if (k.distribution.kind === 'zipf' && k.rows > MAX_ZIPF_ROWS) {
      ctx.addIssue({ code: 'custom', path: ['rows'], message: `expected at most ${MAX_ZIPF_ROWS} rows for a zipf key space, found ${k.rows}` });
    }
  });

/**
 * Row locks a statement takes when it starts, held until COMMIT / ROLLBACK (two-phase locking);
 * an autocommit statement releases them at its end. Exclusive locks mark the transaction as a
 * writer, whose COMMIT flushes the redo log (rows 0: a write that conflicts with nobody).
 */
export const LockSpec = z.strictObject({
  rows: z.number().int().min(0).max(MAX_LOCKS_PER_STATEMENT).default(1),
  mode: z.enum(['shared', 'exclusive']).default('exclusive'),
  /** A key of workload.tables; absent: workload.keySpace. */
  table: z.string().min(1).optional(),
});

/** Clients, transaction templates and statements: what the server is asked to do. */
export const StatementSpec = z.strictObject({
  name: z.string().min(1),
  count: z.number().int().min(1).default(1),
  /** CPU demand of one execution, as if it had a core to itself. */
  cpu: Dist,
  waits: z.array(WaitSpec).max(8).default([]),
  locks: LockSpec.optional(),
  /**
   * Server-level locks the session keeps across statements and transactions until released:
   * LOCK TABLES, FLUSH TABLES WITH READ LOCK, GET_LOCK() acquire (table lock, MDL, global read
   * lock, user-level lock); UNLOCK TABLES, RELEASE_LOCK() release. Only the thread pools read
   * them (Percona's connection_is_high_prio, P2): other sessions are not blocked by them here.
   */
  sessionLock: z.enum(['acquire', 'release']).optional(),
});

export const BoundarySpec = z.strictObject({ cpu: Dist, waits: z.array(WaitSpec).max(8).default([]) });

export const TransactionSpec = z.strictObject({
  name: z.string().min(1),
  weight: Positive.default(1),
  /** explicit: BEGIN; statements; COMMIT (statements after BEGIN see an active transaction). */
  type: z.enum(['explicit', 'autocommit']).default('explicit'),
  begin: BoundarySpec.default({ cpu: '6us', waits: [] }),
  commit: BoundarySpec.default({ cpu: '11us', waits: [] }),
  statements: z.array(StatementSpec).min(1),
});

export const ClosedClient = z.strictObject({
  model: z.literal('closed'),
  /** Client-side time between the end of one transaction and the start of the next. */
  think: Dist.default('0us'),
  /** Client-side time between statements of one transaction (application work). */
  gap: Dist.default('0us'),
  /**
   * The client's own CPU, a resource shared by all connections: each statement needs `cpu` of it
   * before it is sent, on `cores` cores shared as processor sharing. A benchmark's client that runs
   * hundreds of threads on a core or two is then a bottleneck, as in real measurements. Absent: the
   * client costs nothing beyond `gap` and the network round trip.
   */
  machine: z
    .strictObject({
      cores: z.number().int().min(1).max(4096),
      /** Client CPU per statement (preparing it and reading the reply). */
      cpu: Dist,
    })
    .optional(),
});

/** How open-loop transactions arrive: a rate per second (Poisson or evenly spaced) or any interarrival law. */
export const Arrivals = z.discriminatedUnion('process', [
  z.strictObject({ process: z.literal('poisson'), rate: Positive }),
  z.strictObject({ process: z.literal('deterministic'), rate: Positive }),
  z.strictObject({ process: z.literal('renewal'), interarrival: Dist }),
]);

/**
 * Open-loop clients: transactions arrive by themselves, whatever the server does, and each takes
 * an idle connection of the pool (`connections`), waiting in a FIFO backlog while none is idle.
 */
export const OpenClient = z.strictObject({
  model: z.literal('open'),
  arrivals: Arrivals,
  /** Client-side time between statements of one transaction (application work). */
  gap: Dist.default('0us'),
  /**
   * Idle connections already hold an open transaction that has used InnoDB: an arriving explicit
   * transaction starts with its first statement after BEGIN (which the pools queue as high
   * priority); the BEGIN itself is not simulated.
   */
  idleInTransaction: z.boolean().default(false),
  /** Backlog length taken as proof of overload: the run stops and is reported unstable. */
  maxBacklog: z.number().int().min(1).max(10_000_000).default(100_000),
});

export const Workload = z.strictObject({
  connections: z.number().int().min(1).max(1_000_000),
  client: z.discriminatedUnion('model', [ClosedClient, OpenClient]).default({ model: 'closed', think: '0us', gap: '0us' }),
  network: z.strictObject({ rtt: Dist.default('30us') }).default({ rtt: '30us' }),
  transactions: z.array(TransactionSpec).min(1),
  /** Rows that statements' `locks` without a `table` are drawn from. */
  keySpace: KeySpace.optional(),
  /** Key spaces by table name, for `locks.table`. */
  tables: z.record(z.string().min(1), KeySpace).optional(),
}).superRefine((w, ctx) => {
  // Every lock spec must name a key space that exists.
  w.transactions.forEach((t, i) => {
    t.statements.forEach((st, j) => {
      const l = st.locks;
      if (l === undefined) return;
      const path = ['transactions', i, 'statements', j, 'locks'];
      if (l.table === undefined && w.keySpace === undefined) {
        ctx.addIssue({ code: 'custom', path, message: 'expected workload.keySpace (or a locks.table naming an entry of workload.tables) for a statement with locks' });
      }
      if (l.table !== undefined && w.tables?.[l.table] === undefined) {
        ctx.addIssue({ code: 'custom', path: [...path, 'table'], message: `expected a table of workload.tables, found "${l.table}"` });
      }
    });
  });
});

export type WorkloadSpec = z.output<typeof Workload>;
export type TransactionSpecT = z.output<typeof TransactionSpec>;
export type StatementSpecT = z.output<typeof StatementSpec>;
export type KeySpaceSpec = z.output<typeof KeySpace>;
export type LockSpecT = z.output<typeof LockSpec>;
export type OpenClientSpec = z.output<typeof OpenClient>;
export type ArrivalsSpec = z.output<typeof Arrivals>;
