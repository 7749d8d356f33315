import type { Distribution } from '../engine/distributions.js';
import type { Rng } from '../engine/random.js';
import type { EventHandler, Simulator } from '../engine/simulator.js';
import { growFloat64, growInt32, growUint8 } from '../engine/grow.js';
import { Admission, type AdmissionListener } from './admission.js';
import {
  type ConnectionTable,
  MAX_LOCKS_PER_STATEMENT,
  MAX_WAITS_PER_STATEMENT,
  QUEUED_HIGH,
  QUEUED_LOW,
  STATEMENT_DEADLOCK,
  STATEMENT_KILLED,
  STATEMENT_LOCK_WAIT_TIMEOUT,
} from './connections.js';
import type { CpuClient, CpuModel } from './cpu.js';
import { DETECT_GRAPH, DETECT_WAIT_CHAIN, LOCK_DEADLOCK, LOCK_GRANTED, type LockListener, LockTable } from './locks.js';
import type { QueueWaits, QueueWaitStation } from '../stats/queue-wait.js';
import type { LatchListener, LatchSet } from './latch.js';
import { REDO_NO_WAIT, REDO_WAIT_FSYNC, REDO_WAIT_GROUP, type RedoListener, RedoLog } from './redo-log.js';
import { DOUBLE_ZERO } from '../engine/double-zero.js';

/**
 * What the thread handling is told while a statement runs. Reported waits call waitBegin /
 * waitEnd (the server's thd_wait_begin / thd_wait_end); unreported ones look like CPU time.
 */
export interface ExecutionObserver {
  waitBegin(thread: number, conn: number, waitType: number): void;
  waitEnd(thread: number, conn: number): void;
  statementDone(thread: number, conn: number): void;
  /** A CPU burst of the thread handling's own (runOverhead) has been served. */
  overheadDone?(thread: number): void;
}

/** Wait types the server itself reports (indices of WAIT_TYPES in the schema; a test keeps them in step). */
export const WAIT_ROW_LOCK = 1;
export const WAIT_GROUP_COMMIT = 2;
export const WAIT_FSYNC = 3;
/** InnoDB's thread-concurrency queue reports THD_WAIT_USER_LOCK, which WAIT_TYPES lacks. */
export const WAIT_OTHER = 6;

/**
 * A thread handling that runs MariaDB 10.6+'s asynchronous commit (sql/threadpool_common.cc
 * tp_callback: DISPATCH_COMMAND_WOULDBLOCK, thd_async_state::try_suspend; tp_resume ->
 * TP_pool_generic::resume -> add -> queue_put).
 */
export interface AsyncCommitHost {
  /** Whether the statement on `thread` may suspend (a pool worker, not an extra_port thread). */
  canSuspend(thread: number): boolean;
  /** The worker's statement suspended: the worker goes back to get_event, no reply yet. */
  suspendStatement(thread: number): void;
  /** The connection's asynchronous wait ended: queue it so that a worker finishes its command. */
  resumeConnection(conn: number): void;
}

/** Counters of the server's own waits, reset at the end of the warm-up. Times in µs. */
export class ServerStats {
  lockWaits = 0;
  lockWaitTime = DOUBLE_ZERO;
  deadlocks = 0;
  lockWaitTimeouts = 0;
  rollbacks = 0;
  commitWaits = 0;
  commitWaitTime = DOUBLE_ZERO;
  admissionWaits = 0;
  admissionWaitTime = DOUBLE_ZERO;
  /** Commits that released their worker while they waited for a flush (10.6+ with the pool). */
  asyncCommits = 0;
  /** server.latches.deadlockSearch: searches that held its latch, and the requests they examined. */
  lockSearches = 0;
  lockSearchSteps = 0;
  /** server.innodb.readViewWalk: read views opened, and the read-write transactions they walked. */
  readViews = 0;
  readViewElements = 0;

  reset(): void {
    this.asyncCommits = 0;
    this.readViews = 0;
    this.readViewElements = 0;
    this.lockSearches = 0;
    this.lockSearchSteps = 0;
    this.lockWaits = 0;
    this.lockWaitTime = 0;
    this.deadlocks = 0;
    this.lockWaitTimeouts = 0;
    this.rollbacks = 0;
    this.commitWaits = 0;
    this.commitWaitTime = 0;
    this.admissionWaits = 0;
    this.admissionWaitTime = 0;
  }
}

/** The InnoDB parts in use; each is null when the scenario does not need it. */
export interface InnodbParts {
  locks: LockTable | null;
  redo: RedoLog | null;
  admission: Admission | null;
  /** innodb_lock_wait_timeout in µs. */
  lockWaitTimeoutUs: number;
  /** CPU of COMMIT's redo write (modes 1 and 2), µs. */
  logWriteUs: number;
}

