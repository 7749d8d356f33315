import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import { scenario } from '../helpers/scenarios.js';

// scenarios/incidents/reconnect-storm.json (docs/INCIDENTS.md): 2000 logins at once after a
// failover, with one thread per connection and with the MariaDB pool.
describe('incident: a reconnect storm after a failover', () => {
  it('appears with one thread per connection: 2000 new threads, logins and transactions stall for a second', () => {
    const r = runScenario(scenario('incidents/reconnect-storm.json'));
    const l = r.connectionLife;
    expect(l?.logins.count).toBe(2000);
    expect(r.threads.created).toBe(2000); // Threads_created: one per login
    expect(l?.logins.p50).toBeGreaterThan(500);
    expect(r.latency.all.p99).toBeGreaterThan(1000);
    // The second after the storm: throughput falls below a tenth of the second before it.
    const tps = r.timeline.tps;
    expect(tps[1]).toBeLessThan(tps[0] / 10);
  });

  it('is removed by the thread pool: logins queue and run on a few threads; throughput holds', () => {
    const r = runScenario(
      scenario('incidents/reconnect-storm.json', (s) => {
        s.threadHandling = { mode: 'pool', flavor: 'mariadb', thread_pool_size: 16 };
      }),
    );
    const l = r.connectionLife;
    expect(l?.logins.count).toBe(2000);
    expect(l?.logins.p99).toBeLessThan(100);
    expect(r.counters.THREAD_CREATIONS).toBeLessThan(50);
    expect(r.latency.all.p99).toBeLessThan(100);
    const tps = r.timeline.tps;
    for (const v of tps) expect(v).toBeGreaterThan(0.8 * tps[0]);
  });
});
