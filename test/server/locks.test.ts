import { describe, expect, it } from 'vitest';
import { STATEMENT_DEADLOCK, STATEMENT_LOCK_WAIT_TIMEOUT, STATEMENT_OK } from '../../src/server/connections.js';
import { LOCK_DEADLOCK, LOCK_GRANTED, LOCK_WAIT, LockTable } from '../../src/server/locks.js';
import { serverHarness } from '../helpers/server-harness.js';
import { parseScenarioText } from '../../src/workload/load.js';

/**
 * Row locks through the executor, with exact times (µs). One thread per connection on 4 cores,
 * so nothing but the locks delays a statement; locks are taken when a statement starts.
 */
describe('row locks', () => {
  it('two transactions locking rows in opposite order: one deadlock victim, the other commits', () => {
    const h = serverHarness({});
    h.send({ conn: 0, at: 0, cpu: 100, locks: [[1, 'X']] });
    h.send({ conn: 1, at: 0, cpu: 100, locks: [[2, 'X']] });
    h.send({ conn: 0, at: 200, cpu: 100, locks: [[2, 'X']] }); // waits for conn 1
    h.send({ conn: 1, at: 300, cpu: 100, locks: [[1, 'X']] }); // closes the cycle: conn 1 is the victim
    h.sim.run(1000);
    expect(h.doneOf(1, 1)).toMatchObject({ start: 300, end: 300, error: STATEMENT_DEADLOCK });
    // The victim's rollback releases row 2: conn 0 is granted at 300 and runs its 100 µs.
    expect(h.doneOf(0, 1)).toMatchObject({ start: 200, end: 400, error: STATEMENT_OK });
    h.send({ conn: 0, at: 1000, cpu: 10, endsTrx: true });
    h.sim.run(2000);
    expect(h.doneOf(0, 2)).toMatchObject({ end: 1010, error: STATEMENT_OK });
    expect(h.executor.stats.deadlocks).toBe(1);
    // The victim's request is refused before it waits: one lock wait.
    expect(h.executor.stats.lockWaits).toBe(1);
    expect(h.executor.stats.rollbacks).toBe(1);
    expect(h.parts.locks?.activeRows).toBe(0);
  });

  it('without deadlock detection the cycle lasts until innodb_lock_wait_timeout', () => {
    const h = serverHarness({ innodb: { deadlockDetect: false, lockWaitTimeoutUs: 5000 } });
    h.send({ conn: 0, at: 0, cpu: 100, locks: [[1, 'X']] });
    h.send({ conn: 1, at: 0, cpu: 100, locks: [[2, 'X']] });
    h.send({ conn: 0, at: 200, cpu: 100, locks: [[2, 'X']] });
    h.send({ conn: 1, at: 300, cpu: 100, locks: [[1, 'X']] });
    h.sim.run(10_000);
    expect(h.doneOf(0, 1)).toMatchObject({ end: 5200, error: STATEMENT_LOCK_WAIT_TIMEOUT });
    // conn 0's rollback frees row 1 for conn 1 at 5200.
    expect(h.doneOf(1, 1)).toMatchObject({ end: 5300, error: STATEMENT_OK });
    expect(h.executor.stats.deadlocks).toBe(0);
  });

  it('a lock wait times out at exactly innodb_lock_wait_timeout', () => {
    const h = serverHarness({ innodb: { lockWaitTimeoutUs: 50_000 } });
    h.send({ conn: 0, at: 0, cpu: 100, locks: [[9, 'X']] }); // holds row 9, never commits
    h.send({ conn: 1, at: 1234, cpu: 100, locks: [[9, 'X']] });
    h.sim.run(100_000);
    expect(h.doneOf(1)).toMatchObject({ start: 1234, end: 51_234, error: STATEMENT_LOCK_WAIT_TIMEOUT });
    expect(h.executor.stats.lockWaitTimeouts).toBe(1);
    expect(h.executor.stats.lockWaitTime).toBe(50_000);
    // The holder keeps its lock; the timed-out transaction holds nothing.
    expect(h.parts.locks?.lockCount(0)).toBe(1);
    expect(h.parts.locks?.lockCount(1)).toBe(0);
  });

  it('a grant before the timeout cancels it', () => {
    const h = serverHarness({ innodb: { lockWaitTimeoutUs: 50_000 } });
    h.send({ conn: 0, at: 0, cpu: 100, locks: [[9, 'X']] });
    h.send({ conn: 1, at: 1000, cpu: 100, locks: [[9, 'X']] });
    h.send({ conn: 0, at: 50_990, cpu: 9, endsTrx: true }); // commits 1 µs before conn 1 would time out
    h.sim.run(200_000);
    expect(h.doneOf(1)).toMatchObject({ end: 51_099, error: STATEMENT_OK });
    expect(h.executor.stats.lockWaitTimeouts).toBe(0);
  });

  it('shared locks are compatible, an exclusive one waits for both', () => {
    const h = serverHarness({});
    h.send({ conn: 0, at: 0, cpu: 100, locks: [[5, 'S']] });
    h.send({ conn: 1, at: 10, cpu: 100, locks: [[5, 'S']] });
    h.send({ conn: 2, at: 20, cpu: 100, locks: [[5, 'X']] });
    h.send({ conn: 0, at: 500, cpu: 10, endsTrx: true });
    h.send({ conn: 1, at: 700, cpu: 10, endsTrx: true });
    h.sim.run(2000);
    expect(h.doneOf(0).end).toBe(100);
    expect(h.doneOf(1).end).toBe(110);
    // Granted when the second S holder commits, at 710.
    expect(h.doneOf(2)).toMatchObject({ start: 20, end: 810 });
    expect(h.executor.stats.lockWaits).toBe(1);
  });

  it('COMMIT wakes the waiters in FIFO order; a shared request waits behind a waiting exclusive one', () => {
    const h = serverHarness({});
    h.send({ conn: 0, at: 0, cpu: 10, locks: [[7, 'S']] });
    h.send({ conn: 1, at: 100, cpu: 10, locks: [[7, 'X']] }); // waits for conn 0
    h.send({ conn: 2, at: 200, cpu: 10, locks: [[7, 'S']] }); // compatible with conn 0, but behind conn 1
    h.send({ conn: 3, at: 300, cpu: 10, locks: [[7, 'X']] });
    h.send({ conn: 0, at: 1000, cpu: 5, endsTrx: true });
    h.sim.run(1100);
    expect(h.doneOf(1).end).toBe(1015);
    expect(() => h.doneOf(2)).toThrow();
    h.send({ conn: 1, at: 2000, cpu: 5, endsTrx: true });
    h.sim.run(2100);
    expect(h.doneOf(2).end).toBe(2015);
    expect(() => h.doneOf(3)).toThrow();
    h.send({ conn: 2, at: 3000, cpu: 5, endsTrx: true });
    h.sim.run(4000);
    expect(h.doneOf(3).end).toBe(3015);
  });

  it('autocommit statements release their locks at their end', () => {
    const h = serverHarness({});
    h.send({ conn: 0, at: 0, cpu: 100, locks: [[3, 'X']], endsTrx: true });
    h.send({ conn: 1, at: 50, cpu: 100, locks: [[3, 'X']], endsTrx: true });
    h.sim.run(1000);
    expect(h.doneOf(1)).toMatchObject({ start: 50, end: 200 });
    expect(h.parts.locks?.activeRows).toBe(0);
  });
});