// Event kinds.
const WAIT_END = 0;
const LOCK_GRANT = 1;
const ADMIT = 2;
const LOCK_TIMEOUT = 3;
const KILL_NOW = 4; // KILL interrupted the statement's wait (arg: the wait generation)
const LOCK_VICTIM = 5; // another transaction's deadlock check chose this waiter (arg: the wait generation)

// Phases of a statement on a thread (only tracked when InnoDB parts are in use).
const P_BODY = 0; // CPU parts and the statement's own waits
const P_REDO_WRITE = 1; // COMMIT's write of the redo log (CPU)
const P_WAITING = 2; // in a server wait (slot, row lock, flush)
const P_RESUMED = 3; // a suspended COMMIT picked up again by a worker
const P_SQL_LAYER = 4; // the statement's CPU before its first row operation, outside InnoDB
const P_LOCK_SEARCH = 5; // holding a latch for the deadlock search of a row-lock request that must wait

/**
 * Runs a connection's current statement on a thread: its CPU demand split evenly around its
 * waits (cpu, wait, cpu, wait, ..., cpu), each CPU part served by the shared CPU model.
 *
 * With InnoDB parts (attachInnodb): a statement first enters InnoDB (innodb_thread_concurrency),
 * then takes its row locks one by one (a lock wait is a reported row_lock wait, ended by the
 * grant, a deadlock or innodb_lock_wait_timeout), then runs its body; the statement that ends a
 * transaction writes and flushes the redo log if the transaction wrote (locks are still held:
 * the binlog's two-phase commit flushes at prepare), then releases the locks. A deadlock or a
 * timeout rolls the whole transaction back at once and ends the statement with conns.error set;
 * the client retries.
 */
export class Executor implements EventHandler, CpuClient, LockListener, RedoListener, AdmissionListener, LatchListener {
  private readonly id: number;
  private threadConn = new Int32Array(64).fill(-1);
  private threadStep = new Int32Array(64);
  private threadSlice = new Float64Array(64);
  observer: ExecutionObserver | null = null;
  /** 1 while the thread runs a burst of the thread handling's own, not a statement. */
  private threadOverhead = new Uint8Array(64);
  cpu: CpuModel | null = null;
  /** Scheduling "priority": each transaction type's cpuPriority. */
  txnCpuPriority: Int32Array | null = null;
  /** Where the waits at each queue are recorded (stats/queue-wait.ts); null: not recorded. */
  waits: QueueWaits | null = null;
  /** InnoDB's hot latches (latch.ts), taken at a statement's start; null: none (the default). */
  private latchSet: LatchSet | null = null;

  // InnoDB state (allocated by attachInnodb).
  private innodb: InnodbParts | null = null;
  readonly stats = new ServerStats();
  private threadPhase = new Uint8Array(64);
  private threadLock = new Int32Array(64);
  /** P_LOCK_SEARCH: what the request found (LOCK_WAIT or LOCK_DEADLOCK), and 1 once granted meanwhile. */
  private threadSearchResult = new Uint8Array(64);
  private threadGrantedEarly = new Uint8Array(64);
  /** The deadlock search's latch class (server.latches.deadlockSearch), or -1; its CPU per step, µs. */
  private searchClass = -1;
  private searchPerStepUs = DOUBLE_ZERO;
  private threadGen = new Int32Array(64);
  private threadInside = new Uint8Array(64);
  private threadWaitStart = new Float64Array(64);
  // KILL (see kill): the thread's statement was killed; the thread sits in one of the
  // statement's own waits; that wait's generation (a stale WAIT_END is ignored).
  private threadKilled = new Uint8Array(64);
  private threadInWait = new Uint8Array(64);
  private threadWaitGen = new Int32Array(64);
  private connThread: Int32Array;
  private trxWrote: Uint8Array;
  /** Connections whose open transaction has written: InnoDB's active read-write transactions. */
  private rwOpen = 0;
  /** server.innodb.readViewWalk: CPU per active read-write transaction a new read view walks, µs. */
  private readViewWalkUs = DOUBLE_ZERO;
  /** 1 once the connection's open transaction has its read view (readViewWalk only). */
  private viewOpen: Uint8Array = new Uint8Array(0);
  /** MariaDB 10.6+ asynchronous commit with the pool; null: commits wait on their thread. */
  private asyncCommit: AsyncCommitHost | null = null;
  private connParked: Uint8Array = new Uint8Array(0);
  /** Whether the connection's transaction is counted in the latch set's open transactions. */
  private trxCounted: Uint8Array = new Uint8Array(0);
  private sqlLayerShare = 0;
  /**
   * server.network: the kernel's CPU per statement on the network path (receive, reply, and the
   * thread handling's own wait for the next one), µs; run before the statement's SQL layer,
   * outside InnoDB and its latches. 0: none.
   */
  networkUs = DOUBLE_ZERO;
  private connWaitStart: Float64Array = new Float64Array(0);

