import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import { Scenario } from '../../src/workload/schema.js';

/** Closed-loop clients through the whole run: deadlocks and timeouts become errors and retries. */
const scenario = (innodb: Record<string, unknown>, threadHandling: Record<string, unknown> = { mode: 'one-thread-per-connection' }) =>
  Scenario.parse({
    name: 'locks',
    seed: 3,
    duration: '300ms',
    warmup: '50ms',
    server: { cores: 4, innodb },
    threadHandling,
    workload: {
      connections: 32,
      keySpace: { rows: 20, distribution: { kind: 'zipf', theta: 0.8 } },
      transactions: [
        {
          name: 'two_updates',
          statements: [
            { name: 'update_a', cpu: '20us', locks: { rows: 1 } },
            { name: 'select', cpu: '20us' },
            { name: 'update_b', cpu: '20us', locks: { rows: 1 } },
          ],
        },
      ],
    },
  });

describe('row locks in a closed loop', () => {
  it('deadlocks are errors, each rolled back and retried; runs are deterministic', () => {
    const a = runScenario(scenario({ logFsync: '100us' }));
    const b = runScenario(scenario({ logFsync: '100us' }));
    const s = a.server;
    expect(s).toBeDefined();
    if (s === undefined) return;
    expect(s.deadlocks).toBeGreaterThan(0);
    expect(a.summary.errors).toBe(s.deadlocks + s.lockWaitTimeouts);
    expect(s.rollbacks).toBe(s.deadlocks + s.lockWaitTimeouts);
    // Retries follow rollbacks by a round trip: equal up to those in flight at the window's ends.
    expect(Math.abs(s.retries - s.rollbacks)).toBeLessThanOrEqual(32);
    expect(s.commits).toBeGreaterThan(0);
    expect(s.commitsPerFlush).toBeGreaterThan(1);
    expect({ ...b, engine: null }).toEqual({ ...a, engine: null });
  });

  it('without deadlock detection, cycles end by lock wait timeouts at the configured time', () => {
    const r = runScenario(scenario({ innodb_deadlock_detect: false, innodb_lock_wait_timeout: 0.01 }));
    const s = r.server;
    expect(s?.deadlocks).toBe(0);
    expect(s?.lockWaitTimeouts).toBeGreaterThan(0);
    expect(r.summary.errors).toBe(s?.lockWaitTimeouts);
  });

  it('a workload without locks reports no server waits', () => {
    const sc = scenario({});
    const plain = Scenario.parse({
      ...sc,
      workload: { ...sc.workload, keySpace: undefined, transactions: [{ name: 't', statements: [{ name: 's', cpu: '20us' }] }] },
    });
    const r = runScenario(plain);
    expect(r.summary.errors).toBe(0);
    expect(r.server?.lockWaits).toBe(0);
    expect(r.server?.commits).toBe(0);
  });
});

describe('row locks in an open loop', () => {
  it('a rolled-back transaction is retried from its first statement, as in the closed loop', () => {
    const sc = scenario({ logFsync: '100us' });
    const open = Scenario.parse({
      ...sc,
      workload: { ...sc.workload, client: { model: 'open', arrivals: { process: 'poisson', rate: 40_000 } } },
    });
    const r = runScenario(open);
    const s = r.server;
    expect(s?.deadlocks).toBeGreaterThan(0);
    expect(s?.rollbacks).toBe((s?.deadlocks ?? 0) + (s?.lockWaitTimeouts ?? 0));
    expect(Math.abs((s?.retries ?? 0) - (s?.rollbacks ?? 0))).toBeLessThanOrEqual(32);
    // Every statement of a transaction that commits ran in its last attempt: no update_b is
    // sent after a rollback without its update_a, so the classes stay in step.
    const st = r.statements;
    expect(Math.abs(st.update_a.count - st.update_b.count)).toBeLessThanOrEqual(32 + (s?.rollbacks ?? 0));
    expect(r.summary.transactions).toBeGreaterThan(0);
  });
});
