import { z } from 'zod';
import { MysqlPool } from './mysql.js';

/** Thread handling: one thread per connection, or a pool flavour (one module each). */
export const OneThreadPerConnection = z.strictObject({
  mode: z.literal('one-thread-per-connection'),
});

export const ThreadHandling = z.discriminatedUnion('mode', [OneThreadPerConnection, MysqlPool]);

export type ThreadHandlingSpec = z.output<typeof ThreadHandling>;