  constructor(
    private readonly sim: Simulator,
    private readonly conns: ConnectionTable,
  ) {
    this.id = sim.register(this);
    this.connThread = new Int32Array(0);
    this.trxWrote = new Uint8Array(0);
  }

  /** Turns on the InnoDB model: builds the parts from the settings (null parts stay off). */
  attachInnodb(opts: {
    locks: boolean;
    deadlockDetect: boolean;
    /** server.innodb.deadlockDetector (absent: "graph"). */
    deadlockDetector?: 'graph' | 'wait-chain';
    lockWaitTimeoutUs: number;
    redo: { mode: 0 | 1 | 2; fsync: Distribution; rng: Rng; logWriteUs: number } | null;
    threadConcurrency: number;
    concurrencyTickets: number;
    /** Share of an InnoDB statement's CPU spent before it enters InnoDB (0: none). */
    sqlLayerShare: number;
    /** server.innodb.readViewWalk, µs per active read-write transaction (0 or absent: none). */
    readViewWalkUs?: number;
  }): InnodbParts {
    this.sqlLayerShare = opts.sqlLayerShare;
    this.readViewWalkUs = opts.readViewWalkUs ?? 0;
    this.viewOpen = new Uint8Array(this.conns.count);
    const n = this.conns.count;
    this.connThread = new Int32Array(n).fill(-1);
    this.trxWrote = new Uint8Array(n);
    const parts: InnodbParts = {
      locks: opts.locks ? new LockTable(n, this, opts.deadlockDetect, opts.deadlockDetector === 'wait-chain' ? DETECT_WAIT_CHAIN : DETECT_GRAPH) : null,
      redo: opts.redo === null ? null : new RedoLog(this.sim, opts.redo.mode, opts.redo.fsync, opts.redo.rng, this),
      admission: opts.threadConcurrency > 0 ? new Admission(opts.threadConcurrency, opts.concurrencyTickets, this) : null,
      lockWaitTimeoutUs: opts.lockWaitTimeoutUs,
      logWriteUs: opts.redo === null ? 0 : opts.redo.logWriteUs,
    };
    this.innodb = parts;
    return parts;
  }

  /** Turns on asynchronous commit (after attachInnodb): group-commit followers release their worker. */
  attachAsyncCommit(host: AsyncCommitHost): void {
    const n = this.conns.count;
    this.asyncCommit = host;
    this.connParked = new Uint8Array(n);
    this.connWaitStart = new Float64Array(n);
    const redo = this.innodb?.redo;
    if (redo != null) redo.leaderRepeats = true;
  }

  get innodbParts(): InnodbParts | null {
    return this.innodb;
  }

  /**
   * Turns on the latch model: a statement takes its class's latches when it is inside InnoDB
   * (after innodb_thread_concurrency's admission, before its row locks and CPU).
   */
  attachLatches(latches: LatchSet, search: { cls: number; perStepUs: number } | null = null): void {
    if (search !== null) {
      this.searchClass = search.cls;
      this.searchPerStepUs = search.perStepUs;
    }
    this.trxCounted = new Uint8Array(this.conns.count);
    latches.listener = this;
    latches.cpu = this.cpu;
    latches.onWaited = (thread, us) => {
      if (this.waits !== null) this.waited(this.waits.latch, this.threadConn[thread], us);
    };
    this.latchSet = latches;
  }

