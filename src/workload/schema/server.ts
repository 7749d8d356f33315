import { z } from 'zod';
import { Duration } from './common.js';

/** The modelled server: cores, contention, threads. */
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

export type ServerSpec = z.output<typeof Server>;
export type ContentionSpec = z.output<typeof Contention>;
