import { describe, expect, it } from 'vitest';
import { stream } from '../../src/engine/random.js';
import { type EventHandler, Simulator } from '../../src/engine/simulator.js';
import { rateFunction } from '../../src/server/contention.js';
import { Cpu, type CpuClient } from '../../src/server/cpu.js';
import { LatchSet } from '../../src/server/latch.js';

/**
 * A latch set on a processor-sharing CPU (no contention model), driven by threads that each take
 * the plan of class 0 once: begin(thread) at an exact time, done times recorded.
 */
function harness(opts: {
  cores: number;
  spinLoops: number;
  roundUs: number;
  wakeUs: number;
  holdUs: number;
  wakeup?: 'one' | 'all' | 'all-in-turn';
  waitArrayCellUs?: number;
}) {
  const sim = new Simulator();
  const done = new Map<number, number>();
  const set = new LatchSet(sim, {
    names: ['lock_sys'],
    spinLoops: opts.spinLoops,
    roundUs: opts.roundUs,
    wakeUs: opts.wakeUs,
    wakeup: opts.wakeup,
    waitArrayCellUs: opts.waitArrayCellUs,
    plans: [[[0, opts.holdUs]]],
  });
  const client: CpuClient = {
    onCpuDone: (t) => {
      if (set.active(t)) set.onCpuDone(t);
    },
  };
  const cpu = new Cpu(sim, opts.cores, rateFunction(opts.cores, { model: 'none' }), client);
  set.cpu = cpu;
  set.listener = { onLatchesDone: (t) => done.set(t, sim.now) };
  const starter: EventHandler = { handleEvent: (_k, thread) => void set.begin(thread, 0) };
  const id = sim.register(starter);
  return {
    sim,
    set,
    cpu,
    done,
    beginAt: (thread: number, at: number) => sim.scheduleAt(at, id, 0, thread, 0),
  };
}

