import type { EventHandler, Simulator } from '../../engine/simulator.js';
import { growFloat64, growInt32, growUint8 } from '../../engine/grow.js';
import { IntQueue, IntStack } from '../../engine/int-queue.js';
import { type ConnectionTable, trxEngineActiveAfter, QUEUED_HIGH, QUEUED_LOW } from '../../server/connections.js';
import type { Executor } from '../../server/executor.js';
import type { ThreadRegistry } from '../../server/threads.js';
import {
  CLOSED_KILLED,
  CLOSED_WAIT_TIMEOUT,
  type ConnectionLife,
  type ConnectionLifeHandling,
  PH_BUSY,
  PH_CLOSING,
  PH_ABSENT,
  PH_IDLE,
  PH_LOGIN,
  killRunning,
} from '../login.js';
import type { StatementSink, ThreadHandling } from '../types.js';
import { Dispatch, type GroupLoad } from '../dispatch/dispatch.js';
import { effectiveQueryThreadsPerGroup, type MysqlPoolConfig, transactionLimitPerGroup } from './profile.js';

/** performance_schema.tp_thread_group_stats columns (lower case), spec section 5. */
export const MYSQL_COUNTERS = [
  'connections_started',
  'connections_closed',
  'queries_executed',
  'queries_queued',
  'threads_started',
  'prio_kickups',
  'stalled_queries_executed',
  'become_consumer_thread',
  'become_reserve_thread',
  'become_waiting_thread',
  'wake_thread_stall_checker',
  'sleep_waits',
  'disk_io_waits',
  'row_lock_waits',
  'global_lock_waits',
  'meta_data_lock_waits',
  'table_lock_waits',
  'user_lock_waits',
  'binlog_waits',
  'group_commit_waits',
  'fsync_waits',
  // wait_counts[THD_WAIT_TRX_DELAY] (M14): counted by the plugin, not a column of the table.
  'trx_delay_waits',
] as const;

const C_CONNECTIONS_STARTED = 0;
const C_CONNECTIONS_CLOSED = 1;
const C_QUERIES_EXECUTED = 2;
const C_QUERIES_QUEUED = 3;
const C_THREADS_STARTED = 4;
const C_PRIO_KICKUPS = 5;
const C_STALLED_QUERIES_EXECUTED = 6;
const C_BECOME_CONSUMER = 7;
const C_BECOME_RESERVE = 8;
const C_BECOME_WAITING = 9;
const C_WAKE_STALL_CHECKER = 10;
const C_TRX_DELAY_WAITS = 21;

/** Counter index per wait type (order of WAIT_TYPES in the schema); -1: not counted by MySQL. */
const WAIT_COUNTER = new Int32Array([
  12, // diskio -> disk_io_waits
  13, // row_lock -> row_lock_waits
  19, // group_commit -> group_commit_waits
  20, // fsync -> fsync_waits
  11, // sleep -> sleep_waits
  -1, // net
  -1, // other
]);

/** Wake levels of tp_wake_thread (M12). */
const WAKE_IF_CONSUMER = 0;
const WAKE_IF_CREATED = 1;
const WAKE_OR_CREATE_ONE = 2;

/** Thread states (for checks and tests). */
export const enum ThreadState {
  Exited = 0,
  Creating = 1,
  Consumer = 2,
  Reserve = 3,
  Polling = 4,
  Executing = 5,
  Woken = 6,
  /** M7d/M13: inside tp_process_event, blocked reading the client's next statement. */
  Bound = 7,
  /** M14: sleeping the transaction delay while attached. */
  Delaying = 8,
  /** M7c: the dedicated listener (polling or queueing). */
  Listener = 9,
  /** M3: a connect-handler thread authenticating a connection. */
  Connect = 10,
  /** M3: a connect-handler thread asleep (COND_connect). */
  ConnectSleeping = 11,
}

// Event kinds.
const RUN = 0; // a created or woken thread starts its worker loop
const POLL = 1; // the blocked waiting thread returns from epoll_wait
const CHECK = 2; // the stall checker's iteration
const DELAY_END = 3; // M14: the transaction delay of a thread is over
const CONNECT_RUN = 4; // M3: a created or signalled connect thread looks at its queue
const CONNECT_TIMEOUT = 5; // M3: a connect thread's 60 s timed sleep ends (arg: generation)
const CLOSE_RUN = 6; // a killed connection popped from a queue is closed (no CPU)

/** M3 CONNECT_THREAD_IDLE_TIMEOUT_SECS, µs. */
const CONNECT_THREAD_IDLE_TIMEOUT = 60_000_000;
/** M3 INITIAL_CONNECT_THREADS_PER_GROUP. */
const INITIAL_CONNECT_THREADS_PER_GROUP = 1;
/** tp_connection_timeout: wait_timeout + 10 µs "for the stall interval". */
const CONNECTION_TIMEOUT_EXTRA = 10;

const MAX_THREADS_PER_GROUP = 4096;
const MAX_EVENTS_PER_WAIT_CALL = 32;
const STALL_TICK = 10_000; // µs
const STALL_TICK_AFTER_WAKE = 1_000;

/** One thread group (tp_group_t). */
export class MysqlGroup {
  /** High-priority queue (queued_queries). */
  readonly high = new IntQueue();
  /** Low-priority queue (queued_trans). */
  readonly low = new IntQueue();
  /** Connections whose socket is readable but not yet returned by epoll_wait. */
  readonly ready = new IntQueue();
  readonly consumers = new IntStack();
  readonly reserves = new IntStack();
  waitingThread = -1;
  /** The waiting thread is blocked in epoll_wait (not executing a statement directly). */
  waiterBlocked = false;
  threadsActive = 0;
  stalledThreads = 0;
  maxActiveThreads: number;
  numQueryThreads = 0;
  connectionCount = 0;
  lastThreadCreation = -Infinity;
  /** Threads attached to a connection (for the stall checker). */
  readonly attached: number[] = [];
  readonly counters = new Float64Array(MYSQL_COUNTERS.length);
  /** M13 trxn_threads: threads inside tp_process_event (bound to a transaction). */
  trxnThreads = 0;
  /**
   * M13 time_of_last_longrunning_trxs_check: -1 while MTL is in force, else the last long-running
   * check that found too many long transactions (MTL suspended).
   */
  lastLongrunCheck = -1;
  /** M7c: this group's dedicated listener thread, or -1. */
  listener = -1;
  /** M2 connection_context_queue: accepted connections waiting for a connect thread. */
  readonly connectQueue = new IntQueue();
  /** M3 connect threads of the group, and those asleep (most recent on top). */
  connectThreads = 0;
  readonly connectSleeping = new IntStack();
  /** M9.7 earliest_con_expire_timpt. */
  earliestExpire = Infinity;
  /** M16: killed connections whose KILL_FLAG the group's poller has yet to handle. */
  readonly killed = new IntQueue();

