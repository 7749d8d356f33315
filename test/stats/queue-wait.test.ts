import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import type { RunResult } from '../../src/run/result.js';
import { meanCi } from '../../src/stats/confidence.js';
import { QueueWaits, STATIONS } from '../../src/stats/queue-wait.js';
import { erlangC, mmcWaitQuantile, mmcWaitTail } from '../../src/stats/theory.js';
import { Scenario, type ScenarioInput } from '../../src/workload/schema.js';

describe('QueueWaitStation', () => {
  it('counts visits, waits and zero waits exactly, per transaction type and statement class', () => {
    const q = new QueueWaits(['t0', 't1'], ['a', 'b', 'c']);
    q.cpu.record(0, 0, 5000); // before the window: ignored
    q.measuring = true;
    q.cpu.record(0, 0, 0);
    q.cpu.record(0, 1, 2000);
    q.cpu.record(1, 2, 4000);
    q.cpu.record(1, 2, 0);
    q.transaction(1, 3000);
    const r = q.result();
    const c = r.stations.cpu;
    expect([c.visits, c.waited, c.pWait, c.mean, c.meanIfWaited, c.max]).toEqual([4, 2, 0.5, 1.5, 3, 4]);
    expect(c.p50).toBe(0); // half the visits did not wait
    expect(c.p99).toBeCloseTo(4, 2);
    expect(c.byTransaction.t0).toMatchObject({ visits: 2, waited: 1, pWait: 0.5, mean: 1, meanIfWaited: 2 });
    expect(c.byTransaction.t1).toMatchObject({ visits: 2, waited: 1, pWait: 0.5, mean: 2, meanIfWaited: 4 });
    expect(c.byStatement.a).toMatchObject({ visits: 1, waited: 0, pWait: 0, mean: 0 });
    expect(c.byStatement.c).toMatchObject({ visits: 2, waited: 1, mean: 2 });
    expect(r.transactions.t1).toMatchObject({ visits: 1, waited: 1, pWait: 1, mean: 3 });
    q.destroy();
  });

  it('many types x classes (a sparse pair table) give the same figures as a few', () => {
    const types = Array.from({ length: 2000 }, (_, i) => `t${i}`);
    const classes = Array.from({ length: 1000 }, (_, i) => `c${i}`);
    const big = new QueueWaits(types, classes);
    const small = new QueueWaits(['t0', 't1'], ['c0', 'c1', 'c2']);
    big.measuring = small.measuring = true;
    const visits: Array<[number, number, number]> = [[0, 0, 0], [0, 1, 2000], [1, 2, 4000], [1, 2, 0], [1, 0, 1000]];
    for (const [t, c, us] of visits) {
      big.rowLock.record(t, c, us);
      small.rowLock.record(t, c, us);
    }
    const b = big.result().stations.rowLock;
    const s = small.result().stations.rowLock;
    expect(b.byTransaction.t1).toEqual(s.byTransaction.t1);
    expect(b.byStatement.c2).toEqual(s.byStatement.c2);
    expect(b.byStatement.c0).toMatchObject({ visits: 2, waited: 1, mean: 0.5 });
    expect({ ...b, byTransaction: undefined, byStatement: undefined }).toEqual({ ...s, byTransaction: undefined, byStatement: undefined });
    expect(() => big.rowLock.record(2000, 0, 1)).toThrow(/out of range/);
    big.destroy();
    small.destroy();
  });

  it('a station never visited reports zeros, every figure a finite number', () => {
    const q = new QueueWaits(['t'], ['s']);
    q.measuring = true;
    const r = q.result();
    for (const name of STATIONS) {
      const s = r.stations[name];
      expect(s).toMatchObject({ visits: 0, waited: 0, pWait: 0, mean: 0, meanIfWaited: 0, p50: 0, p95: 0, p99: 0, max: 0 });
      expect(s.byTransaction.t.visits).toBe(0);
      expect(s.byStatement.s.pWait).toBe(0);
    }
    expect(r.transactions.t.visits).toBe(0);
    q.destroy();
  });
});

function mmc(seed: number, c: number, rate: number, scheduling: 'fifo' | 'cfs' | 'eevdf' = 'fifo', duration = '40s'): RunResult {
  return runScenario(
    Scenario.parse({
      name: 'mmc',
      seed,
      duration,
      warmup: '1s',
      server: { cores: c, scheduling },
      threadHandling: { mode: 'one-thread-per-connection' },
      workload: {
        connections: 200,
        client: { model: 'open', arrivals: { process: 'poisson', rate } },
        network: { rtt: '0us' },
        transactions: [{ name: 'q', type: 'autocommit', statements: [{ name: 'q', cpu: { dist: 'exponential', mean: '1ms' } }] }],
      },
    } satisfies ScenarioInput),
  );
}