describe('spin-then-sleep latch (srw_lock.cc rule), exact schedules', () => {
  it('a waiter spins in rounds and takes the latch at the first check after the release', () => {
    const h = harness({ cores: 4, spinLoops: 30, roundUs: 3, wakeUs: 2, holdUs: 10 });
    h.beginAt(0, 0);
    h.beginAt(1, 2);
    h.sim.run(1000);
    // T0 holds [0, 10]; T1 checks at 5, 8 (held), 11 (free): holds [11, 21].
    expect(h.done.get(0)).toBe(10);
    expect(h.done.get(1)).toBe(21);
    const f = h.set.figures()[0];
    expect(f).toMatchObject({ acquisitions: 2, waits: 1, waitMeanUs: 9, spinRounds: 3, spinUs: 9, sleeps: 0, heldUs: 20 });
  });

  it('after innodb_sync_spin_loops checks the waiter sleeps; the release wakes it and it pays the wake-up', () => {
    const h = harness({ cores: 4, spinLoops: 2, roundUs: 3, wakeUs: 2, holdUs: 10 });
    h.beginAt(0, 0);
    h.beginAt(1, 2);
    h.sim.run(1000);
    // Checks at 5 and 8, asleep from 8; woken at 10, checks at 12: holds [12, 22].
    expect(h.done.get(1)).toBe(22);
    expect(h.set.figures()[0]).toMatchObject({ waits: 1, waitMeanUs: 10, spinRounds: 2, spinUs: 6, sleeps: 1 });
  });

  it('no hand-off: a thread that arrives between the release and the woken one\'s check takes the latch', () => {
    const h = harness({ cores: 4, spinLoops: 0, roundUs: 3, wakeUs: 2, holdUs: 10 });
    h.beginAt(0, 0);
    h.beginAt(1, 2); // sleeps at once
    h.beginAt(2, 11); // the latch is free from 10; T1 checks only at 12
    h.sim.run(1000);
    expect(h.done.get(2)).toBe(21);
    // T1 finds it held at 12 and sleeps again (no spinning), woken at 21, checks at 23.
    expect(h.done.get(1)).toBe(33);
    expect(h.set.figures()[0]).toMatchObject({ acquisitions: 3, waits: 1, spinRounds: 0, sleeps: 2, waitMeanUs: 21 });
  });

  it('wake-all (5.5 to 10.5): a release wakes every sleeper; the losers spin again before sleeping', () => {
    const h = harness({ cores: 4, spinLoops: 1, roundUs: 3, wakeUs: 2, holdUs: 10, wakeup: 'all' });
    h.beginAt(0, 0);
    h.beginAt(1, 1); // checks at 4, sleeps
    h.beginAt(2, 2); // checks at 5, sleeps
    h.sim.run(1000);
    // Release at 10 wakes both; both check at 12: T1 takes it [12, 22]; T2 spins (check at 15), sleeps;
    // the release at 22 wakes T2, which checks at 24: [24, 34].
    expect(h.done.get(1)).toBe(22);
    expect(h.done.get(2)).toBe(34);
    expect(h.set.figures()[0]).toMatchObject({ acquisitions: 3, waits: 2, spinRounds: 3, sleeps: 3, waitMeanUs: 16.5 });
  });

  it('wake-all in turn (glibc requeue): the woken leave one after another; a late sleeper waits for the next release\'s turn', () => {
    const run = (wakeInTurn: boolean) => {
      const h = harness({ cores: 8, spinLoops: 0, roundUs: 3, wakeUs: 2, holdUs: 10, wakeup: wakeInTurn ? 'all-in-turn' : 'all' });
      h.beginAt(0, 0);
      h.beginAt(1, 1);
      h.beginAt(2, 2);
      h.beginAt(3, 3);
      h.beginAt(4, 13); // sleeps while T1 holds, before T2 and T3 have had their turn
      h.sim.run(1000);
      return [1, 2, 3, 4].map((t) => h.done.get(t));
    };
    // In turn: the release at 10 wakes T1 [10, 12], which wins [12, 22] and wakes T2 [12, 14];
    // T2 (held) sleeps at 14 behind T4 (asleep since 13) and wakes T3 [14, 16], which sleeps at
    // 16. The release at 22 turns [T4, T2, T3]: T4 wakes [22, 24] and wins [24, 34]; T2 and T3
    // sleep again; at 34 T2 [34, 36] wins [36, 46]; at 46 T3 [46, 48] holds [48, 58].
    expect(run(true)).toEqual([22, 46, 58, 34]);
    // All at once: T1, T2, T3 all check at 12, T1 wins; at 22 T2, T3, T4 all check at 24: T2
    // (first in line) wins, then T3 at 36, then T4 at 48.
    expect(run(false)).toEqual([22, 34, 46, 58]);
  });

  it('5.5 wait array: a sleeper scans from cell 0 to the first free one under one mutex, (index + 1) cells of CPU each', () => {
    const h = harness({ cores: 8, spinLoops: 0, roundUs: 3, wakeUs: 2, holdUs: 10, waitArrayCellUs: 1 });
    h.beginAt(0, 0);
    h.beginAt(1, 1); // scans cell 0 [1, 2], sleeps
    h.beginAt(2, 1); // waits for the array's mutex, scans cells 0-1 [2, 4], sleeps in cell 1
    h.beginAt(3, 3); // waits, scans cells 0-2 [4, 7], sleeps in cell 2
    h.beginAt(4, 13); // cell 0 was freed at 10 (T1 woken): scans cell 0 only [13, 14]
    h.sim.run(1000);
    // Wake one: T1 woken at 10 [10, 12] holds [12, 22]; T2 [22, 24] -> [24, 34]; T3 -> [36, 46]; T4 -> [48, 58].
    expect([0, 1, 2, 3, 4].map((t) => h.done.get(t))).toEqual([10, 22, 34, 46, 58]);
    expect(h.set.waitArrayFigures()).toEqual({ reservations: 4, cellsScanned: 1 + 2 + 3 + 1, mutexWaits: 2, heldUs: 7, peakCells: 3 });
    expect(h.set.figures()[0]).toMatchObject({ sleeps: 4, waits: 4 });
  });

  it('5.5 wait array: a latch released during the scan is taken at once, without sleeping (mutex_spin_wait tests it again)', () => {
    const h = harness({ cores: 8, spinLoops: 0, roundUs: 3, wakeUs: 2, holdUs: 10, waitArrayCellUs: 5 });
    h.beginAt(0, 0);
    h.beginAt(1, 6); // scans cell 0 [6, 11]; the latch is free from 10
    h.sim.run(1000);
    expect(h.done.get(1)).toBe(21);
    expect(h.set.figures()[0]).toMatchObject({ sleeps: 0, waits: 1, waitMeanUs: 5 });
    // Its cell was given back: the next scan would stop at cell 0.
    expect(h.set.waitArrayFigures()).toMatchObject({ reservations: 1, cellsScanned: 1, peakCells: 1 });
  });

  it('a per-open-transaction part of the hold grows with the transactions open at the acquisition', () => {
    const sim = new Simulator();
    const done = new Map<number, number>();
    const set = new LatchSet(sim, { names: ['kernel_mutex'], spinLoops: 0, roundUs: 1, wakeUs: 0, plans: [[[0, 10, 0.5]]] });
    const cpu = new Cpu(sim, 4, rateFunction(4, { model: 'none' }), { onCpuDone: (t) => set.onCpuDone(t) });
    set.cpu = cpu;
    set.listener = { onLatchesDone: (t) => done.set(t, sim.now) };
    set.openTransactions = 4;
    set.begin(0, 0);
    sim.run(1000);
    expect(done.get(0)).toBe(12); // 10 + 4 x 0.5
  });

  it('a spinner shares the core with the holder: on one core the hold stretches by the spin it overlaps', () => {
    const h = harness({ cores: 1, spinLoops: 30, roundUs: 3, wakeUs: 2, holdUs: 10 });
    h.beginAt(0, 0);
    h.beginAt(1, 2);
    h.sim.run(1000);
    // From 2 both run at rate 1/2: T1's rounds end at 8 and 14 (T0 has 5 then 2 left); T0 ends
    // at 18; T1's third round has 1 left, alone at rate 1: check at 19, holds [19, 29].
    expect(h.done.get(0)).toBe(18);
    expect(h.done.get(1)).toBe(29);
    expect(h.set.figures()[0]).toMatchObject({ spinRounds: 3, spinUs: 9, waitMeanUs: 17, heldUs: 28 });
  });
});

