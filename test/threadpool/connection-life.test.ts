import { describe, expect, it } from 'vitest';
import { STATEMENT_KILLED } from '../../src/server/connections.js';
import { CLOSED_KILLED, CLOSED_WAIT_TIMEOUT } from '../../src/threadpool/login.js';
import { mariadbLife, mysqlLife, perconaLife, tpcLife } from '../helpers/life-harness.js';

// Exact simulated times (µs) of a connection's life outside its statements: login, wait_timeout
// and KILL, in each flavour. One core, processor sharing, thread creation 50 µs, login 200 µs.

describe('login', () => {
  it('one-thread-per-connection: a new thread (creation 50 µs), then 200 µs of authentication', () => {
    const h = tpcLife({ connections: 2 });
    h.script.quit(1, 100);
    h.script.connect(1, 1000);
    h.run(10_000);
    expect(h.script.logins).toEqual([{ conn: 1, at: 1250 }]);
    expect(h.life.stats.loginLatency.stats().mean).toBeCloseTo(0.25, 9);
    expect(h.threads.live).toBe(2);
  });

  it('MySQL M2/M3: the sleeping connect thread authenticates; a second login at once gets a new connect thread', () => {
    const h = mysqlLife({}, { connections: 3 });
    h.script.quit(1, 100);
    h.script.quit(2, 100);
    h.script.connect(1, 1000);
    h.script.connect(2, 1000);
    h.run(10_000);
    // Login 1 on the permanent connect thread from 1000; login 2 on a new one from 1050; processor
    // sharing on one core: 1 has 150 µs left at 1050, both at half speed -> 1350; 2 then 50 µs alone.
    expect(h.script.logins).toEqual([
      { conn: 1, at: 1350 },
      { conn: 2, at: 1400 },
    ]);
    expect(h.handling.groups[0].connectThreads).toBe(2);
    expect(h.handling.groups[0].counters[0]).toBe(3 + 2); // connections_started: 3 at start, 2 logins
  });

  it('MySQL M3: with two connect threads both sleep 60 s; the first to wake with another asleep exits, the last sleeps on', () => {
    const h = mysqlLife({}, { connections: 3 });
    h.script.quit(1, 100);
    h.script.quit(2, 100);
    h.script.connect(1, 1000);
    h.script.connect(2, 1000);
    // connect_threads is 2 when each goes to sleep (1350, 1400): both sleep timed.
    h.run(1350 + 60_000_000 - 1);
    expect(h.handling.groups[0].connectThreads).toBe(2);
    h.run(1350 + 60_000_000 + 1);
    expect(h.handling.groups[0].connectThreads).toBe(1);
    // The other wakes at 1400 + 60 s alone: it stays (and now sleeps without a timeout).
    h.run(1400 + 120_000_000);
    expect(h.handling.groups[0].connectThreads).toBe(1);
  });

  it('MySQL M3: a TP_CONNECTION_ADMIN user logs in on its round-robin group and moves to the admin group', () => {
    const h = mysqlLife({ thread_pool_size: 2, admin_connections: 1 }, { connections: 4 });
    h.script.quit(3, 100);
    h.script.connect(3, 1000);
    h.run(10_000);
    expect(h.script.logins).toEqual([{ conn: 3, at: 1200 }]);
    expect(h.handling.groupOf(3)).toBe(2);
    expect(h.handling.adminGroup.counters[0]).toBe(2);
  });

  it('MariaDB A2: the login is queued high priority; with no active thread a worker is created for it', () => {
    const h = mariadbLife({}, { connections: 2 });
    h.script.quit(1, 100);
    h.script.connect(1, 1000);
    h.run(10_000);
    // The only thread is the listener (not active): a worker is created at 1000, runs at 1050.
    expect(h.script.logins).toEqual([{ conn: 1, at: 1250 }]);
  });

  it('MariaDB extra_port: a reconnect gets its own thread again (creation + login), outside the pool; KILL QUERY reaches it', () => {
    const h = mariadbLife({ extra_port_connections: 1 }, { connections: 2 });
    h.script.quit(1, 100);
    h.script.connect(1, 1000);
    h.script.send({ conn: 1, at: 2000, cpu: 1000, waits: [1_000_000] });
    h.script.kill(1, 10_000, false);
    h.run(5_000_000);
    expect(h.script.logins).toEqual([{ conn: 1, at: 1250 }]);
    expect(h.handling.extraPortThreads).toBe(1);
    expect(h.script.replies).toEqual([{ conn: 1, arrival: 2000, start: 2000, end: 10_000, error: STATEMENT_KILLED }]);
  });

  it('Percona P1/P4: a login waits in the normal queue while active + waiting threads exceed 1 + oversubscribe', () => {
    const h = perconaLife({ thread_pool_oversubscribe: 1 }, { connections: 5 });
    // Three statements park in 3 s waits: waiting_thread_count 3 > 1 + 1 throttles the normal queue.
    for (let c = 0; c < 3; c++) h.script.send({ conn: c, at: c * 1000, cpu: 20, waits: [3_000_000] });
    h.script.quit(4, 100);
    h.script.connect(4, 10_000);
    h.run(10_000_000);
    const ends = h.script.replies.map((r) => r.end);
    // The login runs when the second wait ends (busy 1 + 1 = 2, no longer > 2): at 3_001_010 + 10
    // (the rest of that statement's CPU) the thread returns to get_event and takes it.
    expect(h.script.logins).toHaveLength(1);
    expect(h.script.logins[0].at).toBeGreaterThan(3_000_000);
    expect(h.script.logins[0].at).toBe(ends[1] + 200);
  });
});

