import { describe, expect, it } from 'vitest';
import { stream } from '../../src/engine/random.js';
import { ConnectionTable } from '../../src/server/connections.js';
import { drawStatementWork } from '../../src/workload/statement-work.js';
import { Scenario } from '../../src/workload/schema.js';
import { compileWorkload } from '../../src/workload/templates.js';

/**
 * The transaction state each statement reaches the server with, as drawStatementWork writes it:
 * trxActive (a transaction is open: SERVER_STATUS_IN_TRANS, after BEGIN) and trxRegistered
 * (THD::transaction->is_active() in MariaDB, Transaction_ctx::is_active(SESSION) in MySQL and
 * Percona: a transactional engine joined the transaction, which BEGIN alone does not do).
 */
function states(type: 'explicit' | 'autocommit', statements: number) {
  const spec = Scenario.parse({
    name: 't',
    server: { cores: 1 },
    threadHandling: { mode: 'one-thread-per-connection' },
    workload: {
      connections: 1,
      transactions: [{ name: 'trx', type, statements: Array.from({ length: statements }, (_, i) => ({ name: `s${i}`, cpu: '10us' })) }],
    },
  });
  const w = compileWorkload(spec.workload);
  const tx = w.transactions[0];
  const conns = new ConnectionTable(1);
  const rng = stream(1, 'test', 0);
  const out: Array<[number, number]> = [];
  for (let step = 0; step < tx.steps.length; step++) {
    drawStatementWork(w, tx, step, rng, conns, 0);
    out.push([conns.trxActive[0], conns.trxRegistered[0]]);
  }
  return out;
}

describe('transaction state at arrival', () => {
  it('BEGIN; S1; S2; S3; COMMIT: open from S1 on, InnoDB registered from S2 on (after S1 ran)', () => {
    expect(states('explicit', 3)).toEqual([
      [0, 0], // BEGIN
      [1, 0], // S1: after BEGIN, no engine registered yet
      [1, 1], // S2
      [1, 1], // S3
      [1, 1], // COMMIT
    ]);
  });

  it('autocommit statements: neither', () => {
    expect(states('autocommit', 1)).toEqual([[0, 0]]);
  });
});
