import { describe, expect, it } from 'vitest';
import { UnixThreadState } from '../../src/threadpool/unix-pool/pool.js';
import { counterOf, gaugesOf, mariadbHarness } from '../helpers/pool-harness.js';
import { poolBlockedWarning, poolLogResult } from '../../src/run/server-log.js';

/**
 * One focused test per rule of the MariaDB pool (spec section 2(c)), with exact simulated times in
 * µs. Unless stated: one group, one core, 8 connections (all in the group), server defaults
 * (stall_limit 500 ms, oversubscribe 3), thread creation takes 50 µs. The group's first thread
 * (id 0) exists at time 0 and becomes the listener.
 */
type H = ReturnType<typeof mariadbHarness>;
const counter = counterOf;
const gauge = (h: H, name: string): number => gaugesOf(h)[name];

describe('A1 group assignment', () => {
  it('connection i belongs to group i % thread_pool_size and is served only by that group', () => {
    const h = mariadbHarness({ thread_pool_size: 2 }, { cores: 2, connections: 4 });
    expect([0, 1, 2, 3].map((c) => h.handling.groupOf(c))).toEqual([0, 1, 0, 1]);
    h.send({ conn: 0, at: 1000, cpu: 1000 });
    h.send({ conn: 2, at: 1000, cpu: 100 });
    h.send({ conn: 1, at: 1000, cpu: 100 });
    h.sim.run(10_000);
    // Group 1's listener takes conn 1 at once; conn 2 waits for group 0's only thread.
    expect(h.doneOf(1).start).toBe(1000);
    expect(h.doneOf(2).start).toBe(2000);
  });
});

describe('A2 startup (login not modelled)', () => {
  it('every group with connections starts with one thread, which becomes its listener', () => {
    const h = mariadbHarness({ thread_pool_size: 3 }, { connections: 2 });
    h.sim.run(1);
    expect(h.handling.groups.map((G) => G.threadCount)).toEqual([1, 1, 0]);
    expect(h.handling.groups.map((G) => G.listener >= 0)).toEqual([true, true, false]);
    expect(counter(h, 'THREAD_CREATIONS', 0)).toBe(1);
    expect(h.handling.numWorkerThreads).toBe(2);
  });
});

describe('A2 login_burst (tpsim): the threads a burst of logins leaves behind', () => {
  it('the group starts with one thread per connection plus the listener, the others asleep', () => {
    const h = mariadbHarness({ login_burst: true }, { connections: 4 });
    h.sim.run(1);
    expect(h.handling.groups[0].threadCount).toBe(5);
    expect(h.handling.threadState(0)).toBe(UnixThreadState.Listening);
    expect(h.handling.threadsIn(0, UnixThreadState.Sleeping)).toEqual([1, 2, 3, 4]);
    expect(gauge(h, 'STANDBY_THREADS')).toBe(4);
    expect(counter(h, 'THREAD_CREATIONS')).toBe(5);
  });

  it('a wait with no other active thread wakes a sleeper (the last one to sleep) instead of creating one', () => {
    const h = mariadbHarness({ login_burst: true }, { connections: 4 });
    // As in the A7 test above: the listener picks conn 0, which waits from 1050 with no listener.
    h.send({ conn: 0, at: 1000, cpu: 100, waits: [10_000] });
    h.send({ conn: 1, at: 2000, cpu: 100 });
    h.sim.run(30_000);
    expect(counter(h, 'THREAD_CREATIONS')).toBe(5);
    expect(counter(h, 'WAKES')).toBe(1);
    expect(h.doneOf(1).start).toBe(2000); // thread 4, woken at 1050, became the listener
    expect(h.handling.groups[0].threadCount).toBe(5);
  });

  it('no more threads than thread_pool_max_threads allows (each group may always have 2)', () => {
    const h = mariadbHarness({ login_burst: true, thread_pool_max_threads: 3 }, { connections: 8 });
    h.sim.run(1);
    expect(h.handling.groups[0].threadCount).toBe(3);
  });
});

