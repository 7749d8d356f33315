import { describe, expect, it } from 'vitest';
import { type MysqlPoolConfig, mysqlDefaults, resolveMysqlPool } from '../../src/threadpool/mysql/profile.js';
import { ThreadState } from '../../src/threadpool/mysql/pool.js';
import { counterOf, gaugesOf, mysqlHarness } from '../helpers/pool-harness.js';

/**
 * MySQL 9.7 additions (spec 1(c) M7a, M7c, M6.2, M11, M13, M14, M15) with exact simulated times in
 * µs. Unless stated: one normal group (plus the admin group), thread creation 50 µs, the stall
 * checker ticks at 10, 20, 30 ... ms (1 ms after a tick that woke a thread).
 */
type H = ReturnType<typeof mysqlHarness>;
const counter = counterOf;
const gauge = (h: H, name: string): number => gaugesOf(h)[name];
/** The 9.7 compiled defaults (high-concurrency loop, 2 query threads) on one group, MTL off. */
const v97 = (o: Partial<MysqlPoolConfig> = {}): Partial<MysqlPoolConfig> => ({
  ...mysqlDefaults('9.7', 4),
  thread_pool_size: 1,
  thread_pool_max_transactions_limit: 0,
  ...o,
});
/** BEGIN registers no engine (entersInnodb false): the transaction is not active after it. */
const BEGIN = { cpu: 100, trxOpenAfter: true, entersInnodb: false };
/** The first statement after BEGIN: arrives unregistered (low priority, M5), registers InnoDB. */
const S1 = { cpu: 100, trxActive: true, trxRegistered: false, trxOpenAfter: true };
const STMT = { cpu: 100, trxActive: true, trxOpenAfter: true };
const COMMIT = { cpu: 100, trxActive: true, entersInnodb: false };
/** BEGIN at `at`, its first statement 150 µs later: the thread binds once that one ends. */
const open = (h: H, conn: number, at: number): void => {
  h.send({ conn, at, ...BEGIN });
  h.send({ conn, at: at + 150, ...S1 });
};

describe('M13 max transactions limit: per-group limit and defaults', () => {
  it('txnlim = max(1, ceil(MTL / size)) per normal group, 0 in the admin group', () => {
    const a = mysqlHarness({ thread_pool_size: 3, thread_pool_max_transactions_limit: 10 });
    expect(a.handling.groups.map((g) => g.txnlim)).toEqual([4, 4, 4, 0]);
    expect(gauge(a, 'effective_max_transactions_limit')).toBe(12);
    const b = mysqlHarness({ thread_pool_size: 3, thread_pool_max_transactions_limit: 1 });
    expect(b.handling.groups.map((g) => g.txnlim)).toEqual([1, 1, 1, 0]);
    expect(mysqlHarness({}).handling.groups.map((g) => g.txnlim)).toEqual([0, 0]);
  });

  it('9.7 turns MTL on by default (clamp(32 * size, 1, 512)); 8.4 leaves it off', () => {
    expect(mysqlDefaults('9.7', 16).thread_pool_max_transactions_limit).toBe(256);
    expect(mysqlDefaults('9.7', 64).thread_pool_max_transactions_limit).toBe(512);
    expect(mysqlDefaults('9.7', 1).thread_pool_max_transactions_limit).toBe(32);
    expect(mysqlDefaults('8.4', 16).thread_pool_max_transactions_limit).toBe(0);
  });
});

