import { pickTransaction } from './statement-work.js';
import { TransactionClients } from './transaction-clients.js';

/**
 * Closed-loop clients (sysbench-like): each connection runs one transaction after another,
 * statement by statement, waiting for each reply, with a think time between transactions. A
 * statement's work and the network round trip are drawn when it is sent, from the connection's
 * own stream, in a fixed order, so the workload a connection generates does not depend on how
 * the server treats it.
 */
export class ClosedLoopClients extends TransactionClients {
  /** Every connection starts its first transaction after one think time. */
  start(): void {
    for (let c = 0; c < this.conns.count; c++) this.beginTransaction(c, this.sim.now + this.w.think.sample(this.rngs[c]));
  }

  handleEvent(_kind: number, conn: number): void {
    this.arrive(conn);
  }

  protected transactionDone(conn: number, replyAt: number): void {
    this.beginTransaction(conn, replyAt + this.w.think.sample(this.rngs[conn]));
  }

  private beginTransaction(conn: number, sendAt: number): void {
    this.txn[conn] = pickTransaction(this.w, this.rngs[conn]());
    this.step[conn] = 0;
    this.txnStart[conn] = sendAt;
    this.send(conn, sendAt);
  }
}