  constructor(
    readonly index: number,
    readonly threadsUserRequest: number,
    /** M13 per-group limit max(1, ceil(MTL / size)); 0 = no MTL (always 0 in the admin group). */
    readonly txnlim: number,
    /** M15: the admin group (index = thread_pool_size). */
    readonly admin: boolean,
  ) {
    this.maxActiveThreads = threadsUserRequest;
  }

  /** M13 is_mtl_suspended. */
  get mtlSuspended(): boolean {
    return this.lastLongrunCheck >= 0;
  }

  get queued(): number {
    return this.high.size + this.low.size;
  }
}

/**
 * MySQL Enterprise Thread Pool (plugin thread_pool.so), rule by rule from the spec (M1..M15).
 * Connections are logged in before the run starts (M2, M3): login cost is not modelled.
 */
export class MysqlThreadPool implements ThreadHandling, ConnectionLifeHandling, EventHandler {
  readonly counterNames: readonly string[] = MYSQL_COUNTERS;
  readonly counterSource = 'performance_schema.tp_thread_group_stats';
  /** tp_thread_group_state columns (lower case), summed over groups (admin group included). */
  readonly gaugeNames: readonly string[] = [
    'queued_queries',
    'queued_transactions',
    'active_thread_count',
    'stalled_thread_count',
    'thread_count',
    'consumer_threads',
    'reserve_threads',
    'threads_bound_to_transaction',
    'effective_max_transactions_limit',
    // tpsim: groups whose TIME_OF_LAST_LONGRUNNING_TRXS_CHECK is set (MTL suspended, M13).
    'mtl_suspended_groups',
  ];
  /** Normal groups 0..size-1, then the admin group (M15). */
  readonly groups: MysqlGroup[];
  private readonly id: number;
  private readonly size: number;
  private readonly highlyConcurrent: boolean;
  /** thread_pool_query_threads_per_group as the plugin runs it (M13 may reduce it). */
  readonly queryThreadsPerGroup: number;
  private readonly stallLimitUs: number;
  private readonly kickupUs: number;
  private readonly vcpus: number;
  /** M13: thread_pool_max_transactions_limit > 0 (binding applies in every group, admin included). */
  private readonly mtlOn: boolean;
  /** M7c: dedicated listeners, forced off when MTL is 0. */
  readonly dedicatedListeners: boolean;
  private readonly delayUs: number;
  private readonly longrunUs: number;
  private readonly longrunIntervalUs: number;
  private readonly graceUs: number;
  private nextLongrunCheck = 0;
  private connGroup = new Int32Array(0);
  /** M7d: the thread blocked reading this connection's next statement, or -1. */
  private connBound = new Int32Array(0);
  /** time_of_event_arrival: when epoll_wait returned the connection's event. */
  eventArrival = new Float64Array(0);
  private tGroup = new Int32Array(64);
  private tConn = new Int32Array(64).fill(-1);
  private tAttach = new Float64Array(64);
  private tStalled = new Uint8Array(64);
  private tNotStalled = new Uint8Array(64);
  private tState = new Uint8Array(64);
  private tAttachPos = new Int32Array(64);
  /** Pool-wide total_query_threads (thread creation control). */
  totalQueryThreads = 0;
  /** M10 time_of_completed_check: the previous iteration of the stall checker. */
  private lastCheck = -Infinity;
  /** The dispatch what-ifs (scenario threadPool.dispatch), over the normal groups. */
  readonly dispatch: Dispatch;
  private readonly load: GroupLoad;
  private readonly blockedWaiter = (g: number): boolean => {
    const G = this.groups[g];
    return G.waitingThread >= 0 && G.waiterBlocked;
  };
  /** Connection life (login.ts); null: connections live for the whole run, logged in at start. */
  private life: ConnectionLife | null = null;
  /** M2: the round-robin counter of assign_connection_to_thread_group. */
  private nextGroup = 0;
  /** Connections from this index on have TP_CONNECTION_ADMIN (admin_connections). */
  private adminFrom = 0;
  /** M3 max_connect_threads_per_group = max(5, ceil(160 / thread_pool_size)). */
  readonly maxConnectThreads: number;
  /** Per connection: in a queue (is_queued); the thread attached to it (active_flag), or -1. */
  private connQueued = new Uint8Array(0);
  private connThread = new Int32Array(0);
  /** Per connection: why it is being closed (CLOSED_*), while its phase is PH_CLOSING. */
  private closeReason = new Uint8Array(0);
  private tSleepGen = new Int32Array(64);

