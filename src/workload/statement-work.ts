import type { Rng } from '../engine/random.js';
import { type ConnectionTable, MAX_WAITS_PER_STATEMENT } from '../server/connections.js';
import type { CompiledTransaction, CompiledWorkload } from './templates.js';

/**
 * Draws the work of step `step` of transaction `tx` for connection `conn` into the connection
 * table, from the connection's own stream, in a fixed order (CPU, then each wait), and returns
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
  // thd_is_transaction_active: statements after BEGIN, up to and including COMMIT.
  conns.trxActive[conn] = tx.explicit && step > 0 ? 1 : 0;
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
  return half;
}

/** Picks a transaction template from the mix with one uniform. */
export function pickTransaction(w: CompiledWorkload, u: number): number {
  const mix = w.mix;
  let t = 0;
  while (t < mix.length - 1 && u >= mix[t]) t++;
  return t;
}
