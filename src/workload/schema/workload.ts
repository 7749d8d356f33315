import { z } from 'zod';
import { Dist, Duration, Positive, Prob, WaitSpec } from './common.js';

/** Largest zipf key space: its sampler keeps the exact CDF (8 bytes per row). */
export const MAX_ZIPF_ROWS = 4_194_304;
/** Row locks one statement may take (ConnectionTable holds them per connection). */
export const MAX_LOCKS_PER_STATEMENT = 16;

/** Which rows statements lock: rank r (0 = hottest) is row r. One uniform per key drawn. */
export const KeyDistribution = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('uniform').describe('Every row equally likely.') }),
  z.strictObject({
    kind: z.literal('zipf').describe('P(rank r) proportional to 1 / (r+1)^theta.'),
    theta: z.number().positive().max(10).describe('Zipf exponent (> 0, at most 10); sysbench\'s default is 0.8.'),
  }),
  z.strictObject({
    kind: z.literal('hotspot').describe('A share "probability" of accesses goes to the first "fraction" of the rows, the rest uniformly to the others.'),
    fraction: z.number().positive().max(1).describe('Share of the rows that are hot (0 to 1).'),
    probability: Prob.describe('Share of the accesses that go to the hot rows (0 to 1).'),
  }),
  z.strictObject({
    kind: z
      .literal('sysbench-special')
      .describe(
        "sysbench's default law (--rand-type=special, sysbench 1.0's sb_rand_special) for ids 1 to rows / tables on each of `tables` tables chosen uniformly, as its oltp scripts draw them: res% of the draws on about pct% of the ids around the middle, the rest on a bell around the middle (a sum of iter uniforms).",
      ),
    tables: z.number().int().min(1).max(1024).default(1).describe('Tables the rows are split over evenly (sysbench --tables). Default 1.'),
    pct: z.number().positive().max(100).default(1).describe('sysbench --rand-spec-pct: the percent of the id range the special values fall in. Default 1.'),
    res: z.number().min(0).max(99).default(75).describe('sysbench --rand-spec-res: the percent of draws that are special values. Default 75.'),
    iter: z.number().int().min(1).max(64).default(12).describe('sysbench --rand-spec-iter: uniforms summed for the other draws. Default 12.'),
  }),
]);

export const KeySpace = z
  .strictObject({
    rows: z.number().int().min(1).max(2 ** 31 - 1).describe('Rows in the table (keys 0 to rows - 1).'),
    distribution: KeyDistribution.default({ kind: 'uniform' }).describe('Which rows are drawn: "uniform", "zipf", "hotspot" or "sysbench-special" (by "kind"). Default uniform.'),
  })
  .superRefine((k, ctx) => {
    if (k.distribution.kind === 'zipf' && k.rows > MAX_ZIPF_ROWS) {
      ctx.addIssue({ code: 'custom', path: ['rows'], message: `expected at most ${MAX_ZIPF_ROWS} rows for a zipf key space, found ${k.rows}` });
    }
    if (k.distribution.kind === 'sysbench-special') {
      const { tables } = k.distribution;
      if (k.rows % tables !== 0) {
        ctx.addIssue({ code: 'custom', path: ['rows'], message: `expected rows divisible by distribution.tables (${tables}), found ${k.rows}` });
      } else if (k.rows / tables > MAX_ZIPF_ROWS) {
        ctx.addIssue({ code: 'custom', path: ['rows'], message: `expected at most ${MAX_ZIPF_ROWS} rows per table for a sysbench-special key space, found ${k.rows / tables}` });
      }
    }
  });

/**
 * Row locks a statement takes when it starts, held until COMMIT / ROLLBACK (two-phase locking);
 * an autocommit statement releases them at its end. Exclusive locks mark the transaction as a
 * writer, whose COMMIT flushes the redo log (rows 0: a write that conflicts with nobody).
 */