describe('LockTable', () => {
  const listener = { granted: [] as number[], onLockGranted(t: number) { this.granted.push(t); } };

  it('an S holder upgrading to X waits for other S holders and deadlocks with a second upgrader', () => {
    listener.granted = [];
    const lt = new LockTable(4, listener);
    expect(lt.acquire(0, 1, false)).toBe(LOCK_GRANTED);
    expect(lt.acquire(1, 1, false)).toBe(LOCK_GRANTED);
    expect(lt.acquire(0, 1, true)).toBe(LOCK_WAIT);
    expect(lt.acquire(1, 1, true)).toBe(LOCK_DEADLOCK);
    lt.releaseAll(1);
    expect(listener.granted).toEqual([0]);
    expect(lt.acquire(0, 1, true)).toBe(LOCK_GRANTED); // already held
    lt.releaseAll(0);
    expect(lt.activeRows).toBe(0);
  });

  it('finds a cycle through three transactions', () => {
    const lt = new LockTable(3, listener);
    for (let t = 0; t < 3; t++) expect(lt.acquire(t, t, true)).toBe(LOCK_GRANTED);
    expect(lt.acquire(0, 1, true)).toBe(LOCK_WAIT);
    expect(lt.acquire(1, 2, true)).toBe(LOCK_WAIT);
    expect(lt.acquire(2, 0, true)).toBe(LOCK_DEADLOCK);
    expect(lt.deadlocks).toBe(1);
  });

  it('a long queue of waiters is no deadlock', () => {
    const lt = new LockTable(100, listener);
    expect(lt.acquire(0, 42, true)).toBe(LOCK_GRANTED);
    for (let t = 1; t < 100; t++) expect(lt.acquire(t, 42, t % 2 === 0)).toBe(LOCK_WAIT);
    expect(lt.deadlocks).toBe(0);
  });
});