describe('A4 listener', () => {
  it('picks the event itself when the queue is empty', () => {
    const h = mariadbHarness({});
    h.send({ conn: 0, at: 1000, cpu: 100 });
    h.sim.run(10_000);
    expect(h.doneOf(0)).toMatchObject({ start: 1000, end: 1100 });
    expect(counter(h, 'POLLS_BY_LISTENER')).toBe(1);
    expect(counter(h, 'DEQUEUES_BY_LISTENER')).toBe(1);
    expect(counter(h, 'THREAD_CREATIONS')).toBe(1);
  });

  it('a dedicated listener never executes: it queues, creates a worker when alone, then wakes it', () => {
    const h = mariadbHarness({ thread_pool_dedicated_listener: true });
    h.send({ conn: 0, at: 1000, cpu: 100 });
    h.send({ conn: 1, at: 2000, cpu: 100 });
    h.sim.run(10_000);
    expect(h.doneOf(0).start).toBe(1050); // created at 1000, runs at 1050
    expect(h.doneOf(1).start).toBe(2000); // the sleeping worker is woken
    expect(counter(h, 'THREAD_CREATIONS')).toBe(2);
    expect(counter(h, 'WAKES')).toBe(1);
    expect(counter(h, 'DEQUEUES_BY_LISTENER')).toBe(0);
    expect(counter(h, 'DEQUEUES_BY_WORKER')).toBe(2);
    expect(h.handling.threadState(0)).toBe(UnixThreadState.Listening);
  });
});

describe('A5 worker get_event', () => {
  // conn 0: cpu 100 | wait 10 ms | cpu 100 ; conn 1 a long statement; conns 2, 3 short.
  // 1000: listener picks conn 0, queues 1-3. 1050: conn 0 waits, no thread active -> create
  // thread 1 (A7), which takes conn 1 at 1100. 11050: conn 0 returns (active 2).
  // 11150: conn 0 ends (its 50 µs shared the core with conn 1): thread 0 calls get_event.
  const run = (oversubscribe: number) => {
    const h = mariadbHarness({ thread_pool_oversubscribe: oversubscribe });
    h.send({ conn: 0, at: 1000, cpu: 100, waits: [10_000] });
    h.send({ conn: 1, at: 1000, cpu: 20_000 });
    h.send({ conn: 2, at: 1000, cpu: 100 });
    h.send({ conn: 3, at: 1000, cpu: 100 });
    h.sim.run(100_000);
    return h;
  };

  it('oversubscribe 1: with 2 active threads the finishing worker may not dequeue; it becomes listener', () => {
    const h = run(1);
    expect(h.doneOf(0).end).toBe(11_150);
    // conn 1 (20 ms of CPU from 1100, 50 µs shared) ends at 21_150; its thread then dequeues conn 2.
    expect(h.doneOf(1).end).toBe(21_150);
    expect(h.doneOf(2).start).toBe(21_150);
    expect(h.handling.groups[0].listener).toBe(0);
  });

  it('oversubscribe 3 (default): the same worker dequeues conn 2 at once', () => {
    const h = run(3);
    expect(h.doneOf(2).start).toBe(11_150);
  });

  it('sleeping workers are woken last-in first-out', () => {
    const h = mariadbHarness({ thread_pool_dedicated_listener: true });
    // Thread 1 (created at 1000) takes conn 0 and waits at 1100; thread 2 (created then) runs
    // conn 1 and sleeps at 1250; thread 1 ends conn 0 at 6150 and sleeps after it.
    h.send({ conn: 0, at: 1000, cpu: 100, waits: [5000] });
    h.send({ conn: 1, at: 1000, cpu: 100 });
    h.send({ conn: 2, at: 7000, cpu: 1000 });
    h.sim.run(6999);
    expect(h.handling.threadState(1)).toBe(UnixThreadState.Sleeping);
    expect(h.handling.threadState(2)).toBe(UnixThreadState.Sleeping);
    h.sim.run(7500);
    expect(h.handling.threadState(1)).toBe(UnixThreadState.Executing);
    expect(h.handling.threadState(2)).toBe(UnixThreadState.Sleeping);
    h.sim.run(9000);
    expect(h.doneOf(2).start).toBe(7000);
  });

  it('a worker that finds the queue empty polls the sockets without blocking before it sleeps', () => {
    const h = mariadbHarness({ thread_pool_dedicated_listener: true });
    h.send({ conn: 0, at: 1000, cpu: 100 });
    h.sim.run(10_000);
    expect(counter(h, 'POLLS_BY_WORKER')).toBe(1);
    expect(h.handling.threadState(1)).toBe(UnixThreadState.Sleeping);
  });
});

