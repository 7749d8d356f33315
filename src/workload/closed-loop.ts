import type { EventHandler, Simulator } from '../engine/simulator.js';
import { type Rng, stream } from '../engine/random.js';
import { type ConnectionTable, MAX_WAITS_PER_STATEMENT } from '../server/connections.js';
import type { Measurements } from '../stats/measurements.js';
import type { StatementSink, ThreadHandling } from '../threadpool/types.js';
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
    if (this.m.measuring) {
      const arrival = this.conns.arrival[conn];
      const start = this.conns.start[conn];
      this.m.statement(t, stmt.classIndex, start - arrival, now - start, replyAt - arrival + this.rttHalf[conn]);
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
    const u = this.rngs[conn]();
    const mix = this.w.mix;
    let t = 0;
    while (t < mix.length - 1 && u >= mix[t]) t++;
    this.txn[conn] = t;
    this.step[conn] = 0;
    this.txnStart[conn] = sendAt;
    this.send(conn, sendAt);
  }

  /** Draws the statement's work and schedules its arrival at the server. */
  private send(conn: number, sendAt: number): void {
    const rng = this.rngs[conn];
    const tx = this.w.transactions[this.txn[conn]];
    const step = this.step[conn];
    const stmt = this.w.statements[tx.steps[step]];
    const half = this.w.rtt.sample(rng) / 2;
    this.rttHalf[conn] = half;
    const conns = this.conns;
    conns.cpu[conn] = stmt.cpu.sample(rng);
    // thd_is_transaction_active: statements after BEGIN, up to and including COMMIT.
    conns.trxActive[conn] = tx.explicit && step > 0 ? 1 : 0;
    let k = 0;
    const base = conn * MAX_WAITS_PER_STATEMENT;
    for (let i = 0; i < stmt.waits.length; i++) {
      const w = stmt.waits[i];
      if (w.probability >= 1 || rng() < w.probability) {
        conns.waitLatency[base + k] = w.latency.sample(rng);
        conns.waitType[base + k] = w.type;
        conns.waitReported[base + k] = w.reported ? 1 : 0;
        k++;
      }
    }
    conns.waitCount[conn] = k;
    this.sim.scheduleAt(sendAt + half, this.id, ARRIVE, conn, 0);
  }
}
