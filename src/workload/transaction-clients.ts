import { type Rng, stream } from '../engine/random.js';
import type { EventHandler, Simulator } from '../engine/simulator.js';
import { type ConnectionTable, QUEUED_NONE } from '../server/connections.js';
import type { Measurements } from '../stats/measurements.js';
import type { ConnectionSink } from '../threadpool/login.js';
import type { ThreadHandling } from '../threadpool/types.js';
import type { ClientConnectionLife, ClientHooks } from './connection-churn.js';
import { drawStatementWork, recordStatement, statementFailed } from './statement-work.js';
import { type CompiledWorkload, SESSION_LOCK_ACQUIRE, SESSION_LOCK_RELEASE } from './templates.js';

/** Event kind shared by all client models: a statement reaches the server. */
export const ARRIVE = 0;

/**
 * What every client model does with a transaction once it is on a connection: send its
 * statements one after another (each drawn from the connection's own stream when sent), record
 * each reply, retry the transaction when the server rolled it back, and hand the finished
 * transaction to the model (`transactionDone`), which decides what the connection does next.
 */
export abstract class TransactionClients implements EventHandler, ConnectionSink, ClientHooks {
  protected readonly id: number;
  protected readonly rngs: Rng[];
  protected readonly txn: Int32Array;
  protected readonly step: Int32Array;
  protected readonly txnStart: Float64Array;
  protected readonly rttHalf: Float64Array;
  /** Per connection: 1 while the session holds server-level locks (StatementSpec.sessionLock). */
  protected readonly sessionLocks: Uint8Array;
  /** Per connection: the current transaction's statements' waits for a thread so far (µs), retries included. */
  private readonly txnQueue: Float64Array;
  handling: ThreadHandling | null = null;
  /** Connections that open and close (connection-churn.ts); null: they stay open. */
  life: ClientConnectionLife | null = null;
  /** Transactions restarted after the server rolled them back, in the measured window. */
  retries = 0;
  /**
   * Explicit transactions start already open, with InnoDB registered (the open loop's
   * idleInTransaction): each of their statements reaches the server with trxRegistered set.
   */
  protected openTrxRegistered = false;

  constructor(
    protected readonly sim: Simulator,
    protected readonly w: CompiledWorkload,
    protected readonly conns: ConnectionTable,
    protected readonly m: Measurements,
    seed: number,
  ) {
    this.id = sim.register(this);
    const n = conns.count;
    this.rngs = [];
    for (let c = 0; c < n; c++) this.rngs.push(stream(seed, 'client', c));
    this.txn = new Int32Array(n);
    this.step = new Int32Array(n);
    this.txnStart = new Float64Array(n);
    this.rttHalf = new Float64Array(n);
    this.sessionLocks = new Uint8Array(n);
    this.txnQueue = new Float64Array(n);
  }

  abstract handleEvent(kind: number, target: number, arg: number): void;

  /** The finished transaction's last reply reaches the client at `replyAt`. */
  protected abstract transactionDone(conn: number, replyAt: number): void;

  /** Step a transaction of template `t` starts at (0, or 1 when BEGIN is not simulated). */
  protected firstStep(_t: number): number {
    return 0;
  }

  /** A statement reached the server. */
  protected arrive(conn: number): void {
    if (this.life !== null && !this.life.onArrive(conn)) return;
    this.conns.arrival[conn] = this.sim.now;
    this.conns.queuedIn[conn] = QUEUED_NONE;
    (this.handling as ThreadHandling).onRequest(conn);
  }

  onStatementDone(conn: number): void {
    if (this.life !== null && !this.life.onReply(conn)) return;
    const now = this.sim.now;
    const t = this.txn[conn];
    const tx = this.w.transactions[t];
    const stmt = this.w.statements[tx.steps[this.step[conn]]];
    const replyAt = now + this.rttHalf[conn];
    recordStatement(this.m, this.conns, t, stmt.classIndex, conn, now, this.rttHalf[conn]);
    this.txnQueue[conn] += this.conns.start[conn] - this.conns.arrival[conn];
    if (statementFailed(this.conns, conn)) {
      // The server rolled the transaction back (deadlock victim, lock wait timeout): retry the
      // same template at once (fresh draws), its response time still counted from the first
      // attempt, as sysbench restarts an event.
      if (this.m.measuring) this.retries++;
      this.step[conn] = this.firstStep(t);
      this.send(conn, replyAt);
      return;
    }
    const next = this.step[conn] + 1;
    if (next < tx.steps.length) {
      this.step[conn] = next;
      this.send(conn, replyAt + (tx.gap ?? this.w.gap).sample(this.rngs[conn]));
      return;
    }
    if (this.m.measuring) {
      this.m.transaction(now, t, replyAt - this.txnStart[conn]);
      this.m.waits.transaction(t, this.txnQueue[conn]);
    }
    this.txnQueue[conn] = 0;
    this.life?.transactionEnded(conn);
    this.transactionDone(conn, replyAt);
  }

  onLoggedIn(conn: number): void {
    (this.life as ClientConnectionLife).loggedIn(conn);
  }

  onClosed(conn: number): void {
    (this.life as ClientConnectionLife).closed(conn);
  }

  restartTransaction(conn: number): void {
    if (this.m.measuring) this.retries++;
    this.step[conn] = this.firstStep(this.txn[conn]);
  }

  atTransactionStart(conn: number): boolean {
    return this.step[conn] === this.firstStep(this.txn[conn]);
  }

  /** Draws the statement's work and schedules its arrival at the server. */
  send(conn: number, sendAt: number): void {
    if (this.life !== null && !this.life.maySend(conn, sendAt)) return;
    const tx = this.w.transactions[this.txn[conn]];
    const half = drawStatementWork(this.w, tx, this.step[conn], this.rngs[conn], this.conns, conn);
    this.conns.txnClass[conn] = this.txn[conn];
    if (this.openTrxRegistered && tx.explicit) this.conns.trxRegistered[conn] = 1;
    // The state the statement arrives with is what earlier statements left; LOCK TABLES itself
    // arrives without table locks.
    this.conns.sessionLocks[conn] = this.sessionLocks[conn];
    const op = this.w.statements[tx.steps[this.step[conn]]].sessionLock;
    if (op === SESSION_LOCK_ACQUIRE) this.sessionLocks[conn] = 1;
    else if (op === SESSION_LOCK_RELEASE) this.sessionLocks[conn] = 0;
    this.rttHalf[conn] = half;
    this.dispatch(conn, sendAt, half);
  }

  /** The statement leaves the client at `sendAt` and reaches the server `half` later. */
  protected dispatch(conn: number, sendAt: number, half: number): void {
    this.sim.scheduleAt(sendAt + half, this.id, ARRIVE, conn, 0);
  }
}