describe('M7d/M13 a thread bound to the open transaction (change note 1)', () => {
  // BEGIN; S1; S2; COMMIT, then the next transaction's BEGIN after 6 ms of think time. The
  // harness draws each statement into the connection table when the previous one ends, as the
  // clients do, so a pool that looked at the table after telling the client would see the next
  // statement's state.
  const run = (mtl: number): H => {
    const h = mysqlHarness(v97({ thread_pool_max_transactions_limit: mtl }), { cores: 4 });
    h.send({ conn: 0, at: 1000, ...BEGIN });
    h.send({ conn: 0, at: 2000, ...S1 });
    h.send({ conn: 0, at: 3000, ...STMT });
    h.send({ conn: 0, at: 4000, ...COMMIT });
    h.send({ conn: 0, at: 10_000, ...BEGIN });
    return h;
  };

  it('BEGIN does not bind: no engine is registered after it', () => {
    const h = run(2);
    h.sim.run(1500);
    expect(gauge(h, 'threads_bound_to_transaction')).toBe(0);
    expect(gauge(h, 'active_thread_count')).toBe(0);
  });

  it('binds from the first statement after BEGIN to COMMIT, which the bound thread reads itself', () => {
    const h = run(2);
    h.sim.run(2500);
    expect(gauge(h, 'threads_bound_to_transaction')).toBe(1);
    expect(gauge(h, 'active_thread_count')).toBe(1); // [inferred] still active while reading
    const bound = h.handling.groups[0].attached[0];
    expect(h.handling.threadState(bound)).toBe(ThreadState.Bound);
    h.sim.run(3500);
    expect(h.handling.threadState(bound)).toBe(ThreadState.Bound);
    h.sim.run(20_000);
    expect(h.done.map((d) => d.start)).toEqual([1000, 2000, 3000, 4000, 10_000]);
    expect(counter(h, 'queries_executed')).toBe(5);
    // BEGIN, S1 and the next BEGIN went through epoll and a queue; S2 and COMMIT did not.
    expect(counter(h, 'queries_queued')).toBe(3);
  });

  it('the binding ends with COMMIT: not bound through the think time after it', () => {
    const h = run(2);
    h.sim.run(5000);
    expect(gauge(h, 'threads_bound_to_transaction')).toBe(0);
    expect(gauge(h, 'active_thread_count')).toBe(0);
  });

  it('without MTL every statement is polled and queued again', () => {
    const h = run(0);
    h.sim.run(20_000);
    expect(counter(h, 'queries_queued')).toBe(5);
    expect(gauge(h, 'threads_bound_to_transaction')).toBe(0);
  });

  it('the first statement after BEGIN has no thread of its own: it waits for one to poll', () => {
    // MTL 2: conn 2's BEGIN runs at 900 and binds nothing; conns 0 and 1 bind both query threads
    // (their S1 at 1150 and 1350). Conn 2's S1 at 2000 waits in epoll, nobody polling, until
    // conn 0's COMMIT (read by its bound thread at 3000) ends at 3100: that thread becomes the
    // waiting thread, queues S1 (in queued_trans: not registered yet) and runs it.
    const h = mysqlHarness(v97({ thread_pool_max_transactions_limit: 2 }), { cores: 4 });
    h.send({ conn: 2, at: 900, ...BEGIN });
    open(h, 0, 1000);
    open(h, 1, 1200);
    h.send({ conn: 2, at: 2000, ...S1 });
    h.send({ conn: 0, at: 3000, ...COMMIT });
    h.sim.run(2500);
    expect(gauge(h, 'threads_bound_to_transaction')).toBe(2);
    h.sim.run(20_000);
    expect(h.done.filter((d) => d.conn === 2).map((d) => d.start)).toEqual([900, 3100]);
    expect(h.done.filter((d) => d.conn === 0).map((d) => d.start)).toEqual([1000, 1150, 3000]);
  });
});

/**
 * MTL 2 on one group: txnlim 2, credit while trxn_threads <= 2, i.e. three transactions, on the
 * two query threads (update_config_defaults keeps query_threads_per_group <= txnlim). Conns 0
 * and 1 bind both threads (their first statements end at 1250 and 1450). Conn 2's BEGIN at 1600
 * finds nobody polling until the stall checker's first iteration (10 ms: credit, no waiting
 * thread, algorithm 1) creates a thread, which runs it at 10.05 ms; conn 2's first statement at
 * 10.3 ms binds it. Conn 3's autocommit statement at 10.5 ms then has neither thread nor credit.
 */
