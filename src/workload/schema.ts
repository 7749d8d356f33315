import { z } from 'zod';
import { DURATION_HINT, DURATION_PATTERN, parseDuration } from '../engine/duration.js';
import { distributionProblems } from './dist-spec.js';

/**
 * The scenario file format. Durations are strings with units; every object is strict, so a
 * misspelt key is an error rather than a silently ignored setting. Thread pool settings use the
 * servers' own variable names and units, so values can be pasted from my.cnf.
 */

export const Duration = z
  .string({ error: `expected ${DURATION_HINT}` })
  .regex(DURATION_PATTERN, { error: `expected ${DURATION_HINT}` })
  .describe(DURATION_HINT);

const Prob = z.number().min(0).max(1);
const Positive = z.number().positive();

export type DistSpec =
  | string
  | { dist: 'constant'; value: string }
  | { dist: 'exponential'; mean: string }
  | { dist: 'uniform'; min: string; max: string }
  | { dist: 'normal'; mean: string; sd: string }
  | { dist: 'lognormal'; mean: string; cv: number }
  | { dist: 'lognormal'; p50: string; p99: string }
  | { dist: 'gamma'; mean: string; cv: number }
  | { dist: 'pareto'; min: string; alpha: number }
  | { dist: 'empirical'; quantiles: Array<[number, string]> }
  | { dist: 'mixture'; components: Array<{ weight: number; value: DistSpec }> };

export const Dist: z.ZodType<DistSpec> = z.lazy(() =>
  z.union(
    [
      Duration,
      z.strictObject({ dist: z.literal('constant'), value: Duration }),
      z.strictObject({ dist: z.literal('exponential'), mean: Duration }),
      z.strictObject({ dist: z.literal('uniform'), min: Duration, max: Duration }),
      z.strictObject({ dist: z.literal('normal'), mean: Duration, sd: Duration }),
      z.strictObject({ dist: z.literal('lognormal'), mean: Duration, cv: Positive }),
      z.strictObject({ dist: z.literal('lognormal'), p50: Duration, p99: Duration }),
      z.strictObject({ dist: z.literal('gamma'), mean: Duration, cv: Positive }),
      z.strictObject({ dist: z.literal('pareto'), min: Duration, alpha: Positive }),
      z.strictObject({
        dist: z.literal('empirical'),
        quantiles: z.array(z.tuple([Prob, Duration])).min(2),
      }),
      z.strictObject({
        dist: z.literal('mixture'),
        components: z.array(z.strictObject({ weight: Positive, value: Dist })).min(1),
      }),
    ],
    {
      error:
        'expected a distribution: a duration string (constant) or an object such as ' +
        '{"dist":"exponential","mean":"1ms"} or {"dist":"lognormal","mean":"1ms","cv":0.5}',
    },
  ),
);

export const WAIT_TYPES = [
  'diskio',
  'row_lock',
  'group_commit',
  'fsync',
  'sleep',
  'net',
  'other',
] as const;
export type WaitType = (typeof WAIT_TYPES)[number];

export const WaitSpec = z.strictObject({
  type: z.enum(WAIT_TYPES).default('diskio'),
  /** Chance that one execution of the statement performs this wait. */
  probability: Prob.default(1),
  latency: Dist,
  /** False for waits the server does not report to the pool (page faults, mutexes). */
  reported: z.boolean().default(true),
});

export const StatementSpec = z.strictObject({
  name: z.string().min(1),
  count: z.number().int().min(1).default(1),
  /** CPU demand of one execution, as if it had a core to itself. */
  cpu: Dist,
  waits: z.array(WaitSpec).max(8).default([]),
});

const BoundarySpec = z.strictObject({ cpu: Dist, waits: z.array(WaitSpec).max(8).default([]) });

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
});

export const Workload = z.strictObject({
  connections: z.number().int().min(1).max(1_000_000),
  client: ClosedClient.default({ model: 'closed', think: '0us', gap: '0us' }),
  network: z.strictObject({ rtt: Dist.default('30us') }).default({ rtt: '30us' }),
  transactions: z.array(TransactionSpec).min(1),
});

