import { describe, expect, it } from 'vitest';
import { UnixThreadState } from '../../src/threadpool/unix-pool/pool.js';
import { counterOf, gaugesOf, mariadbHarness, perconaHarness } from '../helpers/pool-harness.js';

/**
 * One focused test per rule of the Percona pool (spec section 3(c)), with exact simulated times in
 * µs. Unless stated: one group, one core, 8 connections (all in the group), server defaults
 * (stall_limit 500 ms, oversubscribe 3, mode transactions, tickets UINT_MAX), thread creation
 * takes 50 µs. The group's first thread (id 0) exists at time 0 and becomes the listener.
 */
const counter = counterOf;
const gauges = gaugesOf;

describe('P1 group assignment', () => {
  it('group = thread_id % thread_pool_size (connection index as thread id)', () => {
    const h = perconaHarness({ thread_pool_size: 3 }, { cores: 3, connections: 7 });
    expect([0, 1, 2, 3, 4, 5, 6].map((c) => h.handling.groupOf(c))).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(h.handling.groups.map((G) => G.connectionCount)).toEqual([3, 2, 2]);
    expect([...h.handling.tickets]).toEqual(new Array(7).fill(4294967295)); // tickets at add_connection
  });
});

describe('P2 tickets and thread_pool_high_prio_mode', () => {
  // Round r at r * 10 ms: conns 1 and 2 (autocommit, 1 ms each) and conn 0 (100 µs) reach the
  // listener in one batch. The listener runs conn 1 itself (P3) and queues conns 2 and 0: if conn 0
  // is high priority it starts at +1000 (before conn 2), else at +2000. Conn 0 runs a transaction:
  // round 1 is its BEGIN (no transaction active yet), rounds 2-5 are statements inside it.
  const run = (config: Parameters<typeof perconaHarness>[0]) => {
    const h = perconaHarness(config);
    for (let r = 1; r <= 5; r++) {
      const at = r * 10_000;
      h.send({ conn: 1, at, cpu: 1000 });
      h.send({ conn: 2, at, cpu: 1000 });
      h.send({ conn: 0, at, cpu: 100, trxActive: r >= 2 });
    }
    h.sim.run(100_000);
    const starts = h.done.filter((d) => d.conn === 0).map((d) => d.start - Math.floor(d.arrival / 10_000) * 10_000);
    return { starts, hp: counter(h, 'Threadpool_hp_queue_wait_cnt') };
  };

  it('tickets 2: two statements of the transaction go high, the third to the normal queue (tickets refilled)', () => {
    expect(run({ thread_pool_high_prio_tickets: 2 })).toEqual({ starts: [2000, 1000, 1000, 2000, 1000], hp: 3 });
  });

  it('default tickets (UINT_MAX): every statement of an open transaction is high priority', () => {
    expect(run({})).toEqual({ starts: [2000, 1000, 1000, 1000, 1000], hp: 4 });
  });

  it('tickets 0 or mode none: never high; mode statements: every queued statement high', () => {
    const never = { starts: [2000, 2000, 2000, 2000, 2000], hp: 0 };
    expect(run({ thread_pool_high_prio_tickets: 0 })).toEqual(never);
    expect(run({ thread_pool_high_prio_mode: 'none' })).toEqual(never);
    // Statements mode: conns 2 and 0 both go high, in arrival order (conn 2 first); the listener's
    // direct picks of conn 1 count as 0 µs high-priority samples too (P7): 5 + 10.
    expect(run({ thread_pool_high_prio_mode: 'statements' })).toEqual({ starts: [2000, 2000, 2000, 2000, 2000], hp: 15 });
  });
});

describe('P2 transaction active = InnoDB registered (thd_is_transaction_active)', () => {
  it("the first statement after BEGIN is not high priority: no engine is in the session's transaction yet", () => {
    // As in the tests above: the listener runs conn 1 itself (P3) and queues conns 2 and 0.
    const run = (registered: boolean) => {
      const h = perconaHarness({});
      h.send({ conn: 1, at: 1000, cpu: 1000 });
      h.send({ conn: 2, at: 1000, cpu: 1000 });
      h.send({ conn: 0, at: 1000, cpu: 100, trxActive: true, trxRegistered: registered });
      h.sim.run(10_000);
      return h.doneOf(0).start;
    };
    expect(run(false)).toBe(3000); // normal queue, behind conn 2
    expect(run(true)).toBe(2000); // high-priority queue, first
  });
});

