import { describe, expect, it } from 'vitest';
import { LOCK_DEADLOCK, LOCK_GRANTED, LOCK_WAIT, LockTable } from '../../src/server/locks.js';
import { serverHarness } from '../helpers/server-harness.js';

/**
 * server.latches.deadlockSearch: a row-lock request that has to wait holds the search's latch for
 * perOpenTransaction x open transactions + perStep x the requests its search examined (5.5's
 * lock_deadlock_occurs under kernel_mutex), then suspends, rolls back, or goes on if granted meanwhile.
 */
function harness(lockWaitTimeoutUs = 50e6) {
  // Statements take no latch (class 0); the search (class 1) takes lock_sys: 10 µs per open
  // transaction, 3 µs per examined request; a sleeper wakes 2 µs after the release.
  return serverHarness({
    cores: 4,
    innodb: { lockWaitTimeoutUs },
    latches: {
      config: { names: ['lock_sys'], spinLoops: 0, roundUs: 1, wakeUs: 2, wakeup: 'one', plans: [[], [[0, 0, 10]]] },
      search: { cls: 1, perStepUs: 3 },
    },
  });
}

describe('the deadlock search examines the queue ahead of the new waiter', () => {
  it('counts one step per request it looks at', () => {
    const granted: number[] = [];
    const t = new LockTable(4, { onLockGranted: (trx) => granted.push(trx) });
    expect(t.acquire(0, 1, true)).toBe(LOCK_GRANTED);
    expect(t.acquire(1, 1, true)).toBe(LOCK_WAIT);
    expect(t.lastSearchSteps).toBe(1); // trx 0's granted request
    expect(t.acquire(2, 1, true)).toBe(LOCK_WAIT);
    expect(t.lastSearchSteps).toBe(2); // trx 0's and trx 1's
    // trx 2 waits for trx 0 on row 1; trx 0 asking for row 2, held by trx 2, closes the cycle:
    // the search looks at trx 2's request on row 2, then at the first request ahead of trx 2's
    // wait on row 1, trx 0's own, and stops there.
    expect(t.acquire(2, 2, true)).toBe(LOCK_GRANTED);
    expect(t.acquire(0, 2, true)).toBe(LOCK_DEADLOCK);
    expect(t.lastSearchSteps).toBe(2);
  });
});

describe('server.latches.deadlockSearch: exact schedules', () => {
  it('a waiter holds the latch for its search, and a second waiter queues behind it', () => {
    const h = harness();
    h.send({ conn: 0, at: 0, cpu: 100, locks: [[1, 'X']] }); // holds row 1 from 0 on, transaction open
    h.send({ conn: 1, at: 200, cpu: 100, locks: [[1, 'X']] }); // 2 open, 1 step: holds lock_sys 200-223
    h.send({ conn: 2, at: 205, cpu: 50, locks: [[1, 'X']] }); // sleeps; woken 223 + 2; 3 open, 2 steps: 225-261
    h.send({ conn: 0, at: 400, cpu: 10, endsTrx: true }); // commits at 410: row 1 to conn 1
    h.sim.run(2000);
    const f = (h.latches as NonNullable<typeof h.latches>).figures()[0];
    expect(f.acquisitions).toBe(2);
    expect(f.holdCpuUs).toBe(23 + 36);
    expect(f.heldUs).toBe(23 + 36);
    expect(f.waitMeanUs).toBe(225 - 205);
    expect(h.executor.stats.lockSearches).toBe(2);
    expect(h.executor.stats.lockSearchSteps).toBe(3);
    expect(h.doneOf(1)).toMatchObject({ start: 200, end: 510 });
  });

  it('a grant that comes during the search is taken when the search ends', () => {
    const h = harness();
    h.send({ conn: 0, at: 0, cpu: 100, locks: [[1, 'X']] });
    h.send({ conn: 1, at: 200, cpu: 100, locks: [[1, 'X']] }); // searches 200-223
    h.send({ conn: 0, at: 205, cpu: 10, endsTrx: true }); // commits at 215, during conn 1's search
    h.sim.run(2000);
    expect(h.doneOf(1)).toMatchObject({ start: 200, end: 323 });
    expect(h.executor.stats.lockWaits).toBe(0);
  });

  it('a deadlock victim searches, then rolls back', () => {
    const h = harness();
    h.send({ conn: 0, at: 0, cpu: 10, locks: [[1, 'X']] });
    h.send({ conn: 1, at: 0, cpu: 10, locks: [[2, 'X']] });
    h.send({ conn: 0, at: 100, cpu: 10, trxActive: true, locks: [[2, 'X']] }); // waits: 2 open, 1 step, 100-123
    h.send({ conn: 1, at: 200, cpu: 10, trxActive: true, locks: [[1, 'X']] }); // deadlock found in 2 steps: 200-226
    h.sim.run(2000);
    expect(h.doneOf(1, 1)).toMatchObject({ end: 226, error: 1 });
    expect(h.executor.stats.deadlocks).toBe(1);
    // The victim's rollback releases row 2: conn 0 goes on at 226 and ends 10 µs later.
    expect(h.doneOf(0, 1)).toMatchObject({ end: 236, error: 0 });
  });

  it('a victim\'s request is withdrawn at once: a release during its search does not grant it', () => {
    const h = harness(90);
    h.send({ conn: 0, at: 0, cpu: 10, locks: [[1, 'X']] });
    h.send({ conn: 1, at: 0, cpu: 10, locks: [[2, 'X']] });
    h.send({ conn: 0, at: 100, cpu: 10, trxActive: true, locks: [[2, 'X']] }); // searches 100-123, waits, times out at 213
    h.send({ conn: 1, at: 200, cpu: 10, trxActive: true, locks: [[1, 'X']] }); // victim, searching 200-226
    h.sim.run(2000);
    // Conn 0's timeout releases row 1 at 213, inside the victim's search; the victim still rolls back.
    expect(h.doneOf(0, 1)).toMatchObject({ end: 213, error: 2 });
    expect(h.doneOf(1, 1)).toMatchObject({ end: 226, error: 1 });
    expect(h.parts.locks?.activeRows).toBe(0);
  });

  it('without the setting the same waiter suspends at once', () => {
    const h = serverHarness({ cores: 4 });
    h.send({ conn: 0, at: 0, cpu: 100, locks: [[1, 'X']] });
    h.send({ conn: 1, at: 200, cpu: 100, locks: [[1, 'X']] });
    h.send({ conn: 0, at: 205, cpu: 10, endsTrx: true });
    h.sim.run(2000);
    expect(h.doneOf(1)).toMatchObject({ start: 200, end: 315 });
    expect(h.executor.stats.lockSearches).toBe(0);
  });
});