describe('A7 wait_begin / wait_end', () => {
  it('the last active thread entering a wait with no listener creates a thread at once', () => {
    const h = mariadbHarness({});
    // The listener picked conn 0, so the group has no listener while conn 0 waits from 1050.
    h.send({ conn: 0, at: 1000, cpu: 100, waits: [10_000] });
    h.send({ conn: 1, at: 2000, cpu: 100 });
    h.sim.run(30_000);
    expect(counter(h, 'THREAD_CREATIONS')).toBe(2);
    expect(counter(h, 'WAITS_DISKIO')).toBe(1);
    expect(h.doneOf(1).start).toBe(2000); // the new thread became listener at 1100
    expect(h.doneOf(0).end).toBe(11_100);
  });

  it('no thread is created when the queue is empty and a listener exists', () => {
    const h = mariadbHarness({ thread_pool_dedicated_listener: true });
    h.send({ conn: 0, at: 1000, cpu: 100, waits: [10_000] });
    h.sim.run(30_000);
    expect(counter(h, 'THREAD_CREATIONS')).toBe(2); // the startup thread and the worker for conn 0
  });
});

describe('A8 thread_pool_priority', () => {
  // conn 1 (autocommit) and conn 0 (inside a transaction) reach the listener in one batch.
  const run = (priority: 'auto' | 'high' | 'low') => {
    const h = mariadbHarness({ thread_pool_priority: priority });
    h.send({ conn: 1, at: 1000, cpu: 100 });
    h.send({ conn: 0, at: 1000, cpu: 100, trxActive: true });
    h.sim.run(10_000);
    return [h.doneOf(0).start, h.doneOf(1).start];
  };

  it('auto: a statement of an active transaction is high priority and goes first', () => {
    expect(run('auto')).toEqual([1000, 1100]);
  });

  it('low or high for everyone: FIFO', () => {
    expect(run('low')).toEqual([1100, 1000]);
    expect(run('high')).toEqual([1100, 1000]);
  });

  it('auto is THD::transaction->is_active(): after BEGIN alone no engine is registered, so the first statement of the transaction is still low priority', () => {
    // conn 0 busy 1000-2000. Queued behind it, in arrival order: conn 2 (its transaction's first
    // statement after BEGIN: in a transaction, InnoDB not yet registered), conn 1 (a later
    // statement of an open transaction, InnoDB registered), conn 3 (autocommit).
    const h = mariadbHarness({});
    h.send({ conn: 0, at: 1000, cpu: 1000 });
    h.send({ conn: 2, at: 1100, cpu: 100, trxActive: true, trxRegistered: false });
    h.send({ conn: 1, at: 1200, cpu: 100, trxActive: true, trxRegistered: true });
    h.send({ conn: 3, at: 1300, cpu: 100 });
    h.sim.run(10_000);
    // Only conn 1 is high: it goes first; conns 2 and 3 follow in the low queue's FIFO order.
    expect([1, 2, 3].map((c) => h.doneOf(c).start)).toEqual([2000, 2100, 2200]);
  });
});