const saturate = (h: H): void => {
  open(h, 0, 1000);
  open(h, 1, 1200);
  h.send({ conn: 2, at: 1600, ...BEGIN });
  h.send({ conn: 2, at: 10_300, ...S1 });
  h.send({ conn: 3, at: 10_500, cpu: 100 });
};

describe('M6.1/M13 credit counts transactions', () => {
  const run = (cfg: Partial<MysqlPoolConfig>, horizon = 50_000): H => {
    const h = mysqlHarness(v97(cfg), { cores: 4 });
    saturate(h);
    h.send({ conn: 0, at: 12_000, ...COMMIT });
    h.sim.run(horizon);
    return h;
  };

  it('with MTL 2 (txnlim 2, credit trxn_threads <= txnlim) a fourth transaction waits for a commit', () => {
    // [inferred, as M6.3] `<=` on a count excluding the caller admits txnlim + 1 transactions.
    const h = run({ thread_pool_max_transactions_limit: 2 });
    expect(h.done.filter((d) => d.conn === 2).map((d) => d.start)).toEqual([10_050, 10_300]);
    expect(counter(h, 'threads_started')).toBe(1);
    // Nobody polls (three threads bound, no credit for the stall checker to act on) until
    // conn 0's COMMIT ends at 12.1 ms and its thread becomes the waiting thread.
    expect(h.doneOf(3).start).toBe(12_100);
  });

  it('without MTL nothing binds and every statement starts on arrival', () => {
    const h = run({});
    expect(h.done.filter((d) => d.conn === 2).map((d) => d.start)).toEqual([1600, 10_300]);
    expect(h.doneOf(3).start).toBe(10_500);
  });

  it('thread creation is refused above txnlim + 1 query threads unless MTL is suspended', () => {
    const h = mysqlHarness(v97({ thread_pool_max_transactions_limit: 3 }), { cores: 4, connections: 100 });
    const pool = h.handling;
    const G = pool.groups[0];
    G.threadsActive = 0;
    G.numQueryThreads = 4; // txnlim + 1
    expect(pool.mayCreate(G, 1e6)).toBe(true);
    G.numQueryThreads = 5;
    expect(pool.mayCreate(G, 1e6)).toBe(false);
    G.lastLongrunCheck = 0; // suspended
    expect(pool.mayCreate(G, 1e6)).toBe(true);
  });
});

describe('M13 update_config_defaults: query threads per group <= txnlim (change note 3)', () => {
  it('reduces query_threads_per_group above 1 to the per-group limit when MTL is on', () => {
    const spec = { mode: 'pool', flavor: 'mysql', profile: '9.7', thread_pool_size: 4 } as const;
    // MTL 4 on 4 groups: txnlim 1, so the 9.7 default of 2 becomes 1.
    expect(resolveMysqlPool({ ...spec, thread_pool_max_transactions_limit: 4 }, 8).thread_pool_query_threads_per_group).toBe(1);
    // MTL 12: txnlim 3; a set 8 becomes 3, a set 2 stays.
    expect(
      resolveMysqlPool({ ...spec, thread_pool_max_transactions_limit: 12, thread_pool_query_threads_per_group: 8 }, 8)
        .thread_pool_query_threads_per_group,
    ).toBe(3);
    expect(resolveMysqlPool({ ...spec, thread_pool_max_transactions_limit: 12 }, 8).thread_pool_query_threads_per_group).toBe(2);
    // MTL off: untouched.
    expect(
      resolveMysqlPool({ ...spec, thread_pool_max_transactions_limit: 0, thread_pool_query_threads_per_group: 8 }, 8)
        .thread_pool_query_threads_per_group,
    ).toBe(8);
  });

  it('the pool starts txnlim threads per group, admin group included, and leaves highly concurrent mode', () => {
    // 9.7 loop with 2 query threads asked for, MTL 1 on one group: one thread per group.
    const h = mysqlHarness(v97({ thread_pool_max_transactions_limit: 1 }), { cores: 4 });
    expect(h.handling.queryThreadsPerGroup).toBe(1);
    expect(h.threads.live).toBe(2);
    expect(h.handling.groups.map((g) => g.threadsUserRequest)).toEqual([1, 1]);
    // Algorithm 1 with one query thread is not highly concurrent: a lone event runs directly.
    h.send({ conn: 0, at: 1000, cpu: 100 });
    h.sim.run(5000);
    expect(counter(h, 'queries_queued')).toBe(0);
    expect(h.doneOf(0).start).toBe(1000);
  });
});