describe('P2 held locks count as a transaction (connection_is_high_prio)', () => {
  // As above: the listener runs conn 1 itself (P3) and queues conns 2 and 0; conn 0 sends an
  // autocommit statement while its session holds a table lock (LOCK TABLES), an MDL outside a
  // transaction, the global read lock or a user-level lock.
  const run = (locks: boolean, cfg = {}) => {
    const h = perconaHarness(cfg);
    h.send({ conn: 1, at: 1000, cpu: 1000 });
    h.send({ conn: 2, at: 1000, cpu: 1000 });
    h.send({ conn: 0, at: 1000, cpu: 100, sessionLocks: locks });
    h.sim.run(10_000);
    return { start: h.doneOf(0).start, hp: counter(h, 'Threadpool_hp_queue_wait_cnt'), tickets: h.handling.tickets[0] };
  };

  it('a session holding locks goes to the high-priority queue with no transaction open', () => {
    // hp: high-priority queue-wait samples (P7); a high enqueue takes a ticket, a normal one refills.
    expect(run(true, { thread_pool_high_prio_tickets: 5 })).toEqual({ start: 2000, hp: 1, tickets: 4 });
    expect(run(false, { thread_pool_high_prio_tickets: 5 })).toEqual({ start: 3000, hp: 0, tickets: 5 });
  });

  it('still needs a ticket, and mode none ignores it', () => {
    expect(run(true, { thread_pool_high_prio_tickets: 0 }).start).toBe(3000);
    expect(run(true, { thread_pool_high_prio_mode: 'none' }).start).toBe(3000);
  });
});

describe('P1/P2 admin_port connections', () => {
  it('an admin connection is high priority whatever the mode and tickets', () => {
    // As above, with the statement on conn 7, the last of 8 connections, on admin_port.
    const run = (cfg: object) => {
      const h = perconaHarness({ admin_connections: 1, ...cfg });
      h.send({ conn: 1, at: 1000, cpu: 1000 });
      h.send({ conn: 2, at: 1000, cpu: 1000 });
      h.send({ conn: 7, at: 1000, cpu: 100 });
      h.sim.run(10_000);
      return h.doneOf(7).start;
    };
    expect(run({})).toBe(2000);
    expect(run({ thread_pool_high_prio_tickets: 0 })).toBe(2000);
    expect(run({ thread_pool_high_prio_mode: 'none' })).toBe(2000);
    expect(run({ admin_connections: 0, thread_pool_high_prio_mode: 'none' })).toBe(3000);
  });
});

describe('P3 listener', () => {
  // conn 0 (in a transaction) and conn 1 (autocommit) reach the idle listener in one batch.
  it('takes ev[0] itself, with no queue and no ticket: conn 0 first, conn 1 queued', () => {
    const h = perconaHarness({ thread_pool_high_prio_tickets: 5 });
    h.send({ conn: 0, at: 1000, cpu: 100, trxActive: true });
    h.send({ conn: 1, at: 1000, cpu: 100, trxActive: true });
    h.sim.run(10_000);
    expect([h.doneOf(0).start, h.doneOf(1).start]).toEqual([1000, 1100]);
    expect([h.handling.tickets[0], h.handling.tickets[1]]).toEqual([5, 4]);
    expect(counter(h, 'Threadpool_dequeues_by_listener')).toBe(1);
  });

  it('takes ev[0] even when a later event has higher priority (MariaDB picks through the queue)', () => {
    const p = perconaHarness({});
    const m = mariadbHarness({});
    for (const h of [p, m]) {
      h.send({ conn: 1, at: 1000, cpu: 100 });
      h.send({ conn: 0, at: 1000, cpu: 100, trxActive: true });
      h.sim.run(10_000);
    }
    expect([p.doneOf(1).start, p.doneOf(0).start]).toEqual([1000, 1100]);
    expect([m.doneOf(1).start, m.doneOf(0).start]).toEqual([1100, 1000]);
  });
});