  constructor(
    private readonly sim: Simulator,
    readonly config: MysqlPoolConfig,
    private readonly conns: ConnectionTable,
    private readonly executor: Executor,
    private readonly threads: ThreadRegistry,
    private readonly sink: StatementSink,
    cores: number,
    private readonly threadCreateUs: number,
  ) {
    this.id = sim.register(this);
    this.vcpus = cores;
    this.size = config.thread_pool_size;
    const mtl = config.thread_pool_max_transactions_limit;
    this.mtlOn = mtl > 0;
    // M13: txnlim = max(1, ceil(MTL / size)) per normal group; the admin group is exempt (M15).
    const txnlim = transactionLimitPerGroup(mtl, this.size);
    // M13 update_config_defaults (resolveMysqlPool did it already for a scenario; idempotent).
    this.queryThreadsPerGroup = effectiveQueryThreadsPerGroup(config);
    this.groups = [];
    for (let g = 0; g <= this.size; g++) {
      const admin = g === this.size;
      this.groups.push(new MysqlGroup(g, this.queryThreadsPerGroup, admin ? 0 : txnlim, admin));
    }
    // M4: "highly concurrent mode" disables direct execution by the waiting thread.
    this.highlyConcurrent = config.thread_pool_algorithm === 1 && this.queryThreadsPerGroup > 1;
    this.stallLimitUs = config.thread_pool_stall_limit * 10_000;
    this.kickupUs = config.thread_pool_prio_kickup_timer * 1000;
    this.dedicatedListeners = config.thread_pool_dedicated_listeners === 1 && this.mtlOn;
    this.delayUs = config.thread_pool_transaction_delay * 1000;
    const longrunMs = config.thread_pool_longrun_trx_limit;
    this.longrunUs = longrunMs * 1000;
    // M13: check every longrun_trx_limit/2 ms (integer ms); grace clamp(15 * limit, 5 s, 30 s).
    this.longrunIntervalUs = Math.floor(longrunMs / 2) * 1000;
    this.graceUs = Math.min(30_000, Math.max(5_000, 15 * longrunMs)) * 1000;
    this.dispatch = new Dispatch(config.dispatch, this.size);
    this.load = {
      busy: (g) => this.groups[g].threadsActive + this.groups[g].queued,
      connections: (g) => this.groups[g].connectionCount,
    };
    this.maxConnectThreads = Math.max(5, Math.ceil(160 / this.size));
  }

  get groupCount(): number {
    return this.groups.length;
  }

  /** M15: the admin group (last row of the statistics). */
  get adminGroup(): MysqlGroup {
    return this.groups[this.size];
  }

  groupCounters(group: number): Float64Array {
    return this.groups[group].counters;
  }

  sampleGauges(out: Float64Array): void {
    out.fill(0);
    for (const G of this.groups) {
      out[0] += G.high.size;
      out[1] += G.low.size;
      out[2] += G.threadsActive;
      out[3] += G.stalledThreads;
      out[4] += G.numQueryThreads + (G.listener >= 0 ? 1 : 0);
      out[5] += G.consumers.size;
      out[6] += G.reserves.size;
      out[7] += G.trxnThreads;
      out[8] += G.txnlim;
      out[9] += G.mtlSuspended ? 1 : 0;
    }
  }

  threadState(t: number): ThreadState {
    return this.tState[t] as ThreadState;
  }

  /** Group a connection belongs to. */
  groupOf(conn: number): number {
    return this.connGroup[conn];
  }

  start(connections: number): void {
    this.connGroup = new Int32Array(connections);
    this.connBound = new Int32Array(connections).fill(-1);
    this.eventArrival = new Float64Array(connections);
    this.connQueued = new Uint8Array(connections);
    this.connThread = new Int32Array(connections).fill(-1);
    this.closeReason = new Uint8Array(connections);
    const admins = Math.min(this.config.admin_connections, connections);
    this.adminFrom = connections - admins;
    this.nextGroup = connections - admins;
    for (let c = 0; c < connections; c++) {
      // M2: strict round-robin by arrival order [inferred: which group the first one gets is
      // immaterial]; M3/M15: the last `admin_connections` have TP_CONNECTION_ADMIN and move to
      // the admin group after login (being last, they do not shift the round robin of the others).
      // tpsim dispatch.assign: the server's rule unless a what-if replaces it (admins excepted).
      const g = c >= connections - admins ? this.size : this.dispatch.groupFor(c, c % this.size, this.load);
      this.connGroup[c] = g;
      this.groups[g].connectionCount++;
      this.groups[g].counters[C_CONNECTIONS_STARTED]++;
    }
    // M1: in every group (admin included) threads_user_request query threads, plus one listener
    // with dedicated listeners (M7c), at startup (no creation delay).
    for (let g = 0; g < this.groups.length; g++) {
      const G = this.groups[g];
      if (this.dedicatedListeners) {
        const l = this.newThread(g, false);
        G.listener = l;
        this.tState[l] = ThreadState.Woken;
        this.sim.schedule(0, this.id, RUN, l, 0);
      }
      for (let i = 0; i < this.queryThreadsPerGroup; i++) {
        const t = this.newThread(g, true);
        this.tState[t] = ThreadState.Woken;
        this.sim.schedule(0, this.id, RUN, t, 0);
      }
    }
    const life = this.life;
    if (life !== null) {
      // M1: one connect-handler thread per group (admin included), asleep without a timeout
      // (the group's only one, M3); the logins before the run set each connection's expiry.
      for (let g = 0; g < this.groups.length; g++) {
        const t = this.newThread(g, false);
        this.groups[g].connectThreads = 1;
        this.connectSleep(t, this.groups[g]);
      }
      for (let c = 0; c < connections; c++) this.setIdleTimeout(this.groups[this.connGroup[c]], c);
    }
    // M9: one stall-check thread for all groups [inferred: its first iteration after one tick].
    this.lastCheck = -Infinity;
    this.nextLongrunCheck = 0;
    this.sim.schedule(STALL_TICK, this.id, CHECK, 0, 0);
  }

  handleEvent(kind: number, target: number, arg: number): void {
    if (kind === RUN) {
      this.workerLoop(target);
    } else if (kind === POLL) {
      const G = this.groups[this.tGroup[target]];
      if (G.waitingThread === target) this.handleEvents(target, G);
    } else if (kind === CONNECT_RUN) {
      this.connectThreadMain(target);
    } else if (kind === CONNECT_TIMEOUT) {
      this.connectTimeout(target, arg);
    } else if (kind === CLOSE_RUN) {
      this.statementDone(target, this.tConn[target]);
    } else if (kind === DELAY_END) {
      // M14: wait_counts[TRX_DELAY]++ after the sleep, then the statement runs.
      const G = this.groups[this.tGroup[target]];
      G.counters[C_TRX_DELAY_WAITS]++;
      this.tState[target] = ThreadState.Executing;
      this.runCommand(target, G, this.tConn[target]);
    } else {
      this.stallCheck();
    }
  }

  // ---- request arrival and polling (M4, M5) ------------------------------------------------