export const LockSpec = z.strictObject({
  rows: z.number().int().min(0).max(MAX_LOCKS_PER_STATEMENT).default(1).describe(`Rows the statement locks (0 to ${MAX_LOCKS_PER_STATEMENT}). Default 1.`),
  mode: z.enum(['shared', 'exclusive']).default('exclusive').describe('"shared" (SELECT ... FOR SHARE) or "exclusive" (UPDATE, SELECT ... FOR UPDATE); exclusive marks the transaction a writer. Default "exclusive".'),
  table: z.string().min(1).optional().describe('A key of workload.tables; absent: workload.keySpace.'),
});

/** Clients, transaction templates and statements: what the server is asked to do. */
export const StatementSpec = z.strictObject({
  name: z.string().min(1).describe('Statement class name, as the report shows it.'),
  count: z.number().int().min(1).default(1).describe('Executions of this statement in each transaction. Default 1.'),
  cpu: Dist.describe('CPU demand of one execution, as if it had a core to itself: a distribution or a duration.'),
  waits: z.array(WaitSpec).max(8).default([]).describe('Waits during one execution (disk reads, lock waits, ...), at most 8. Default none.'),
  locks: LockSpec.optional().describe('Row locks taken when the statement starts, held until COMMIT / ROLLBACK.'),
  sessionLock: z
    .enum(['acquire', 'release'])
    .optional()
    .describe('Server-level locks the session keeps across statements and transactions until released: "acquire" (LOCK TABLES, FLUSH TABLES WITH READ LOCK, GET_LOCK) or "release" (UNLOCK TABLES, RELEASE_LOCK). Only the thread pools read them (Percona\'s connection_is_high_prio, P2); other sessions are not blocked by them.'),
});

export const BoundarySpec = z.strictObject({
  cpu: Dist.describe('CPU demand of the BEGIN or COMMIT statement: a distribution or a duration.'),
  waits: z.array(WaitSpec).max(8).default([]).describe('Waits of the BEGIN or COMMIT statement, at most 8. Default none.'),
});

export const TransactionSpec = z.strictObject({
  name: z.string().min(1).describe('Transaction type name, as the report shows it.'),
  weight: Positive.default(1).describe('Relative frequency of this transaction type among all (> 0). Default 1.'),
  type: z
    .enum(['explicit', 'autocommit'])
    .default('explicit')
    .describe('"explicit": BEGIN; statements; COMMIT (statements after BEGIN see an active transaction); "autocommit": each statement is its own transaction. Default "explicit".'),
  begin: BoundarySpec.default({ cpu: '6us', waits: [] }).describe('The BEGIN statement (explicit transactions). Default cpu "6us".'),
  commit: BoundarySpec.default({ cpu: '11us', waits: [] }).describe('The COMMIT statement (explicit transactions). Default cpu "11us".'),
  statements: z.array(StatementSpec).min(1).describe('The statements, in order (at least one).'),
  cpuPriority: z
    .number()
    .int()
    .min(0)
    .max(15)
    .optional()
    .describe('Priority level (integer 0 to 15) of the CPU bursts of this transaction type\'s statements under server.scheduling "priority": a free core serves the highest level first. Ignored by the other schedulings. Default 0.'),
  gap: Dist.optional().describe('Client-side time between this type\'s statements, instead of workload.client.gap (e.g. a session that stays idle in its open transaction): a distribution or a duration. Absent: the client\'s gap.'),
  connections: z
    .strictObject({
      first: z.number().int().min(0).default(0).describe('Index of the first connection that runs this type (0-based). Default 0.'),
      count: z.number().int().min(1).optional().describe('How many connections run it: first, first + stride, ...; absent: all up to the last connection.'),
      stride: z.number().int().min(1).default(1).describe('Step between those connections\' indices. Default 1.'),
    })
    .optional()
    .describe('Only these connections draw this type (closed-loop clients): a skewed per-connection load, such as one application server in four running reports, or one session holding a lock. Each connection draws among the types it may run, by weight. Absent: every connection.'),
});