describe('M13 long-running transactions suspend MTL', () => {
  // The saturated group above (MTL 2); the checker's iterations: 10 ms (creates a thread), 11,
  // 21, 31 ... ms. The long-running check runs at 10 ms, then every longrun_trx_limit/2 ms.
  const run = (longrun: number, horizon: number): H => {
    const h = mysqlHarness(v97({ thread_pool_max_transactions_limit: 2, thread_pool_longrun_trx_limit: longrun }), {
      cores: 4,
    });
    saturate(h);
    h.sim.run(horizon);
    return h;
  };

  it('longrun 10 ms: suspended at the 21 ms check, the waiting statement starts on a new thread', () => {
    const h = run(10, 30_000);
    // Checks every 5 ms: at 10 ms nothing is 10 ms old; at 21 ms the threads bound at 1.25 and
    // 1.45 ms are (2 >= txnlim 2): MTL suspended, credit unlimited, the stall checker creates a
    // waiting thread (50 µs) that polls and runs conn 3.
    expect(h.handling.groups[0].lastLongrunCheck).toBe(21_000);
    expect(gauge(h, 'mtl_suspended_groups')).toBe(1);
    expect(h.doneOf(3).start).toBe(21_050);
  });

  it('MTL comes back once long transactions stayed <= txnlim/2 for the grace period (5 s)', () => {
    const h = run(10, 30_000);
    for (const conn of [0, 1, 2]) h.send({ conn, at: 40_000, ...COMMIT });
    h.sim.run(100_000);
    // Iterations 21 (suspends, wakes), 22, 32, 42 ... ms. The 32 ms check still sees three bound
    // threads (> txnlim/2 = 1) and renews the time point; all commit at 40.1 ms.
    const G = h.handling.groups[0];
    expect(G.lastLongrunCheck).toBe(32_000);
    // Re-enabled at the first check with time point < now - 5 s (strictly): 5.042 s, not 5.032 s.
    h.sim.run(5_032_000);
    expect(G.mtlSuspended).toBe(true);
    h.sim.run(5_042_000);
    expect(G.mtlSuspended).toBe(false);
    expect(gauge(h, 'mtl_suspended_groups')).toBe(0);
  });

  it('the check runs every longrun_trx_limit / 2 ms (100 ms limit: 50 ms apart)', () => {
    const h = run(100, 111_999);
    const G = h.handling.groups[0];
    // Checks at 10 ms, then the first iteration past 60 ms (61), then past 111 ms: the three bound
    // threads stall together at 71 ms (M9: the checker acts, next iteration 72 ms), so the
    // iterations run 72, 82 ... 112 ms, when all three transactions are 100 ms old.
    expect(G.mtlSuspended).toBe(false);
    h.sim.run(112_000);
    expect(G.lastLongrunCheck).toBe(112_000);
    h.sim.run(200_000);
    expect(h.doneOf(3).start).toBe(112_050);
    expect(G.lastLongrunCheck).toBe(163_000); // renewed by the next check, past 162 ms
  });

  it('one long transaction is not enough with txnlim 2 (count >= txnlim)', () => {
    const h = mysqlHarness(v97({ thread_pool_max_transactions_limit: 2, thread_pool_longrun_trx_limit: 10 }), {
      cores: 4,
    });
    open(h, 0, 1000);
    h.sim.run(40_000);
    expect(h.handling.groups[0].mtlSuspended).toBe(false);
    open(h, 1, 41_000);
    h.sim.run(70_000);
    // Conn 1 binds the second thread at 41.25 ms, so at 50 ms the checker creates a waiting
    // thread (credit, nobody polls) and its iterations move to 51, 61 ms: at 61 ms both
    // transactions are 10 ms old.
    expect(h.handling.groups[0].lastLongrunCheck).toBe(61_000);
  });

  it('with a 2 s limit nothing is suspended and the fourth transaction still waits', () => {
    const h = run(2000, 200_000);
    expect(h.handling.groups[0].mtlSuspended).toBe(false);
    expect(h.done.some((d) => d.conn === 3)).toBe(false);
  });
});