describe('wait_timeout', () => {
  it('one-thread-per-connection: closed exactly wait_timeout after its last reply', () => {
    const h = tpcLife({ connections: 1, waitTimeoutUs: 1_000_000 });
    h.script.send({ conn: 0, at: 300_000, cpu: 100 });
    h.run(5_000_000);
    expect(h.script.closes).toEqual([{ conn: 0, at: 1_300_100, reason: CLOSED_WAIT_TIMEOUT }]);
  });

  it('MySQL M9.7: expiry = last activity + wait_timeout + 10 µs, closed at the next stall-checker iteration', () => {
    const h = mysqlLife({}, { connections: 1, waitTimeoutUs: 1_000_000 });
    h.script.send({ conn: 0, at: 300_000, cpu: 100 });
    h.run(5_000_000);
    // Expiry 1_300_110; the checker runs every 10 ms: 1_310_000; the waiting thread closes it.
    expect(h.script.closes).toEqual([{ conn: 0, at: 1_310_000, reason: CLOSED_WAIT_TIMEOUT }]);
    expect(h.handling.groups[0].counters[1]).toBe(1); // connections_closed
  });

  it('MySQL M9.7: a request epoll has not returned (the waiting thread executes) is not protected: closed with it', () => {
    // thread_pool_stall_limit 600 (6 s): the waiting thread runs conn 0's 3 s statement directly and
    // is not stalled, so nobody polls; conn 1's request stays unpolled, neither queued nor active.
    const h = mysqlLife({ thread_pool_stall_limit: 600 }, { connections: 2, waitTimeoutUs: 1_000_000 });
    h.script.send({ conn: 0, at: 0, cpu: 3_000_000 });
    h.script.send({ conn: 1, at: 100_000, cpu: 100 });
    h.run(3_500_000);
    // Killed at 1_010_000 (expiry 1_000_010 from the login before the run); KILL_FLAG is handled
    // when the waiting thread polls again, after conn 0's statement.
    expect(h.script.closes).toEqual([{ conn: 1, at: 3_000_000, reason: CLOSED_WAIT_TIMEOUT }]);
    expect(h.script.replies.map((r) => r.conn)).toEqual([0]);
  });

  it('MariaDB A9: abs_wait_timeout = the timer clock + stall_limit + wait_timeout, checked at timer ticks', () => {
    const h = mariadbLife({}, { connections: 2, waitTimeoutUs: 1_000_000 });
    h.script.send({ conn: 0, at: 300_000, cpu: 100 }); // the timer's clock is still 0: expiry 1.5 s
    h.script.send({ conn: 1, at: 600_000, cpu: 100 }); // clock 0.5 s after the first tick: expiry 2.0 s
    h.run(5_000_000);
    // Ticks every 500 ms; killed when abs_wait_timeout < clock: conn 0 at 2.0 s, conn 1 at 2.5 s.
    expect(h.script.closes).toEqual([
      { conn: 0, at: 2_000_000, reason: CLOSED_WAIT_TIMEOUT },
      { conn: 1, at: 2_500_000, reason: CLOSED_WAIT_TIMEOUT },
    ]);
  });

  it('Percona P5 (MDEV-21101 rule): a connection delayed in the throttled queue is not closed; an idle one is, through that queue', () => {
    const h = perconaLife({ thread_pool_oversubscribe: 1 }, { connections: 6, waitTimeoutUs: 1_000_000 });
    for (let c = 0; c < 3; c++) h.script.send({ conn: c, at: c * 1000, cpu: 20, waits: [3_000_000] });
    // Two requests in one poll: the listener takes the first (P3), the second waits in the normal queue.
    h.script.send({ conn: 3, at: 10_000, cpu: 20 });
    h.script.send({ conn: 4, at: 10_000, cpu: 20 });
    h.run(4_900_000);
    const closed = h.script.closes.map((c) => c.conn);
    expect(closed).not.toContain(4);
    const r4 = h.script.replies.find((r) => r.conn === 4);
    // Waited in the normal queue past wait_timeout until the second wait ended (3_001_010 + 10 µs).
    expect(r4?.start).toBe(3_001_020);
    // Conns 3 (idle since 10 ms) and 5 (idle since the start) are killed at the 2.0 s tick; their
    // socket events are normal-queue events too (no priority bump in Percona), so they are removed
    // right after conn 4's statement.
    expect(h.script.closes).toEqual([
      { conn: 3, at: 3_001_040, reason: CLOSED_WAIT_TIMEOUT },
      { conn: 5, at: 3_001_040, reason: CLOSED_WAIT_TIMEOUT },
    ]);
  });
});