  onRequest(conn: number): void {
    this.life?.busy(conn);
    const bound = this.connBound[conn];
    if (bound >= 0) {
      // M7d/M13: the thread blocked in do_command reads the statement itself: no epoll, no queue.
      this.connBound[conn] = -1;
      this.tState[bound] = ThreadState.Executing;
      this.executeCommand(bound, this.groups[this.tGroup[bound]], conn);
      return;
    }
    const home = this.connGroup[conn];
    // The admin group keeps its own events whatever the dispatch what-if.
    const g = home === this.size ? home : this.dispatch.eventGroup(conn, home, this.blockedWaiter);
    if (g < 0) return;
    const G = this.groups[g];
    G.ready.push(conn);
    if (G.waitingThread >= 0 && G.waiterBlocked) {
      // epoll_wait returns in the blocked waiting thread.
      G.waiterBlocked = false;
      this.sim.schedule(0, this.id, POLL, G.waitingThread, 0);
    }
  }

  /** M4: the waiting thread got events from a blocking epoll_wait. */
  private handleEvents(t: number, G: MysqlGroup): void {
    this.pullShared(G);
    if (G.killed.size > 0) this.handleKilled(G);
    const n = G.ready.size < MAX_EVENTS_PER_WAIT_CALL ? G.ready.size : MAX_EVENTS_PER_WAIT_CALL;
    if (n === 0) {
      G.waiterBlocked = true;
      this.tState[t] = t === G.listener ? ThreadState.Listener : ThreadState.Polling;
      return;
    }
    if (t === G.listener) {
      this.listenerDispatch(t, G, n);
      return;
    }
    // M4 direct execution: one event, not highly concurrent, no dedicated listeners, queues
    // empty, credit available.
    if (n === 1 && !this.highlyConcurrent && !this.dedicatedListeners && G.queued === 0 && this.creditAvailable(G)) {
      const conn = G.ready.shift();
      this.eventArrival[conn] = this.sim.now;
      this.attach(t, G, conn); // remains waiting_thread: nobody else polls meanwhile
      return;
    }
    // M4: otherwise queue everything (highly concurrent mode's extra non-blocking probe for up
    // to 31 more finds nothing new: all ready events were already taken in this batch).
    this.queueEvents(G, n);
    G.waitingThread = -1;
    this.workerLoop(t);
  }

  /**
   * M7c dedicated_listener_loop: queue every polled event, wake (or create) a query thread, poll
   * again. WAKE_OR_CREATE_ONE while query_threads_count < txnlim, else WAKE_IF_CREATED.
   */
  private listenerDispatch(t: number, G: MysqlGroup, n: number): void {
    while (n > 0) {
      this.queueEvents(G, n);
      G.waitingThread = -1;
      this.wake(G, G.txnlim === 0 || G.numQueryThreads < G.txnlim ? WAKE_OR_CREATE_ONE : WAKE_IF_CREATED);
      G.waitingThread = t;
      G.counters[C_BECOME_WAITING]++;
      n = G.ready.size < MAX_EVENTS_PER_WAIT_CALL ? G.ready.size : MAX_EVENTS_PER_WAIT_CALL;
    }
    G.waiterBlocked = true;
    this.tState[t] = ThreadState.Listener;
  }

  /** Non-blocking epoll_wait by a worker (M7): queue what is ready. */
  private pollNonBlocking(G: MysqlGroup): void {
    this.pullShared(G);
    if (G.killed.size > 0) this.handleKilled(G);
    const n = G.ready.size < MAX_EVENTS_PER_WAIT_CALL ? G.ready.size : MAX_EVENTS_PER_WAIT_CALL;
    if (n > 0) this.queueEvents(G, n);
  }

  /** shared-queue: a normal group with nothing ready of its own takes one event of the shared queue. */
  private pullShared(G: MysqlGroup): void {
    const shared = this.dispatch.shared;
    if (G.ready.size === 0 && shared.size > 0 && !G.admin) G.ready.push(shared.shift());
  }

  private queueEvents(G: MysqlGroup, n: number): void {
    const now = this.sim.now;
    for (let i = 0; i < n; i++) {
      const conn = G.ready.shift();
      this.eventArrival[conn] = now;
      this.queueQuery(G, conn);
    }
    G.counters[C_QUERIES_QUEUED] += n;
  }

  /**
   * M5: high priority if a transaction is active, kickup timer 0, or high_priority_connection.
   * thd_is_transaction_active is Transaction_ctx::is_active(SESSION), an engine registered in the
   * transaction: BEGIN and the statement after it (which registers InnoDB) are still low priority.
   */
  private queueQuery(G: MysqlGroup, conn: number): void {
    this.connQueued[conn] = 1;
    if (
      this.conns.trxRegistered[conn] === 1 ||
      this.config.thread_pool_prio_kickup_timer === 0 ||
      this.config.thread_pool_high_priority_connection === 1
    ) {
      G.high.push(conn);
      this.conns.queuedIn[conn] = QUEUED_HIGH;
    } else {
      G.low.push(conn);
      this.conns.queuedIn[conn] = QUEUED_LOW;
    }
  }

  // ---- credit (M6) ---------------------------------------------------------------------------

  /** M6, evaluated before the dequeuing thread counts itself in threads_active / trxn_threads. */
  creditAvailable(G: MysqlGroup): boolean {
    // M6.1 / M13 [inferred, as M6.3] `<=` on a count excluding the caller: txnlim + 1 transactions.
    if (G.txnlim !== 0) return G.trxnThreads <= G.txnlim || G.lastLongrunCheck >= 0;
    const maq = this.config.thread_pool_max_active_query_threads;
    if (maq !== 0) return G.threadsActive < maq;
    // [inferred] `<=` on a count excluding the caller: up to max_active_threads + 1 run at once.
    return G.threadsActive <= G.maxActiveThreads;
  }

  private queryReady(G: MysqlGroup): boolean {
    return G.queued > 0 && this.creditAvailable(G);
  }

  // ---- worker loops (M7) ---------------------------------------------------------------------

  private workerLoop(t: number): void {
    const G = this.groups[this.tGroup[t]];
    if (this.dedicatedListeners) {
      if (t === G.listener) this.becomeWaiter(t, G);
      else this.queryWorkerLoop(t, G);
    } else if (this.config.thread_pool_algorithm === 1) {
      this.highConcurrencyLoop(t, G);
    } else {
      this.lowConcurrencyLoop(t, G);
    }
  }

