import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import { parseScenarioText } from '../../src/workload/load.js';
import { serverHarness } from '../helpers/server-harness.js';

/**
 * server.innodb.readViewWalk: a statement that opens a transaction (BEGIN, or an autocommit
 * statement) walks the read-write transactions open at that moment (MariaDB 10.6+ ReadView::open
 * over trx_sys.rw_trx_hash), at readViewWalk CPU each, inside InnoDB.
 */
describe('server.innodb.readViewWalk: exact schedules', () => {
  const script = (walkUs: number) => {
    const h = serverHarness({ cores: 4, innodb: { readViewWalkUs: walkUs } });
    h.send({ conn: 0, at: 0, cpu: 100, locks: [[1, 'X']] }); // opens its view: none read-write yet; becomes read-write
    h.send({ conn: 1, at: 200, cpu: 100, locks: [[2, 'X']] }); // walks 1 (conn 0); becomes read-write
    h.send({ conn: 2, at: 400, cpu: 50, endsTrx: true }); // an autocommit read: walks 2
    h.send({ conn: 3, at: 400, cpu: 50 }); // walks 2; its transaction stays open ...
    h.send({ conn: 3, at: 480, cpu: 50, trxActive: true }); // ... so its next statement has its view
    h.send({ conn: 0, at: 500, cpu: 10, trxActive: true, endsTrx: true }); // commits: 1 read-write left
    h.send({ conn: 2, at: 600, cpu: 50, endsTrx: true }); // a new transaction: walks 1 (conn 1)
    h.send({ conn: 4, at: 700, cpu: 50, entersInnodb: false }); // BEGIN: does not enter InnoDB, no view
    h.send({ conn: 4, at: 800, cpu: 50, trxActive: true }); // its first InnoDB statement: walks 1
    h.sim.run(10_000);
    return h;
  };

  it('charges the walk to the first InnoDB statement of each transaction, by the read-write transactions open', () => {
    const h = script(10);
    expect(h.doneOf(0)).toMatchObject({ start: 0, end: 100 });
    expect(h.doneOf(1)).toMatchObject({ start: 200, end: 310 });
    expect(h.doneOf(2)).toMatchObject({ start: 400, end: 470 });
    expect(h.doneOf(3)).toMatchObject({ start: 400, end: 470 });
    expect(h.doneOf(3, 1)).toMatchObject({ start: 480, end: 530 });
    expect(h.doneOf(0, 1)).toMatchObject({ start: 500, end: 510 });
    expect(h.doneOf(2, 1)).toMatchObject({ start: 600, end: 660 });
    expect(h.doneOf(4)).toMatchObject({ start: 700, end: 750 });
    expect(h.doneOf(4, 1)).toMatchObject({ start: 800, end: 860 });
    expect(h.executor.stats.readViews).toBe(6);
    expect(h.executor.stats.readViewElements).toBe(0 + 1 + 2 + 2 + 1 + 1);
  });

  it('a rollback ends a read-write transaction too', () => {
    const h = serverHarness({ cores: 4, innodb: { readViewWalkUs: 10 } });
    h.send({ conn: 0, at: 0, cpu: 10, locks: [[1, 'X']] });
    h.send({ conn: 1, at: 0, cpu: 10, locks: [[2, 'X']] });
    h.send({ conn: 0, at: 100, cpu: 10, trxActive: true, locks: [[2, 'X']] }); // waits for conn 1
    h.send({ conn: 1, at: 200, cpu: 10, trxActive: true, locks: [[1, 'X']] }); // deadlock: conn 1 rolled back
    h.send({ conn: 2, at: 300, cpu: 10 }); // conn 0 still open (read-write), conn 1 rolled back: walks 1
    h.sim.run(10_000);
    expect(h.doneOf(1, 1)).toMatchObject({ error: 1 });
    expect(h.doneOf(2)).toMatchObject({ start: 300, end: 320 });
  });

  it('off (0, the default) leaves the schedule as it was', () => {
    const h = script(0);
    expect(h.doneOf(1)).toMatchObject({ start: 200, end: 300 });
    expect(h.doneOf(2)).toMatchObject({ start: 400, end: 450 });
    expect(h.doneOf(4, 1)).toMatchObject({ start: 800, end: 850 });
    expect(h.executor.stats.readViews).toBe(0);
  });

  it('in a scenario: the server spends the walk per transaction; the result counts the views and their mean walk', () => {
    // Lognormal times: constant ones can lock a closed loop under processor sharing into step.
    const scenario = (extra: string): string => `{
      "name": "rv", "seed": 3, "duration": "400ms", "warmup": "50ms",
      "server": { "cores": 2, "innodb": { "innodb_flush_log_at_trx_commit": 0 ${extra} } },
      "threadHandling": { "mode": "one-thread-per-connection" },
      "workload": { "connections": 8, "network": { "rtt": { "dist": "lognormal", "mean": "20us", "cv": 0.5 } }, "keySpace": { "rows": 1000 },
        "transactions": [ { "name": "t", "statements": [
          { "name": "u", "cpu": { "dist": "lognormal", "mean": "20us", "cv": 0.5 }, "locks": { "rows": 1 } },
          { "name": "s", "cpu": { "dist": "lognormal", "mean": "20us", "cv": 0.5 } } ] } ] }
    }`;
    const off = runScenario(parseScenarioText(scenario(''), 'off.json'));
    expect(off.server?.readViews).toBeUndefined();
    const on = runScenario(parseScenarioText(scenario(', "readViewWalk": "5us"'), 'on.json'));
    expect(on.server?.readViews).toBeGreaterThan(1000);
    // At a transaction's first statement up to 7 other transactions are read-write.
    const walk = on.server?.readViewWalkMean ?? 0;
    expect(walk).toBeGreaterThan(3);
    expect(walk).toBeLessThanOrEqual(7);
    // The cores are busy throughout: CPU per transaction grows by the walk's mean cost.
    const cpuPerTx = (r: typeof on): number => (r.cpu.busyCores / r.summary.tps) * 1e6;
    expect(cpuPerTx(on) - cpuPerTx(off)).toBeCloseTo(5 * walk, 0);
  });
});