describe('A9 timer', () => {
  it('no listener and no I/O event for a tick: a thread is created, which becomes listener', () => {
    const h = mariadbHarness({ thread_pool_stall_limit: 100 });
    h.send({ conn: 0, at: 1000, cpu: 1_000_000 });
    h.send({ conn: 1, at: 2000, cpu: 100 });
    // Tick 100 ms: the listener's poll at 1000 counts, reset. Tick 200 ms: nothing since.
    h.sim.run(199_999);
    expect(counter(h, 'THREAD_CREATIONS_DUE_TO_STALL')).toBe(0);
    h.sim.run(300_000);
    expect(counter(h, 'THREAD_CREATIONS_DUE_TO_STALL')).toBe(1);
    expect(counter(h, 'STALLS')).toBe(0);
    expect(h.doneOf(1).start).toBe(200_050);
  });

  it('a queue that made no progress for a whole tick is stalled and gets one thread, not before', () => {
    const h = mariadbHarness({ thread_pool_stall_limit: 100, thread_pool_dedicated_listener: true });
    h.send({ conn: 0, at: 1000, cpu: 1_000_000 }); // thread 1 takes it at 1050
    h.send({ conn: 1, at: 2000, cpu: 100 }); // queued behind it
    // Tick 100 ms: thread 1's dequeue at 1050 was progress. Tick 200 ms: none since.
    h.sim.run(199_999);
    expect(counter(h, 'STALLS')).toBe(0);
    expect(h.handling.groups[0].stalled).toBe(false);
    h.sim.run(200_000);
    expect(counter(h, 'STALLS')).toBe(1);
    expect(h.handling.groups[0].stalled).toBe(true);
    expect(counter(h, 'THREAD_CREATIONS_DUE_TO_STALL')).toBe(1);
    h.sim.run(400_000);
    expect(h.doneOf(1).start).toBe(200_050);
    expect(h.handling.groups[0].stalled).toBe(false); // cleared by the dequeue
    expect(counter(h, 'STALLS')).toBe(1);
  });

  it('the stalled flag lets exactly one get_event dequeue past the oversubscribe limit', () => {
    const h = mariadbHarness({ thread_pool_stall_limit: 100, thread_pool_dedicated_listener: true, thread_pool_oversubscribe: 1 });
    h.send({ conn: 0, at: 1000, cpu: 1_000_000 });
    h.send({ conn: 1, at: 2000, cpu: 1_000_000 });
    h.send({ conn: 2, at: 3000, cpu: 100 });
    h.sim.run(3_000_000);
    // 200 ms: stall -> thread 2 dequeues conn 1 although 2 threads are active. 300 ms: that
    // dequeue was progress. 400 ms: stall again -> thread 3 takes conn 2.
    expect(h.doneOf(1).start).toBe(200_050);
    expect(h.doneOf(2).start).toBe(400_050);
    expect(counter(h, 'STALLS')).toBe(2);
  });

  it('kick-up moves every low entry older than prio_kickup_timer at one tick (coarse enqueue time)', () => {
    const h = mariadbHarness({ thread_pool_stall_limit: 100, thread_pool_dedicated_listener: true, thread_pool_prio_kickup_timer: 99 });
    h.send({ conn: 0, at: 1000, cpu: 1_000_000 });
    for (const c of [1, 2, 3]) h.send({ conn: c, at: 1000 * (c + 1), cpu: 100 });
    h.send({ conn: 4, at: 5000, cpu: 100, trxActive: true });
    h.sim.run(99_999);
    expect([gauge(h, 'QUEUE_LENGTH_HIGH'), gauge(h, 'QUEUE_LENGTH_LOW')]).toEqual([1, 3]);
    // Enqueue times are the timer's clock at start (0): at the 100 ms tick all three are > 99 ms old.
    h.sim.run(100_000);
    expect([gauge(h, 'QUEUE_LENGTH_HIGH'), gauge(h, 'QUEUE_LENGTH_LOW')]).toEqual([4, 0]);
    h.sim.run(1_000_000);
    const order = h.done.filter((d) => d.conn !== 0).map((d) => d.conn);
    expect(order).toEqual([4, 1, 2, 3]);
  });

  it('thread_pool_exact_stats: enqueue times are exact, so the same entries move one tick later', () => {
    const h = mariadbHarness({
      thread_pool_stall_limit: 100,
      thread_pool_dedicated_listener: true,
      thread_pool_prio_kickup_timer: 99,
      thread_pool_exact_stats: true,
    });
    h.send({ conn: 0, at: 1000, cpu: 1_000_000 });
    for (const c of [1, 2, 3]) h.send({ conn: c, at: 1000 * (c + 1), cpu: 100 });
    h.sim.run(100_000);
    expect(gauge(h, 'QUEUE_LENGTH_LOW')).toBe(3); // 98, 97, 96 ms old
    expect(h.handling.enqueueTime[1]).toBe(2000);
    // At 200 ms the stall check creates a thread after the kick-up, which runs at 200.05 ms.
    h.sim.run(200_000);
    expect([gauge(h, 'QUEUE_LENGTH_HIGH'), gauge(h, 'QUEUE_LENGTH_LOW')]).toEqual([3, 0]);
  });
});