describe('P4 low-priority throttling', () => {
  // conns 0-2: cpu 100 around a 10 ms wait; conn 3 no wait. 1000: the listener runs conn 0 and
  // queues 1-3 (normal). 1050: conn 0 waits, nobody active -> thread 1 (runs 1100) takes conn 1,
  // which waits at 1150 -> thread 2 (runs 1200). 11_050: conn 0's wait ends; it ends at 11_100.
  const run = <T extends ReturnType<typeof perconaHarness> | ReturnType<typeof mariadbHarness>>(h: T): T => {
    for (const c of [0, 1, 2]) h.send({ conn: c, at: 1000, cpu: 100, waits: [10_000] });
    h.send({ conn: 3, at: 1000, cpu: 100 });
    h.sim.run(5000);
    return h;
  };

  it('the normal queue is closed while active + waiting > 1 + oversubscribe', () => {
    // oversubscribe 1: at 1200 thread 2 is active and two wait: 3 > 2, so it may not dequeue.
    const h = run(perconaHarness({ thread_pool_oversubscribe: 1 }));
    // Thread 2 became listener; 0 active + 2 waiting = 2: no longer "starved" though nobody dequeues.
    expect(gauges(h)).toMatchObject({ Threadpool_requests_waiting_in_queue: 2, waiting_thread_count: 2, active_thread_count: 0 });
    h.sim.run(100_000);
    // 11_100: thread 0 is back (1 active + 1 waiting = 2): conn 2 is dequeued.
    expect(h.doneOf(2).start).toBe(11_100);
  });

  it('oversubscribe 3: thread 2 dequeues conn 2 at once; MariaDB (no P4) does so even with oversubscribe 1', () => {
    const p = run(perconaHarness({}));
    p.sim.run(100_000);
    expect(p.doneOf(2).start).toBe(1200);
    const m = run(mariadbHarness({ thread_pool_oversubscribe: 1 }));
    m.sim.run(100_000);
    expect(m.doneOf(2).start).toBe(1200);
  });

  // Waits of 5 s: threads 0 and 1 wait, thread 2 listens, conns 2 and 3 queued (normal). At the
  // 1 s tick nothing was dequeued for a tick: stall -> thread 3 (runs at 1_000_050) finds the normal
  // queue closed (1 active + 2 waiting > 2) and, with the listener present, polls one event: conn
  // 4, which arrives at that instant before the listener reads it.
  const pollRace = (trx: boolean) => {
    const h = perconaHarness({ thread_pool_oversubscribe: 1 });
    for (const c of [0, 1, 2]) h.send({ conn: c, at: 1000, cpu: 100, waits: [5_000_000] });
    h.send({ conn: 3, at: 1000, cpu: 100 });
    h.send({ conn: 4, at: 1_000_050, cpu: 100, trxActive: trx });
    h.sim.run(1_000_100);
    return h;
  };

  it("a worker's single-event poll runs a high-priority event even when too many threads are busy", () => {
    const h = pollRace(true);
    expect(counter(h, 'Threadpool_stalls')).toBe(1);
    expect(counter(h, 'Threadpool_polls_by_worker')).toBe(1);
    h.sim.run(2_000_000);
    expect(h.doneOf(4).start).toBe(1_000_050);
  });

  it('... but pushes a normal event into the normal queue and sleeps', () => {
    const h = pollRace(false);
    expect(counter(h, 'Threadpool_polls_by_worker')).toBe(1);
    expect(gauges(h)).toMatchObject({ Threadpool_requests_waiting_in_queue: 3, Threadpool_requests_waiting_in_hp_queue: 0 });
    expect(h.handling.threadState(3)).toBe(UnixThreadState.Sleeping);
  });
});

describe('P5 timer', () => {
  // oversubscribe 1; conns 0-2 in transactions (high queue, not throttled) each wait 5 s, so three
  // threads wait and the normal queue holding conn 3 stays closed (0 active + 3 waiting > 2).
  const run = () => {
    const h = perconaHarness({ thread_pool_oversubscribe: 1 });
    for (const c of [0, 1, 2]) h.send({ conn: c, at: 1000, cpu: 100, trxActive: true, waits: [5_000_000] });
    h.send({ conn: 3, at: 1000, cpu: 100 });
    return h;
  };

  it('no kick-up, and a throttled normal queue is not a stall', () => {
    const h = run();
    h.sim.run(4_500_000); // nine ticks
    expect(gauges(h)).toMatchObject({
      Threadpool_requests_waiting_in_queue: 1,
      Threadpool_requests_waiting_in_hp_queue: 0,
      Threadpool_requests_starved_in_queue: 1,
      waiting_thread_count: 3,
    });
    expect(counter(h, 'Threadpool_stalls')).toBe(0);
    expect(counter(h, 'Threadpool_thread_creations')).toBe(4);
    h.sim.run(6_000_000);
    // Waits end at 5_001_050, 5_001_150, 5_001_250; thread 1 ends conn 1 at 5_001_200 with
    // 1 active + 1 waiting: conn 3 is dequeued.
    expect(h.doneOf(3).start).toBe(5_001_200);
  });

});