export const Contention = z.discriminatedUnion('model', [
  z.strictObject({ model: z.literal('none') }),
  /** Trub et al.: with n > cores runnable threads each progresses at cores/n - cost. */
  z.strictObject({ model: z.literal('switch'), cost: z.number().min(0).max(1) }),
  /** Universal Scalability Law: capacity divided by 1 + sigma(n-1) + kappa n(n-1). */
  z.strictObject({ model: z.literal('usl'), sigma: z.number().min(0), kappa: z.number().min(0) }),
]);

export const Server = z.strictObject({
  cores: z.number().int().min(1).max(4096).default(16),
  contention: Contention.default({ model: 'none' }),
  /** Time from a decision to create a thread until it runs. */
  threadCreate: Duration.default('50us'),
  /** Stack (and other per-thread) memory, for the peak-memory figure. */
  threadMemoryKiB: z.number().min(0).default(1024),
});

export const OneThreadPerConnection = z.strictObject({
  mode: z.literal('one-thread-per-connection'),
});

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

export const ThreadHandling = z.discriminatedUnion('mode', [OneThreadPerConnection, MysqlPool]);

export const Scenario = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  seed: z.number().int().min(0).max(2 ** 53 - 1).default(1),
  duration: Duration.default('10s'),
  warmup: Duration.default('1s'),
  server: Server.default({ cores: 16, contention: { model: 'none' }, threadCreate: '50us', threadMemoryKiB: 1024 }),
  threadHandling: ThreadHandling,
  workload: Workload,
}).superRefine((s, ctx) => {
  // Relations between values, which the per-field schema cannot express.
  if (!(parseDuration(s.duration) > parseDuration(s.warmup))) {
    ctx.addIssue({
      code: 'custom',
      path: ['duration'],
      message: `expected a duration longer than the warm-up (${s.warmup}), found ${s.duration}`,
    });
  }
  const dists: Array<[DistSpec, Array<string | number>]> = [
    [s.workload.client.think, ['workload', 'client', 'think']],
    [s.workload.client.gap, ['workload', 'client', 'gap']],
    [s.workload.network.rtt, ['workload', 'network', 'rtt']],
  ];
  s.workload.transactions.forEach((t, i) => {
    const base = ['workload', 'transactions', i];
    dists.push([t.begin.cpu, [...base, 'begin', 'cpu']], [t.commit.cpu, [...base, 'commit', 'cpu']]);
    t.begin.waits.forEach((w, k) => dists.push([w.latency, [...base, 'begin', 'waits', k, 'latency']]));
    t.commit.waits.forEach((w, k) => dists.push([w.latency, [...base, 'commit', 'waits', k, 'latency']]));
    t.statements.forEach((st, j) => {
      dists.push([st.cpu, [...base, 'statements', j, 'cpu']]);
      st.waits.forEach((w, k) => dists.push([w.latency, [...base, 'statements', j, 'waits', k, 'latency']]));
    });
  });
  for (const [d, path] of dists) {
    for (const [, message] of distributionProblems(d, '')) ctx.addIssue({ code: 'custom', path, message });
  }
});

export type ScenarioInput = z.input<typeof Scenario>;
export type ScenarioSpec = z.output<typeof Scenario>;
export type ServerSpec = z.output<typeof Server>;
export type ContentionSpec = z.output<typeof Contention>;
export type ThreadHandlingSpec = z.output<typeof ThreadHandling>;
export type MysqlPoolSpec = z.output<typeof MysqlPool>;
export type WorkloadSpec = z.output<typeof Workload>;
export type TransactionSpecT = z.output<typeof TransactionSpec>;
export type StatementSpecT = z.output<typeof StatementSpec>;
export type WaitSpecT = z.output<typeof WaitSpec>;

/** The JSON Schema that editors use to autocomplete scenario files. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Scenario, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'tpsim scenario' };
}
