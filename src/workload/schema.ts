import { z } from 'zod';
import { DURATION_HINT, DURATION_PATTERN, parseDuration } from '../engine/duration.js';
import { distributionProblems } from './dist-spec.js';
import { type DistSpec, Duration } from './schema/common.js';
import { Server } from './schema/server.js';
import { ThreadHandling } from './schema/thread-handling.js';
import { tagUnions } from './schema/json-schema.js';
import { Workload } from './schema/workload.js';

/** An expected value of one result metric (a dotted path into the result, e.g. latency.all.mean). */
export const Expectation = z.strictObject({
  metric: z.string().min(1).describe('A dotted path into the result, e.g. latency.all.mean or summary.tps.'),
  value: z.number().describe('The expected value, in the metric\'s unit (ms for latencies, per second for rates).'),
  tolerance: z.number().min(0).default(0).describe('Relative error allowed on top of the confidence band (e.g. 0.02 for an approximate formula). Default 0.'),
  source: z.string().optional().describe('Where the value comes from: formula and parameters.'),
});
export type ExpectationSpec = z.output<typeof Expectation>;

/**
 * The scenario file format, assembled from its parts in ./schema/ (one module per concern).
 * Durations are strings with units; every object is strict, so a misspelt key is an error
 * rather than a silently ignored setting. Thread pool settings use the servers' own variable
 * names and units, so values can be pasted from my.cnf.
 */
export * from './schema/common.js';
export * from './schema/server.js';
export * from './schema/thread-handling.js';
export * from './schema/mysql.js';
export * from './schema/workload.js';

export const Scenario = z.strictObject({
  $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors.'),
  name: z.string().min(1).describe('Scenario name: names the result file and heads the report.'),
  description: z.string().optional().describe('What the scenario models, printed under the report\'s heading.'),
  seed: z.number().int().min(0).max(2 ** 53 - 1).default(1).describe('Random seed: the same scenario and seed give byte-identical results. Default 1.'),
  duration: Duration.default('10s').describe('Simulated time including the warm-up: a duration. Default "10s".'),
  /** Simulated time excluded from statistics, or "auto": chosen by MSER-5 from a pilot run. */
  warmup: z
    .string({ error: `expected ${DURATION_HINT}` })
    .refine((v) => v === 'auto' || DURATION_PATTERN.test(v), { error: `expected ${DURATION_HINT}` })
    .describe(`Simulated time excluded from statistics: ${DURATION_HINT}, or "auto" (chosen by MSER-5 from a pilot run). Default "1s".`)
    .default('1s'),
  server: Server.default({ cores: 16, contention: { model: 'none' }, threadCreate: '50us', threadMemoryKiB: 1024 }).describe(
    'The modelled server: cores, contention, CPU scheduling, threads, InnoDB. Default 16 cores, no contention.',
  ),
  threadHandling: ThreadHandling.describe(
    'How connections get threads: {"mode": "one-thread-per-connection"} or {"mode": "pool", "flavor": "mysql" | "mariadb" | "percona", ...the server\'s thread_pool_* variables}.',
  ),
  workload: Workload.describe('What the server is asked to do: connections, clients, transactions and statements.'),
  calibration: z
    .strictObject({
      runs: z.string().describe('The measured runs file the fit read (its name).'),
      workload: z.string().optional().describe('The workload of those runs that was fitted.'),
      connections: z
        .strictObject({
          min: z.number().int().min(1).describe('Fewest client connections among the fitted points.'),
          max: z.number().int().min(1).describe('Most client connections among the fitted points.'),
        })
        .describe('The client counts the fit covered.'),
      unidentified: z.array(z.string()).optional().describe('Parameters the data could not pin down, kept at their starting values.'),
    })
    .optional()
    .describe("Where a fitted scenario's parameters come from (written by sim fit): the measured runs and the client counts they covered. sim run, sim sweep and sim predict warn when asked for more than 4x the most connections the fit saw."),
  replications: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .describe('Independent replications (derived seeds); statistics become means with 95% t intervals.'),
  expect: z.array(Expectation).optional().describe('Values the results should reproduce (exact theory, earlier measurements); see sim check.'),
  /**
   * A grid for `sim sweep`: scenario paths and their values, each a list, a range string
   * "start..end:step", or named variants ({"pool": {...}, "no-pool": {...}}). `--vary` adds
   * axes or replaces the same path. `sim run` ignores it.
   */
  sweep: z
    .strictObject({
      vary: z
        .record(z.string().min(1), z.union([z.array(z.unknown()).min(1), z.string(), z.record(z.string(), z.unknown())]))
        .describe('Scenario paths (e.g. threadHandling.thread_pool_size) and their values: a list, a range "start..end:step", or named variants.'),
    })
    .optional()
    .describe('A grid for sim sweep; --vary adds axes or replaces the same path. sim run ignores it.'),
}).superRefine((s, ctx) => {
  // Relations between values, which the per-field schema cannot express.
  if (s.warmup !== 'auto' && !(parseDuration(s.duration) > parseDuration(s.warmup))) {
    ctx.addIssue({
      code: 'custom',
      path: ['duration'],
      message: `expected a duration longer than the warm-up (${s.warmup}), found ${s.duration}`,
    });
  }
  const dists: Array<[DistSpec, Array<string | number>]> = [
    [s.workload.client.gap, ['workload', 'client', 'gap']],
    [s.workload.network.rtt, ['workload', 'network', 'rtt']],
  ];
  const client = s.workload.client;
  if (client.model === 'closed') dists.push([client.think, ['workload', 'client', 'think']]);
  if (client.model === 'open' && client.arrivals.process === 'renewal') {
    dists.push([client.arrivals.interarrival, ['workload', 'client', 'arrivals', 'interarrival']]);
  }
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
  const latches = s.server.latches;
  if (latches !== undefined) {
    const classes = new Set<string>();
    for (const t of s.workload.transactions) {
      if (t.type === 'explicit') classes.add('BEGIN').add('COMMIT');
      for (const st of t.statements) classes.add(st.name);
    }
    const search = latches.deadlockSearch;
    if (search !== undefined && !latches.latches.some((l) => l.name === search.latch)) {
      ctx.addIssue({ code: 'custom', path: ['server', 'latches', 'deadlockSearch', 'latch'], message: `expected the name of one of the scenario's latches (${latches.latches.map((l) => l.name).join(', ')}), found "${search.latch}"` });
    }
    latches.latches.forEach((l, i) => {
      for (const cls of Object.keys(l.holds)) {
        if (!classes.has(cls)) {
          ctx.addIssue({ code: 'custom', path: ['server', 'latches', 'latches', i, 'holds', cls], message: `expected a statement class of the workload (${[...classes].join(', ')}), found "${cls}"` });
        }
      }
    });
  }
});

export type ScenarioInput = z.input<typeof Scenario>;
export type ScenarioSpec = z.output<typeof Scenario>;

/** The JSON Schema that editors use to autocomplete scenario files. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Scenario, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...tagUnions(schema), title: 'tpsim scenario' };
}
