import { describe, expect, it } from 'vitest';
import { counterOf, mysqlHarness, tpcHarness } from '../helpers/pool-harness.js';

/**
 * One focused test per rule of the MySQL pool (spec section 1(c)), with exact simulated times
 * in µs. Unless stated: one group, one core, 8.4 defaults, thread creation takes 50 µs, the
 * stall checker ticks at 10, 20, 30 ... ms (1 ms after a tick that woke a thread).
 */
const counter = (h: ReturnType<typeof mysqlHarness>, name: string): number => counterOf(h, name);

describe('M4 polling and direct execution', () => {
  it('the waiting thread executes a lone event itself, without queueing it', () => {
    const h = mysqlHarness({});
    h.send({ conn: 0, at: 1000, cpu: 100 });
    h.sim.run(10_000);
    expect(h.doneOf(0)).toMatchObject({ start: 1000, end: 1100 });
    expect(counter(h, 'queries_queued')).toBe(0);
    expect(counter(h, 'queries_executed')).toBe(1);
    expect(counter(h, 'threads_started')).toBe(0);
  });

  it('nobody else polls the group while the waiting thread executes directly', () => {
    const h = mysqlHarness({});
    h.send({ conn: 0, at: 1000, cpu: 5000 });
    h.send({ conn: 1, at: 2000, cpu: 100 });
    h.sim.run(20_000);
    // conn 1 is found only when the waiting thread returns to epoll_wait at 6000.
    expect(h.doneOf(1).start).toBe(6000);
    // One thread per connection starts it at once.
    const t = tpcHarness();
    t.send({ conn: 0, at: 1000, cpu: 5000 });
    t.send({ conn: 1, at: 2000, cpu: 100 });
    t.sim.run(20_000);
    expect(t.doneOf(1).start).toBe(2000);
  });

  it('in highly concurrent mode (algorithm 1, 2 query threads) every event is queued', () => {
    const h = mysqlHarness({ thread_pool_algorithm: 1, thread_pool_query_threads_per_group: 2 });
    h.send({ conn: 0, at: 1000, cpu: 100 });
    h.sim.run(10_000);
    expect(h.doneOf(0).start).toBe(1000);
    expect(counter(h, 'queries_queued')).toBe(1);
  });
});

describe('M5 queue classification', () => {
  // conn 0 keeps the waiting thread busy until 6000; conns 1 (autocommit) and 2 (inside a
  // transaction) are polled together at 6000 and queued.
  const scenario = (config: Parameters<typeof mysqlHarness>[0]) => {
    const h = mysqlHarness(config);
    h.send({ conn: 0, at: 1000, cpu: 5000 });
    h.send({ conn: 1, at: 2000, cpu: 100 });
    h.send({ conn: 2, at: 3000, cpu: 100, trxActive: true });
    h.sim.run(20_000);
    return h;
  };

  it('a statement of an active transaction goes to the high-priority queue and runs first', () => {
    const h = scenario({});
    expect(h.doneOf(2).start).toBe(6000);
    expect(h.doneOf(1).start).toBe(6100);
    expect(counter(h, 'queries_queued')).toBe(2);
  });

  it('the statement right after BEGIN (no engine registered yet) is still low priority', () => {
    const h = mysqlHarness({});
    h.send({ conn: 0, at: 1000, cpu: 5000 });
    h.send({ conn: 1, at: 2000, cpu: 100 });
    h.send({ conn: 2, at: 3000, cpu: 100, trxActive: true, trxRegistered: false });
    h.sim.run(20_000);
    // Both low priority: FIFO, conn 1 first.
    expect(h.doneOf(1).start).toBe(6000);
    expect(h.doneOf(2).start).toBe(6100);
  });

  it('with prio_kickup_timer 0 everything is high priority: plain FIFO', () => {
    const h = scenario({ thread_pool_prio_kickup_timer: 0 });
    expect(h.doneOf(1).start).toBe(6000);
    expect(h.doneOf(2).start).toBe(6100);
  });

  it('with high_priority_connection every statement is high priority: plain FIFO', () => {
    const h = scenario({ thread_pool_high_priority_connection: 1 });
    expect(h.doneOf(1).start).toBe(6000);
    expect(h.doneOf(2).start).toBe(6100);
  });
});