  /** Starts the connection's current statement on `thread`. */
  start(thread: number, conn: number): void {
    if (thread >= this.threadConn.length) this.grow(thread + 1);
    if (this.asyncCommit !== null && this.connParked[conn] === 1) {
      // The resumed COMMIT: its start (and queue wait) stay those of the first dispatch.
      this.connParked[conn] = 0;
      this.threadConn[thread] = conn;
      this.connThread[conn] = thread;
      this.threadPhase[thread] = P_RESUMED;
      // [simplification] no CPU for the rest of the command; a zero burst returns through onCpuDone.
      (this.cpu as CpuModel).run(thread, 0);
      return;
    }
    this.conns.start[conn] = this.sim.now;
    this.threadConn[thread] = conn;
    const waits = this.waits;
    if (waits !== null) {
      const queued = this.sim.now - this.conns.arrival[conn];
      // One write per statement: threadHandling is formed from these three (stats/queue-wait.ts).
      const q = this.conns.queuedIn[conn];
      this.waited(q === QUEUED_HIGH ? waits.poolHigh : q === QUEUED_LOW ? waits.poolLow : waits.unqueued, conn, queued);
    }
    this.threadStep[thread] = 0;
    this.threadKilled[thread] = 0;
    // Parsing, optimizing, opening tables: the share of the CPU before the first row operation,
    // which a thread spends outside InnoDB (srv_conc_enter_innodb comes with the first handler
    // call); sqlLayerShare is 0 without the InnoDB parts. The rest is split around the waits.
    const pre = this.conns.entersInnodb[conn] === 1 ? this.sqlLayerShare : 0;
    const cpu = this.conns.cpu[conn];
    const outside = cpu * pre + this.networkUs;
    let inside = cpu * (1 - pre);
    if (this.readViewWalkUs > 0 && this.viewOpen[conn] === 0 && this.conns.entersInnodb[conn] === 1) {
      // The transaction's first InnoDB statement opens its read view (REPEATABLE READ: one per
      // transaction; BEGIN itself does not): a walk over the active read-write transactions
      // (MariaDB 10.6+ trx_sys.snapshot_ids over rw_trx_hash), inside InnoDB.
      this.viewOpen[conn] = 1;
      inside += this.readViewWalkUs * this.rwOpen;
      this.stats.readViews++;
      this.stats.readViewElements += this.rwOpen;
    }
    this.threadSlice[thread] = inside / (this.conns.waitCount[conn] + 1);
    this.conns.error[conn] = 0;
    if (this.innodb !== null) {
      this.connThread[conn] = thread;
      this.threadPhase[thread] = P_BODY;
      this.threadLock[thread] = 0;
    }
    if (outside > 0) {
      this.threadPhase[thread] = P_SQL_LAYER;
      (this.cpu as CpuModel).run(thread, outside);
      return;
    }
    this.enterInnodb(thread, conn);
  }

  /**
   * The statement's first row operation: through innodb_thread_concurrency's gate, when set;
   * without the InnoDB parts straight on to the latches.
   */
  private enterInnodb(thread: number, conn: number): void {
    const adm = this.innodb === null ? null : this.innodb.admission;
    if (adm !== null && this.conns.entersInnodb[conn] === 1) {
      if (!adm.enter(thread)) {
        this.stats.admissionWaits++;
        this.beginServerWait(thread, conn, WAIT_OTHER);
        return;
      }
      if (this.waits !== null) this.waited(this.waits.innodbQueue, conn, 0);
      this.threadInside[thread] = 1;
    }
    this.takeLatches(thread, conn);
  }

  /**
   * Inside InnoDB (admitted by innodb_thread_concurrency, when it is set): the statement's latches,
   * taken where InnoDB takes them, after srv_conc_enter_innodb, so that a thread queued at the
   * gate neither spins on nor sleeps on a latch. [simplification] all of a statement's latch
   * acquisitions come first, one after another.
   */
  private takeLatches(thread: number, conn: number): void {
    const ls = this.latchSet;
    if (ls !== null) {
      // A statement that arrives outside a transaction opens one (BEGIN, or an autocommit
      // statement); counted from here, inside InnoDB, where 5.5 starts it and puts it on
      // trx_sys->trx_list [inferred for BEGIN, which 5.5 starts at its first InnoDB access].
      if (this.conns.trxActive[conn] === 0 && this.trxCounted[conn] === 0) {
        this.trxCounted[conn] = 1;
        ls.openTransactions++;
      }
      if (ls.begin(thread, this.conns.stmtClass[conn])) return;
    }
    this.afterLatches(thread, conn);
  }

  onLatchesDone(thread: number): void {
    if (this.threadPhase[thread] === P_LOCK_SEARCH) this.searchDone(thread, this.threadConn[thread]);
    else this.afterLatches(thread, this.threadConn[thread]);
  }

  private afterLatches(thread: number, conn: number): void {
    if (this.innodb === null) (this.cpu as CpuModel).run(thread, this.threadSlice[thread]);
    else this.takeLocks(thread, conn);
  }

  /** CpuClient: the CPU burst now ending spent `us` runnable but not running (run queue). */
  cpuWaited(thread: number, us: number): void {
    // The run queue's visitors are statements: a burst of the pool's own (a herd wake) has none.
    if (this.waits === null || this.threadOverhead[thread] === 1) return;
    const conn = this.threadConn[thread];
    if (conn >= 0) this.waited(this.waits.cpu, conn, us);
  }

