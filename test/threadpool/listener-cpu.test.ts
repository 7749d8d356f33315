import { describe, expect, it } from 'vitest';
import { counterOf, mariadbHarness, perconaHarness } from '../helpers/pool-harness.js';

/**
 * listener_cpu (tpsim): each listener poll that returns events first needs that much of the core.
 * Exact times in µs; one group, one core shared as processor sharing, thread creation 50 µs.
 */
const counter = counterOf;

describe('listener_cpu: the listener waits for the core before it reads its events', () => {
  it('0 (the default) reads each event the instant it arrives: as the A4 rule alone', () => {
    const h = mariadbHarness({});
    h.send({ conn: 0, at: 1000, cpu: 100 });
    h.sim.run(10_000);
    expect(h.doneOf(0)).toMatchObject({ start: 1000, end: 1100 });
  });

  it('an idle core: the poll takes listener_cpu, then the listener picks the event itself', () => {
    const h = mariadbHarness({ listener_cpu: '2us' });
    h.send({ conn: 0, at: 1000, cpu: 100 });
    h.sim.run(10_000);
    expect(h.doneOf(0)).toMatchObject({ start: 1002, end: 1102 });
    expect(counter(h, 'POLLS_BY_LISTENER')).toBe(1);
    expect(counter(h, 'DEQUEUES_BY_LISTENER')).toBe(1);
  });

  // Dedicated listener (thread 0). 1000: conn 0 arrives; the poll's 2 µs end at 1002; the
  // listener queues it and, alone in the group, creates worker 1, which runs conn 0 from 1052.
  // 1100: conn 1 arrives; the listener's poll shares the core with worker 1 (half each), so its
  // 2 µs end at 1104, and conn 2, arriving at 1101, is read in the same poll. Worker 1's 1000 µs
  // lost 2 µs to the listener: conn 0 ends at 2054, then conns 1 and 2 follow from the queue.
  const run = (listenerCpu: string | undefined) => {
    const h = mariadbHarness({ thread_pool_dedicated_listener: true, ...(listenerCpu === undefined ? {} : { listener_cpu: listenerCpu }) });
    h.send({ conn: 0, at: 1000, cpu: 1000 });
    h.send({ conn: 1, at: 1100, cpu: 100 });
    h.send({ conn: 2, at: 1101, cpu: 100 });
    h.sim.run(100_000);
    return h;
  };

  it('a busy core: events that arrive while the listener waits are read in one poll', () => {
    const h = run('2us');
    expect(h.doneOf(0)).toMatchObject({ start: 1052, end: 2054 });
    expect(h.doneOf(1)).toMatchObject({ start: 2054, end: 2154 });
    expect(h.doneOf(2)).toMatchObject({ start: 2154, end: 2254 });
    expect(counter(h, 'POLLS_BY_LISTENER')).toBe(2);
  });

  it('the same without listener_cpu: one poll per event, and the worker loses nothing', () => {
    const h = run(undefined);
    expect(h.doneOf(0)).toMatchObject({ start: 1050, end: 2050 });
    expect(h.doneOf(1).start).toBe(2050);
    expect(counter(h, 'POLLS_BY_LISTENER')).toBe(3);
  });

  it('a worker that becomes the listener pays for its poll too (Percona, same listener code)', () => {
    const h = perconaHarness({ listener_cpu: '3us' });
    // 1000: the listener pays 3 µs and picks conn 0 itself (1003-2003); conn 1 (1500) waits in
    // the socket layer with no listener until thread 0 returns to get_event at 2003, becomes the
    // listener, pays 3 µs and picks conn 1 (2006).
    h.send({ conn: 0, at: 1000, cpu: 1000 });
    h.send({ conn: 1, at: 1500, cpu: 100 });
    h.sim.run(100_000);
    expect(h.doneOf(0)).toMatchObject({ start: 1003, end: 2003 });
    expect(h.doneOf(1)).toMatchObject({ start: 2006, end: 2106 });
    expect(counter(h, 'Threadpool_polls_by_listener')).toBe(2);
  });
});
