import { describe, expect, it } from 'vitest';
import { mysqlHarness } from '../helpers/pool-harness.js';
import { serverHarness } from '../helpers/server-harness.js';

/**
 * MySQL pool, one group, one core, 8.4 defaults. conn 0 arrives at 1000 with 2000 µs of CPU around
 * a 10 ms wait (CPU 1000-2000, wait 2000-12000, CPU 12000-13000); conn 1 arrives at 3000.
 */
describe('reported vs unreported waits (MySQL pool)', () => {
  it('a reported wait lets the pool start another statement at once', () => {
    const h = serverHarness({ handling: 'mysql', cores: 1, innodb: { locks: false } });
    h.send({ conn: 0, at: 1000, cpu: 2000, waits: [{ latency: 10_000, reported: true }] });
    h.send({ conn: 1, at: 3000, cpu: 100 });
    h.sim.run(30_000);
    expect(h.doneOf(1).start).toBe(3000);
    expect(h.doneOf(0).end).toBe(13_000);
  });

  it('an unreported wait looks like CPU: nobody else runs until the statement ends', () => {
    const h = serverHarness({ handling: 'mysql', cores: 1, innodb: { locks: false } });
    h.send({ conn: 0, at: 1000, cpu: 2000, waits: [{ latency: 10_000, reported: false }] });
    h.send({ conn: 1, at: 3000, cpu: 100 });
    h.sim.run(30_000);
    expect(h.doneOf(0).end).toBe(13_000);
    expect(h.doneOf(1).start).toBe(13_000);
  });

  it('the same holds without the InnoDB model (the plain executor path)', () => {
    const h = mysqlHarness({});
    h.send({ conn: 0, at: 1000, cpu: 2000, waits: [10_000] });
    h.send({ conn: 1, at: 3000, cpu: 100 });
    h.sim.run(30_000);
    expect(h.doneOf(1).start).toBe(3000);
  });

  it('a row-lock wait is reported: the pool runs the lock holder\'s COMMIT meanwhile', () => {
    // conn 0 holds row 1; conn 1 waits for it (reported); conn 0's COMMIT must get a thread.
    const h = serverHarness({ handling: 'mysql', cores: 1 });
    h.send({ conn: 0, at: 1000, cpu: 100, locks: [[1, 'X']] });
    h.send({ conn: 1, at: 2000, cpu: 100, locks: [[1, 'X']] });
    h.send({ conn: 0, at: 3000, cpu: 100, trxActive: true, endsTrx: true });
    h.sim.run(100_000);
    expect(h.doneOf(0, 1).end).toBe(3100);
    expect(h.doneOf(1)).toMatchObject({ start: 2000, end: 3200, error: 0 });
    expect(h.handling.groupCounters(0)[h.handling.counterNames.indexOf('row_lock_waits')]).toBe(1);
  });
});