describe('KILL', () => {
  it('one-thread-per-connection: KILL QUERY cuts the statement\'s wait short; KILL CONNECTION of an idle one closes it at once', () => {
    const h = tpcLife({ connections: 2 });
    h.script.send({ conn: 0, at: 0, cpu: 1000, waits: [1_000_000] });
    h.script.kill(0, 10_000, false);
    h.script.kill(1, 20_000, true);
    h.run(5_000_000);
    expect(h.script.replies).toEqual([{ conn: 0, arrival: 0, start: 0, end: 10_000, error: STATEMENT_KILLED }]);
    expect(h.script.closes).toEqual([{ conn: 1, at: 20_000, reason: CLOSED_KILLED }]);
    expect(h.life.stats.killedQueries).toBe(1);
  });

  it('MySQL M16: a killed running statement fails at once in its wait; an idle connection is closed by the woken poller', () => {
    const h = mysqlLife({}, { connections: 2 });
    h.script.send({ conn: 0, at: 0, cpu: 1000, waits: [1_000_000] });
    h.script.kill(0, 10_000, false);
    h.script.kill(1, 20_000, true);
    h.run(5_000_000);
    expect(h.script.replies).toEqual([{ conn: 0, arrival: 0, start: 0, end: 10_000, error: STATEMENT_KILLED }]);
    expect(h.script.closes).toEqual([{ conn: 1, at: 20_000, reason: CLOSED_KILLED }]);
  });

  it('MySQL M16: KILL CONNECTION of a running statement closes the connection when the statement notices', () => {
    const h = mysqlLife({}, { connections: 1 });
    h.script.send({ conn: 0, at: 0, cpu: 1000 });
    h.script.kill(0, 100, true);
    h.run(5_000_000);
    // The CPU part runs to its end (the flag is checked between rows): closed at 1000, no reply.
    expect(h.script.closes).toEqual([{ conn: 0, at: 1000, reason: CLOSED_KILLED }]);
    expect(h.script.replies).toEqual([]);
  });

  // Three requests reach a group whose only thread runs a 10 ms statement; conn 3, idle, is killed
  // at 5 ms: its socket event joins the unpolled ones. When the thread becomes listener at 10 ms:
  it('MariaDB A8: the killed connection\'s priority is HIGH: its event is handled first', () => {
    const h = mariadbLife({}, { connections: 4 });
    h.script.send({ conn: 0, at: 0, cpu: 10_000 });
    h.script.send({ conn: 1, at: 1000, cpu: 1000 });
    h.script.send({ conn: 2, at: 2000, cpu: 1000 });
    h.script.kill(3, 5000, true);
    h.run(1_000_000);
    expect(h.script.closes).toEqual([{ conn: 3, at: 10_000, reason: CLOSED_KILLED }]);
    expect(h.script.replies.find((r) => r.conn === 1)?.start).toBe(10_000);
  });

  it('Percona: no priority bump (tp_post_kill_notification only shuts the socket): closed after the queued statements', () => {
    const h = perconaLife({}, { connections: 4 });
    h.script.send({ conn: 0, at: 0, cpu: 10_000 });
    h.script.send({ conn: 1, at: 1000, cpu: 1000 });
    h.script.send({ conn: 2, at: 2000, cpu: 1000 });
    h.script.kill(3, 5000, true);
    h.run(1_000_000);
    // P3: the listener runs conn 1 itself (10-11 ms), conn 2 then the kill event from the normal queue.
    expect(h.script.closes).toEqual([{ conn: 3, at: 12_000, reason: CLOSED_KILLED }]);
  });
});