describe('M14 transaction delay', () => {
  it('delays a statement outside a transaction by exactly the delay, while attached', () => {
    const h = mysqlHarness({ thread_pool_transaction_delay: 5 });
    h.send({ conn: 0, at: 1000, cpu: 100 });
    h.sim.run(3000);
    expect(gauge(h, 'active_thread_count')).toBe(1); // sleeping, attached, not a wait_begin
    expect(counter(h, 'trx_delay_waits')).toBe(0);
    h.sim.run(20_000);
    expect(h.doneOf(0)).toMatchObject({ arrival: 1000, start: 6000, end: 6100 });
    expect(counter(h, 'trx_delay_waits')).toBe(1);
  });

  it('does not delay a statement inside an active transaction', () => {
    const h = mysqlHarness({ thread_pool_transaction_delay: 5 });
    h.send({ conn: 0, at: 1000, cpu: 100, trxActive: true });
    h.sim.run(20_000);
    expect(h.doneOf(0)).toMatchObject({ start: 1000, end: 1100 });
    expect(counter(h, 'trx_delay_waits')).toBe(0);
  });
});

describe('M7c dedicated listeners', () => {
  const cfg = (mtl: number): Partial<MysqlPoolConfig> => ({
    thread_pool_dedicated_listeners: 1,
    thread_pool_max_transactions_limit: mtl,
  });

  it('the listener only polls and queues; query threads execute', () => {
    const h = mysqlHarness(cfg(100), { cores: 4 });
    const L = h.handling.groups[0].listener;
    expect(L).toBeGreaterThanOrEqual(0);
    for (let c = 0; c < 3; c++) h.send({ conn: c, at: 1000 + c, cpu: 1000 });
    const seen = new Set<number>();
    for (let t = 1000; t <= 5000; t += 50) {
      h.sim.run(t);
      seen.add(h.handling.threadState(L));
    }
    expect([...seen]).toEqual([ThreadState.Listener]);
    expect(h.done.map((d) => d.start)).toEqual([1000, 1051, 1052]);
    expect(counter(h, 'queries_queued')).toBe(3);
  });

  it('is forced off when MTL is 0: the waiting thread executes directly', () => {
    const h = mysqlHarness(cfg(0));
    expect(h.handling.groups[0].listener).toBe(-1);
    h.send({ conn: 0, at: 1000, cpu: 100 });
    h.sim.run(10_000);
    expect(counter(h, 'queries_queued')).toBe(0);
  });
});

