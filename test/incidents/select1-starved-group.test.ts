import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import { scenario } from '../helpers/scenarios.js';

const run = (handling: Record<string, unknown>, replace = false) =>
  runScenario(
    scenario('incidents/select1-starved-group.json', (s) => {
      if (replace) s.threadHandling = handling as typeof s.threadHandling;
      else Object.assign(s.threadHandling, handling);
    }),
  );

describe('incident: long non-yielding queries starve a group; SELECT 1 is stuck behind them', () => {
  it('mariadb: SELECT 1 waits behind the reports for seconds; stall_limit=10 brings it under 0.5 s', () => {
    const r = run({});
    expect(r.statements.select_1.max).toBeGreaterThan(5000);
    // The group's timer found it stalled and created threads for it (THREAD_POOL_STATS).
    expect(r.counters.STALLS).toBeGreaterThanOrEqual(1);
    expect(r.counters.THREAD_CREATIONS_DUE_TO_STALL).toBeGreaterThanOrEqual(1);
    // Other groups are fine: the median point select is unaffected.
    expect(r.statements.pk_lookup.p50).toBeLessThan(0.5);
    const fixed = run({ thread_pool_stall_limit: 10 });
    expect(fixed.statements.select_1.max).toBeLessThan(500);
    expect(fixed.counters.THREAD_CREATIONS_DUE_TO_STALL).toBeGreaterThan(r.counters.THREAD_CREATIONS_DUE_TO_STALL);
  });

  it('percona: a lower stall limit alone does not help (busy threads throttle the normal queue, P4); with oversubscribe 16 it does', () => {
    const r = run({ flavor: 'percona', thread_pool_stall_limit: 10 });
    expect(r.statements.select_1.max).toBeGreaterThan(5000);
    expect(r.counters.Threadpool_stalls).toBeGreaterThan(100);
    const fixed = run({ flavor: 'percona', thread_pool_stall_limit: 10, thread_pool_oversubscribe: 16 });
    expect(fixed.statements.select_1.max).toBeLessThan(1000);
  });

  it('mysql (8.4 defaults): the stall checker starts a thread for each stalled report; SELECT 1 waits under 0.5 s', () => {
    const r = run({ mode: 'pool', flavor: 'mysql', thread_pool_size: 4 }, true);
    expect(r.statements.select_1.max).toBeGreaterThan(60);
    expect(r.statements.select_1.max).toBeLessThan(500);
    expect(r.counters.stalled_queries_executed).toBeGreaterThanOrEqual(12);
  });
});