describe('a latch without spinning under Poisson arrivals is an M/D/1 queue', () => {
  it('mean wait for the latch matches Pollaczek-Khinchine, rho S / (2 (1 - rho))', () => {
    const S = 10;
    const rho = 0.6;
    const lambda = rho / S; // per µs
    const theory = (rho * S) / (2 * (1 - rho)); // 7.5 µs
    const means: number[] = [];
    for (let rep = 0; rep < 8; rep++) {
      const h = harness({ cores: 4096, spinLoops: 0, roundUs: 1, wakeUs: 0, holdUs: S });
      const rng = stream(rep + 1, 'latch-test');
      const free: number[] = [];
      let next = 0;
      let arrivals = 0;
      const N = 60_000;
      h.set.listener = { onLatchesDone: (t) => free.push(t) };
      const gen: EventHandler = {
        handleEvent: () => {
          const t = free.length > 0 ? (free.pop() as number) : next++;
          h.set.begin(t, 0);
          if (++arrivals < N) h.sim.schedule(-Math.log(1 - rng()) / lambda, gid, 0, 0, 0);
        },
      };
      const gid = h.sim.register(gen);
      h.sim.schedule(0, gid, 0, 0, 0);
      h.sim.run(1e12);
      const f = h.set.figures()[0];
      expect(f.acquisitions).toBe(N);
      means.push((f.waitMeanUs * f.waits) / f.acquisitions);
    }
    const m = means.reduce((a, b) => a + b, 0) / means.length;
    const sd = Math.sqrt(means.reduce((a, b) => a + (b - m) ** 2, 0) / (means.length - 1));
    const half = (3.5 * sd) / Math.sqrt(means.length); // t(7) at 99.5%
    expect(Math.abs(m - theory)).toBeLessThan(half);
    expect(half / theory).toBeLessThan(0.05);
  });
});