describe('P6 throttling interval', () => {
  it('0 / 50 / 100 / 200 ms at 4 / 8 / 16 threads, whatever oversubscribe and stall_limit', () => {
    const at = (config: Parameters<typeof perconaHarness>[0]) => {
      const h = perconaHarness(config);
      const G = h.handling.groups[0];
      return [3, 4, 7, 8, 15, 16, 100].map((n) => {
        G.threadCount = n;
        return h.handling.throttlingInterval(G);
      });
    };
    const expected = [0, 50_000, 50_000, 100_000, 100_000, 200_000, 200_000];
    expect(at({})).toEqual(expected);
    expect(at({ thread_pool_oversubscribe: 10, thread_pool_stall_limit: 10 })).toEqual(expected);
  });

  it('a creation 150 ms after the last one is throttled at 16 threads (MariaDB: 20 ms, allowed)', () => {
    const create = (h: ReturnType<typeof perconaHarness> | ReturnType<typeof mariadbHarness>) => {
      h.sim.run(1000);
      const G = h.handling.groups[0];
      G.threadCount = 16;
      G.connectionCount = 100;
      G.activeThreadCount = 1;
      G.lastThreadCreation = 1000 - 150_000;
      return h.handling.wakeOrCreate(G, false);
    };
    const p = perconaHarness({});
    expect(create(p)).toBe(false);
    expect(counter(p, 'Threadpool_throttles')).toBe(1);
    expect(create(mariadbHarness({}))).toBe(true);
  });
});

describe('P7 queue-wait statistics', () => {
  it('one sample per dequeue (now - queue_enter_time), 0 µs for the listener’s direct pick', () => {
    const h = perconaHarness({});
    h.send({ conn: 1, at: 1000, cpu: 300 }); // taken directly: a 0 µs normal sample
    h.send({ conn: 0, at: 1000, cpu: 100, trxActive: true }); // high queue, waits 300 µs
    h.send({ conn: 2, at: 1000, cpu: 100 }); // normal queue, waits 400 µs
    h.sim.run(10_000);
    expect(counter(h, 'Threadpool_queue_wait_cnt')).toBe(2);
    expect(counter(h, 'Threadpool_queue_wait_sum_us')).toBe(400);
    expect(counter(h, 'Threadpool_hp_queue_wait_cnt')).toBe(1);
    expect(counter(h, 'Threadpool_hp_queue_wait_sum_us')).toBe(300);
    expect(gauges(h)).toMatchObject({
      Threadpool_average_queue_wait_us: 200,
      Threadpool_max_queue_wait_us: 400,
      Threadpool_average_hp_queue_wait_us: 300,
      Threadpool_max_hp_queue_wait_us: 300,
    });
    // The gauges cover the interval since the previous sample.
    expect(gauges(h)).toMatchObject({ Threadpool_average_queue_wait_us: 0, Threadpool_max_queue_wait_us: 0 });
  });
});

describe('P8 pool-blocked message', () => {
  it('logged once, at the first failed creation (msg_written blocks the 30 s repeat)', () => {
    const h = perconaHarness({ thread_pool_max_threads: 1 });
    h.send({ conn: 0, at: 1000, cpu: 100, waits: [40_000_000] });
    h.send({ conn: 1, at: 2000, cpu: 100, waits: [40_000_000] });
    h.sim.run(2049);
    expect(h.handling.errorLog).toEqual([]);
    h.sim.run(2050);
    expect(h.handling.errorLog.map((l) => l.at)).toEqual([2050]);
    h.sim.run(39_000_000);
    expect(h.handling.errorLog).toHaveLength(1);
  });
});
