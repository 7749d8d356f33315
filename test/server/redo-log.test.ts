import { describe, expect, it } from 'vitest';
import { serverHarness } from '../helpers/server-harness.js';

/** COMMIT of a writing transaction with innodb_flush_log_at_trx_commit 0 / 1 / 2 (exact µs). */
describe('redo log at COMMIT', () => {
  const F = 1000;

  it('group commit: commits arriving faster than 1/F share flushes, each waits at most 2F', () => {
    const h = serverHarness({ connections: 12, cores: 16, innodb: { redo: { mode: 1, fsync: F } } });
    // Twelve autocommit writes, one every 300 µs (more than three per flush time).
    for (let c = 0; c < 12; c++) h.send({ conn: c, at: c * 300, cpu: 10, locks: [[c, 'X']], endsTrx: true });
    h.sim.run(100_000);
    const redo = h.parts.redo;
    expect(redo?.commits).toBe(12);
    expect(redo?.flushes).toBeLessThan(12);
    expect(redo?.flushedCommits).toBe(12);
    for (let c = 0; c < 12; c++) {
      const d = h.doneOf(c);
      expect(d.end - d.start - 10).toBeGreaterThan(0);
      expect(d.end - d.start - 10).toBeLessThanOrEqual(2 * F);
    }
    // The first commit leads a flush [10, 1010]; those ready at 310, 610, 910 share [1010, 2010].
    expect(h.doneOf(0).end).toBe(1010);
    expect([1, 2, 3].map((c) => h.doneOf(c).end)).toEqual([2010, 2010, 2010]);
    // [10,1010] {0}, [1010,2010] {1,2,3}, [2010,3010] {4,5,6}, [3010,4010] {7,8,9}, [4010,5010] {10,11}
    expect(redo?.flushes).toBe(5);
    expect(h.doneOf(11).end).toBe(5010);
    expect(h.executor.stats.commitWaits).toBe(12);
  });

  it('locks are held until the flush ends', () => {
    const h = serverHarness({ innodb: { redo: { mode: 1, fsync: F } } });
    h.send({ conn: 0, at: 0, cpu: 10, locks: [[1, 'X']], endsTrx: true });
    h.send({ conn: 1, at: 5, cpu: 10, locks: [[1, 'X']], endsTrx: true });
    h.sim.run(10_000);
    expect(h.doneOf(0).end).toBe(1010);
    // Granted at 1010, 10 µs of CPU, then its own flush of F.
    expect(h.doneOf(1).end).toBe(2020);
  });

  it('innodb_flush_log_at_trx_commit = 2: no wait at commit, only the write to the OS cache', () => {
    const h = serverHarness({ innodb: { redo: { mode: 2, fsync: F, logWriteUs: 3 } } });
    for (let c = 0; c < 4; c++) h.send({ conn: c, at: c * 100, cpu: 10, locks: [[c, 'X']], endsTrx: true });
    h.sim.run(3_000_000);
    for (let c = 0; c < 4; c++) expect(h.doneOf(c).end - h.doneOf(c).start).toBe(13);
    expect(h.executor.stats.commitWaits).toBe(0);
    // One background flush a second covers all four.
    expect(h.parts.redo?.flushes).toBe(1);
    expect(h.parts.redo?.flushedCommits).toBe(4);
  });

  it('innodb_flush_log_at_trx_commit = 0: no write, no wait', () => {
    const h = serverHarness({ innodb: { redo: { mode: 0, fsync: F, logWriteUs: 3 } } });
    h.send({ conn: 0, at: 0, cpu: 10, locks: [[1, 'X']], endsTrx: true });
    h.sim.run(10_000);
    expect(h.doneOf(0).end).toBe(10);
  });

  it('a read-only transaction does not flush', () => {
    const h = serverHarness({ innodb: { redo: { mode: 1, fsync: F } } });
    h.send({ conn: 0, at: 0, cpu: 10, locks: [[1, 'S']] });
    h.send({ conn: 0, at: 100, cpu: 10, endsTrx: true });
    h.sim.run(10_000);
    expect(h.doneOf(0, 1).end).toBe(110);
    expect(h.parts.redo?.commits).toBe(0);
  });
});
