import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import type { ScenarioInput } from '../../src/workload/schema.js';
import { scenario } from '../helpers/scenarios.js';

type Handling = ScenarioInput['threadHandling'] & Record<string, unknown>;
const run = (patch: (h: Handling) => void) => runScenario(scenario('incidents/lock-holder-lost-thread.json', (s) => patch(s.threadHandling as Handling)));

describe('incident: a lock holder that lost its thread (MariaDB)', () => {
  it('lock waiters fill thread_pool_max_threads; COMMIT waits for lock wait timeouts; extra_port still serves the DBA', () => {
    const r = run(() => {});
    const g = r.timeline.gauges;
    // THREAD_POOL_STATS: 36 creations + the 4 first threads = thread_pool_max_threads (40);
    // from the second second on all 40 are in row-lock waits (none active), nobody listens, work queues.
    expect(r.counters.THREAD_CREATIONS).toBe(36);
    expect(g.Threadpool_threads.slice(1).every((v) => v === 40)).toBe(true);
    expect(g.ACTIVE_THREADS.slice(3).every((v) => v === 0)).toBe(true);
    expect(g.HAS_LISTENER.slice(1).every((v) => v === 0)).toBe(true);
    expect(Math.min(...g.QUEUE_LENGTH.slice(3))).toBeGreaterThan(50);
    expect(r.counters.WAITS_ROW_LOCK).toBeGreaterThan(1000);
    // The holder's COMMIT (it holds the row everybody waits for) gets a thread only after lock
    // waits time out (innodb_lock_wait_timeout 5 s), several of them: the row stays locked.
    expect(r.statements.COMMIT.max).toBeGreaterThan(5000);
    expect(r.server?.lockWaitTimeouts).toBeGreaterThan(50);
    // The DBA's connection on extra_port has its own thread: every check takes its 30 µs + RTT.
    expect(r.statements.show_processlist.max).toBeLessThan(0.1);
  });

  it('without extra_port the DBA queues with everybody else: checks take seconds', () => {
    const r = run((h) => {
      h.extra_port_connections = 0;
    });
    expect(r.statements.show_processlist.max).toBeGreaterThan(5000);
  });

  it('one thread per connection: the COMMIT has its thread, the row is released at once', () => {
    const r = runScenario(
      scenario('incidents/lock-holder-lost-thread.json', (s) => {
        s.threadHandling = { mode: 'one-thread-per-connection' };
        s.duration = '10s';
      }),
    );
    expect(r.statements.COMMIT.max).toBeLessThan(1);
  });
});