describe('M8 wait_begin', () => {
  it('a waiting thread that blocks is replaced at once, so the group keeps polling', () => {
    const h = mysqlHarness({});
    // cpu 1000, disk wait 10 ms, cpu 1000: the wait starts at 2000.
    h.send({ conn: 0, at: 1000, cpu: 2000, waits: [10_000] });
    h.send({ conn: 1, at: 3000, cpu: 100 });
    h.sim.run(30_000);
    expect(counter(h, 'threads_started')).toBe(1); // created at 2000, running at 2050
    expect(counter(h, 'disk_io_waits')).toBe(1);
    expect(h.doneOf(1).start).toBe(3000);
    expect(h.doneOf(0).end).toBe(13_000);
  });
});

describe('M9 stall detection', () => {
  it.each([
    [6, 70_050],
    [10, 110_050],
  ])('stall_limit %i: a second statement starts at %i µs', (limit, expected) => {
    const h = mysqlHarness({ thread_pool_stall_limit: limit });
    h.send({ conn: 0, at: 1000, cpu: 200_000 });
    h.send({ conn: 1, at: 2000, cpu: 100 });
    h.sim.run(400_000);
    // Attached at 1 ms; the first tick with attach < now - limit*10 ms marks it stalled, the
    // waiting thread is replaced by a new thread (created in 50 µs) that picks up conn 1.
    expect(h.doneOf(1).start).toBe(expected);
    expect(counter(h, 'stalled_queries_executed')).toBe(1);
    expect(counter(h, 'wake_thread_stall_checker')).toBeGreaterThanOrEqual(1);
  });

  it('a statement shorter than the stall limit is never stalled', () => {
    const h = mysqlHarness({ thread_pool_stall_limit: 6 });
    h.send({ conn: 0, at: 1000, cpu: 55_000 });
    h.send({ conn: 1, at: 2000, cpu: 100 });
    h.sim.run(400_000);
    expect(h.doneOf(1).start).toBe(56_000);
    expect(counter(h, 'stalled_queries_executed')).toBe(0);
  });
});

describe('M10 priority kick-up', () => {
  it('moves the low-queue head after the timer, at most one per 10 ms', () => {
    // max_active_query_threads 1: while conn 0 runs (1 ms .. 301 ms) nothing else has credit.
    const h = mysqlHarness({ thread_pool_prio_kickup_timer: 25, thread_pool_max_active_query_threads: 1 });
    h.send({ conn: 0, at: 1000, cpu: 300_000 });
    h.send({ conn: 1, at: 2000, cpu: 100 });
    h.send({ conn: 2, at: 3000, cpu: 100 });
    h.send({ conn: 3, at: 4000, cpu: 100 });
    h.send({ conn: 4, at: 5000, cpu: 100, trxActive: true });
    // At 70 ms conn 0 is stalled and a new thread polls the four events (queued at 70.05 ms):
    // conns 1-3 low, conn 4 high. Ticks: 70 (woke), 71, 81, 91, 101, 111, 121 ...; kick-ups
    // need age > 25 ms at an iteration >= 10 ms after the previous one: 101, 111, 121.
    const kickupsAt = (t: number): number => {
      h.sim.run(t);
      return counter(h, 'prio_kickups');
    };
    expect(kickupsAt(100_999)).toBe(0);
    expect(kickupsAt(101_000)).toBe(1);
    expect(kickupsAt(110_999)).toBe(1);
    expect(kickupsAt(111_000)).toBe(2);
    expect(kickupsAt(121_000)).toBe(3);
    expect(kickupsAt(200_000)).toBe(3);
    h.sim.run(400_000);
    // Conn 4 was high from the start; the kicked-up ones follow in their order.
    const order = h.done.filter((d) => d.conn !== 0).map((d) => d.conn);
    expect(order).toEqual([4, 1, 2, 3]);
    expect(h.doneOf(4).start).toBe(301_000);
  });
});

