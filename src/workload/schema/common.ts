import { z } from 'zod';
import { DURATION_HINT, DURATION_PATTERN } from '../../engine/duration.js';

/**
 * The scenario file format. Durations are strings with units; every object is strict, so a
 * misspelt key is an error rather than a silently ignored setting. Thread pool settings use the
 * servers' own variable names and units, so values can be pasted from my.cnf.
 */

export const Duration = z
  .string({ error: `expected ${DURATION_HINT}` })
  .regex(DURATION_PATTERN, { error: `expected ${DURATION_HINT}` })
  .describe(DURATION_HINT);

export const Prob = z.number().min(0).max(1);
export const Positive = z.number().positive();

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

export type WaitSpecT = z.output<typeof WaitSpec>;