  /** M7b: one thread alternates polling and executing; others sleep. */
  private lowConcurrencyLoop(t: number, G: MysqlGroup): void {
    if (!this.queryReady(G)) {
      // With MTL a thread becomes the waiter even when queries wait for credit.
      if ((G.queued === 0 || G.txnlim > 0) && G.waitingThread < 0) this.becomeWaiter(t, G);
      else this.sleep(t, G);
      return;
    }
    if (G.waitingThread < 0 && G.high.size === 0) this.pollNonBlocking(G);
    this.processQueued(t, G);
  }

  /** M7a: wake a consumer when more is queued or nobody polls; poll without blocking; execute. */
  private highConcurrencyLoop(t: number, G: MysqlGroup): void {
    const ready = this.queryReady(G);
    if (G.waitingThread >= 0 && !ready) {
      this.sleep(t, G);
      return;
    }
    if (ready) {
      if (G.queued > 1 || G.waitingThread < 0) this.wake(G, WAKE_IF_CONSUMER);
      if (G.waitingThread < 0 && G.high.size === 0) this.pollNonBlocking(G);
      this.processQueued(t, G);
      return;
    }
    this.becomeWaiter(t, G);
  }

  /**
   * M7c query_worker_thread_loop: execute if ready, else exit when query_threads_count > txnlim,
   * else sleep. [inferred] A thread that would exceed max_unused_threads exits (the loop ignores
   * become_reserve_thread's answer and would spin until work comes; we end it as M11 does).
   */
  private queryWorkerLoop(t: number, G: MysqlGroup): void {
    if (this.queryReady(G)) {
      this.processQueued(t, G);
      return;
    }
    if (G.txnlim !== 0 && G.numQueryThreads > G.txnlim) {
      this.exitThread(t, G);
      return;
    }
    this.sleep(t, G);
  }

  private becomeWaiter(t: number, G: MysqlGroup): void {
    G.waitingThread = t;
    G.counters[C_BECOME_WAITING]++;
    this.handleEvents(t, G);
  }

  /** pop_highest_priority_query + process (M5 dequeue order, M7d). */
  private processQueued(t: number, G: MysqlGroup): void {
    const conn = G.high.size > 0 ? G.high.shift() : G.low.shift();
    this.connQueued[conn] = 0;
    this.attach(t, G, conn);
  }

  /** M7d tp_process_event: assign the thread to the connection and execute its statement. */
  private attach(t: number, G: MysqlGroup, conn: number): void {
    this.tConn[t] = conn;
    this.tAttach[t] = this.sim.now;
    this.tStalled[t] = 0;
    this.tNotStalled[t] = 0;
    this.tState[t] = ThreadState.Executing;
    this.tAttachPos[t] = G.attached.length;
    G.attached.push(t);
    G.threadsActive++;
    if (G.txnlim !== 0) G.trxnThreads++; // M13
    this.connThread[conn] = t;
    if (this.life !== null && this.life.phase[conn] === PH_CLOSING) {
      // M16: a killed connection taken from the queue: processing finds it killed and closes it.
      this.sim.schedule(0, this.id, CLOSE_RUN, t, 0);
      return;
    }
    this.executeCommand(t, G, conn);
  }

  /** tp_execute_command: M14 transaction delay (attached, still in threads_active), then run. */
  private executeCommand(t: number, G: MysqlGroup, conn: number): void {
    if (this.delayUs > 0 && !G.admin && this.conns.trxActive[conn] === 0) {
      this.tState[t] = ThreadState.Delaying;
      this.sim.schedule(this.delayUs, this.id, DELAY_END, t, 0);
      return;
    }
    this.runCommand(t, G, conn);
  }

  private runCommand(t: number, G: MysqlGroup, conn: number): void {
    G.counters[C_QUERIES_EXECUTED]++;
    this.executor.start(t, conn);
  }

  /** M7d: detach, re-arm the socket, unassign (clearing the stalled status). */
  private detach(t: number, G: MysqlGroup): void {
    const pos = this.tAttachPos[t];
    const last = G.attached.pop() as number;
    if (last !== t) {
      G.attached[pos] = last;
      this.tAttachPos[last] = pos;
    }
    if (G.txnlim !== 0) G.trxnThreads--; // M13
    G.threadsActive--;
    if (this.tStalled[t] === 1) {
      G.stalledThreads--;
      G.maxActiveThreads--;
      this.tStalled[t] = 0;
    }
    this.connThread[this.tConn[t]] = -1;
    this.tConn[t] = -1;
  }

  statementDone(t: number, conn: number): void {
    const life = this.life;
    let closing = false;
    if (life !== null) {
      const ph = life.phase[conn];
      if (ph === PH_LOGIN) {
        this.loginDone(t, conn);
        return;
      }
      closing = ph === PH_CLOSING;
    }
    if (closing) {
      // KILL CONNECTION: the connection is closed instead of re-armed; no reply.
      const G = this.groups[this.tGroup[t]];
      this.detach(t, G);
      this.closePooled(G, conn);
      if (G.waitingThread === t) this.handleEvents(t, G);
      else this.workerLoop(t);
      return;
    }
    // M7d/M13 (change note 1): tp_process_event keeps the thread while thd_is_transaction_active,
    // decided on the server's state after this statement, so read before the client is told: it
    // draws its next statement into the connection table at once.
    const bind = this.mtlOn && trxEngineActiveAfter(this.conns, conn);
    this.sink.onStatementDone(conn);
    // The client may have dropped the connection on this reply (a reconnect storm): no binding.
    if (bind && (life === null || life.phase[conn] !== PH_ABSENT)) {
      // tp_bind_to_current_worker_thread: the thread blocks reading the next statement of the
      // open transaction. [inferred] It stays in threads_active and trxn_threads meanwhile: MySQL
      // reports no network wait (no NET wait type), so no wait_begin happens; time_of_attach
      // keeps the attach of the statement that bound it.
      this.tState[t] = ThreadState.Bound;
      this.connBound[conn] = t;
      return;
    }
    const G = this.groups[this.tGroup[t]];
    this.detach(t, G);
    if (life !== null && life.phase[conn] === PH_BUSY) this.setIdleTimeout(G, conn);
    if (G.waitingThread === t) {
      // M4: the waiting thread executed directly and goes back to epoll_wait.
      this.handleEvents(t, G);
    } else {
      this.workerLoop(t);
    }
  }

