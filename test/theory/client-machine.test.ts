import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import { meanCi } from '../../src/stats/confidence.js';
import { Scenario, type ScenarioInput } from '../../src/workload/schema.js';

/**
 * The client as a resource (workload.client.machine): each statement needs the client's CPU before
 * it leaves. With N clients, no think time and no network delay, client and server are the two
 * stations of a closed product-form network (both processor sharing, exponential demands), whose
 * throughput mean value analysis gives exactly.
 */
function scenario(seed: number, connections: number, clientCpu: ScenarioInput['workload']['transactions'][0]['statements'][0]['cpu'], serverCpu: typeof clientCpu, rtt = '0us'): ReturnType<typeof Scenario.parse> {
  return Scenario.parse({
    name: 'client-machine',
    seed,
    duration: '12s',
    warmup: '1s',
    server: { cores: 1, contention: { model: 'none' } },
    threadHandling: { mode: 'one-thread-per-connection' },
    workload: {
      connections,
      client: { model: 'closed', machine: { cores: 1, cpu: clientCpu } },
      network: { rtt },
      transactions: [{ name: 'q', type: 'autocommit', statements: [{ name: 'q', cpu: serverCpu }] }],
    },
  } satisfies ScenarioInput);
}

/** Exact MVA for a closed network of single-server PS stations with demands d and no think time. */
function mvaCycle(n: number, d: readonly number[]): number {
  let q = d.map(() => 0);
  let cycle = 0;
  for (let k = 1; k <= n; k++) {
    const r = d.map((x, i) => x * (1 + q[i]));
    cycle = r.reduce((a, b) => a + b, 0);
    const x = k / cycle;
    q = r.map((ri) => x * ri);
  }
  return cycle;
}

describe('the client as a second CPU', () => {
  it('one connection, constant demands: latency = client CPU + round trip + server CPU, exactly', () => {
    const r = runScenario(scenario(1, 1, '100us', '50us', '20us'));
    expect(r.latency.all.mean).toBeCloseTo(170e-3, 9);
    expect(r.clientCpu?.utilization).toBeCloseTo(100 / 170, 4);
  });

  it('4 clients, exponential demands: mean cycle time against mean value analysis', () => {
    const exact = mvaCycle(4, [1, 0.8]); // ms
    const means: number[] = [];
    for (let s = 0; s < 8; s++) means.push(runScenario(scenario(200 + s, 4, { dist: 'exponential', mean: '1ms' }, { dist: 'exponential', mean: '800us' })).latency.all.mean);
    const ci = meanCi(means, 0.999);
    expect(ci.lo).toBeLessThanOrEqual(exact);
    expect(ci.hi).toBeGreaterThanOrEqual(exact);
    expect(Math.abs(ci.mean - exact) / exact).toBeLessThan(0.03);
    // The client is the busier station: its utilisation is X * 1 ms, with X = 4 / cycle.
    const one = runScenario(scenario(200, 4, { dist: 'exponential', mean: '1ms' }, { dist: 'exponential', mean: '800us' }));
    expect(one.clientCpu?.utilization).toBeCloseTo(4 / exact, 1);
  });
});
