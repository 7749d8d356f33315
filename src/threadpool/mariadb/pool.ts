import type { Simulator } from '../../engine/simulator.js';
import { type ConnectionTable, QUEUED_HIGH, QUEUED_LOW } from '../../server/connections.js';
import type { Executor } from '../../server/executor.js';
import type { ThreadRegistry } from '../../server/threads.js';
import type { StatementSink } from '../types.js';
import {
  BLOCK_MSG_DELAY,
  C_DEQUEUES_BY_LISTENER,
  C_DEQUEUES_BY_WORKER,
  C_POLLS_BY_WORKER,
  LISTENER,
  MAX_EVENTS,
  UNIX_POOL_COMMON_COUNTERS,
  type UnixGroup,
  UnixThreadPool,
  WORKER,
} from '../unix-pool/pool.js';
import { DEFAULT_THREADPOOL_STALL_LIMIT, type MariadbPoolConfig } from './config.js';

/**
 * INFORMATION_SCHEMA.THREAD_POOL_STATS columns (upper case, as MariaDB names them), then
 * THREAD_POOL_WAITS counts by REASON (WAITS_<REASON>), in the order of the schema's WAIT_TYPES:
 * diskio, row_lock, group_commit, fsync (SYNC), sleep, net, other (UNKNOWN).
 */
export const MARIADB_COUNTERS = [
  'THREAD_CREATIONS',
  'THREAD_CREATIONS_DUE_TO_STALL',
  'WAKES',
  'WAKES_DUE_TO_STALL',
  'THROTTLES',
  'STALLS',
  'POLLS_BY_LISTENER',
  'POLLS_BY_WORKER',
  'DEQUEUES_BY_LISTENER',
  'DEQUEUES_BY_WORKER',
  'WAITS_DISKIO',
  'WAITS_ROW_LOCK',
  'WAITS_GROUP_COMMIT',
  'WAITS_SYNC',
  'WAITS_SLEEP',
  'WAITS_NET',
  'WAITS_UNKNOWN',
] as const;

/**
 * MariaDB thread pool (threadpool_generic.cc), rules A1-A12 of the spec; the shared machinery
 * lives in ../unix-pool. Here: the two-queue priority scheme (A2, A8), the listener that picks
 * through the queue (A4), the worker's batch poll (A5.4), kick-up (A9.1), the throttling interval
 * with its integer THROTTLING_FACTOR (A10), and the pool-blocked message (A12).
 */
export class MariadbThreadPool extends UnixThreadPool {
  readonly counterNames: readonly string[] = MARIADB_COUNTERS;
  readonly counterSource = 'information_schema.THREAD_POOL_STATS';
  /** Status variables, then THREAD_POOL_GROUPS columns (summed over groups). */
  readonly gaugeNames: readonly string[] = [
    'Threadpool_threads',
    'Threadpool_idle_threads',
    'ACTIVE_THREADS',
    'STANDBY_THREADS',
    'QUEUE_LENGTH',
    'QUEUE_LENGTH_HIGH',
    'QUEUE_LENGTH_LOW',
    'HAS_LISTENER',
    'IS_STALLED',
  ];
  /** enqueue_time per connection (µs; coarse unless thread_pool_exact_stats). */
  enqueueTime = new Float64Array(0);
  private readonly kickupUs: number;
  private readonly throttlingFactor: number;

  constructor(
    sim: Simulator,
    readonly config: MariadbPoolConfig,
    conns: ConnectionTable,
    executor: Executor,
    threads: ThreadRegistry,
    sink: StatementSink,
    threadCreateUs: number,
  ) {
    super(sim, config, conns, executor, threads, sink, threadCreateUs, UNIX_POOL_COMMON_COUNTERS);
    this.kickupUs = 1000 * config.thread_pool_prio_kickup_timer;
    // A10: THROTTLING_FACTOR = stall_limit / max(500, stall_limit) in unsigned integers: 0 or 1.
    const s = config.thread_pool_stall_limit;
    this.throttlingFactor = Math.floor(s / Math.max(DEFAULT_THREADPOOL_STALL_LIMIT, s));
  }

  override start(connections: number): void {
    this.enqueueTime = new Float64Array(connections);
    super.start(connections);
  }

  sampleGauges(out: Float64Array): void {
    out.fill(0);
    for (const G of this.groups) {
      out[0] += G.threadCount;
      out[1] += G.threadCount - G.activeThreadCount;
      out[2] += G.activeThreadCount;
      out[3] += G.waiting.size;
      out[4] += G.queued;
      out[5] += G.high.size;
      out[6] += G.low.size;
      out[7] += G.listener >= 0 ? 1 : 0;
      out[8] += G.stalled ? 1 : 0;
    }
  }

  // ---- queues (A8, A9.1) -------------------------------------------------------------------

