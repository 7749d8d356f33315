import { z } from 'zod';
import { DURATION_HINT } from '../../engine/duration.js';
import { Duration } from './common.js';

/**
 * What-if settings for how work reaches a pool's workers (every flavour). Absent, or each key
 * absent: the server's own rules, and results are those of the server model.
 */
export const Dispatch = z
  .strictObject({
    assign: z
      .enum(['server', 'least-loaded', 'consistent-hash'])
      .optional()
      .describe(
        'Connection-to-group assignment at login. "server": the server\'s own rule (MySQL: round-robin by arrival, M2; MariaDB/Percona: thread id modulo thread_pool_size, A1). "least-loaded": the group with the fewest active threads plus queued events at the login, ties to the fewest connections, then the lowest index (logged in together, with nothing running yet, this is round-robin). "consistent-hash": a hash ring of the groups with virtualNodes points each; the connection id\'s hash picks the next point clockwise, so adding or removing a group moves only that group\'s share of the connections. Default "server".',
      ),
    virtualNodes: z
      .number()
      .int()
      .min(1)
      .max(4096)
      .optional()
      .describe('Points per group on the consistent-hash ring (assign "consistent-hash"); more points: shares closer to 1/groups. Points; default 160 (ketama\'s).'),
    wake: z
      .enum(['one', 'all'])
      .optional()
      .describe(
        'Waking sleeping workers for an event. "one": one waiter per event, the pools\' rule. "all": every sleeping worker of the group wakes (a shared accept or condition broadcast without a lock: the thundering herd); one takes the event, the others spend wakeCpu of CPU each and look for work again (most sleep again). Default "one".',
      ),
    wakeCpu: Duration.optional().describe(
      `CPU a needless wake costs (wake "all"): the scheduler's wake-up, two context switches and the re-check under the group's mutex; the useful wake costs nothing, as in the server models. ${DURATION_HINT}; default "5us".`,
    ),
    events: z
      .enum(['group', 'dispatcher', 'shared-queue'])
      .optional()
      .describe(
        'Where a connection\'s events go. "group": its own group (the servers\' rule). "dispatcher": a dispatcher thread hands each event to the next group round-robin, whatever the connection\'s group. "shared-queue": all groups take events from one queue: an event goes to a group whose poller is blocked waiting (searched round-robin), else waits in the shared queue until a group\'s thread looks for work and finds its own group idle. Default "group".',
      ),
  })
  .describe('tpsim what-if settings, not server variables: how connections and their events reach groups and workers. Absent: the server\'s own rules.');

export type DispatchSpec = z.output<typeof Dispatch>;
