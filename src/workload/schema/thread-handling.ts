import { z } from 'zod';
import { MariadbPool } from './mariadb.js';
import { MysqlPool } from './mysql.js';
import { PerconaPool } from './percona.js';

export * from './mariadb.js';
export * from './percona.js';
export * from './dispatch.js';

/** Thread handling: one thread per connection, or a pool flavour (one module each). */
export const OneThreadPerConnection = z.strictObject({
  mode: z.literal('one-thread-per-connection').describe('One thread per client connection: the servers\' default thread handling, no pool.'),
});

/** The pool flavours, told apart by "flavor". */
export const PoolFlavor = z.discriminatedUnion('flavor', [MysqlPool, MariadbPool, PerconaPool]);

export const ThreadHandling = z.discriminatedUnion('mode', [OneThreadPerConnection, PoolFlavor]);

export type ThreadHandlingSpec = z.output<typeof ThreadHandling>;
