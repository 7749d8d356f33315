import type { Simulator } from '../../engine/simulator.js';
import { type ConnectionTable, QUEUED_HIGH, QUEUED_LOW } from '../../server/connections.js';
import type { Executor } from '../../server/executor.js';
import type { ThreadRegistry } from '../../server/threads.js';
import type { StatementSink } from '../types.js';
import {
  C_DEQUEUES_BY_LISTENER,
  C_DEQUEUES_BY_WORKER,
  C_POLLS_BY_WORKER,
  LISTENER,
  UNIX_POOL_COMMON_COUNTERS,
  type UnixGroup,
  UnixThreadPool,
} from '../unix-pool/pool.js';
import type { PerconaPoolConfig } from './config.js';

/**
 * Percona exports no per-group cumulative counters. These carry its status-variable prefix:
 * the first seventeen are the simulator's equivalents of MariaDB's THREAD_POOL_STATS and
 * THREAD_POOL_WAITS (same increment points), the last four the count and sum (µs) of the
 * queue-wait samples behind Threadpool_average_queue_wait_us and
 * Threadpool_average_hp_queue_wait_us (P7), so that window averages are sum / count.
 */
export const PERCONA_COUNTERS = [
  'Threadpool_thread_creations',
  'Threadpool_thread_creations_due_to_stall',
  'Threadpool_wakes',
  'Threadpool_wakes_due_to_stall',
  'Threadpool_throttles',
  'Threadpool_stalls',
  'Threadpool_polls_by_listener',
  'Threadpool_polls_by_worker',
  'Threadpool_dequeues_by_listener',
  'Threadpool_dequeues_by_worker',
  'Threadpool_waits_diskio',
  'Threadpool_waits_row_lock',
  'Threadpool_waits_group_commit',
  'Threadpool_waits_sync',
  'Threadpool_waits_sleep',
  'Threadpool_waits_net',
  'Threadpool_waits_unknown',
  'Threadpool_queue_wait_cnt',
  'Threadpool_queue_wait_sum_us',
  'Threadpool_hp_queue_wait_cnt',
  'Threadpool_hp_queue_wait_sum_us',
] as const;

const C_QUEUE_WAIT_CNT = UNIX_POOL_COMMON_COUNTERS;
const C_QUEUE_WAIT_SUM = UNIX_POOL_COMMON_COUNTERS + 1;
const C_HP_QUEUE_WAIT_CNT = UNIX_POOL_COMMON_COUNTERS + 2;
const C_HP_QUEUE_WAIT_SUM = UNIX_POOL_COMMON_COUNTERS + 3;

const MODE_TRANSACTIONS = 0;
const MODE_STATEMENTS = 1;
const MODE_NONE = 2;

/**
 * Percona Server thread pool (threadpool_unix.cc), rules P1-P8 on the shared skeleton
 * (../unix-pool: A1, A3-A7, A9-A11). Here: tickets and high_prio_mode (P2), the listener that
 * takes ev[0] directly (P3), low-priority throttling by busy threads (P4), the timer without
 * kick-up (P5), the fixed throttling intervals (P6), queue-wait statistics (P7) and the
 * pool-blocked message (P8).
 */
export class PerconaThreadPool extends UnixThreadPool {
  readonly counterNames: readonly string[] = PERCONA_COUNTERS;
  readonly counterSource = "SHOW GLOBAL STATUS LIKE 'Threadpool_%' (tpsim per-group equivalents)";
  /**
   * Status variables (summed over groups). The queue-wait averages and maxima cover the samples
   * recorded since the previous gauge sample (the server's LiveStats are cumulative since start;
   * per interval, the timeline shows their course), 0 when there were none.
   */
  readonly gaugeNames: readonly string[] = [
    'Threadpool_threads',
    'Threadpool_idle_threads',
    'Threadpool_requests_waiting_in_queue',
    'Threadpool_requests_waiting_in_hp_queue',
    'Threadpool_requests_starved_in_queue',
    'Threadpool_average_queue_wait_us',
    'Threadpool_max_queue_wait_us',
    'Threadpool_average_hp_queue_wait_us',
    'Threadpool_max_hp_queue_wait_us',
    'active_thread_count',
    'waiting_thread_count',
  ];
  /** Per connection: high-priority tickets left (uint, wraps like the server's). */
  tickets = new Uint32Array(0);
  /** Per connection: 1 if it came in on admin_port (THD::is_admin_connection). */
  private admin = new Uint8Array(0);
  /** queue_enter_time per connection (exact clock); 0 once recorded, as in record_queue_wait. */
  private queueEnter = new Float64Array(0);
  private readonly mode: number;
  // Queue-wait samples since the last gauge sample: count, sum, max for [normal, high].
  private readonly interval = new Float64Array(6);