  /** A8 get_priority: high/low fixed; auto = high iff a transaction is active. */
  isHighPriority(conn: number): boolean {
    const p = this.config.thread_pool_priority;
    // A8: KILL and wait_timeout set a connection's priority HIGH (tp_post_kill_notification,
    // tp_timeout_handler): the killed connection's event goes to the high queue.
    return p === 'high' || (p === 'auto' && this.conns.trxRegistered[conn] === 1) || this.killedIsHigh(conn);
  }

  /** A2: a new TP_connection's priority is HIGH (TP_connection ctor): the login goes to the high queue. */
  protected queueLogin(G: UnixGroup, conn: number): void {
    this.enqueueTime[conn] = this.config.thread_pool_exact_stats ? this.sim.now : this.currentMicrotime;
    G.high.push(conn);
  }

  /** queue_put of one event: queues[priority], enqueue_time = the timer's clock unless exact_stats. */
  private queuePut(G: UnixGroup, conn: number): void {
    this.enqueueTime[conn] = this.config.thread_pool_exact_stats ? this.sim.now : this.currentMicrotime;
    const high = this.isHighPriority(conn);
    if (high) G.high.push(conn);
    else G.low.push(conn);
    this.conns.queuedIn[conn] = high ? QUEUED_HIGH : QUEUED_LOW;
  }

  /**
   * tp_resume -> TP_pool_generic::resume -> add -> queue_put (threadpool_generic.cc): a COMMIT
   * suspended for the group commit (10.6+) is queued in its group at its priority, and queue_put
   * wakes or creates a thread when none is active.
   */
  resumeConnection(conn: number): void {
    const G = this.groups[this.connGroup[conn]];
    this.queuePut(G, conn);
    if (G.activeThreadCount === 0) this.wakeOrCreate(G, false);
  }

  /** queue_get: high queue first; counts queue_event_count on every call, even when empty. */
  protected queueGet(G: UnixGroup, origin: number): number {
    G.queueEventCount++;
    const conn = G.high.size > 0 ? G.high.shift() : G.low.shift();
    if (conn >= 0) G.counters[origin === LISTENER ? C_DEQUEUES_BY_LISTENER : C_DEQUEUES_BY_WORKER]++;
    return conn;
  }

  protected queuesEmpty(G: UnixGroup): boolean {
    return G.queued === 0;
  }

  /** A9.1: every low-queue entry older than prio_kickup_timer moves to the high queue (no rate limit). */
  protected override beforeStallCheck(G: UnixGroup): void {
    while (G.low.size > 0 && this.currentMicrotime - this.enqueueTime[G.low.peek()] > this.kickupUs) {
      const up = G.low.shift();
      G.high.push(up);
      this.conns.queuedIn[up] = QUEUED_HIGH;
    }
  }

  // ---- polling (A4, A5.4) ------------------------------------------------------------------

  /** A4: queue all events; if the queue was empty (and no dedicated listener) pick one via queue_get. */
  protected listenerEvents(G: UnixGroup, n: number): number {
    const picks = G.queued === 0 && !this.config.thread_pool_dedicated_listener;
    for (let i = 0; i < n; i++) this.queuePut(G, G.ready.shift());
    return picks ? this.queueGet(G, LISTENER) : -1;
  }

  /** A5.4: non-blocking epoll_wait for up to 1024 events (not added to io_event_count). */
  protected workerPoll(G: UnixGroup): number {
    G.counters[C_POLLS_BY_WORKER]++;
    const n = G.ready.size < MAX_EVENTS ? G.ready.size : MAX_EVENTS;
    if (n === 0) return -1;
    for (let i = 0; i < n; i++) this.queuePut(G, G.ready.shift());
    return this.queueGet(G, WORKER);
  }

  // ---- thread creation (A10, A12) ----------------------------------------------------------

  /** A10 microsecond_throttling_interval, as coded (note 200*100 = 20 ms at 16+ threads). */
  throttlingInterval(G: UnixGroup): number {
    const count = G.threadCount;
    if (count < 1 + this.oversubscribe) return 0;
    if (count < 8) return 50 * 1000 * this.throttlingFactor;
    if (count < 16) return 100 * 1000 * this.throttlingFactor;
    return 200 * 100 * this.throttlingFactor;
  }

  /** A12: the first failure starts the clock; one message once it has lasted 30 s. */
  protected poolBlocked(_maxThreadsReached: boolean): void {
    const now = this.sim.now;
    if (this.poolBlockStart < 0) {
      this.poolBlockStart = now;
      this.blockMsgWritten = false;
      return;
    }
    if (now > this.poolBlockStart + BLOCK_MSG_DELAY && !this.blockMsgWritten) {
      this.log("Threadpool could not create additional thread to handle queries, because the number of allowed threads was reached. Increasing 'thread_pool_max_threads' parameter can help in this situation.");
      this.log(`Threadpool has been blocked for ${Math.floor((now - this.poolBlockStart) / 1e6)} seconds`);
      this.blockMsgWritten = true;
    }
  }
}
