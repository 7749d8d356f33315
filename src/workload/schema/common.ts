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

const DIST_HINT =
  'expected a distribution: a duration string (constant) or an object such as ' +
  '{"dist":"exponential","mean":"1ms"} or {"dist":"lognormal","mean":"1ms","cv":0.5}';

const Mean = Duration.describe(`Mean time: ${DURATION_HINT}.`);
const Cv = Positive.describe('Coefficient of variation: standard deviation / mean (1 for an exponential).');

/**
 * Two ways to give a lognormal under one tag: mean and cv, or p50 and p99. One object with a
 * refinement rather than two branches, so that "dist" tells every kind apart.
 */
const Lognormal = z
  .strictObject({
    dist: z.literal('lognormal').describe('Lognormal: give mean and cv, or p50 and p99.'),
    mean: Mean.optional(),
    cv: Cv.optional(),
    p50: Duration.describe(`Median (50th percentile), with p99: ${DURATION_HINT}.`).optional(),
    p99: Duration.describe(`99th percentile (> p50), with p50: ${DURATION_HINT}.`).optional(),
  })
  .superRefine((d, ctx) => {
    const byMoments = d.mean !== undefined || d.cv !== undefined;
    const byQuantiles = d.p50 !== undefined || d.p99 !== undefined;
    const need = (key: string, other: string): void =>
      ctx.addIssue({ code: 'custom', path: [key], message: `required key is missing (expected ${other === 'cv' || other === 'mean' ? 'a number' : 'a duration'} with "${other}")` });
    if (byMoments && byQuantiles) {
      ctx.addIssue({ code: 'custom', path: [], message: 'expected either "mean" and "cv" or "p50" and "p99", found both' });
    } else if (byMoments) {
      if (d.mean === undefined) need('mean', 'cv');
      if (d.cv === undefined) need('cv', 'mean');
    } else if (byQuantiles) {
      if (d.p50 === undefined) need('p50', 'p99');
      if (d.p99 === undefined) need('p99', 'p50');
    } else {
      ctx.addIssue({ code: 'custom', path: [], message: 'expected "mean" and "cv", or "p50" and "p99", for a lognormal' });
    }
  })
  .meta({
    // The same rule for editors: each key needs its partner, and one pair must be there.
    dependentRequired: { mean: ['cv'], cv: ['mean'], p50: ['p99'], p99: ['p50'] },
    anyOf: [{ required: ['mean'] }, { required: ['p50'] }],
  });

/** A mixture's component: the whole Dist again (recursive, hence lazy). */
const Component = z.lazy(() => Dist).describe('The component: a distribution.');

/** The object forms, told apart by "dist" (a discriminated union: a mistake is reported against the kind it names). */
const DistObject = z.discriminatedUnion(
  'dist',
  [
    z.strictObject({ dist: z.literal('constant').describe('Always the same time.'), value: Duration.describe(`The time: ${DURATION_HINT}.`) }),
    z.strictObject({ dist: z.literal('exponential').describe('Exponential (memoryless; cv 1).'), mean: Mean }),
    z.strictObject({
      dist: z.literal('uniform').describe('Uniform between min and max.'),
      min: Duration.describe(`Shortest time: ${DURATION_HINT}.`),
      max: Duration.describe(`Longest time (>= min): ${DURATION_HINT}.`),
    }),
    z.strictObject({
      dist: z.literal('normal').describe('Normal, truncated at 0.'),
      mean: Mean,
      sd: Duration.describe(`Standard deviation: ${DURATION_HINT}.`),
    }),
    Lognormal,
    z.strictObject({ dist: z.literal('gamma').describe('Gamma from its mean and cv.'), mean: Mean, cv: Cv }),
    z.strictObject({
      dist: z.literal('pareto').describe('Pareto (heavy tail) from its minimum and shape.'),
      min: Duration.describe(`Scale: the shortest time: ${DURATION_HINT}.`),
      alpha: Positive.describe('Shape alpha (> 1 for a finite mean; smaller: heavier tail).'),
    }),
    z.strictObject({
      dist: z.literal('empirical').describe('Piecewise-linear quantile function through the given points.'),
      quantiles: z
        .array(z.tuple([Prob, Duration]))
        .min(2)
        .describe('[probability, time] pairs from probability 0 to 1, neither decreasing, e.g. [[0, "1ms"], [0.99, "5ms"], [1, "20ms"]].'),
    }),
    z.strictObject({
      dist: z.literal('mixture').describe('A weighted mixture of distributions.'),
      components: z
        .array(
          z.strictObject({
            weight: Positive.describe('Relative weight of this component (weights need not sum to 1).'),
            value: Component,
          }),
        )
        .min(1)
        .describe('The components; each draw picks one by weight.'),
    }),
  ],
  { error: DIST_HINT },
);

/**
 * A distribution of times: a duration string (a constant) or one of the object forms. The cast:
 * the lognormal option's output type is wider than DistSpec's two forms; its refinement admits
 * only those.
 */
export const Dist = z.union([Duration, DistObject], { error: DIST_HINT }) as unknown as z.ZodType<DistSpec>;

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
  type: z.enum(WAIT_TYPES).default('diskio').describe('What is waited for, for the report\'s wait breakdown. Default "diskio".'),
  probability: Prob.default(1).describe('Chance that one execution of the statement performs this wait (0 to 1). Default 1.'),
  latency: Dist.describe('How long the wait lasts: a distribution or a duration.'),
  reported: z
    .boolean()
    .default(true)
    .describe('Whether the server reports the wait to the thread pool (thd_wait_begin); false for page faults, mutexes. Default true.'),
});

export type WaitSpecT = z.output<typeof WaitSpec>;