/**
 * MariaDB 10.6+'s deadlock detector (innodb.deadlockDetector "wait-chain", lock0lock.cc Deadlock):
 * one wait_trx edge per waiter, checked when the wait starts and again after a release that
 * re-points a waiter at a blocker that waits; the victim is the cycle's lightest transaction.
 */
describe('the wait-chain deadlock detector (MariaDB 10.6+)', () => {
  it('rolls back the lighter transaction of the cycle, not the requester', () => {
    for (const detector of ['graph', 'wait-chain'] as const) {
      const h = serverHarness({ innodb: { deadlockDetector: detector } });
      h.send({ conn: 0, at: 0, cpu: 100, locks: [[1, 'X']] }); // A: one row
      h.send({ conn: 1, at: 0, cpu: 100, locks: [[2, 'X'], [4, 'X']] }); // B: two rows, heavier
      h.send({ conn: 0, at: 200, cpu: 100, locks: [[2, 'X']] }); // A waits for B
      h.send({ conn: 1, at: 300, cpu: 100, locks: [[1, 'X']] }); // B closes the cycle
      h.sim.run(1000);
      expect(h.executor.stats.deadlocks, detector).toBe(1);
      if (detector === 'graph') {
        // The requester is the victim at once; A gets row 2 when B rolls back.
        expect(h.doneOf(1, 1)).toMatchObject({ start: 300, end: 300, error: STATEMENT_DEADLOCK });
        expect(h.doneOf(0, 1)).toMatchObject({ start: 200, end: 400, error: STATEMENT_OK });
      } else {
        // Weights (locks + rows written): A 2 + 1 waiting = 3, B 4 + 1 waiting = 5: A is rolled
        // back at 300, its row 1 goes to B, whose statement runs 300-400.
        expect(h.doneOf(0, 1)).toMatchObject({ start: 200, end: 300, error: STATEMENT_DEADLOCK });
        expect(h.doneOf(1, 1)).toMatchObject({ start: 300, end: 400, error: STATEMENT_OK });
        expect(h.executor.stats.lockWaits).toBe(2);
      }
    }
  });

  it('sees a cycle through a second blocker only when a release re-points the waiter', () => {
    for (const detector of ['graph', 'wait-chain'] as const) {
      const h = serverHarness({ innodb: { deadlockDetector: detector } });
      h.send({ conn: 0, at: 0, cpu: 100, locks: [[1, 'S']] }); // A shares row 1
      h.send({ conn: 2, at: 0, cpu: 100, locks: [[1, 'S']] }); // C shares row 1
      h.send({ conn: 1, at: 0, cpu: 100, locks: [[2, 'X']] }); // B holds row 2
      h.send({ conn: 1, at: 200, cpu: 100, locks: [[1, 'X']] }); // B waits; its edge: A (first S)
      h.send({ conn: 2, at: 300, cpu: 100, locks: [[2, 'X']] }); // C waits for B: B waits for C too
      h.send({ conn: 0, at: 400, cpu: 10, endsTrx: true }); // A commits at 410
      h.sim.run(2000);
      expect(h.executor.stats.deadlocks, detector).toBe(1);
      if (detector === 'graph') {
        // The whole graph: C's request closes B -> C -> B at once.
        expect(h.doneOf(2, 1)).toMatchObject({ start: 300, end: 300, error: STATEMENT_DEADLOCK });
      } else {
        // C -> B -> A ends at A, which runs: no cycle seen at 300. A's commit re-points B at C,
        // which waits: the check from C finds C -> B -> C. Weights: C 1 + 1 = 2, B 2 + 1 = 3.
        expect(h.doneOf(2, 1)).toMatchObject({ start: 300, end: 410, error: STATEMENT_DEADLOCK });
        // C's rollback frees row 1: B runs 410-510.
        expect(h.doneOf(1, 1)).toMatchObject({ start: 200, end: 510, error: STATEMENT_OK });
      }
    }
  });

  it('is refused with the deadlock search\'s CPU, which models 5.5\'s graph search', () => {
    const text = JSON.stringify({
      name: 'x',
      server: { innodb: { deadlockDetector: 'wait-chain' }, latches: { latches: [{ name: 'kernel_mutex', holds: { s: '1us' } }], deadlockSearch: { latch: 'kernel_mutex', perOpenTransaction: '15ns', perStep: '15ns' } } },
      threadHandling: { mode: 'one-thread-per-connection' },
      workload: { connections: 1, transactions: [{ name: 't', statements: [{ name: 's', cpu: '10us' }] }] },
    });
    expect(() => parseScenarioText(text, 'x.json')).toThrow(/x\.json: at server\.latches\.deadlockSearch: expected no deadlockSearch with innodb\.deadlockDetector "wait-chain"/);
  });
});
