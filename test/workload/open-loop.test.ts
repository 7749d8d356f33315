import { describe, expect, it } from 'vitest';
import { runReplicationResults } from '../../src/run/replications.js';
import type { RunResult } from '../../src/run/result.js';
import { runScenario } from '../../src/run/run.js';
import { meanCi } from '../../src/stats/confidence.js';
import { mm1MeanResponse } from '../../src/stats/theory.js';
import { Scenario, type ScenarioInput } from '../../src/workload/schema.js';

function openScenario(w: Partial<ScenarioInput['workload']> & { client: ScenarioInput['workload']['client'] }, extra: Partial<ScenarioInput> = {}) {
  return Scenario.parse({
    name: 'open',
    duration: '20s',
    warmup: '1s',
    server: { cores: 4 },
    threadHandling: { mode: 'one-thread-per-connection' },
    ...extra,
    workload: {
      connections: 50,
      network: { rtt: '0us' },
      transactions: [{ name: 'q', type: 'autocommit', statements: [{ name: 'q', cpu: { dist: 'exponential', mean: '1ms' } }] }],
      ...w,
    },
  } satisfies ScenarioInput);
}

const withoutEngine = (r: RunResult): string => JSON.stringify({ ...r, engine: undefined });

describe('open-loop clients', () => {
  it('are deterministic per seed and keep the arrival rate', () => {
    const spec = openScenario({ client: { model: 'open', arrivals: { process: 'poisson', rate: 800 } } });
    const a = runScenario(spec);
    expect(withoutEngine(runScenario(spec))).toBe(withoutEngine(a));
    // 19 s at 800/s: 15,200 expected, Poisson sd 123.
    expect(Math.abs(a.summary.transactions - 15_200)).toBeLessThan(5 * 123);
    expect(a.stability?.unstable).toBe(false);
    expect(a.stability?.arrivalRate).toBe(800);
    expect(a.stability?.offeredUtilization).toBeCloseTo(0.2, 10);
  });

  it('evenly spaced arrivals complete exactly rate x time transactions', () => {
    const r = runScenario(openScenario({ client: { model: 'open', arrivals: { process: 'deterministic', rate: 100 } } }));
    expect(Math.abs(r.summary.transactions - 1900)).toBeLessThanOrEqual(1);
    const g = runScenario(openScenario({ client: { model: 'open', arrivals: { process: 'renewal', interarrival: '10ms' } } }));
    expect(g.summary.transactions).toBe(r.summary.transactions);
  });

  it('latency includes the wait for an idle connection: one connection on 4 cores is M/M/1', () => {
    // The backlog is the only queue: FIFO, one transaction at a time.
    const lambda = 0.6;
    const exact = mm1MeanResponse(lambda, 1);
    const spec = openScenario({ connections: 1, client: { model: 'open', arrivals: { process: 'poisson', rate: lambda * 1000 } } }, { duration: '30s' });
    const means = runReplicationResults(spec, 6).map((r) => r.latency.all.mean);
    const ci = meanCi(means, 0.999);
    expect(exact >= ci.lo && exact <= ci.hi, `${ci.mean} ± ${ci.halfWidth} vs ${exact}`).toBe(true);
  });

  it('with idleInTransaction, statements of explicit transactions arrive inside an open transaction', () => {
    const spec = openScenario(
      {
        connections: 20,
        client: { model: 'open', arrivals: { process: 'poisson', rate: 200 }, idleInTransaction: true },
        transactions: [{ name: 't', type: 'explicit', statements: [{ name: 's', cpu: '100us' }] }],
      },
      {
        server: { cores: 1 },
        threadHandling: { mode: 'pool', flavor: 'mysql', thread_pool_size: 1, thread_pool_prio_kickup_timer: 4294967295 },
        duration: '5s',
      },
    );
    const r = runScenario(spec);
    // BEGIN was done while the connection was idle: the transaction is its statement + COMMIT.
    const s = r.statements.s.mean;
    const commit = r.statements.COMMIT.mean;
    expect(r.latency.all.mean).toBeCloseTo(s + commit, 2);
    expect(r.statements.BEGIN.count).toBe(0);
  });
});
