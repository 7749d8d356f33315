import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import { Scenario, type ScenarioInput, type ThreadHandlingSpec } from '../../src/workload/schema.js';

const POOLS: Array<[string, Record<string, unknown>]> = [
  ['one-thread-per-connection', { mode: 'one-thread-per-connection' }],
  ['mysql 8.4', { mode: 'pool', flavor: 'mysql', profile: '8.4' }],
  ['mysql 9.7', { mode: 'pool', flavor: 'mysql', profile: '9.7' }],
  ['mariadb', { mode: 'pool', flavor: 'mariadb' }],
  ['percona', { mode: 'pool', flavor: 'percona' }],
];

function base(th: Record<string, unknown>, workload: Partial<ScenarioInput['workload']>, server: Record<string, unknown> = {}): ScenarioInput {
  return {
    name: 'life',
    seed: 11,
    duration: '2s',
    warmup: '200ms',
    server: { cores: 4, ...server },
    threadHandling: th as ThreadHandlingSpec,
    workload: {
      connections: 32,
      client: { model: 'closed', think: { dist: 'exponential', mean: '2ms' } },
      transactions: [{ name: 't', statements: [{ name: 's', cpu: { dist: 'exponential', mean: '100us' }, waits: [{ type: 'diskio', latency: '200us' }] }] }],
      ...workload,
    },
  };
}

describe('connection churn, storms, wait_timeout and KILL in whole runs', () => {
  it.each(POOLS)('%s: a connection reconnects after every N transactions (sysbench --reconnect)', (_name, th) => {
    const r = runScenario(Scenario.parse(base(th, { churn: { transactions: 4 } })));
    const l = r.connectionLife;
    expect(l).toBeDefined();
    if (l === undefined) return;
    // Each login follows 4 transactions of its connection; in a window, up to one per connection off.
    const expected = r.summary.transactions / 4;
    expect(Math.abs(l.logins.count - expected)).toBeLessThanOrEqual(32);
    expect(l.logins.min).toBeGreaterThanOrEqual(0.25); // at least the login's 250 µs of CPU
    expect(Math.abs(l.disconnects - l.logins.count)).toBeLessThanOrEqual(32);
  });

  it.each(POOLS)('%s: a reconnect storm logs every dropped connection in again, exactly once', (_name, th) => {
    const r = runScenario(Scenario.parse(base(th, { reconnectStorms: [{ at: '1s', connections: 20 }] })));
    const l = r.connectionLife;
    expect(l?.logins.count).toBe(20);
    expect(l?.disconnects).toBe(20);
    expect(r.summary.tps).toBeGreaterThan(0);
  });

  it.each(POOLS)('%s: wait_timeout closes connections idle longer than it; each reconnects when next needed', (_name, th) => {
    // Think 3 s > wait_timeout 1 s (+ up to two 500 ms timer ticks in MariaDB and Percona): every
    // transaction finds its connection closed and logs in first.
    const s = base(th, { connections: 8, client: { model: 'closed', think: '3s' } }, { wait_timeout: 1 });
    s.duration = '13s';
    s.warmup = '0.5s';
    const r = runScenario(Scenario.parse(s));
    const l = r.connectionLife;
    expect(l).toBeDefined();
    if (l === undefined) return;
    expect(l.closedByWaitTimeout).toBeGreaterThanOrEqual(r.summary.transactions - 8);
    expect(Math.abs(l.logins.count - l.closedByWaitTimeout)).toBeLessThanOrEqual(8);
    // Transaction latency includes the login (250 µs of CPU at least).
    expect(r.latency.all.min ?? 0).toBeGreaterThanOrEqual(0.25);
  });

  it.each(POOLS)('%s: KILL QUERY of the longest-running statement every 50 ms; the transactions are retried', (_name, th) => {
    const long = { name: 'long', weight: 1, statements: [{ name: 'report', cpu: '1ms', waits: [{ type: 'sleep' as const, latency: '200ms' }] }] };
    const short = { name: 't', weight: 9, statements: [{ name: 's', cpu: { dist: 'exponential' as const, mean: '100us' } }] };
    const r = runScenario(Scenario.parse(base(th, { transactions: [short, long], kills: [{ at: '300ms', every: '50ms', times: 20, target: 'longest-running', what: 'query' }] })));
    const l = r.connectionLife;
    expect(l?.kills.done).toBe(20);
    expect(l?.killedQueries).toBe(20);
    expect(r.server?.retries).toBe(20);
  });

  it('is off by default: no connectionLife block, and the same seed gives the same result', () => {
    const off = runScenario(Scenario.parse(base({ mode: 'pool', flavor: 'mariadb' }, {})));
    expect(off.connectionLife).toBeUndefined();
    const on = Scenario.parse(base({ mode: 'pool', flavor: 'mysql' }, { churn: { lifetime: { dist: 'exponential', mean: '100ms' } }, kills: [{ at: '1s', target: 'connection 3', what: 'connection' }] }));
    const a = runScenario(on);
    const b = runScenario(on);
    const strip = (x: ReturnType<typeof runScenario>): unknown => ({ ...x, engine: null });
    expect(strip(a)).toEqual(strip(b));
    expect(a.connectionLife?.killedConnections).toBe(1);
  });

  it('names a bad KILL target with its path', () => {
    const s = base({ mode: 'pool', flavor: 'mysql' }, { kills: [{ at: '1s', target: 'conn 3', what: 'query' }] });
    const res = Scenario.safeParse(s);
    expect(res.success).toBe(false);
    expect(JSON.stringify(res.error?.issues)).toContain('expected \\"longest-running\\" or \\"connection N\\"');
  });
});