  constructor(
    sim: Simulator,
    readonly config: PerconaPoolConfig,
    conns: ConnectionTable,
    executor: Executor,
    threads: ThreadRegistry,
    sink: StatementSink,
    threadCreateUs: number,
  ) {
    super(sim, config, conns, executor, threads, sink, threadCreateUs, PERCONA_COUNTERS.length);
    const m = config.thread_pool_high_prio_mode;
    this.mode = m === 'transactions' ? MODE_TRANSACTIONS : m === 'statements' ? MODE_STATEMENTS : MODE_NONE;
  }

  override start(connections: number): void {
    // P1: tickets = thread_pool_high_prio_tickets when the connection is added.
    this.tickets = new Uint32Array(connections).fill(this.config.thread_pool_high_prio_tickets);
    this.queueEnter = new Float64Array(connections);
    // The last admin_connections connections came in on admin_port; they keep their group
    // (thread_id % size, P1). [login not modelled: P1's forced thread for an admin login.]
    this.admin = new Uint8Array(connections);
    for (let c = Math.max(0, connections - this.config.admin_connections); c < connections; c++) this.admin[c] = 1;
    super.start(connections);
  }

  sampleGauges(out: Float64Array): void {
    out.fill(0);
    for (const G of this.groups) {
      out[0] += G.threadCount;
      out[1] += G.threadCount - G.activeThreadCount;
      out[2] += G.low.size;
      out[3] += G.high.size;
      if (this.tooManyBusyThreads(G)) out[4] += G.low.size;
      out[9] += G.activeThreadCount;
      out[10] += G.waitingThreadCount;
    }
    const iv = this.interval;
    out[5] = iv[0] > 0 ? iv[1] / iv[0] : 0;
    out[6] = iv[2];
    out[7] = iv[3] > 0 ? iv[4] / iv[3] : 0;
    out[8] = iv[5];
    iv.fill(0);
  }

  // ---- priority (P2) -----------------------------------------------------------------------

  /**
   * P2 connection_is_high_prio (sql/threadpool_unix.cc): in transactions mode, with tickets left,
   * a transaction active (thd_is_transaction_active) or any lock the session holds: OPTION_TABLE_LOCK
   * / locked_tables_mode (LOCK TABLES), mdl_context.has_locks(), the global read and backup locks, user-level
   * and locking-service locks (ConnectionTable.sessionLocks). An admin_port connection is always
   * high priority, whatever the mode and tickets.
   */
  isHighPriority(conn: number): boolean {
    if (this.admin[conn] === 1 || this.mode === MODE_STATEMENTS) return true;
    return (
      this.mode === MODE_TRANSACTIONS &&
      this.tickets[conn] > 0 &&
      (this.conns.trxRegistered[conn] === 1 || this.conns.sessionLocks[conn] === 1)
    );
  }

  /** Queues an event: high -> tickets--, normal -> tickets refilled; the enter time is exact. */
  private enqueue(G: UnixGroup, conn: number): void {
    this.queueEnter[conn] = this.sim.now;
    if (this.isHighPriority(conn)) {
      this.tickets[conn]--;
      G.high.push(conn);
      this.conns.queuedIn[conn] = QUEUED_HIGH;
    } else {
      this.tickets[conn] = this.config.thread_pool_high_prio_tickets;
      G.low.push(conn);
      this.conns.queuedIn[conn] = QUEUED_LOW;
    }
  }

  /**
   * P1 add_connection -> queue_put: tickets = thread_pool_high_prio_tickets; an admin_port
   * connection's login goes to the high-priority queue, every other login to the normal queue,
   * where P4 throttles it like any low-priority event: with active + waiting threads above
   * 1 + oversubscribe, logins wait (the lock-out users report, spec section 7 item 3).
   * [not modelled: the forced thread creation for an admin login past max_threads and throttling]
   */
  protected queueLogin(G: UnixGroup, conn: number): void {
    this.tickets[conn] = this.config.thread_pool_high_prio_tickets;
    this.queueEnter[conn] = this.sim.now;
    if (this.admin[conn] === 1) G.high.push(conn);
    else G.low.push(conn);
  }

  // ---- queues (P4, P7) ---------------------------------------------------------------------

  /** P4 too_many_busy_threads: active + waiting threads beyond 1 + oversubscribe. */
  tooManyBusyThreads(G: UnixGroup): boolean {
    return G.activeThreadCount + G.waitingThreadCount > 1 + this.oversubscribe;
  }

