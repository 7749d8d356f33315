import { describe, expect, it } from 'vitest';
import { TruncatedNormal, Mixture, Constant, truncationRedraws } from '../../src/engine/distributions.js';
import { stream } from '../../src/engine/random.js';
import { clampsWarning } from '../../src/run/clamps.js';
import { aggregateReplications, runReplicationResults } from '../../src/run/replications.js';
import { runScenario } from '../../src/run/run.js';
import { parseScenarioText } from '../../src/workload/load.js';

const scenario = (opts: { cpu: string; maxThreads?: number; connections: number }): string => `{
  "name": "clamps", "seed": 5, "duration": "300ms", "warmup": "50ms",
  "server": { "cores": 2 },
  "threadHandling": { "mode": "pool", "flavor": "mariadb", "thread_pool_size": 1 ${opts.maxThreads === undefined ? '' : `, "thread_pool_max_threads": ${opts.maxThreads}`} },
  "workload": { "connections": ${opts.connections}, "network": { "rtt": "20us" },
    "transactions": [ { "name": "q", "type": "autocommit", "statements": [ { "name": "q", "cpu": ${opts.cpu},
      "waits": [ { "type": "diskio", "latency": "2ms" } ] } ] } ] }
}`;

describe('every clamp of the model that binds is counted and warned about', () => {
  it('truncated normal: redraws per accepted draw are P(X<0) / P(X>=0)', () => {
    const d = new TruncatedNormal(10, 10);
    const rng = stream(1, 'clamp-test');
    const N = 200_000;
    for (let i = 0; i < N; i++) d.sample(rng);
    const p = 0.15865525393145707; // Phi(-1)
    const expected = p / (1 - p);
    // Geometric redraw counts: variance per draw p / (1-p)^2.
    const se = Math.sqrt(p / (1 - p) ** 2 / N);
    expect(Math.abs(d.redraws / N - expected)).toBeLessThan(4 * se);
    expect(truncationRedraws(new Mixture([{ weight: 1, dist: d }, { weight: 1, dist: new Constant(1) }]))).toBe(d.redraws);
  });

  it('a normal CPU that reaches below 0 shows in result.clamps; a lognormal does not', () => {
    const normal = runScenario(parseScenarioText(scenario({ cpu: '{ "dist": "normal", "mean": "10us", "sd": "10us" }', connections: 4 }), 'n.json'));
    expect(normal.clamps?.truncatedNormalRedraws).toBeGreaterThan(0);
    expect(clampsWarning(normal)).toMatch(/negative normal draws redrawn/);
    const logn = runScenario(parseScenarioText(scenario({ cpu: '{ "dist": "lognormal", "mean": "10us", "cv": 1 }', connections: 4 }), 'l.json'));
    expect(logn.clamps).toBeUndefined();
    expect(clampsWarning(logn)).toBeUndefined();
  });

  it('thread_pool_max_threads: refused creations are counted, summed over replications', () => {
    // 40 connections each waiting 2 ms on disk: the group wants a thread per waiter; 4 allowed.
    const spec = parseScenarioText(scenario({ cpu: '"10us"', maxThreads: 4, connections: 40 }), 'm.json');
    const capped = runScenario(spec);
    expect(capped.clamps?.maxThreadsRefusals).toBeGreaterThan(0);
    expect(clampsWarning(capped)).toMatch(/thread_pool_max_threads refused \d+ thread creations/);
    expect(capped.poolBlocked?.maxThreads).toBe(4);
    expect(capped.poolBlocked?.sinceSeconds).toBeLessThanOrEqual(capped.poolBlocked?.lastRefusalSeconds ?? -1);
    const free = runScenario(parseScenarioText(scenario({ cpu: '"10us"', connections: 40 }), 'f.json'));
    expect(free.clamps).toBeUndefined();
    expect(free.poolBlocked).toBeUndefined();
    expect(free.serverLog).toBeUndefined();
    const runs = runReplicationResults({ ...spec, duration: '150ms' }, 2);
    const sum = runs.reduce((acc, r) => acc + (r.clamps?.maxThreadsRefusals ?? 0), 0);
    expect(sum).toBeGreaterThan(0);
    expect(aggregateReplications(runs).clamps?.maxThreadsRefusals).toBe(sum);
  });
});