describe('M10 kick-up only on an iteration 10 ms after the previous one (change note 2)', () => {
  it('while the stall checker acts on consecutive 1 ms iterations, no kick-up happens', () => {
    // MTL 16 on one group (credit while trxn_threads <= 16), stall limit 40 ms, kick-up 30 ms.
    // Conn 0 attaches at 10.5 ms, conns 1-16 at 20.5, 21.5 ... 35.5 ms, each into a 200 ms
    // reported wait (they stay attached). The waiting thread executes each directly and is
    // replaced (M8); conn 17's autocommit statement at 36 ms finds 17 threads attached, no
    // credit, and waits in queued_trans. Stall checks: 10, 20 ... 60 ms (conn 0 stalls: act),
    // then 61 ... 76 ms, one attach stalling at each (act), 77 ms (nothing), 87 ms. The head is
    // old enough (> 30 ms) from 66 ms on, but new_10ms holds again only at 87 ms (10 ms after
    // 77 ms), not at 70 ms.
    const h = mysqlHarness(
      { thread_pool_max_transactions_limit: 16, thread_pool_stall_limit: 4, thread_pool_prio_kickup_timer: 30 },
      { connections: 20 },
    );
    h.send({ conn: 0, at: 10_500, cpu: 2, waits: [200_000] });
    for (let k = 0; k < 16; k++) h.send({ conn: 1 + k, at: 20_500 + k * 1000, cpu: 2, waits: [200_000] });
    h.send({ conn: 17, at: 36_000, cpu: 100 });
    const G = h.handling.groups[0];
    h.sim.run(36_500);
    expect(G.attached.length).toBe(17);
    expect(G.low.size).toBe(1);
    h.sim.run(86_999);
    expect(counter(h, 'wake_thread_stall_checker')).toBe(17); // 60, 61 ... 76 ms
    expect(counter(h, 'prio_kickups')).toBe(0);
    expect(G.low.size).toBe(1);
    h.sim.run(87_000);
    expect(counter(h, 'prio_kickups')).toBe(1);
    expect(G.high.size).toBe(1);
  });
});

describe('M12 thread creation control', () => {
  it('creates freely below 3 x vCPU, then throttles to one per 50 µs, then per 100 µs', () => {
    const h = mysqlHarness({}, { cores: 4 });
    const pool = h.handling;
    const G = pool.groups[0];
    G.threadsActive = 1;
    G.lastThreadCreation = 1000;
    pool.totalQueryThreads = 11; // < 3 * 4
    expect(pool.mayCreate(G, 1000)).toBe(true);
    pool.totalQueryThreads = 12; // 3 * 4 <= total < 5 * 4: 50 µs
    expect(pool.mayCreate(G, 1050)).toBe(false);
    expect(pool.mayCreate(G, 1050.5)).toBe(true);
    pool.totalQueryThreads = 20; // >= 5 * 4: 100 µs
    expect(pool.mayCreate(G, 1100)).toBe(false);
    expect(pool.mayCreate(G, 1100.5)).toBe(true);
    // No active thread: create at once whatever the count.
    G.threadsActive = 0;
    expect(pool.mayCreate(G, 1000)).toBe(true);
    // Never more than 1 + connection_count query threads in a group.
    G.numQueryThreads = G.connectionCount + 2;
    expect(pool.mayCreate(G, 1e9)).toBe(false);
  });

  it('stalls create threads, throttled once the pool passes 3 x vCPU threads', () => {
    // 1 core: free creation below 3 threads. Ten long statements stall one after another.
    const h = mysqlHarness({ thread_pool_stall_limit: 4 }, { cores: 1, connections: 10 });
    for (let c = 0; c < 10; c++) h.send({ conn: c, at: 1000 + c, cpu: 1_000_000 });
    h.sim.run(2_000_000);
    expect(counter(h, 'threads_started')).toBeGreaterThanOrEqual(9);
    expect(h.handling.groups[0].numQueryThreads).toBeLessThanOrEqual(1 + 10);
  });
});