  /** P4 queue_get: the high queue, else the normal queue unless too many threads are busy. */
  protected queueGet(G: UnixGroup, origin: number): number {
    G.queueEventCount++;
    let conn = -1;
    if (G.high.size > 0) {
      conn = G.high.shift();
      this.recordWait(G, conn, true);
    } else if (!this.tooManyBusyThreads(G) && G.low.size > 0) {
      conn = G.low.shift();
      this.recordWait(G, conn, false);
    }
    if (conn >= 0) G.counters[origin === LISTENER ? C_DEQUEUES_BY_LISTENER : C_DEQUEUES_BY_WORKER]++;
    return conn;
  }

  /** P4 queues_are_empty: a throttled normal queue counts as empty. */
  protected queuesEmpty(G: UnixGroup): boolean {
    return G.high.size === 0 && (G.low.size === 0 || this.tooManyBusyThreads(G));
  }

  /** P7 record_queue_wait: one sample per dequeue, now - queue_enter_time. */
  private recordWait(G: UnixGroup, conn: number, high: boolean): void {
    const w = this.sim.now - this.queueEnter[conn];
    this.queueEnter[conn] = 0;
    this.addSample(G, w, high);
  }

  private addSample(G: UnixGroup, w: number, high: boolean): void {
    G.counters[high ? C_HP_QUEUE_WAIT_CNT : C_QUEUE_WAIT_CNT]++;
    G.counters[high ? C_HP_QUEUE_WAIT_SUM : C_QUEUE_WAIT_SUM] += w;
    const iv = this.interval;
    const o = high ? 3 : 0;
    iv[o]++;
    iv[o + 1] += w;
    if (w > iv[o + 2]) iv[o + 2] = w;
  }

  // ---- polling (P3, P4) --------------------------------------------------------------------

  /**
   * P3: if both queues are empty the listener takes ev[0] itself (no queue, no ticket change,
   * a 0 µs sample in the queue it would have gone to); the other events are queued (P2).
   * Not counted in queue_event_count, as coded.
   */
  protected listenerEvents(G: UnixGroup, n: number): number {
    const picks = G.high.size === 0 && G.low.size === 0;
    const first = picks ? G.ready.shift() : -1;
    for (let i = picks ? 1 : 0; i < n; i++) this.enqueue(G, G.ready.shift());
    if (first >= 0) {
      this.addSample(G, 0, this.isHighPriority(first));
      G.counters[C_DEQUEUES_BY_LISTENER]++;
    }
    return first;
  }

  /**
   * P4: a non-blocking epoll_wait for one event (counted in io_event_count). A high-priority
   * event is handled (tickets--); a normal one too unless too many threads are busy, in which
   * case it goes to the normal queue and the worker sleeps.
   */
  protected workerPoll(G: UnixGroup): number {
    G.counters[C_POLLS_BY_WORKER]++;
    if (G.ready.size === 0) return -1;
    const conn = G.ready.shift();
    G.ioEventCount++;
    if (this.isHighPriority(conn)) {
      this.tickets[conn]--;
    } else if (this.tooManyBusyThreads(G)) {
      this.tickets[conn] = this.config.thread_pool_high_prio_tickets;
      this.queueEnter[conn] = this.sim.now;
      G.low.push(conn);
      this.conns.queuedIn[conn] = QUEUED_LOW;
      return -1;
    }
    this.addSample(G, 0, this.isHighPriority(conn));
    G.queueEventCount++;
    G.counters[C_DEQUEUES_BY_WORKER]++;
    return conn;
  }

  // ---- thread creation (P6, P8) ------------------------------------------------------------

  /** P6: fixed 0 / 50 / 100 / 200 ms at 4 / 8 / 16 threads in the group. */
  throttlingInterval(G: UnixGroup): number {
    const count = G.threadCount;
    if (count < 4) return 0;
    if (count < 8) return 50_000;
    if (count < 16) return 100_000;
    return 200_000;
  }

  /**
   * P8 as coded: the first failure of a blocking episode logs at once (now == pool_block_start);
   * msg_written then stays set, so the 30 s branch cannot fire in the same episode (the spec's
   * "again after 30 s" does not happen in this code).
   */
  protected poolBlocked(_maxThreadsReached: boolean): void {
    const now = this.sim.now;
    if (this.poolBlockStart < 0) {
      this.poolBlockStart = now;
      this.blockMsgWritten = false;
    }
    if (!this.blockMsgWritten && (now > this.poolBlockStart + 30_000_000 || now === this.poolBlockStart)) {
      this.log("Threadpool could not create additional thread to handle queries, because the number of allowed threads was reached. Increasing 'thread_pool_max_threads' parameter can help in this situation.");
      if (now > this.poolBlockStart) {
        this.log(`Threadpool has been blocked for ${Math.floor((now - this.poolBlockStart) / 1e6)} seconds`);
      }
      this.blockMsgWritten = true;
    }
  }
}

