import { describe, expect, it } from 'vitest';
import { WAIT_TYPES } from '../../src/workload/schema.js';
import { WAIT_FSYNC, WAIT_GROUP_COMMIT, WAIT_OTHER, WAIT_ROW_LOCK } from '../../src/server/executor.js';
import { type InnodbOptions, serverHarness } from '../helpers/server-harness.js';

/** Three 1000 µs statements arriving at 0, 10 and 20 µs on connections 2, 0 and 1, run to the end. */
function threeStatements(innodb: InnodbOptions): ReturnType<typeof serverHarness> {
  const h = serverHarness({ cores: 4, innodb });
  h.send({ conn: 2, at: 0, cpu: 1000 });
  h.send({ conn: 0, at: 10, cpu: 1000 });
  h.send({ conn: 1, at: 20, cpu: 1000 });
  h.sim.run(10_000);
  return h;
}

describe('innodb_thread_concurrency', () => {
  it('a limit of 1 runs statements one at a time, in arrival order', () => {
    const h = threeStatements({ locks: false, threadConcurrency: 1 });
    expect(h.doneOf(2)).toMatchObject({ start: 0, end: 1000 });
    expect(h.doneOf(0)).toMatchObject({ start: 10, end: 2000 });
    expect(h.doneOf(1)).toMatchObject({ start: 20, end: 3000 });
    expect(h.executor.stats.admissionWaits).toBe(2);
    expect(h.executor.stats.admissionWaitTime).toBe(990 + 1980);
  });

  it('sqlLayerShare: the CPU before the first row operation runs outside the gate', () => {
    // 40% of each 1000 µs statement parses and optimizes outside InnoDB; the gate holds 600 µs each.
    const h = threeStatements({ locks: false, threadConcurrency: 1, sqlLayerShare: 0.4 });
    expect(h.doneOf(2)).toMatchObject({ start: 0, end: 1000 });
    expect(h.doneOf(0)).toMatchObject({ start: 10, end: 1600 });
    expect(h.doneOf(1)).toMatchObject({ start: 20, end: 2200 });
    expect(h.executor.stats.admissionWaits).toBe(2);
    expect(h.executor.stats.admissionWaitTime).toBe(1000 - 410 + (1600 - 420));
  });

  it('with no limit the same statements overlap', () => {
    const h = serverHarness({ cores: 4, innodb: { locks: false, threadConcurrency: 0 } });
    h.send({ conn: 2, at: 0, cpu: 1000 });
    h.send({ conn: 0, at: 10, cpu: 1000 });
    h.sim.run(10_000);
    expect(h.doneOf(0).end).toBe(1010);
  });

  it('BEGIN and COMMIT do not enter InnoDB', () => {
    const h = serverHarness({ cores: 4, innodb: { locks: false, threadConcurrency: 1 } });
    h.send({ conn: 0, at: 0, cpu: 1000 });
    h.send({ conn: 1, at: 10, cpu: 50, entersInnodb: false });
    h.sim.run(10_000);
    expect(h.doneOf(1).end).toBe(60);
  });

  it('a thread waiting for a row lock leaves its slot to others', () => {
    const h = serverHarness({ cores: 4, innodb: { threadConcurrency: 1 } });
    h.send({ conn: 0, at: 0, cpu: 100, locks: [[1, 'X']] }); // holds row 1 after it ends
    h.send({ conn: 1, at: 200, cpu: 100, locks: [[1, 'X']] }); // waits for the lock, outside InnoDB
    h.send({ conn: 2, at: 300, cpu: 100 }); // enters at once
    h.sim.run(1000);
    expect(h.doneOf(2)).toMatchObject({ start: 300, end: 400 });
  });
});

describe('server wait types', () => {
  it('match the schema order of WAIT_TYPES', () => {
    expect(WAIT_TYPES[WAIT_ROW_LOCK]).toBe('row_lock');
    expect(WAIT_TYPES[WAIT_GROUP_COMMIT]).toBe('group_commit');
    expect(WAIT_TYPES[WAIT_FSYNC]).toBe('fsync');
    expect(WAIT_TYPES[WAIT_OTHER]).toBe('other');
  });
});
