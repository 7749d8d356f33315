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

describe('non-preemptive priority CPU scheduling ("priority")', () => {
  it('a free core takes the oldest burst of the highest level; a running burst is never preempted; each start reports its wait', () => {
    const sim = new Simulator();
    const done: Array<[thread: number, t: number]> = [];
    const waited: Array<[thread: number, us: number]> = [];
    // Threads 0..4 with levels 0, 0, 1, 2, 1.
    const level = [0, 0, 1, 2, 1];
    const client = { onCpuDone: (th: number) => done.push([th, sim.now]), cpuWaited: (th: number, us: number) => waited.push([th, us]), cpuPriority: (th: number) => level[th] };
    const cpu = new Cpu(sim, 1, rateFunction(1, { model: 'none' }), client, 'priority', undefined, 3);
    const id = sim.register({ handleEvent: (_k, thread, work) => cpu.run(thread, work) });
    // 0 runs [0,10); 1 (level 0), 2 (level 1), 3 (level 2), 4 (level 1) queue meanwhile; 3 arrives last of
    // the higher ones but is served first, then 2 and 4 in arrival order, then 1.
    const arrivals: Array<[number, number, number]> = [[0, 0, 10], [1, 1, 2], [2, 2, 3], [5, 3, 4], [6, 4, 1]];
    for (const [at, th, work] of arrivals) sim.scheduleAt(at, id, 0, th, work);
    sim.run(Infinity);
    expect(done).toEqual([[0, 10], [3, 14], [2, 17], [4, 18], [1, 20]]);
    expect(waited).toEqual([[0, 0], [3, 5], [2, 12], [4, 11], [1, 17]]);
    expect(cpu.runnable).toBe(0);
  });

  it('with one level it is FIFO', () => {
    const sim = new Simulator();
    const done: number[] = [];
    const cpu = new Cpu(sim, 1, rateFunction(1, { model: 'none' }), { onCpuDone: (th) => done.push(th), cpuPriority: () => 0 }, 'priority', undefined, 1);
    const id = sim.register({ handleEvent: (_k, thread, work) => cpu.run(thread, work) });
    for (let i = 0; i < 4; i++) sim.scheduleAt(i, id, 0, i, 5);
    sim.run(Infinity);
    expect(done).toEqual([0, 1, 2, 3]);
  });
});