  /** CpuClient: the priority level of the thread's burst (scheduling "priority"). */
  cpuPriority(thread: number): number {
    const p = this.txnCpuPriority;
    return p === null ? 0 : p[this.conns.txnClass[this.threadConn[thread]]];
  }

  /** Connection the thread is executing, or -1. */
  connOf(thread: number): number {
    return thread < this.threadConn.length ? this.threadConn[thread] : -1;
  }

  /**
   * Runs `work` µs of the thread handling's own CPU on `thread` (which runs no statement), then
   * tells the observer's overheadDone: a cost of the pool itself, on the same cores as statements.
   */
  runOverhead(thread: number, work: number): void {
    if (thread >= this.threadConn.length) this.grow(thread + 1);
    this.threadOverhead[thread] = 1;
    (this.cpu as CpuModel).run(thread, work);
  }

  onCpuDone(thread: number): void {
    if (this.threadOverhead[thread] === 1) {
      this.threadOverhead[thread] = 0;
      (this.observer as ExecutionObserver).overheadDone?.(thread);
      return;
    }
    if (this.latchSet !== null && this.latchSet.active(thread)) {
      this.latchSet.onCpuDone(thread);
      return;
    }
    const conn = this.threadConn[thread];
    if (this.innodb !== null && this.threadPhase[thread] === P_REDO_WRITE) {
      this.flushRedo(thread, conn);
      return;
    }
    if (this.innodb !== null && this.threadPhase[thread] === P_RESUMED) {
      this.threadPhase[thread] = P_BODY;
      this.commitDone(thread, conn);
      return;
    }
    if (this.threadKilled[thread] === 1) {
      this.abort(thread, conn);
      return;
    }
    if (this.threadPhase[thread] === P_SQL_LAYER) {
      this.threadPhase[thread] = P_BODY;
      this.enterInnodb(thread, conn);
      return;
    }
    const step = this.threadStep[thread];
    if (step < this.conns.waitCount[conn]) {
      const w = conn * MAX_WAITS_PER_STATEMENT + step;
      if (this.conns.waitReported[w] === 1) {
        (this.observer as ExecutionObserver).waitBegin(thread, conn, this.conns.waitType[w]);
      }
      this.threadInWait[thread] = 1;
      this.sim.schedule(this.conns.waitLatency[w], this.id, WAIT_END, thread, this.threadWaitGen[thread]);
      return;
    }
    if (this.innodb === null) {
      this.threadConn[thread] = -1;
      this.closeTransaction(conn);
      (this.observer as ExecutionObserver).statementDone(thread, conn);
      return;
    }
    this.bodyDone(thread, conn);
  }

  handleEvent(kind: number, thread: number, arg: number): void {
    const conn = this.threadConn[thread];
    if (kind === WAIT_END) {
      if (arg !== this.threadWaitGen[thread]) return; // the wait was cut short by KILL
      this.threadInWait[thread] = 0;
      const step = this.threadStep[thread];
      const w = conn * MAX_WAITS_PER_STATEMENT + step;
      this.threadStep[thread] = step + 1;
      if (this.conns.waitReported[w] === 1) (this.observer as ExecutionObserver).waitEnd(thread, conn);
      (this.cpu as CpuModel).run(thread, this.threadSlice[thread]);
      return;
    }
    if (kind === KILL_NOW) {
      if (arg === this.threadWaitGen[thread] && conn >= 0) this.abort(thread, conn);
      return;
    }
    const parts = this.innodb as InnodbParts;
    if (kind === LOCK_GRANT) {
      // Granted while its own deadlock search still holds the latch: it goes on when that ends.
      if (this.threadPhase[thread] === P_LOCK_SEARCH) {
        this.threadGrantedEarly[thread] = 1;
        return;
      }
      const w = this.endServerWait(thread, conn);
      this.stats.lockWaitTime += w;
      if (this.waits !== null) this.waited(this.waits.rowLock, conn, w);
      // srv_conc_force_enter_innodb: back inside without queueing.
      if (parts.admission !== null && this.conns.entersInnodb[conn] === 1) {
        parts.admission.forceEnter();
        this.threadInside[thread] = 1;
      }
      this.takeLocks(thread, conn);
    } else if (kind === ADMIT) {
      const w = this.endServerWait(thread, conn);
      this.stats.admissionWaitTime += w;
      if (this.waits !== null) this.waited(this.waits.innodbQueue, conn, w);
      this.threadInside[thread] = 1;
      this.takeLatches(thread, conn);
    } else if ((kind === LOCK_TIMEOUT || kind === LOCK_VICTIM) && arg === this.threadGen[thread]) {
      // innodb_lock_wait_timeout, or chosen as a deadlock victim while waiting: the statement
      // fails; the transaction is rolled back (see fail).
      this.threadGen[thread]++;
      const victim = kind === LOCK_VICTIM;
      if (victim) this.stats.deadlocks++;
      else this.stats.lockWaitTimeouts++;
      const w = this.endServerWait(thread, conn);
      this.stats.lockWaitTime += w;
      if (this.waits !== null) this.waited(this.waits.rowLock, conn, w);
      this.fail(thread, conn, victim ? STATEMENT_DEADLOCK : STATEMENT_LOCK_WAIT_TIMEOUT);
    }
  }