export const ClosedClient = z.strictObject({
  model: z.literal('closed').describe('Closed loop: each connection sends its next transaction when the last one ended (as sysbench does).'),
  think: Dist.default('0us').describe('Client-side time between the end of one transaction and the start of the next: a distribution or a duration. Default "0us".'),
  gap: Dist.default('0us').describe('Client-side time between statements of one transaction (application work): a distribution or a duration. Default "0us".'),
  machine: z
    .strictObject({
      cores: z.number().int().min(1).max(4096).describe("The client machine's cores."),
      cpu: Dist.describe('Client CPU per statement (preparing it and reading the reply): a distribution or a duration.'),
    })
    .optional()
    .describe("The client's own CPU, shared by all connections: each statement needs cpu of it before it is sent, on cores cores shared as processor sharing, so a benchmark client running hundreds of threads on a core can be the bottleneck. Absent: the client costs nothing beyond gap and the network round trip."),
});

/** How open-loop transactions arrive: a rate per second (Poisson or evenly spaced) or any interarrival law. */
export const Arrivals = z.discriminatedUnion('process', [
  z.strictObject({
    process: z.literal('poisson').describe('Poisson arrivals: exponential interarrival times.'),
    rate: Positive.describe('Transactions per second (> 0).'),
  }),
  z.strictObject({
    process: z.literal('deterministic').describe('Evenly spaced arrivals.'),
    rate: Positive.describe('Transactions per second (> 0).'),
  }),
  z.strictObject({
    process: z.literal('renewal').describe('Independent interarrival times from any distribution.'),
    interarrival: Dist.describe('Time between arrivals: a distribution or a duration.'),
  }),
]);

/**
 * Open-loop clients: transactions arrive by themselves, whatever the server does, and each takes
 * an idle connection of the pool (`connections`), waiting in a FIFO backlog while none is idle.
 */
export const OpenClient = z.strictObject({
  model: z.literal('open').describe('Open loop: transactions arrive by themselves and take an idle connection.'),
  arrivals: Arrivals.describe('How transactions arrive: "poisson", "deterministic" or "renewal" (by "process").'),
  gap: Dist.default('0us').describe('Client-side time between statements of one transaction (application work): a distribution or a duration. Default "0us".'),
  /**
   * Idle connections already hold an open transaction that has used InnoDB: an arriving explicit
   * transaction starts with its first statement after BEGIN (which the pools queue as high
   * priority); the BEGIN itself is not simulated.
   */
  idleInTransaction: z
    .boolean()
    .default(false)
    .describe('Idle connections already hold an open transaction: an explicit transaction starts with its first statement after BEGIN (queued as high priority). Default false.'),
  maxBacklog: z
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .default(100_000)
    .describe('Backlog length taken as proof of overload: the run stops and is reported unstable. Default 100000.'),
});

/**
 * Connections that open and close (off by default: connections stay open for the whole run). A
 * connection past its lifetime (or its number of transactions) closes before its next
 * transaction and reconnects; every new connection logs in (server.login), by the thread
 * handling's own rule.
 */
export const Churn = z
  .strictObject({
    lifetime: Dist.optional().describe('How long a connection lives from its login: a distribution or a duration; it closes before the first transaction that would start later. Absent: no time limit.'),
    transactions: z.number().int().min(1).max(1e9).optional().describe('Transactions per connection (sysbench --reconnect): it closes after this many and reconnects. Absent: no limit.'),
    reconnectDelay: Dist.default('0us').describe('Time from closing a connection to opening the next one: a distribution or a duration. Default "0us".'),
  })
  .refine((c) => c.lifetime !== undefined || c.transactions !== undefined, { error: 'expected "lifetime" or "transactions" (or both)' });

/** A reconnect storm: connections drop at once and all log in again (a failover). */
export const Storm = z.strictObject({
  at: Duration.describe('When the connections drop: a duration from the start of the run.'),
  connections: z.number().int().min(1).max(1_000_000).describe('How many connections drop (the first ones, by index); each reconnects at once. A connection whose statement is running drops when it ends.'),
  spread: Duration.default('0us').describe('Reconnects spread evenly over this time (connection i at at + spread * i / connections): a duration. Default "0us" (all at once).'),
});