describe('A10 wake or create, throttling', () => {
  it('the interval by thread count, with the integer THROTTLING_FACTOR (0 below stall_limit 500)', () => {
    const at = (config: Parameters<typeof mariadbHarness>[0], counts: number[]) => {
      const h = mariadbHarness(config);
      const G = h.handling.groups[0];
      return counts.map((n) => {
        G.threadCount = n;
        return h.handling.throttlingInterval(G);
      });
    };
    const counts = [3, 4, 7, 8, 15, 16, 100];
    expect(at({}, counts)).toEqual([0, 50_000, 50_000, 100_000, 100_000, 20_000, 20_000]);
    expect(at({ thread_pool_stall_limit: 1000 }, counts)).toEqual([0, 50_000, 50_000, 100_000, 100_000, 20_000, 20_000]);
    expect(at({ thread_pool_stall_limit: 499 }, counts)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(at({ thread_pool_oversubscribe: 5 }, [5, 6])).toEqual([0, 50_000]);
  });

  it('with 4 threads and an active one, a second creation within 50 ms is throttled', () => {
    const run = (stallLimit: number) => {
      const h = mariadbHarness({ thread_pool_stall_limit: stallLimit });
      h.sim.run(1000);
      const G = h.handling.groups[0];
      G.threadCount = 4; // pretend: creation control reads only these counts
      G.activeThreadCount = 1;
      G.lastThreadCreation = 1000 - 50_000;
      const created = h.handling.wakeOrCreate(G, false);
      return { created, throttles: counter(h, 'THROTTLES') };
    };
    expect(run(500)).toEqual({ created: false, throttles: 1 }); // 50 ms is not > 50 ms
    expect(run(499)).toEqual({ created: true, throttles: 0 });
  });

  it('thread_pool_max_threads is pool-wide, but every group may have 2 threads', () => {
    const run = (maxThreads: number) => {
      const h = mariadbHarness({ thread_pool_max_threads: maxThreads });
      // Each statement waits with no listener left: wait_begin wants a new thread each time.
      h.send({ conn: 0, at: 1000, cpu: 100, waits: [10_000] });
      h.send({ conn: 1, at: 2000, cpu: 100, waits: [10_000] });
      h.send({ conn: 2, at: 3000, cpu: 100 });
      h.sim.run(100_000);
      return { creations: counter(h, 'THREAD_CREATIONS'), start2: h.doneOf(2).start };
    };
    // max 1: the second thread is allowed (group has 1), the third is not; conn 2 waits until
    // thread 0 ends conn 0 at 11_100 and becomes listener.
    expect(run(1)).toEqual({ creations: 2, start2: 11_100 });
    expect(run(65536)).toEqual({ creations: 3, start2: 3000 });
  });
});

describe('A11 idle retirement', () => {
  it('a worker sleeping thread_pool_idle_timeout seconds since it entered get_event exits, the listener never', () => {
    const h = mariadbHarness({ thread_pool_dedicated_listener: true, thread_pool_idle_timeout: 1 });
    // Thread 2 sleeps from 1250, thread 1 from 6150 (see A5 LIFO).
    h.send({ conn: 0, at: 1000, cpu: 100, waits: [5000] });
    h.send({ conn: 1, at: 1000, cpu: 100 });
    h.sim.run(1_001_249);
    expect(h.handling.groups[0].threadCount).toBe(3);
    h.sim.run(1_001_250);
    expect(h.handling.groups[0].threadCount).toBe(2);
    expect(h.handling.threadState(2)).toBe(UnixThreadState.Exited);
    h.sim.run(1_006_149);
    expect(h.handling.groups[0].threadCount).toBe(2);
    h.sim.run(1_006_150);
    expect(h.handling.groups[0].threadCount).toBe(1);
    expect(h.threads.live).toBe(1);
    h.sim.run(10_000_000);
    expect(h.handling.threadState(0)).toBe(UnixThreadState.Listening);
    expect(gauge(h, 'Threadpool_threads')).toBe(1);
  });
});

describe('A12 pool-blocked message', () => {
  it('the first failed creation starts the clock; one message once the block has lasted 30 s', () => {
    const h = mariadbHarness({ thread_pool_max_threads: 1 });
    // Two 40 s waits take both allowed threads; from 2050 no thread can be created.
    h.send({ conn: 0, at: 1000, cpu: 100, waits: [40_000_000] });
    h.send({ conn: 1, at: 2000, cpu: 100, waits: [40_000_000] });
    h.sim.run(30_499_999);
    expect(h.handling.errorLog).toEqual([]);
    // The timer (no listener, no I/O) retries every tick; the first tick past 30.00205 s logs.
    h.sim.run(30_500_000);
    expect(h.handling.errorLog.map((l) => l.at)).toEqual([30_500_000, 30_500_000]);
    expect(h.handling.errorLog[1].text).toBe('Threadpool has been blocked for 30 seconds');
    h.sim.run(39_000_000);
    expect(h.handling.errorLog).toHaveLength(2);
  });

  it('blockedSince is the first refusal of the spell and lastRefusalAt the latest; only a creation restarts the clock', () => {
    const h = mariadbHarness({ thread_pool_max_threads: 1 });
    h.send({ conn: 0, at: 1000, cpu: 100, waits: [40_000_000] });
    h.send({ conn: 1, at: 2000, cpu: 100, waits: [40_000_000] });
    expect(h.handling.blockedSince).toBe(-1);
    h.sim.run(30_500_000);
    expect(h.handling.blockedSince).toBe(2050);
    expect(h.handling.lastRefusalAt).toBe(30_500_000);
    expect(h.handling.maxThreadsRefusals).toBeGreaterThan(1);
    // Both waits end at 40.001 and 40.002 s: threads come back, nothing more is refused.
    h.sim.run(45_000_000);
    const last = h.handling.lastRefusalAt;
    expect(last).toBeLessThan(40_002_050);
    h.sim.run(60_000_000);
    expect(h.handling.lastRefusalAt).toBe(last);
    expect(h.handling.blockedSince).toBe(2050);
  });

  it('a result carries the log lines and the spell, and warns only if the spell reaches the measured window', () => {
    const h = mariadbHarness({ thread_pool_max_threads: 1 });
    h.send({ conn: 0, at: 1000, cpu: 100, waits: [40_000_000] });
    h.send({ conn: 1, at: 2000, cpu: 100, waits: [40_000_000] });
    h.sim.run(30_500_000);
    const r = poolLogResult(h.handling);
    expect(r.serverLog?.map((l) => l.atSeconds)).toEqual([30.5, 30.5]);
    expect(r.serverLog?.[1].text).toBe('Threadpool has been blocked for 30 seconds');
    expect(r.poolBlocked).toEqual({ sinceSeconds: 0.00205, lastRefusalSeconds: 30.5, maxThreads: 1 });
    const clamps = { maxThreadsRefusals: h.handling.maxThreadsRefusals };
    const w = poolBlockedWarning({ ...r, clamps, summary: { warmupSeconds: 1, simulatedSeconds: 29.5 } });
    expect(w).toContain('from 0.002 s to its last refusal at 30.500 s (simulated, warm-up included; the run ended at 30.500 s)');
    expect(w).toContain(`thread_pool_max_threads=1 refused every worker the pool asked for and none was created (${clamps.maxThreadsRefusals} refusals in the run)`);
    // A spell that ended before the measured window began is the clamps line's business only.
    expect(poolBlockedWarning({ ...r, clamps, summary: { warmupSeconds: 31, simulatedSeconds: 10 } })).toBeUndefined();
    expect(poolLogResult(mariadbHarness({}).handling)).toEqual({});
  });
});

describe('extra_port: one thread per connection outside the pool', () => {
  // thread_pool_max_threads 2 on one group: conns 0 and 1 block the group's two threads in
  // 100 ms reported waits (conn 1's wait_begin cannot create a third: A10, A12), so nobody polls
  // conn 2's statement until conn 0's thread comes back at 101.002 ms. Conn 3, the last of four
  // connections, came in on extra_port.
  const run = (extra: number) => {
    const h = mariadbHarness({ thread_pool_max_threads: 2, extra_port_connections: extra }, { connections: 4 });
    h.send({ conn: 0, at: 1000, cpu: 2, waits: [100_000] });
    h.send({ conn: 1, at: 2000, cpu: 2, waits: [100_000] });
    h.send({ conn: 2, at: 3000, cpu: 100 });
    h.send({ conn: 3, at: 4000, cpu: 100 });
    h.sim.run(300_000);
    return h;
  };

  it('serves an extra_port statement at once while the pool is blocked at thread_pool_max_threads', () => {
    const h = run(1);
    expect(h.handling.groupOf(3)).toBe(-1);
    expect(h.handling.extraPortThreads).toBe(1);
    expect(h.doneOf(3)).toMatchObject({ start: 4000, end: 4100 });
    expect(h.doneOf(2).start).toBe(101_002);
    // The extra_port thread is no pool thread: two worker threads, one creation refused.
    expect(h.handling.numWorkerThreads).toBe(2);
    expect(h.threads.live).toBe(3);
    expect(h.handling.errorLog.length).toBe(0); // A12 logs only after 30 s
  });

  it('the same connection on the normal port waits behind the blocked group', () => {
    const h = run(0);
    expect(h.handling.groupOf(3)).toBe(0);
    // Conn 0's thread, back at 101.002 ms, listens, queues conns 2 and 3 and takes conn 2 (A4);
    // it dequeues conn 3 when conn 2 ends, 100 µs later (conn 1's thread is back only at 102 ms).
    expect(h.doneOf(3).start).toBe(101_102);
  });
});