  // ---- KILL ---------------------------------------------------------------------------------

  /**
   * KILL QUERY / KILL CONNECTION reaches the statement running on `thread` (THD::awake sets
   * thd->killed). The statement notices it at its next check: a wait of its own (SLEEP, I/O) is
   * cut short at once, as THD::awake wakes a thread in a condition wait; a CPU part runs to its
   * end first [simplification: the server checks thd->killed between rows, here at the end of
   * the current CPU part]; row-lock, redo and InnoDB-queue waits end as they would. The statement
   * then fails with ER_QUERY_INTERRUPTED and, with the InnoDB model, its transaction is rolled
   * back [simplification: KILL QUERY rolls back the statement only; taken as the transaction,
   * as for a lock wait timeout]. Returns false if no statement runs on the thread.
   */
  kill(thread: number): boolean {
    if (thread >= this.threadConn.length || this.threadConn[thread] < 0) return false;
    this.threadKilled[thread] = 1;
    if (this.threadInWait[thread] === 1) {
      const conn = this.threadConn[thread];
      this.threadInWait[thread] = 0;
      const gen = ++this.threadWaitGen[thread];
      const w = conn * MAX_WAITS_PER_STATEMENT + this.threadStep[thread];
      if (this.conns.waitReported[w] === 1) (this.observer as ExecutionObserver).waitEnd(thread, conn);
      this.sim.schedule(0, this.id, KILL_NOW, thread, gen);
    }
    return true;
  }

  /** The killed statement ends with ER_QUERY_INTERRUPTED. */
  private abort(thread: number, conn: number): void {
    this.threadKilled[thread] = 0;
    if (this.innodb !== null) {
      this.fail(thread, conn, STATEMENT_KILLED);
      return;
    }
    this.conns.error[conn] = STATEMENT_KILLED;
    this.threadPhase[thread] = P_BODY;
    this.threadConn[thread] = -1;
    this.closeTransaction(conn);
    (this.observer as ExecutionObserver).statementDone(thread, conn);
  }

  /** The server closed an idle connection (wait_timeout, KILL): its open transaction rolls back. */
  closeConnection(conn: number): void {
    const parts = this.innodb;
    if (parts === null) return;
    if (this.trxWrote[conn] === 1) this.stats.rollbacks++;
    this.clearWrote(conn);
    parts.locks?.releaseAll(conn);
    this.viewOpen[conn] = 0;
    if (this.latchSet !== null) this.uncountTransaction(conn);
  }

  // ---- listeners (called inside the lock table, the gate, the redo log) --------------------

  onLockGranted(trx: number): void {
    const thread = this.connThread[trx];
    this.threadGen[thread]++; // cancels the timeout
    this.sim.schedule(0, this.id, LOCK_GRANT, thread, 0);
  }

  /** A waiting transaction chosen as deadlock victim by another's check (wait-chain detector). */
  onLockVictim(trx: number): void {
    const thread = this.connThread[trx];
    this.sim.schedule(0, this.id, LOCK_VICTIM, thread, ++this.threadGen[thread]);
  }

  onAdmitted(thread: number): void {
    this.sim.schedule(0, this.id, ADMIT, thread, 0);
  }

  onFlushed(thread: number): void {
    if (thread < 0) {
      const parked = -thread - 1;
      const w = this.sim.now - this.connWaitStart[parked];
      this.stats.commitWaitTime += w;
      if (this.waits !== null) this.waited(this.waits.redoLog, parked, w);
      (this.asyncCommit as AsyncCommitHost).resumeConnection(parked);
      return;
    }
    const conn = this.threadConn[thread];
    const w = this.endServerWait(thread, conn);
    this.stats.commitWaitTime += w;
    if (this.waits !== null) this.waited(this.waits.redoLog, conn, w);
    this.commitDone(thread, conn);
  }

