import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/engine/simulator.js';
import { rateFunction } from '../../src/server/contention.js';
import { Cpu } from '../../src/server/cpu.js';

function runBursts(scheduling: 'ps' | 'fifo', cores: number, bursts: Array<[at: number, work: number]>) {
  const sim = new Simulator();
  const done: Array<[thread: number, t: number]> = [];
  const cpu = new Cpu(sim, cores, rateFunction(cores, { model: 'none' }), { onCpuDone: (th) => done.push([th, sim.now]) }, scheduling);
  const id = sim.register({ handleEvent: (_k, thread, work) => cpu.run(thread, work) });
  bursts.forEach(([at, work], i) => sim.scheduleAt(at, id, 0, i, work));
  sim.run(Infinity);
  return { done, cpu, sim };
}

describe('FIFO CPU scheduling', () => {
  it('runs one burst per core to completion, the others in arrival order', () => {
    const { done } = runBursts('fifo', 2, [
      [0, 10],
      [0, 5],
      [1, 3],
      [2, 4],
    ]);
    // Core A: 0 [0,10). Core B: 1 [0,5), then 2 [5,8), then 3 [8,12).
    expect(done).toEqual([
      [1, 5],
      [2, 8],
      [0, 10],
      [3, 12],
    ]);
  });

  it('differs from processor sharing on the same bursts', () => {
    const { done } = runBursts('ps', 1, [
      [0, 4],
      [0, 4],
    ]);
    expect(done.map(([, t]) => t)).toEqual([8, 8]);
    const fifo = runBursts('fifo', 1, [
      [0, 4],
      [0, 4],
    ]);
    expect(fifo.done).toEqual([
      [0, 4],
      [1, 8],
    ]);
  });

  it('accounts busy cores and runnable threads (waiting ones included)', () => {
    const { cpu, sim } = runBursts('fifo', 2, [
      [0, 10],
      [0, 10],
      [0, 10],
    ]);
    expect(sim.now).toBe(20);
    const u = cpu.utilization();
    // [0,10): 2 busy, 3 runnable; [10,20): 1 busy, 1 runnable.
    expect(u.busyCores).toBeCloseTo(1.5, 12);
    expect(u.meanRunnable).toBeCloseTo(2, 12);
  });

  it('keeps the FIFO order of many queued bursts through queue growth', () => {
    const bursts: Array<[number, number]> = Array.from({ length: 300 }, (_, i) => [0, 1 + (i % 3)]);
    const { done } = runBursts('fifo', 1, bursts);
    expect(done.map(([th]) => th)).toEqual(bursts.map((_, i) => i));
  });
});
