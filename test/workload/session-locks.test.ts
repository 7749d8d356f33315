import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/engine/simulator.js';
import { ConnectionTable } from '../../src/server/connections.js';
import { Measurements } from '../../src/stats/measurements.js';
import type { ThreadHandling } from '../../src/threadpool/types.js';
import { ClosedLoopClients } from '../../src/workload/closed-loop.js';
import { Scenario } from '../../src/workload/schema.js';
import { compileWorkload } from '../../src/workload/templates.js';

/**
 * StatementSpec.sessionLock: the session-level locks a statement arrives with are those earlier
 * statements took and did not release (LOCK TABLES ... UNLOCK TABLES), across transactions.
 */
describe('session locks as the client sends them', () => {
  it('LOCK TABLES arrives without, the statements after it with, UNLOCK TABLES with, the next one without', () => {
    const spec = Scenario.parse({
      name: 't',
      server: { cores: 1 },
      threadHandling: { mode: 'one-thread-per-connection' },
      workload: {
        connections: 1,
        transactions: [
          {
            name: 'locked',
            type: 'autocommit',
            statements: [
              { name: 'lock_tables', cpu: '10us', sessionLock: 'acquire' },
              { name: 'select', cpu: '10us', count: 2 },
              { name: 'unlock_tables', cpu: '10us', sessionLock: 'release' },
              { name: 'select', cpu: '10us' },
            ],
          },
        ],
      },
    });
    const w = compileWorkload(spec.workload);
    const sim = new Simulator();
    const conns = new ConnectionTable(1);
    const clients = new ClosedLoopClients(sim, w, conns, new Measurements(['locked'], w.classes), 1);
    const seen: number[] = [];
    // Answers each statement at once and records the lock state it arrived with.
    const handling = {
      onRequest(conn: number) {
        seen.push(conns.sessionLocks[conn]);
        conns.start[conn] = sim.now;
        clients.onStatementDone(conn);
      },
    } as unknown as ThreadHandling;
    clients.handling = handling;
    clients.start();
    sim.run(2000);
    expect(seen.slice(0, 10)).toEqual([0, 1, 1, 1, 0, 0, 1, 1, 1, 0]);
  });
});
