import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import { Scenario } from '../../src/workload/schema.js';

/**
 * M7d/M13 end to end, with the closed-loop clients (which draw a connection's next statement
 * when the previous reply comes): with MTL on, BEGIN and the statement after it come through the
 * queues, the rest of the transaction up to COMMIT is read by the bound thread. So two of the
 * five statements of BEGIN; S1; S2; S3; COMMIT are queued (9.7's highly concurrent mode queues
 * every polled event). Deciding on the next statement's state instead (BEGIN binds, COMMIT is
 * queued, the thread stays bound through the think time) queues about one in five.
 */
describe('MySQL 9.7 binding with real clients', () => {
  const run = (mtl: number) =>
    runScenario(
      Scenario.parse({
        name: 'binding',
        seed: 7,
        duration: '300ms',
        warmup: '50ms',
        server: { cores: 8 },
        threadHandling: { mode: 'pool', flavor: 'mysql', profile: '9.7', thread_pool_max_transactions_limit: mtl },
        workload: {
          connections: 8,
          client: { model: 'closed', think: { dist: 'exponential', mean: '1ms' } },
          transactions: [{ name: 'trx', statements: [{ name: 's', cpu: '50us', count: 3 }] }],
        },
      }),
    );

  it('queues two statements per transaction with MTL, all five without', () => {
    const on = run(256);
    const executed = on.counters.queries_executed;
    const queued = on.counters.queries_queued;
    // Transactions cut by the window's edges: at most one per connection at each edge.
    expect(Math.abs(queued - (2 / 5) * executed)).toBeLessThanOrEqual(2 * 8);
    expect(executed).toBeGreaterThan(1000);
    const off = run(0);
    expect(off.counters.queries_queued).toBe(off.counters.queries_executed);
  });
});