/** The 99.9% t interval of per-replication values, as the validation suite judges. */
function band(values: number[]): { lo: number; hi: number; mean: number } {
  const c = meanCi(values, 0.999);
  return { lo: c.lo, hi: c.hi, mean: c.mean };
}

describe('the CPU run queue of M/M/c FIFO (no pool) against exact theory', () => {
  // M/M/4 at rho 0.85: lambda 3.4/ms, mu 1/ms.
  const runs = Array.from({ length: 6 }, (_, r) => mmc(100 + r, 4, 3400));
  const cpu = runs.map((r) => (r.waits as NonNullable<RunResult['waits']>).stations.cpu);

  it('P(wait) is Erlang C, and the mean wait C/(c mu - lambda)', () => {
    const C = erlangC(4, 3.4);
    const p = band(cpu.map((s) => s.pWait));
    expect(C).toBeGreaterThanOrEqual(p.lo);
    expect(C).toBeLessThanOrEqual(p.hi);
    const w = band(cpu.map((s) => s.mean));
    const exactW = C / (4 - 3.4);
    expect(exactW).toBeGreaterThanOrEqual(w.lo);
    expect(exactW).toBeLessThanOrEqual(w.hi);
    // The waits of those that waited are exponential of rate c mu - lambda: mean 1/0.6 ms.
    const cond = band(cpu.map((s) => s.meanIfWaited));
    expect(1 / 0.6).toBeGreaterThanOrEqual(cond.lo);
    expect(1 / 0.6).toBeLessThanOrEqual(cond.hi);
  });

  it('the waiting-time tail P(W > t) = C e^{-(c mu - lambda) t}: its p50, p95 and p99', () => {
    for (const [key, p] of [['p50', 0.5], ['p95', 0.95], ['p99', 0.99]] as const) {
      const exact = mmcWaitQuantile(3.4, 1, 4, p);
      expect(mmcWaitTail(3.4, 1, 4, exact)).toBeCloseTo(1 - p, 12);
      const b = band(cpu.map((s) => s[key]));
      // 0.1% slack: the histogram's 3 significant digits.
      expect(exact, key).toBeGreaterThanOrEqual(b.lo * 0.999);
      expect(exact, key).toBeLessThanOrEqual(b.hi * 1.001);
    }
  });

  it('every statement visits the run queue once; the statement queue wait (no pool) stays 0', () => {
    for (const r of runs) {
      const w = r.waits as NonNullable<RunResult['waits']>;
      // Bursts that started in the window but end after it are counted, the statements not: a few apart.
      expect(Math.abs(w.stations.cpu.visits - r.summary.statements)).toBeLessThan(50);
      expect(w.stations.threadHandling.mean).toBe(0);
      expect(w.stations.poolHigh.visits + w.stations.poolLow.visits).toBe(0);
    }
  });
});

describe('the run queue under the Linux schedulers', () => {
  it.each(['cfs', 'eevdf'] as const)('%s: Little\'s law, mean queued threads = bursts per second x mean time runnable but not running', (sched) => {
    const r = mmc(7, 2, 1600, sched, '10s');
    const w = (r.waits as NonNullable<RunResult['waits']>).stations.cpu;
    const queued = r.cpu.meanRunnable - r.cpu.busyCores;
    const little = (w.visits / r.summary.simulatedSeconds) * (w.mean / 1000);
    expect(w.pWait).toBeGreaterThan(0.3);
    expect(Math.abs(little - queued) / queued).toBeLessThan(0.02);
  });

  it('one client alone never waits for a core', () => {
    const r = runScenario(
      Scenario.parse({
        name: 'alone',
        duration: '2s',
        warmup: '0.1s',
        server: { cores: 1, scheduling: 'cfs' },
        threadHandling: { mode: 'one-thread-per-connection' },
        workload: {
          connections: 1,
          client: { model: 'closed', think: '100us' },
          transactions: [{ name: 'q', type: 'autocommit', statements: [{ name: 'q', cpu: '200us' }] }],
        },
      } satisfies ScenarioInput),
    );
    const w = (r.waits as NonNullable<RunResult['waits']>).stations.cpu;
    expect(w.visits).toBeGreaterThan(1000);
    expect(w.waited).toBe(0);
  });
});