  // ---- the statement's InnoDB steps -------------------------------------------------------------

  /** Takes the statement's row locks from the next one on, then runs its body. */
  private takeLocks(thread: number, conn: number): void {
    const parts = this.innodb as InnodbParts;
    const n = this.conns.lockCount[conn];
    const locks = parts.locks;
    if (n > 0 && locks !== null) {
      const base = conn * MAX_LOCKS_PER_STATEMENT;
      for (let i = this.threadLock[thread]; i < n; i++) {
        const res = locks.acquire(conn, this.conns.lockRow[base + i], this.conns.lockExclusive[base + i] === 1);
        if (res === LOCK_GRANTED) {
          if (this.waits !== null) this.waited(this.waits.rowLock, conn, 0);
          continue;
        }
        this.threadLock[thread] = i + 1;
        if (this.searchClass >= 0 && locks.deadlockDetect) {
          // The search ran when the request was queued, under its latch (5.5: kernel_mutex): the
          // thread holds that latch for its CPU before it rolls back or suspends.
          this.stats.lockSearches++;
          this.stats.lockSearchSteps += locks.lastSearchSteps;
          this.threadPhase[thread] = P_LOCK_SEARCH;
          this.threadSearchResult[thread] = res;
          this.threadGrantedEarly[thread] = 0;
          (this.latchSet as LatchSet).beginWithExtra(thread, this.searchClass, locks.lastSearchSteps * this.searchPerStepUs);
          return;
        }
        this.lockNotGranted(thread, conn, res);
        return;
      }
    }
    if (this.conns.writes[conn] === 1 && this.trxWrote[conn] === 0) {
      this.trxWrote[conn] = 1;
      this.rwOpen++;
    }
    this.threadPhase[thread] = P_BODY;
    (this.cpu as CpuModel).run(thread, this.threadSlice[thread]);
  }

  /** The deadlock search's latch is released: roll back, suspend, or go on if granted meanwhile. */
  private searchDone(thread: number, conn: number): void {
    this.threadPhase[thread] = P_BODY;
    if (this.threadGrantedEarly[thread] === 1) {
      this.threadGrantedEarly[thread] = 0;
      if (this.waits !== null) this.waited(this.waits.rowLock, conn, 0);
      this.takeLocks(thread, conn);
      return;
    }
    this.lockNotGranted(thread, conn, this.threadSearchResult[thread]);
  }

  /** A row-lock request that was not granted: the deadlock victim rolls back, a waiter suspends. */
  private lockNotGranted(thread: number, conn: number, res: number): void {
    if (res === LOCK_DEADLOCK) {
      // Found before the thread suspends: no wait is reported.
      this.stats.deadlocks++;
      this.fail(thread, conn, STATEMENT_DEADLOCK);
      return;
    }
    const parts = this.innodb as InnodbParts;
    this.stats.lockWaits++;
    // InnoDB leaves the thread-concurrency slot while it waits for a row lock.
    if (this.threadInside[thread] === 1) {
      this.threadInside[thread] = 0;
      (parts.admission as Admission).exit();
    }
    this.beginServerWait(thread, conn, WAIT_ROW_LOCK);
    this.sim.schedule(parts.lockWaitTimeoutUs, this.id, LOCK_TIMEOUT, thread, ++this.threadGen[thread]);
  }

  /** The statement's CPU and waits are done: leave InnoDB, then commit if it ends the transaction. */
  private bodyDone(thread: number, conn: number): void {
    const parts = this.innodb as InnodbParts;
    if (this.threadInside[thread] === 1) {
      this.threadInside[thread] = 0;
      (parts.admission as Admission).exit();
    }
    if (this.conns.endsTrx[conn] === 0) {
      this.finish(thread, conn);
      return;
    }
    if (this.trxWrote[conn] === 1 && parts.redo !== null) {
      if (parts.redo.mode !== 0 && parts.logWriteUs > 0) {
        this.threadPhase[thread] = P_REDO_WRITE;
        (this.cpu as CpuModel).run(thread, parts.logWriteUs);
        return;
      }
      this.flushRedo(thread, conn);
      return;
    }
    this.commitDone(thread, conn);
  }

