import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import { meanCi } from '../../src/stats/confidence.js';
import { finiteSourceMmc } from '../../src/stats/theory.js';
import { Scenario, type ScenarioInput } from '../../src/workload/schema.js';

/**
 * The whole stack against exact theory. N closed-loop clients with exponential think time Z
 * send one autocommit statement with exponential CPU demand S and no network delay: the
 * finite-source M/M/c//N queue. Processor sharing over c cores is a symmetric discipline, so
 * its stationary distribution (and mean response) equals FIFO's. A one-group MySQL pool with
 * one query thread serves one statement at a time in arrival order: M/M/1//N.
 */
const N = 8;
const Z_MS = 4;
const S_MS = 1;

function machineRepairman(seed: number, cores: number, threadHandling: ScenarioInput['threadHandling']) {
  return Scenario.parse({
    name: 'machine-repairman',
    seed,
    duration: '24s',
    warmup: '2s',
    server: { cores, contention: { model: 'none' } },
    threadHandling,
    workload: {
      connections: N,
      client: { model: 'closed', think: { dist: 'exponential', mean: `${Z_MS}ms` } },
      network: { rtt: '0us' },
      transactions: [
        { name: 'q', type: 'autocommit', statements: [{ name: 'q', cpu: { dist: 'exponential', mean: `${S_MS}ms` } }] },
      ],
    },
  } satisfies ScenarioInput);
}

function check(cores: number, threadHandling: ScenarioInput['threadHandling']) {
  const exact = finiteSourceMmc(N, Z_MS, S_MS, cores).meanResponse;
  const means: number[] = [];
  for (let r = 0; r < 10; r++) means.push(runScenario(machineRepairman(1000 + r, cores, threadHandling)).latency.all.mean);
  const ci99 = meanCi(means, 0.999);
  return { exact, ci99, relErr: Math.abs(ci99.mean - exact) / exact };
}

describe('closed loop against the finite-source queue (exact)', () => {
  it('one thread per connection on 2 cores (PS) = M/M/2//8', () => {
    const { exact, ci99, relErr } = check(2, { mode: 'one-thread-per-connection' });
    expect(exact).toBeGreaterThan(S_MS); // there is queueing to get right
    expect(ci99.lo).toBeLessThanOrEqual(exact);
    expect(ci99.hi).toBeGreaterThanOrEqual(exact);
    expect(relErr).toBeLessThan(0.03);
  });

  it('a one-group MySQL pool on 1 core = M/M/1//8', () => {
    const { exact, ci99, relErr } = check(1, {
      mode: 'pool',
      flavor: 'mysql',
      thread_pool_size: 1,
      thread_pool_stall_limit: 600,
    });
    expect(exact).toBeGreaterThan(2 * S_MS);
    expect(ci99.lo).toBeLessThanOrEqual(exact);
    expect(ci99.hi).toBeGreaterThanOrEqual(exact);
    expect(relErr).toBeLessThan(0.03);
  });
});
