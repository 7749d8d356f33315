import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import { parseScenarioText } from '../../src/workload/load.js';
import { serverHarness } from '../helpers/server-harness.js';

/**
 * server.network: the kernel's CPU per statement on the network path, request in every thread
 * handling plus socketWait (one thread per connection) or rearm (pool), run by the statement's
 * thread on the server's cores before its SQL layer, outside InnoDB and its latches.
 */
const scenario = (o: { handling: string; network?: string; connections?: number; locks?: boolean; cores?: number }): string => `{
  "name": "net", "seed": 1, "duration": "1s", "warmup": "10ms",
  "server": { "cores": ${o.cores ?? 1}, "scheduling": "fifo", "innodb": { "innodb_flush_log_at_trx_commit": 0 } ${o.network === undefined ? '' : `, "network": ${o.network}`} },
  "threadHandling": ${o.handling},
  "workload": { "connections": ${o.connections ?? 1}, "network": { "rtt": "50us" }, "keySpace": { "rows": 1000000 },
    "transactions": [ { "name": "t", "type": "autocommit", "statements": [
      { "name": "s", "cpu": "100us" ${o.locks === true ? ', "locks": { "rows": 1 }' : ''} } ] } ] }
}`;
const run = (text: string) => runScenario(parseScenarioText(text, 'net.json'));
const TPC = '{ "mode": "one-thread-per-connection" }';
const POOLS = ['mariadb', 'mysql', 'percona'].map((f) => `{ "mode": "pool", "flavor": "${f}", "thread_pool_size": 1 }`);
const NET = '{ "request": "10us", "socketWait": "5us", "rearm": "3us" }';

describe('server.network: exact times', () => {
  it('one connection: each statement takes rtt + its CPU + request + socketWait one thread per connection', () => {
    for (const locks of [false, true]) {
      const r = run(scenario({ handling: TPC, network: NET, locks }));
      expect(r.latency.all.min).toBeCloseTo(0.165, 9);
      expect(r.latency.all.max).toBeCloseTo(0.165, 9);
      expect(r.server?.networkCpuPerStatementUs).toBe(15);
    }
  });

  it('one connection: request + rearm with each pool', () => {
    for (const handling of POOLS) {
      const r = run(scenario({ handling, network: NET }));
      expect(r.latency.all.min).toBeCloseTo(0.163, 9);
      expect(r.latency.all.max).toBeCloseTo(0.163, 9);
      expect(r.server?.networkCpuPerStatementUs).toBe(13);
    }
  });

  it('a saturated core serves 1 / (CPU + network) statements a second, and the result counts the cores the path took', () => {
    const r = run(scenario({ handling: TPC, network: NET, connections: 8 }));
    // One core, always busy: 115 µs a statement; tps counts completions in 0.99 s.
    expect(Math.abs(r.summary.tps - 1e6 / 115)).toBeLessThan(2);
    expect(r.server?.networkCores).toBeCloseTo((r.summary.qps * 15) / 1e6, 6);
    expect(r.cpu.utilization).toBeCloseTo(1, 6);
  });

  it("runs outside InnoDB's gate: a statement queued at innodb_thread_concurrency has already done its network part", () => {
    const h = serverHarness({ cores: 4, innodb: { threadConcurrency: 1, concurrencyTickets: 1 } });
    h.executor.networkUs = 10;
    h.send({ conn: 0, at: 0, cpu: 100, endsTrx: true });
    h.send({ conn: 1, at: 0, cpu: 100, endsTrx: true });
    h.sim.run(10_000);
    // Both network parts run at once (0-10); one statement enters InnoDB at 10, the other when it leaves.
    expect([h.doneOf(0).end, h.doneOf(1).end].sort((a, b) => a - b)).toEqual([110, 210]);
  });

  it('off: absent and all zero give the same run as before', () => {
    const strip = (r: ReturnType<typeof run>) => {
      const { engine: _e, scenario: _s, ...rest } = r;
      return JSON.stringify(rest);
    };
    for (const handling of [TPC, POOLS[0]]) {
      const absent = run(scenario({ handling, connections: 4, locks: true, cores: 2 }));
      const zero = run(scenario({ handling, connections: 4, locks: true, cores: 2, network: '{}' }));
      expect(absent.server?.networkCores).toBeUndefined();
      expect(strip(zero)).toBe(strip(absent));
    }
  });

  it('bad input names the path, what was expected and what was found', () => {
    expect(() => parseScenarioText(scenario({ handling: TPC, network: '{ "request": "fast" }' }), 'net.json')).toThrow(/server\.network\.request/);
    expect(() => parseScenarioText(scenario({ handling: TPC, network: '{ "poll": "5us" }' }), 'net.json')).toThrow(/server\.network/);
  });
});
