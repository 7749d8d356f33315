import type { EventHandler, Simulator } from '../engine/simulator.js';
import { type Rng, stream } from '../engine/random.js';
import type { ConnectionTable } from '../server/connections.js';
import type { Measurements } from '../stats/measurements.js';
import type { StatementSink, ThreadHandling } from '../threadpool/types.js';
import { drawStatementWork, pickTransaction, statementFailed, recordStatement } from './statement-work.js';
import type { CompiledWorkload } from './templates.js';

const ARRIVE = 0;

/**
 * Closed-loop clients (sysbench-like): each connection runs one transaction after another,
 * statement by statement, waiting for each reply. A statement's work and the network round
 * trip are drawn when it is sent, from the connection's own stream, in a fixed order, so the
 * workload a connection generates does not depend on how the server treats it.
 */
export class ClosedLoopClients implements EventHandler, StatementSink {
  private readonly id: number;
  private readonly rngs: Rng[];
  private readonly txn: Int32Array;
  private readonly step: Int32Array;
  private readonly txnStart: Float64Array;
  private readonly rttHalf: Float64Array;
  handling: ThreadHandling | null = null;
  /** Transactions restarted after a deadlock or lock wait timeout, in the measured window. */
  retries = 0;

  constructor(
    private readonly sim: Simulator,
    private readonly w: CompiledWorkload,
    private readonly conns: ConnectionTable,
    private readonly m: Measurements,
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
  }

  /** Every connection starts its first transaction after one think time. */
  start(): void {
    for (let c = 0; c < this.conns.count; c++) this.beginTransaction(c, this.sim.now + this.w.think.sample(this.rngs[c]));
  }

  handleEvent(_kind: number, conn: number): void {
    this.conns.arrival[conn] = this.sim.now;
    (this.handling as ThreadHandling).onRequest(conn);
  }

  onStatementDone(conn: number): void {
    const now = this.sim.now;
    const t = this.txn[conn];
    const tx = this.w.transactions[t];
    const stmt = this.w.statements[tx.steps[this.step[conn]]];
    const replyAt = now + this.rttHalf[conn];
    recordStatement(this.m, this.conns, t, stmt.classIndex, conn, now, this.rttHalf[conn]);
    if (statementFailed(this.conns, conn)) {
      // The server rolled the transaction back: retry the same template at once (fresh draws),
      // its response time still counted from the first attempt, as sysbench restarts an event.
      if (this.m.measuring) this.retries++;
      this.step[conn] = 0;
      this.send(conn, replyAt);
      return;
    }
    const next = this.step[conn] + 1;
    if (next < tx.steps.length) {
      this.step[conn] = next;
      this.send(conn, replyAt + this.w.gap.sample(this.rngs[conn]));
      return;
    }
    if (this.m.measuring) this.m.transaction(now, t, replyAt - this.txnStart[conn]);
    this.beginTransaction(conn, replyAt + this.w.think.sample(this.rngs[conn]));
  }

  private beginTransaction(conn: number, sendAt: number): void {
    this.txn[conn] = pickTransaction(this.w, this.rngs[conn]());
    this.step[conn] = 0;
    this.txnStart[conn] = sendAt;
    this.send(conn, sendAt);
  }

  /** Draws the statement's work and schedules its arrival at the server. */
  private send(conn: number, sendAt: number): void {
    const tx = this.w.transactions[this.txn[conn]];
    const half = drawStatementWork(this.w, tx, this.step[conn], this.rngs[conn], this.conns, conn);
    this.rttHalf[conn] = half;
    this.sim.scheduleAt(sendAt + half, this.id, ARRIVE, conn, 0);
  }
}