  private flushRedo(thread: number, conn: number): void {
    this.threadPhase[thread] = P_BODY;
    const host = this.asyncCommit;
    const asyncConn = host !== null && host.canSuspend(thread) ? conn : -1;
    const res = (this.innodb as InnodbParts).redo?.commit(thread, asyncConn) ?? REDO_NO_WAIT;
    if (res === REDO_NO_WAIT) {
      if (this.waits !== null) this.waited(this.waits.redoLog, conn, 0);
      this.commitDone(thread, conn);
      return;
    }
    this.stats.commitWaits++;
    if (res === REDO_WAIT_GROUP && asyncConn >= 0) {
      // DISPATCH_COMMAND_WOULDBLOCK: the worker leaves; the flush's end resumes the connection.
      this.stats.asyncCommits++;
      this.connParked[conn] = 1;
      this.connWaitStart[conn] = this.sim.now;
      this.threadConn[thread] = -1;
      this.connThread[conn] = -1;
      (host as AsyncCommitHost).suspendStatement(thread);
      return;
    }
    this.beginServerWait(thread, conn, res === REDO_WAIT_FSYNC ? WAIT_FSYNC : WAIT_GROUP_COMMIT);
  }

  private commitDone(thread: number, conn: number): void {
    this.clearWrote(conn);
    (this.innodb as InnodbParts).locks?.releaseAll(conn);
    this.finish(thread, conn);
  }

  /**
   * Deadlock victim or lock wait timeout: the whole transaction is rolled back at once and its
   * locks released (InnoDB does so for a deadlock; for a timeout it rolls back the statement
   * only, and the client's ROLLBACK follows: taken as immediate [simplification]).
   */
  private fail(thread: number, conn: number, reason: number): void {
    const parts = this.innodb as InnodbParts;
    this.stats.rollbacks++;
    this.clearWrote(conn);
    parts.locks?.releaseAll(conn);
    if (this.threadInside[thread] === 1) {
      this.threadInside[thread] = 0;
      (parts.admission as Admission).exit();
    }
    this.conns.error[conn] = reason;
    this.finish(thread, conn);
  }

  /** The statement ends its transaction (COMMIT, autocommit) or failed (rolled back): one fewer open. */
  private closeTransaction(conn: number): void {
    if (this.conns.endsTrx[conn] === 0 && this.conns.error[conn] === 0) return;
    if (this.viewOpen.length > 0) this.viewOpen[conn] = 0;
    if (this.latchSet !== null) this.uncountTransaction(conn);
  }

  /** The connection's transaction ended (commit, rollback, close): no longer read-write. */
  private clearWrote(conn: number): void {
    if (this.trxWrote[conn] === 1) this.rwOpen--;
    this.trxWrote[conn] = 0;
  }

  private uncountTransaction(conn: number): void {
    if (this.trxCounted[conn] === 0) return;
    this.trxCounted[conn] = 0;
    (this.latchSet as LatchSet).openTransactions--;
  }

  private finish(thread: number, conn: number): void {
    this.threadConn[thread] = -1;
    this.connThread[conn] = -1;
    this.closeTransaction(conn);
    (this.observer as ExecutionObserver).statementDone(thread, conn);
  }

  private waited(station: QueueWaitStation, conn: number, us: number): void {
    station.record(this.conns.txnClass[conn], this.conns.stmtClass[conn], us);
  }

  private beginServerWait(thread: number, conn: number, waitType: number): void {
    this.threadPhase[thread] = P_WAITING;
    this.threadWaitStart[thread] = this.sim.now;
    (this.observer as ExecutionObserver).waitBegin(thread, conn, waitType);
  }

  /** Ends a server wait; returns its length. */
  private endServerWait(thread: number, conn: number): number {
    this.threadPhase[thread] = P_BODY;
    (this.observer as ExecutionObserver).waitEnd(thread, conn);
    return this.sim.now - this.threadWaitStart[thread];
  }

  private grow(need: number): void {
    this.threadConn = growInt32(this.threadConn, need, -1);
    this.threadStep = growInt32(this.threadStep, need);
    this.threadSlice = growFloat64(this.threadSlice, need);
    this.threadPhase = growUint8(this.threadPhase, need);
    this.threadLock = growInt32(this.threadLock, need);
    this.threadGen = growInt32(this.threadGen, need);
    this.threadInside = growUint8(this.threadInside, need);
    this.threadWaitStart = growFloat64(this.threadWaitStart, need);
    this.threadOverhead = growUint8(this.threadOverhead, need);
    this.threadKilled = growUint8(this.threadKilled, need);
    this.threadInWait = growUint8(this.threadInWait, need);
    this.threadWaitGen = growInt32(this.threadWaitGen, need);
    this.threadSearchResult = growUint8(this.threadSearchResult, need);
    this.threadGrantedEarly = growUint8(this.threadGrantedEarly, need);
  }
}