  // ---- blocking (M8) -------------------------------------------------------------------------

  waitBegin(t: number, _conn: number, waitType: number): void {
    const G = this.groups[this.tGroup[t]];
    if (this.tStalled[t] === 0) {
      G.threadsActive--;
      this.tNotStalled[t] = 1;
    }
    let level = WAKE_IF_CREATED;
    if (G.waitingThread === t) {
      G.waitingThread = -1;
      level = WAKE_OR_CREATE_ONE;
    }
    const c = WAIT_COUNTER[waitType];
    if (c >= 0) G.counters[c]++;
    this.wake(G, level);
  }

  waitEnd(t: number): void {
    // M8: no credit check on return; the thread continues at once.
    if (this.tNotStalled[t] === 1) {
      this.groups[this.tGroup[t]].threadsActive++;
      this.tNotStalled[t] = 0;
    }
  }

  // ---- sleeping, waking, creating (M11, M12) ------------------------------------------------

  /** M11: consumer if fewer than threads_user_request, else reserve, or exit past the cap. */
  private sleep(t: number, G: MysqlGroup): void {
    if (G.consumers.size < G.threadsUserRequest) {
      G.consumers.push(t);
      this.tState[t] = ThreadState.Consumer;
      G.counters[C_BECOME_CONSUMER]++;
      return;
    }
    const cap = this.config.thread_pool_max_unused_threads;
    if (cap !== 0 && G.reserves.size + 1 >= cap) {
      this.exitThread(t, G);
      return;
    }
    G.reserves.push(t);
    this.tState[t] = ThreadState.Reserve;
    G.counters[C_BECOME_RESERVE]++;
  }

  // ---- connection life: login (M2, M3), wait_timeout (M9.7), KILL (M16) ---------------------

  attachLife(life: ConnectionLife): void {
    this.life = life;
  }

  /**
   * M2 thd_pool_add_connection: the acceptor assigns the next group round-robin and appends the
   * connection to its connection_context_queue; a sleeping connect thread of the group is
   * signalled, else one is created while connect_threads < max(5, ceil(160 / size)).
   */
  connect(conn: number): void {
    const life = this.life as ConnectionLife;
    life.accept(conn);
    // M2 round-robin, unless a dispatch what-if replaces it.
    const g = this.dispatch.groupFor(conn, this.nextGroup % this.size, this.load);
    this.nextGroup++;
    this.connGroup[conn] = g;
    const G = this.groups[g];
    G.connectQueue.push(conn);
    const sleeper = G.connectSleeping.pop();
    if (sleeper >= 0) {
      this.tSleepGen[sleeper]++;
      this.tState[sleeper] = ThreadState.Connect;
      this.sim.schedule(0, this.id, CONNECT_RUN, sleeper, 0);
    } else if (G.connectThreads < this.maxConnectThreads) {
      const t = this.newThread(g, false);
      G.connectThreads++;
      this.tState[t] = ThreadState.Connect;
      this.sim.schedule(this.threadCreateUs, this.id, CONNECT_RUN, t, 0);
    }
  }

  /** M3 tp_connect_thread_main: take the next accepted connection and authenticate it, or sleep. */
  private connectThreadMain(t: number): void {
    const G = this.groups[this.tGroup[t]];
    if (G.connectQueue.size === 0) {
      this.connectSleep(t, G);
      return;
    }
    const conn = G.connectQueue.shift();
    this.tConn[t] = conn;
    this.tState[t] = ThreadState.Connect;
    (this.life as ConnectionLife).prepareLogin(conn);
    this.executor.start(t, conn);
  }

  /**
   * M3 handle_connect_thread_sleep: the group's only connect thread sleeps without a timeout;
   * others for 60 s, after which one exits if more than one connect thread sleeps.
   */
  private connectSleep(t: number, G: MysqlGroup): void {
    this.tState[t] = ThreadState.ConnectSleeping;
    G.connectSleeping.push(t);
    if (G.connectThreads === INITIAL_CONNECT_THREADS_PER_GROUP) return;
    this.sim.schedule(CONNECT_THREAD_IDLE_TIMEOUT, this.id, CONNECT_TIMEOUT, t, ++this.tSleepGen[t]);
  }

  private connectTimeout(t: number, gen: number): void {
    if (gen !== this.tSleepGen[t] || this.tState[t] !== ThreadState.ConnectSleeping) return;
    const G = this.groups[this.tGroup[t]];
    G.connectSleeping.remove(t);
    if (G.connectSleeping.size + 1 > 1) {
      G.connectThreads--;
      this.tState[t] = ThreadState.Exited;
      this.threads.destroy(t);
      return;
    }
    this.connectThreadMain(t);
  }

  /**
   * M3 create_thd_and_authenticate_conn is done: a TP_CONNECTION_ADMIN user moves to the admin
   * group; connection_count++, connections_started++, the socket is armed with its expiry; the
   * connect thread looks for the next connection.
   */
  private loginDone(t: number, conn: number): void {
    const life = this.life as ConnectionLife;
    if (conn >= this.adminFrom) this.connGroup[conn] = this.size;
    const G = this.groups[this.connGroup[conn]];
    G.connectionCount++;
    G.counters[C_CONNECTIONS_STARTED]++;
    this.tConn[t] = -1;
    life.loggedIn(conn);
    this.setIdleTimeout(G, conn);
    this.connectThreadMain(t);
  }

  /** set_idle_timeout: expiry = now + wait_timeout + 10 µs; the group's earliest expiry follows. */
  private setIdleTimeout(G: MysqlGroup, conn: number): void {
    const life = this.life as ConnectionLife;
    const expiry = this.sim.now + life.waitTimeoutUs + CONNECTION_TIMEOUT_EXTRA;
    life.idle(conn, expiry);
    if (expiry < G.earliestExpire) G.earliestExpire = expiry;
  }

