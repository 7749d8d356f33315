import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import { scenario } from '../helpers/scenarios.js';

const run = (handling: Record<string, unknown>) =>
  runScenario(
    scenario('incidents/pk-lookups-behind-stall.json', (s) => {
      Object.assign(s.threadHandling, handling);
    }),
  );

describe('incident: primary-key lookups that take 100-900 ms behind non-yielding statements', () => {
  // Slack over 2 x stall_limit: a lookup's own CPU and those queued with it (50 µs each).
  const SLACK_MS = 5;

  it.each([
    ['mariadb', 'WAKES_DUE_TO_STALL'],
    ['percona', 'Threadpool_wakes_due_to_stall'],
  ])('%s: lookups wait up to 2x thread_pool_stall_limit; stall_limit=10 bounds them by 20 ms', (flavor, wakesDueToStall) => {
    const before = run({ flavor });
    const pk = before.statements.pk_lookup;
    expect(pk.p50).toBeLessThan(0.5);
    expect(pk.max).toBeGreaterThan(500); // more than one tick of 500 ms
    expect(pk.max).toBeLessThanOrEqual(2 * 500 + SLACK_MS);
    expect(pk.p9999 ?? 0).toBeGreaterThan(100);
    // The timer, not the workload, ended each wait: a wake due to stall per blocked group.
    expect(before.counters[wakesDueToStall]).toBeGreaterThanOrEqual(4);

    const after = run({ flavor, thread_pool_stall_limit: 10 });
    expect(after.statements.pk_lookup.max).toBeLessThanOrEqual(2 * 10 + SLACK_MS);
    expect(after.counters[wakesDueToStall]).toBeGreaterThanOrEqual(4);
  });

  it('mysql (stall limit 6 = 60 ms, checked every 10 ms): the wait is bounded by about the stall limit', () => {
    const r = runScenario(
      scenario('incidents/pk-lookups-behind-stall.json', (s) => {
        s.threadHandling = { mode: 'pool', flavor: 'mysql', thread_pool_size: 4 };
      }),
    );
    expect(r.statements.pk_lookup.max).toBeGreaterThan(60);
    expect(r.statements.pk_lookup.max).toBeLessThanOrEqual(60 + 10 + SLACK_MS);
    expect(r.counters.stalled_queries_executed).toBeGreaterThanOrEqual(4);
  });
});