/** A KILL issued by an administrator (its own cost is not simulated). */
export const Kill = z.strictObject({
  at: Duration.describe('When the (first) KILL is issued: a duration from the start of the run.'),
  every: Duration.optional().describe('Repeat every this long: a duration. Absent: once.'),
  times: z.number().int().min(1).max(1e9).default(1).describe('How many KILLs in all (with "every"). Default 1.'),
  target: z
    .union([z.literal('longest-running'), z.string().regex(/^connection [0-9]+$/, { error: 'expected "longest-running" or "connection N" (N a connection index)' })])
    .describe('"longest-running": the connection whose running statement started first (SHOW PROCESSLIST\'s largest Time); "connection N": connection index N.'),
  what: z.enum(['query', 'connection']).describe('"query": KILL QUERY (the running statement fails, the transaction is retried); "connection": KILL CONNECTION (closed; the client reconnects and retries).'),
});

export const Workload = z.strictObject({
  connections: z.number().int().min(1).max(1_000_000).describe('Client connections (sysbench --threads), 1 to 1000000.'),
  client: z
    .discriminatedUnion('model', [ClosedClient, OpenClient])
    .default({ model: 'closed', think: '0us', gap: '0us' })
    .describe('How clients send work: "closed" (the default) or "open" (by "model").'),
  network: z
    .strictObject({ rtt: Dist.default('30us').describe('Client-server round trip per statement: a distribution or a duration. Default "30us".') })
    .default({ rtt: '30us' })
    .describe('The network between clients and server.'),
  transactions: z.array(TransactionSpec).min(1).describe('Transaction types, drawn by weight (at least one).'),
  keySpace: KeySpace.optional().describe('Rows that statements\' locks without a table are drawn from.'),
  tables: z.record(z.string().min(1), KeySpace).optional().describe('Key spaces by table name, for locks.table.'),
  churn: Churn.optional().describe('Connections that close and reconnect (lifetime or transactions per connection); each new connection logs in. Absent: connections stay open.'),
  reconnectStorms: z.array(Storm).max(100).optional().describe('Times at which many connections drop and reconnect at once (a failover), at most 100.'),
  kills: z.array(Kill).max(1000).optional().describe('KILL QUERY / KILL CONNECTION at set times, at most 1000 entries.'),
}).superRefine((w, ctx) => {
  // Every lock spec must name a key space that exists.
  // Per-connection types: closed loop only, and every connection must have one to draw.
  if (w.transactions.some((t) => t.connections !== undefined)) {
    if (w.client.model !== 'closed') {
      const i = w.transactions.findIndex((t) => t.connections !== undefined);
      ctx.addIssue({ code: 'custom', path: ['transactions', i, 'connections'], message: 'expected no "connections" with open-loop clients (an arriving transaction takes any idle connection)' });
    } else {
      const none = firstConnectionWithoutType(w.connections, w.transactions.map((t) => t.connections));
      if (none >= 0) ctx.addIssue({ code: 'custom', path: ['transactions'], message: `expected a transaction type for every connection, found none that connection ${none} may run` });
    }
  }
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

/** A transaction type's connection set (TransactionSpec.connections). */
export interface ConnectionSet {
  first: number;
  count?: number;
  stride: number;
}

/** Whether connection `c` may run a type with this connection set (undefined: all). */
export function runsType(set: ConnectionSet | undefined, c: number): boolean {
  if (set === undefined) return true;
  if (c < set.first || (c - set.first) % set.stride !== 0) return false;
  return set.count === undefined || (c - set.first) / set.stride < set.count;
}

/** The first connection no type may run, or -1. */
export function firstConnectionWithoutType(connections: number, sets: Array<ConnectionSet | undefined>): number {
  if (sets.some((s) => s === undefined)) return -1;
  for (let c = 0; c < connections; c++) if (!sets.some((s) => runsType(s, c))) return c;
  return -1;
}

export type WorkloadSpec = z.output<typeof Workload>;
export type TransactionSpecT = z.output<typeof TransactionSpec>;
export type StatementSpecT = z.output<typeof StatementSpec>;
export type KeySpaceSpec = z.output<typeof KeySpace>;
export type LockSpecT = z.output<typeof LockSpec>;
export type OpenClientSpec = z.output<typeof OpenClient>;
export type ArrivalsSpec = z.output<typeof Arrivals>;
export type ChurnSpec = z.output<typeof Churn>;
export type StormSpec = z.output<typeof Storm>;
export type KillSpec = z.output<typeof Kill>;