  /** COM_QUIT of an idle connection [simplification: removed at once, no pool work]. */
  disconnect(conn: number): void {
    const bound = this.connBound[conn];
    if (bound >= 0) {
      // Dropped inside a transaction (M7d): the bound thread's read fails; it closes the
      // connection and goes back to the pool.
      this.connBound[conn] = -1;
      this.tState[bound] = ThreadState.Executing;
      const Gb = this.groups[this.tGroup[bound]];
      this.detach(bound, Gb);
      Gb.connectionCount--;
      Gb.counters[C_CONNECTIONS_CLOSED]++;
      (this.life as ConnectionLife).quit(conn);
      if (Gb.waitingThread === bound) this.handleEvents(bound, Gb);
      else this.workerLoop(bound);
      return;
    }
    const G = this.groups[this.connGroup[conn]];
    G.connectionCount--;
    G.counters[C_CONNECTIONS_CLOSED]++;
    (this.life as ConnectionLife).quit(conn);
  }

  /**
   * M16 KILL: thd->killed is set. A running statement notices it (Executor.kill); a thread bound
   * to the connection's transaction (M7d) is woken from its read and closes it; a queued
   * connection is closed when it is popped; an idle one (or one whose event epoll has not yet
   * returned) is closed by the group's poller, woken by the KILL_FLAG byte
   * (thd_pool_post_kill_notification, handle_killed_connections). KILL QUERY of a statement not
   * running is not modelled.
   */
  kill(conn: number, connection: boolean): boolean {
    const life = this.life as ConnectionLife;
    const ph = life.phase[conn];
    const bound = this.connBound[conn];
    if (bound >= 0) {
      if (!connection) return false;
      this.connBound[conn] = -1;
      this.tState[bound] = ThreadState.Executing;
      life.phase[conn] = PH_CLOSING;
      this.closeReason[conn] = CLOSED_KILLED;
      this.statementDone(bound, conn);
      return true;
    }
    const t = this.connThread[conn];
    if (ph === PH_BUSY && t >= 0) {
      killRunning(life, this.executor, t, conn, connection, this.closeReason);
      return true;
    }
    if (!connection) return false;
    if (ph === PH_BUSY && this.connQueued[conn] === 1) {
      life.phase[conn] = PH_CLOSING;
      this.closeReason[conn] = CLOSED_KILLED;
      return true;
    }
    if (ph === PH_IDLE || ph === PH_BUSY) {
      this.killIdle(this.groups[this.connGroup[conn]], conn, CLOSED_KILLED);
      return true;
    }
    return false;
  }

  /** An idle (or not yet polled) connection is killed: KILL_FLAG wakes the group's poller. */
  private killIdle(G: MysqlGroup, conn: number, reason: number): void {
    const life = this.life as ConnectionLife;
    if (life.phase[conn] === PH_BUSY) {
      // Its request's event is dropped with it.
      for (let i = G.ready.size; i > 0; i--) {
        const c = G.ready.shift();
        if (c !== conn) G.ready.push(c);
      }
    }
    life.phase[conn] = PH_CLOSING;
    this.closeReason[conn] = reason;
    G.killed.push(conn);
    if (G.waitingThread >= 0 && G.waiterBlocked) {
      G.waiterBlocked = false;
      this.sim.schedule(0, this.id, POLL, G.waitingThread, 0);
    }
  }

  /** handle_killed_connections: the poller closes the killed connections of its group. */
  private handleKilled(G: MysqlGroup): void {
    while (G.killed.size > 0) this.closePooled(G, G.killed.shift());
  }

  private closePooled(G: MysqlGroup, conn: number): void {
    G.connectionCount--;
    G.counters[C_CONNECTIONS_CLOSED]++;
    (this.life as ConnectionLife).closed(conn, this.closeReason[conn]);
  }

  /**
   * M9.7 terminate_expired_connections, once the group's earliest expiry has passed: every open
   * connection that is neither queued (is_queued) nor attached to a thread (active_flag) and
   * whose expiry is before the checker's time is killed; the others give the new earliest expiry.
   * A connection whose request epoll has not yet returned is neither: it can be closed.
   */
  private terminateExpired(G: MysqlGroup, now: number): void {
    if (G.earliestExpire >= now) return;
    G.earliestExpire = Infinity;
    const life = this.life as ConnectionLife;
    for (let c = 0; c < this.connGroup.length; c++) {
      if (this.connGroup[c] !== G.index) continue;
      const ph = life.phase[c];
      if (ph !== PH_IDLE && ph !== PH_BUSY) continue;
      if (this.connQueued[c] === 1 || this.connThread[c] >= 0 || this.connBound[c] >= 0) continue;
      const e = life.expiry[c];
      if (e >= now) {
        if (e < G.earliestExpire) G.earliestExpire = e;
        continue;
      }
      this.killIdle(G, c, CLOSED_WAIT_TIMEOUT);
    }
  }

  private exitThread(t: number, G: MysqlGroup): void {
    this.tState[t] = ThreadState.Exited;
    G.numQueryThreads--;
    this.totalQueryThreads--;
    this.threads.destroy(t);
  }

  /** M12 tp_wake_thread: returns true if a thread was woken or created. */
  private wake(G: MysqlGroup, level: number): boolean {
    let t = G.consumers.pop();
    if (t < 0 && level >= WAKE_IF_CREATED) t = G.reserves.pop();
    if (t >= 0) {
      this.tState[t] = ThreadState.Woken;
      this.sim.schedule(0, this.id, RUN, t, 0);
      if (this.dispatch.herd) this.wakeHerd(G, level);
      return true;
    }
    if (level !== WAKE_OR_CREATE_ONE) return false;
    if (!this.mayCreate(G, this.sim.now)) return false;
    const nt = this.newThread(G.index, true);
    G.lastThreadCreation = this.sim.now;
    G.counters[C_THREADS_STARTED]++;
    this.tState[nt] = ThreadState.Creating;
    this.sim.schedule(this.threadCreateUs, this.id, RUN, nt, 0);
    return true;
  }

  /**
   * dispatch.wake "all": every other sleeping consumer (and reserve, at the levels that may wake
   * one) wakes too, spends wakeCpu of CPU, and runs its worker loop (most sleep again).
   */
  private wakeHerd(G: MysqlGroup, level: number): void {
    const d = this.dispatch;
    for (;;) {
      let t = G.consumers.pop();
      if (t < 0 && level >= WAKE_IF_CREATED) t = G.reserves.pop();
      if (t < 0) return;
      this.tState[t] = ThreadState.Woken;
      d.herdWakes++;
      d.herdCpuUs += d.wakeCpuUs;
      if (d.wakeCpuUs > 0) this.executor.runOverhead(t, d.wakeCpuUs);
      else this.sim.schedule(0, this.id, RUN, t, 0);
    }
  }

