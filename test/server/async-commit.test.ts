import { describe, expect, it } from 'vitest';
import { serverHarness } from '../helpers/server-harness.js';

/**
 * MariaDB 10.6+ asynchronous commit with the pool (exact µs): a COMMIT that joins another
 * thread's redo-log flush releases its worker (DISPATCH_COMMAND_WOULDBLOCK) and is queued again
 * when the flush ends; the flush's leader keeps its worker and leads the next flush while
 * commits wait for one (log0log.cc log_write_up_to's `repeat`).
 */
describe('asynchronous commit (MariaDB 10.6+, pool)', () => {
  const F = 1000;
  const scenario = (asyncCommit: boolean) => {
    const h = serverHarness({ handling: 'mariadb', asyncCommit, cores: 4, connections: 4, innodb: { redo: { mode: 1, fsync: F } } });
    h.send({ conn: 0, at: 0, cpu: 10, locks: [[0, 'X']], endsTrx: true }); // leads the flush [10, 1010]
    h.send({ conn: 1, at: 100, cpu: 10, locks: [[1, 'X']], endsTrx: true }); // joins at 110
    h.send({ conn: 2, at: 200, cpu: 10, locks: [[2, 'X']], endsTrx: true }); // joins at 210
    h.send({ conn: 3, at: 300, cpu: 10 }); // a read: needs a worker at 300
    h.sim.run(100_000);
    return h;
  };

  it('10.5: every waiting commit holds its worker', () => {
    const h = scenario(false);
    expect(h.doneOf(0).end).toBe(1010);
    expect([h.doneOf(1).end, h.doneOf(2).end]).toEqual([2010, 2010]);
    expect(h.executor.stats.asyncCommits).toBe(0);
    // Each commit's reported wait leaves the group without an active thread: one creation each (10, 110, 210),
    // after the group's first thread.
    expect(h.handling.groupCounters(0)[0]).toBe(4);
  });

  it('10.6+: followers release their worker; the leader leads the next flush; resumed at its end', () => {
    const h = scenario(true);
    // The leader's flush ends at 1010 with two commits waiting: it flushes again [1010, 2010].
    expect(h.doneOf(0).end).toBe(2010);
    expect([h.doneOf(1).end, h.doneOf(2).end]).toEqual([2010, 2010]);
    expect(h.executor.stats.asyncCommits).toBe(2);
    expect(h.parts.redo?.flushes).toBe(2);
    expect(h.parts.redo?.flushedCommits).toBe(3);
    // conn 3's read finds a free worker at once.
    expect(h.doneOf(3).start).toBe(300);
    expect(h.doneOf(3).end).toBe(310);
    // Creations after the group's first thread: at 10 (the leader waits, nobody active) and at 2010 (the first resume is queued
    // while the leader still waits: queue_put's wake_or_create_thread). The leader then finishes
    // both resumed commits itself, with no CPU for the rest of the command [simplification].
    expect(h.handling.groupCounters(0)[0]).toBe(3);
    expect(h.doneOf(1).start).toBe(100); // the statement's start is its first dispatch
  });
});
