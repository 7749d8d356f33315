import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import { HashRing, mix32 } from '../../src/threadpool/dispatch/dispatch.js';
import type { DispatchSpec } from '../../src/workload/schema.js';
import { type Harness, mariadbHarness, mysqlHarness, perconaHarness } from '../helpers/pool-harness.js';
import { scenario } from '../helpers/scenarios.js';
import type { ThreadHandling } from '../../src/threadpool/types.js';
import type { Dispatch } from '../../src/threadpool/dispatch/dispatch.js';

type Pool = ThreadHandling & { dispatch: Dispatch; groupOf(conn: number): number };

/** The three flavours on the same scripted harness: `size` groups, dispatch what-ifs, 1 core. */
function harness(flavor: string, size: number, dispatch: DispatchSpec | undefined, connections = 8, cores = 1): Harness<Pool> {
  const opts = { cores, connections };
  if (flavor === 'mariadb') return mariadbHarness({ thread_pool_size: size, dispatch, login_burst: true }, opts);
  if (flavor === 'percona') return perconaHarness({ thread_pool_size: size, dispatch, login_burst: true }, opts);
  return mysqlHarness({ thread_pool_size: size, dispatch }, opts);
}

const FLAVORS = ['mysql', 'mariadb', 'percona'] as const;

describe('consistent hashing of the connection id', () => {
  const N = 40_000;
  const keys = Array.from({ length: N }, (_, i) => i);

  it('16 -> 17 groups: only the new group\'s share moves, all of it to the new group; modulo moves 16/17', () => {
    const a = new HashRing(16);
    const b = new HashRing(17);
    let moved = 0;
    for (const k of keys) {
      const ga = a.groupOf(k);
      const gb = b.groupOf(k);
      if (ga !== gb) {
        moved++;
        expect(gb).toBe(16); // a key only ever moves into the added group
      }
    }
    // The new group's arc share p: its 160 points' arcs, sd (1/17)/sqrt(160) (gamma of 160 arcs).
    const p = b.shares()[16];
    expect(Math.abs(p - 1 / 17)).toBeLessThan((4 / 17) / Math.sqrt(160));
    // Keys hash uniformly: moved ~ Binomial(N, p), within 4 standard deviations.
    expect(Math.abs(moved - N * p)).toBeLessThan(4 * Math.sqrt(N * p * (1 - p)));
    // Modulo: c % 16 === c % 17 only for c mod 272 < 16, so 16/17 of the keys move.
    const moduloMoved = keys.filter((k) => k % 16 !== k % 17).length;
    expect(moduloMoved / N).toBeCloseTo(16 / 17, 2);
    expect(moduloMoved).toBeGreaterThan(10 * moved);
  });

  it('17 -> 16 groups: removing a group moves its keys only', () => {
    const a = new HashRing(17);
    const b = new HashRing(16);
    for (const k of keys) {
      const ga = a.groupOf(k);
      if (ga !== 16) expect(b.groupOf(k)).toBe(ga);
    }
  });

  it('shares sum to 1 and mix32 is a bijection on a sample (no two keys collide)', () => {
    const s = new HashRing(5, 7).shares();
    expect(s.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
    const seen = new Set(keys.map(mix32));
    expect(seen.size).toBe(N);
  });

  it.each(FLAVORS)('%s: connections are placed on the ring; least-loaded at login (nothing running) is round-robin', (flavor) => {
    const ring = new HashRing(4, 160);
    const h = harness(flavor, 4, { assign: 'consistent-hash' }, 64);
    for (let c = 0; c < 64; c++) expect(h.handling.groupOf(c)).toBe(ring.groupOf(c));
    const l = harness(flavor, 4, { assign: 'least-loaded' }, 64);
    for (let c = 0; c < 64; c++) expect(l.handling.groupOf(c)).toBe(c % 4);
  });
});

describe('waking all waiters: the thundering herd', () => {
  /**
   * conn 0 at 1000: 100 µs CPU around a reported 10 ms wait. The wait leaves the group with no
   * active thread, so the pool wakes a sleeper (MariaDB/Percona: login_burst left 8 asleep; MySQL:
   * conns 1..4 first start a thread each with a 20 ms wait; they then sleep, 1 consumer and 3 reserves). With wake "all" every other
   * sleeper wakes too and burns wakeCpu: the CPU served grows by exactly herdWakes x wakeCpu.
   */
  function run(flavor: string, wake: 'one' | 'all') {
    const h = harness(flavor, 1, { wake, wakeCpu: '7us' });
    if (flavor === 'mysql') for (let c = 1; c <= 4; c++) h.send({ conn: c, at: 1000 * c, cpu: 20, waits: [20_000] });
    h.send({ conn: 0, at: 50_000, cpu: 100, waits: [10_000] });
    h.sim.run(200_000);
    const served = h.cpu.utilization().busyCores * h.sim.now;
    return { h, served, end: h.doneOf(0).end };
  }

  it.each(FLAVORS)('%s: the herd costs exactly its wakes\' CPU', (flavor) => {
    const one = run(flavor, 'one');
    const all = run(flavor, 'all');
    const d = all.h.handling.dispatch;
    expect(one.h.handling.dispatch.herdWakes).toBe(0);
    expect(d.herdWakes).toBeGreaterThanOrEqual(3);
    expect(d.herdCpuUs).toBe(7 * d.herdWakes);
    expect(all.served - one.served).toBeCloseTo(d.herdCpuUs, 6);
    // One core, nothing else running: the statement ends on time either way.
    expect(all.end).toBe(one.end);
    expect(all.h.threads.live).toBe(one.h.threads.live);
  });
});

describe('where events go: own group, a dispatcher, one shared queue', () => {
  /**
   * Two groups, 2 cores. conn 0 (group 0) runs 10 ms of CPU from 1000; conn 2 (group 0 by the
   * servers' rules) arrives at 2000 with 100 µs. In its own group nobody polls until conn 0 is
   * done (or the stall timer): it starts at 11000. A dispatcher hands the second event to group 1,
   * and a shared queue gives it to group 1's idle poller: it starts at once.
   */
  it.each(FLAVORS)('%s: exact start of the second statement', (flavor) => {
    const start = (events: 'group' | 'dispatcher' | 'shared-queue'): number => {
      const h = harness(flavor, 2, { events }, 4, 2);
      h.send({ conn: 0, at: 1000, cpu: 10_000 });
      h.send({ conn: 2, at: 2000, cpu: 100 });
      h.sim.run(100_000);
      expect(h.doneOf(0).end).toBe(11_000);
      return h.doneOf(2).start;
    };
    expect(start('group')).toBe(11_000);
    expect(start('dispatcher')).toBe(2000);
    expect(start('shared-queue')).toBe(2000);
  });

  it.each(FLAVORS)('%s: with every poller busy, an event waits in the shared queue for the first free group', (flavor) => {
    const h = harness(flavor, 2, { events: 'shared-queue' }, 4, 2);
    h.send({ conn: 0, at: 1000, cpu: 10_000 });
    h.send({ conn: 1, at: 1000, cpu: 4000 });
    h.send({ conn: 2, at: 2000, cpu: 100 });
    h.sim.run(100_000);
    // conn 1's group frees first (5000) and takes conn 2 from the shared queue.
    expect(h.doneOf(2).start).toBe(5000);
  });
});

describe('dispatch settings in whole runs', () => {
  const short = (file: string, dispatch: DispatchSpec) =>
    scenario(file, (s) => {
      s.duration = '80ms';
      s.warmup = '20ms';
      s.workload.connections = 32;
      (s.threadHandling as { dispatch?: DispatchSpec }).dispatch = dispatch;
    });

  it('herd wakes under a Linux scheduler: their CPU bursts wait in the run queue but are no statement\'s wait', () => {
    const cfs = (d: DispatchSpec) =>
      scenario('mariadb.json', (s) => {
        s.duration = '80ms';
        s.warmup = '20ms';
        s.workload.connections = 32;
        if (s.server !== undefined) s.server.scheduling = 'cfs';
        (s.threadHandling as { dispatch?: DispatchSpec }).dispatch = d;
      });
    const r = runScenario(cfs({ wake: 'all' }));
    const cpu = r.waits?.stations.cpu;
    expect(cpu?.visits).toBeGreaterThan(0);
    // One visit per statement burst: no more than the statements' bursts, herd wakes excluded.
    expect(cpu?.byStatement).toBeDefined();
    expect(Object.values(cpu?.byStatement ?? {}).reduce((a, x) => a + x.visits, 0)).toBe(cpu?.visits);
  });

  it.each(['oltp.json', 'mariadb.json', 'percona.json'])('%s runs with every what-if, and the defaults spelt out change nothing', (file) => {
    const base = runScenario(short(file, {}));
    const spelt = runScenario(short(file, { assign: 'server', wake: 'one', events: 'group' }));
    expect(JSON.stringify({ ...spelt.summary, l: spelt.latency })).toBe(JSON.stringify({ ...base.summary, l: base.latency }));
    for (const d of [{ assign: 'consistent-hash', wake: 'all', events: 'shared-queue' }, { assign: 'least-loaded', events: 'dispatcher' }] as DispatchSpec[]) {
      const r = runScenario(short(file, d));
      expect(r.summary.transactions).toBeGreaterThan(0);
    }
  });
});