  /** A herd wake's CPU is spent: the thread runs its worker loop. */
  overheadDone(t: number): void {
    this.workerLoop(t);
  }

  /** M12 creation control, as coded (intervals in µs [inferred: probably meant as ms]), and M13. */
  mayCreate(G: MysqlGroup, now: number): boolean {
    if (G.numQueryThreads > 1 + G.connectionCount || G.numQueryThreads > MAX_THREADS_PER_GROUP) return false;
    // M13 tp_create_worker_threads: refused when query_threads_count > txnlim + 1, unless suspended.
    if (G.txnlim !== 0 && G.numQueryThreads > G.txnlim + 1 && G.lastLongrunCheck < 0) return false;
    if (G.threadsActive === 0 || this.totalQueryThreads < 3 * this.vcpus) return true;
    const interval = this.totalQueryThreads < 5 * this.vcpus ? 50 : 100;
    return now - G.lastThreadCreation > interval;
  }

  /** A new thread of group g; query threads count in num_query_threads (the listener does not). */
  private newThread(g: number, query: boolean): number {
    const t = this.threads.create();
    if (t >= this.tGroup.length) {
      const need = t + 1;
      this.tGroup = growInt32(this.tGroup, need);
      this.tConn = growInt32(this.tConn, need, -1);
      this.tAttach = growFloat64(this.tAttach, need);
      this.tStalled = growUint8(this.tStalled, need);
      this.tNotStalled = growUint8(this.tNotStalled, need);
      this.tState = growUint8(this.tState, need);
      this.tAttachPos = growInt32(this.tAttachPos, need);
      this.tSleepGen = growInt32(this.tSleepGen, need);
    }
    this.tGroup[t] = g;
    this.tConn[t] = -1;
    this.tStalled[t] = 0;
    this.tNotStalled[t] = 0;
    if (query) {
      this.groups[g].numQueryThreads++;
      this.totalQueryThreads++;
    }
    return t;
  }

  // ---- stall checker (M9, M10, M13) ---------------------------------------------------------

  private stallCheck(): void {
    const now = this.sim.now;
    // M10 (change note 2): time_of_completed_check is set on every iteration, so new_10ms means
    // 10 ms since the previous iteration: none after an iteration that acted (1 ms sleep, M9).
    const new10ms = now - this.lastCheck >= STALL_TICK;
    this.lastCheck = now;
    // M13: long-running check when MTL > 0, every longrun_trx_limit/2 ms.
    const longrun = this.mtlOn && this.longrunIntervalUs > 0 && now > this.nextLongrunCheck;
    if (longrun) this.nextLongrunCheck = now + this.longrunIntervalUs;
    let woke = false;
    for (let g = 0; g < this.groups.length; g++) {
      const G = this.groups[g];
      // M9.1: threads attached longer than stall_limit become stalled.
      const limit = now - this.stallLimitUs;
      let stalled = 0;
      for (let i = 0; i < G.attached.length; i++) {
        const t = G.attached[i];
        if (this.tStalled[t] === 0 && this.tAttach[t] < limit) {
          this.tStalled[t] = 1;
          G.counters[C_STALLED_QUERIES_EXECUTED]++;
        }
        stalled += this.tStalled[t];
      }
      // M9.2
      const oldMax = G.maxActiveThreads;
      G.stalledThreads = stalled;
      G.maxActiveThreads = G.threadsUserRequest + stalled;
      // M9.3
      if (longrun && !G.admin) this.checkLongRunning(G, now);
      // M9.4: a stalled waiting thread that executes a connection stops being the poller.
      let wakeThread = false;
      const w = G.waitingThread;
      if (w >= 0 && this.tConn[w] >= 0 && this.tStalled[w] === 1) {
        G.waitingThread = -1;
        wakeThread = true;
      }
      // M10: on a new_10ms iteration, at most one kick-up per group.
      if (new10ms && G.low.size > 0 && now - this.eventArrival[G.low.peek()] > this.kickupUs) {
        const up = G.low.shift();
        G.high.push(up);
        this.conns.queuedIn[up] = QUEUED_HIGH;
        G.counters[C_PRIO_KICKUPS]++;
      }
      // M9.6: one wake per group and iteration, whatever the reason.
      if (
        wakeThread ||
        G.maxActiveThreads > oldMax ||
        (G.consumers.size === 0 && G.reserves.size === 0 && this.queryReady(G)) ||
        (this.config.thread_pool_algorithm === 1 && G.waitingThread < 0 && this.creditAvailable(G)) ||
        (G.txnlim > 0 && this.queryReady(G))
      ) {
        G.counters[C_WAKE_STALL_CHECKER]++;
        this.wake(G, WAKE_OR_CREATE_ONE);
        woke = true;
      }
      // M9.7
      if (this.life !== null) this.terminateExpired(G, now);
    }
    this.sim.schedule(woke ? STALL_TICK_AFTER_WAKE : STALL_TICK, this.id, CHECK, 0, 0);
  }

  /**
   * M13 check_longrunning_transactions_and_adjust_MTL: threads attached longer than
   * longrun_trx_limit; >= txnlim suspends MTL; while suspended, a count > txnlim/2 renews the
   * time point, and MTL returns once that time point is older than the grace period.
   */
  private checkLongRunning(G: MysqlGroup, now: number): void {
    const threshold = now - this.longrunUs;
    let longrunning = 0;
    for (let i = 0; i < G.attached.length; i++) if (this.tAttach[G.attached[i]] < threshold) longrunning++;
    if (G.lastLongrunCheck < 0) {
      if (longrunning >= G.txnlim) G.lastLongrunCheck = now;
      return;
    }
    if (longrunning > Math.floor(G.txnlim / 2)) {
      G.lastLongrunCheck = now;
      return;
    }
    if (G.lastLongrunCheck < now - this.graceUs) G.lastLongrunCheck = -1;
  }
}