describe('M15 admin group', () => {
  it('serves an admin connection at once while the normal group has no thread to poll', () => {
    const h = mysqlHarness(
      v97({ thread_pool_max_transactions_limit: 2, admin_connections: 1, thread_pool_transaction_delay: 5 }),
      { cores: 4, connections: 4 },
    );
    expect(h.handling.groupCount).toBe(2);
    expect(h.threads.live).toBe(4); // 2 query threads in the normal group, 2 in the admin group
    expect(h.handling.groupOf(3)).toBe(1);
    // BEGINs are delayed 5 ms (M14, no transaction active yet); the first statements after them
    // are not, and bind both normal query threads (conn 0 at 7000, conn 1 at 7200). Conn 2's
    // BEGIN at 7400 then finds no thread to poll it until the stall checker creates one.
    h.send({ conn: 0, at: 1000, ...BEGIN });
    h.send({ conn: 1, at: 1200, ...BEGIN });
    h.send({ conn: 0, at: 7000, ...S1 });
    h.send({ conn: 1, at: 7200, ...S1 });
    h.send({ conn: 2, at: 7400, ...BEGIN });
    h.send({ conn: 3, at: 7500, cpu: 100 });
    h.sim.run(30_000);
    expect(h.done.filter((d) => d.conn === 0).map((d) => d.start)).toEqual([6000, 7000]);
    expect(h.done.filter((d) => d.conn === 1).map((d) => d.start)).toEqual([6200, 7200]);
    expect(gauge(h, 'threads_bound_to_transaction')).toBe(2);
    // The admin statement is neither delayed nor limited.
    expect(h.doneOf(3)).toMatchObject({ start: 7500, end: 7600 });
    // The 10 ms iteration creates it (credit, no waiting thread); it polls at 10.05 ms and
    // sleeps the delay: the normal group's BEGIN starts at 15.05 ms.
    expect(h.doneOf(2).start).toBe(15_050);
    expect(counter(h, 'queries_executed', 1)).toBe(1);
    expect(counter(h, 'connections_started', 1)).toBe(1);
  });
});

describe('M6.2 max_active_query_threads', () => {
  // 9.7 loop, 2 query threads, 4 cores: three 10 ms statements arrive at 1000, 1001, 1002.
  const run = (maq: number): H => {
    const h = mysqlHarness(v97({ thread_pool_max_active_query_threads: maq }), { cores: 4 });
    for (let c = 0; c < 3; c++) h.send({ conn: c, at: 1000 + c, cpu: 10_000 });
    h.sim.run(50_000);
    return h;
  };

  it('replaces the stall-aware credit: 2 means two at once, not max_active_threads + 1', () => {
    expect(run(0).doneOf(2).start).toBe(10_050);
    expect(run(2).doneOf(2).start).toBe(11_000);
  });
});

describe('M7a high-concurrency loop (9.7 default)', () => {
  it('a worker that takes a queued event wakes a consumer to poll; with no waiter left the stall checker creates one', () => {
    const h = mysqlHarness(v97(), { cores: 4 });
    for (let c = 0; c < 3; c++) h.send({ conn: c, at: 1000 + c, cpu: 10_000 });
    h.sim.run(50_000);
    expect(h.done.map((d) => [d.conn, d.start])).toEqual([
      [0, 1000],
      [1, 1001],
      [2, 10_050],
    ]);
    expect(counter(h, 'queries_queued')).toBe(3);
    expect(counter(h, 'threads_started')).toBe(1);
  });
});

describe('M11 max_unused_threads', () => {
  // Three statements block on a 10 ms disk wait while being the waiting thread (M8), so three
  // threads are created; then all go idle: one consumer, the rest reserve or exit.
  const run = (cap: number): H => {
    const h = mysqlHarness({ thread_pool_max_unused_threads: cap });
    h.send({ conn: 0, at: 1000, cpu: 2000, waits: [10_000] });
    h.send({ conn: 1, at: 3000, cpu: 2000, waits: [10_000] });
    h.send({ conn: 2, at: 5000, cpu: 2000, waits: [10_000] });
    h.send({ conn: 3, at: 7000, cpu: 100 });
    h.sim.run(100_000);
    return h;
  };

  it('a thread that would become the max_unused-th reserve thread exits', () => {
    const capped = run(2);
    expect(counter(capped, 'threads_started')).toBe(3);
    expect(capped.handling.groups[0].numQueryThreads).toBe(3);
    expect(counter(capped, 'become_reserve_thread')).toBe(1);
    const uncapped = run(0);
    expect(uncapped.handling.groups[0].numQueryThreads).toBe(4);
    expect(counter(uncapped, 'become_reserve_thread')).toBe(2);
  });
});