describe('the pool queues and a transaction type\'s own queue wait', () => {
  const pooled = (seed: number): RunResult =>
    runScenario(
      Scenario.parse({
        name: 'pool',
        seed,
        duration: '6s',
        warmup: '0.5s',
        server: { cores: 4 },
        threadHandling: { mode: 'pool', flavor: 'mysql', thread_pool_size: 2 },
        workload: {
          connections: 64,
          client: { model: 'closed', think: { dist: 'exponential', mean: '1ms' } },
          transactions: [
            { name: 'rw', weight: 3, statements: [{ name: 'sel', cpu: { dist: 'exponential', mean: '100us' } }, { name: 'upd', cpu: '150us' }] },
            { name: 'ro', type: 'autocommit', statements: [{ name: 'point', cpu: { dist: 'exponential', mean: '50us' } }] },
          ],
        },
      } satisfies ScenarioInput),
    );
  const r = pooled(5);
  const w = r.waits as NonNullable<RunResult['waits']>;
  const th = w.stations.threadHandling;

  it('the thread-handling station is the result\'s statement queue wait', () => {
    expect(th.visits).toBe(r.queueWait.all.count);
    expect(th.mean).toBeCloseTo(r.queueWait.all.mean, 5);
    expect(th.byTransaction.rw.mean).toBeCloseTo(r.queueWait.byTransaction.rw.mean, 5);
    // Every statement of a MySQL pool goes through one of its two queues or to a thread bound to it.
    expect(w.stations.poolHigh.visits + w.stations.poolLow.visits).toBeLessThanOrEqual(th.visits);
    expect(w.stations.poolHigh.visits).toBeGreaterThan(0);
    expect(w.stations.poolLow.visits).toBeGreaterThan(0);
    // BEGIN and autocommit statements are low priority (no engine registered): never high.
    expect(w.stations.poolHigh.byStatement.BEGIN.visits).toBe(0);
    expect(w.stations.poolHigh.byStatement.point.visits).toBe(0);
  });

  it('a transaction type\'s own wait is the sum of its statements\' waits (BEGIN, sel, upd, COMMIT)', () => {
    const own = w.transactions.rw.mean;
    const sum = ['BEGIN', 'sel', 'upd', 'COMMIT'].reduce((s, k) => s + th.byStatement[k].mean, 0);
    expect(own).toBeGreaterThan(0);
    // Transactions cut by the window's edges keep the two a little apart.
    expect(Math.abs(own - sum) / sum).toBeLessThan(0.01);
    // queueWait.byTransaction averages the 4 statements: the type's own wait is 4 times that.
    expect(Math.abs(own - 4 * r.queueWait.byTransaction.rw.mean) / own).toBeLessThan(0.01);
    expect(Math.abs(w.transactions.ro.mean - th.byStatement.point.mean) / w.transactions.ro.mean).toBeLessThan(0.01);
  });
});

describe('the server\'s queues: row locks, InnoDB admission, the redo log', () => {
  it('agree with the server\'s own wait counters', () => {
    const r = runScenario(
      Scenario.parse({
        name: 'innodb',
        seed: 3,
        duration: '2s',
        warmup: '0.2s',
        server: { cores: 4, innodb: { logFsync: '100us', innodb_thread_concurrency: 2 } },
        threadHandling: { mode: 'one-thread-per-connection' },
        workload: {
          connections: 32,
          keySpace: { rows: 200, distribution: { kind: 'zipf', theta: 0.8 } },
          transactions: [{ name: 'upd', statements: [{ name: 'u', cpu: '40us', locks: { rows: 1 } }, { name: 's', cpu: '40us' }] }],
        },
      } satisfies ScenarioInput),
    );
    const s = r.server as NonNullable<RunResult['server']>;
    const w = (r.waits as NonNullable<RunResult['waits']>).stations;
    const near = (a: number, b: number, rel: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(a, b) + 2);
    expect(s.lockWaits).toBeGreaterThan(100);
    expect(s.innodbQueueWaits).toBeGreaterThan(100);
    expect(s.commitWaits).toBeGreaterThan(100);
    // The counters count a wait when it begins, the stations when it ends: equal but for the edges.
    near(w.rowLock.waited, s.lockWaits, 0.01);
    near(w.innodbQueue.waited, s.innodbQueueWaits, 0.01);
    near(w.redoLog.waited, s.commitWaits, 0.01);
    near(w.rowLock.meanIfWaited, s.lockWaitMeanMs, 0.02);
    near(w.redoLog.meanIfWaited, s.commitWaitMeanMs, 0.02);
    near(w.innodbQueue.meanIfWaited, s.innodbQueueWaitMeanMs, 0.02);
    // Every commit of a writing transaction visits the redo log; every locking statement the lock table.
    near(w.redoLog.visits, s.commits, 0.01);
    expect(w.rowLock.byStatement.s.visits).toBe(0);
    expect(w.rowLock.byStatement.u.visits).toBeGreaterThan(w.rowLock.waited);
    // BEGIN and COMMIT do not enter InnoDB.
    expect(w.innodbQueue.byStatement.BEGIN.visits + w.innodbQueue.byStatement.COMMIT.visits).toBe(0);
  });
});
