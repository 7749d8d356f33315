import type { Rng } from '../engine/random.js';
import { type ConnectionTable, MAX_LOCKS_PER_STATEMENT, MAX_WAITS_PER_STATEMENT, STATEMENT_OK } from '../server/connections.js';
import type { Measurements } from '../stats/measurements.js';
import type { CompiledTransaction, CompiledWorkload } from './templates.js';

/**
 * Draws the work of step `step` of transaction `tx` for connection `conn` into the connection
 * table, from the connection's own stream, in a fixed order (CPU, each wait, then one uniform per
 * locked row, so a statement always consumes the same count for its keys), and returns
 * half of the drawn network round trip (µs). Every client model sends statements through here,
 * so a connection's stream is consumed the same way whatever the model around it.
 */
export function drawStatementWork(
  w: CompiledWorkload,
  tx: CompiledTransaction,
  step: number,
  rng: Rng,
  conns: ConnectionTable,
  conn: number,
): number {
  const stmt = w.statements[tx.steps[step]];
  const half = w.rtt.sample(rng) / 2;
  conns.cpu[conn] = stmt.cpu.sample(rng);
  conns.stmtClass[conn] = stmt.classIndex;
  // thd_is_transaction_active: statements after BEGIN, up to and including COMMIT.
  conns.trxActive[conn] = tx.explicit && step > 0 ? 1 : 0;
  // THD::transaction->is_active() (ConnectionTable.trxRegistered): InnoDB joined the transaction,
  // i.e. the statement after BEGIN (step 1) entered InnoDB and this is a later one.
  conns.trxRegistered[conn] = tx.explicit && step > 1 && w.statements[tx.steps[1]].entersInnodb ? 1 : 0;
  conns.trxOpenAfter[conn] = tx.explicit && step < tx.steps.length - 1 ? 1 : 0;
  let k = 0;
  const base = conn * MAX_WAITS_PER_STATEMENT;
  for (let i = 0; i < stmt.waits.length; i++) {
    const wt = stmt.waits[i];
    if (wt.probability >= 1 || rng() < wt.probability) {
      conns.waitLatency[base + k] = wt.latency.sample(rng);
      conns.waitType[base + k] = wt.type;
      conns.waitReported[base + k] = wt.reported ? 1 : 0;
      k++;
    }
  }
  conns.waitCount[conn] = k;
  // Transaction boundaries and row locks, read by the server's InnoDB model.
  conns.endsTrx[conn] = !tx.explicit || step === tx.steps.length - 1 ? 1 : 0;
  conns.entersInnodb[conn] = stmt.entersInnodb ? 1 : 0;
  const locks = stmt.locks;
  if (locks === null) {
    conns.lockCount[conn] = 0;
    conns.writes[conn] = 0;
  } else {
    const lb = conn * MAX_LOCKS_PER_STATEMENT;
    const ex = locks.exclusive ? 1 : 0;
    for (let i = 0; i < locks.rows; i++) {
      conns.lockRow[lb + i] = locks.base + locks.keys.key(rng());
      conns.lockExclusive[lb + i] = ex;
    }
    conns.lockCount[conn] = locks.rows;
    conns.writes[conn] = ex;
  }
  return half;
}

/**
 * True if the statement that just ended failed (deadlock victim, lock wait timeout): the server
 * has rolled its transaction back, and a client retries the transaction from its first statement
 * (same template, fresh draws). Every client model checks this in onStatementDone.
 */
export function statementFailed(conns: ConnectionTable, conn: number): boolean {
  return conns.error[conn] !== STATEMENT_OK;
}

/**
 * Records a finished statement (queue wait, execution, client-observed response) when the
 * measured window is on. `rttHalf` is half the statement's network round trip.
 */
export function recordStatement(
  m: Measurements,
  conns: ConnectionTable,
  txn: number,
  classIndex: number,
  conn: number,
  now: number,
  rttHalf: number,
): void {
  if (!m.measuring) return;
  const arrival = conns.arrival[conn];
  const start = conns.start[conn];
  m.statement(txn, classIndex, start - arrival, now - start, now + 2 * rttHalf - arrival);
}

/** Picks a transaction template from the mix with one uniform. */
export function pickTransaction(w: CompiledWorkload, u: number): number {
  const mix = w.mix;
  let t = 0;
  while (t < mix.length - 1 && u >= mix[t]) t++;
  return t;
}
