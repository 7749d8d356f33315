import { z } from 'zod';
import { parseDuration } from '../engine/duration.js';
import { distributionProblems } from './dist-spec.js';
import { type DistSpec, Duration } from './schema/common.js';
import { Server } from './schema/server.js';
import { ThreadHandling } from './schema/thread-handling.js';
import { Workload } from './schema/workload.js';

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

/** The JSON Schema that editors use to autocomplete scenario files. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Scenario, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'tpsim scenario' };
}
