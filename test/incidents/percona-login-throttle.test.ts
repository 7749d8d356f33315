import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import type { RunResult } from '../../src/run/result.js';
import { scenario } from '../helpers/scenarios.js';

// scenarios/incidents/percona-login-throttle.json (docs/INCIDENTS.md): logins wait in Percona's
// normal queue while P4 keeps it closed; the server's own figures show it.
const avg = (r: RunResult, cnt: string, sum: string): number => r.counters[sum] / Math.max(1, r.counters[cnt]);

describe('incident: Percona logins stalled behind a throttled queue', () => {
  const short = (patch: Record<string, unknown> = {}) =>
    scenario('incidents/percona-login-throttle.json', (s) => {
      s.duration = '3s';
      Object.assign(s.threadHandling, patch);
    });

  it('appears with thread_pool_size 1, oversubscribe 10: logins take 100+ ms, the normal queue is starved', () => {
    const r = runScenario(short());
    const logins = r.connectionLife?.logins;
    expect(logins?.p99).toBeGreaterThan(100);
    // Threadpool_average_queue_wait_us (normal queue) vs Threadpool_average_hp_queue_wait_us.
    expect(avg(r, 'Threadpool_queue_wait_cnt', 'Threadpool_queue_wait_sum_us')).toBeGreaterThan(50_000);
    expect(avg(r, 'Threadpool_hp_queue_wait_cnt', 'Threadpool_hp_queue_wait_sum_us')).toBeLessThan(1000);
    // Threadpool_requests_starved_in_queue, sampled each second: never empty.
    for (const v of r.timeline.gauges.Threadpool_requests_starved_in_queue) expect(v).toBeGreaterThan(100);
  });

  it('is removed by thread_pool_size 8 and oversubscribe 30: logins in about a millisecond, nothing starved', () => {
    const r = runScenario(short({ thread_pool_size: 8, thread_pool_oversubscribe: 30 }));
    expect(r.connectionLife?.logins.p99).toBeLessThan(2);
    expect(avg(r, 'Threadpool_queue_wait_cnt', 'Threadpool_queue_wait_sum_us')).toBeLessThan(1000);
    for (const v of r.timeline.gauges.Threadpool_requests_starved_in_queue) expect(v).toBe(0);
  });
});
