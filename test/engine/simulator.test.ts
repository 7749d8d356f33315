import { describe, expect, it } from 'vitest';
import { type EventHandler, Simulator } from '../../src/engine/simulator.js';

type Rec = [now: number, who: number, kind: number, target: number, arg: number];

/** Records every event it receives, tagged with its own label. */
class Recorder implements EventHandler {
  constructor(
    private readonly sim: Simulator,
    private readonly label: number,
    private readonly log: Rec[],
    private readonly onEvent?: (kind: number, target: number, arg: number) => void,
  ) {}
  handleEvent(kind: number, target: number, arg: number): void {
    this.log.push([this.sim.now, this.label, kind, target, arg]);
    this.onEvent?.(kind, target, arg);
  }
}

describe('Simulator', () => {
  it('runs events in time order, ties in scheduling order, and advances the clock', () => {
    const sim = new Simulator();
    const log: Rec[] = [];
    const h = sim.register(new Recorder(sim, 0, log));
    sim.schedule(30, h, 1, 0, 0);
    sim.schedule(10, h, 2, 0, 1);
    sim.schedule(20, h, 3, 0, 2);
    sim.schedule(10, h, 4, 0, 3);
    sim.scheduleAt(10, h, 5, 0, 4);
    sim.run(100);
    expect(log.map((r) => [r[0], r[4]])).toEqual([
      [10, 1],
      [10, 3],
      [10, 4],
      [20, 2],
      [30, 0],
    ]);
    expect(sim.events).toBe(5);
    expect(sim.now).toBe(100);
    expect(sim.pending).toBe(0);
  });

  it('schedules relative to the current time from inside a handler', () => {
    const sim = new Simulator();
    const log: Rec[] = [];
    let h = -1;
    h = sim.register(
      new Recorder(sim, 0, log, (kind, target) => {
        // Each event spawns one at +0 (must run after already-queued ties) and one at +5.
        if (kind === 0 && target < 3) {
          sim.schedule(0, h, 1, target, 0);
          sim.schedule(5, h, 0, target + 1, 0);
        }
      }),
    );
    sim.schedule(1, h, 0, 0, 0);
    sim.schedule(1, h, 2, 99, 0);
    sim.run(Infinity);
    expect(log.map((r) => [r[0], r[2], r[3]])).toEqual([
      [1, 0, 0],
      [1, 2, 99],
      [1, 1, 0],
      [6, 0, 1],
      [6, 1, 1],
      [11, 0, 2],
      [11, 1, 2],
      [16, 0, 3],
    ]);
    // With an infinite horizon the clock stays at the last event instead of becoming Infinity.
    expect(sim.now).toBe(16);
  });

  it('run(until) runs events at until, stops there and leaves later ones pending', () => {
    const sim = new Simulator();
    const log: Rec[] = [];
    const h = sim.register(new Recorder(sim, 0, log));
    for (const t of [5, 10, 10.000001, 15, 20]) sim.scheduleAt(t, h, 0, 0, t * 1e6);
    sim.run(10);
    expect(log.map((r) => r[0])).toEqual([5, 10]);
    expect(sim.now).toBe(10);
    expect(sim.pending).toBe(3);
    sim.run(12);
    expect(sim.now).toBe(12);
    expect(log.map((r) => r[0])).toEqual([5, 10, 10.000001]);
    // Relative scheduling now counts from the advanced clock.
    sim.schedule(1, h, 0, 0, 0);
    sim.run(100);
    expect(log.map((r) => r[0])).toEqual([5, 10, 10.000001, 13, 15, 20]);
    expect(sim.events).toBe(6);
  });

  it('stop() ends run() after the current event and keeps the clock there', () => {
    const sim = new Simulator();
    const log: Rec[] = [];
    const h = sim.register(
      new Recorder(sim, 0, log, (_kind, target) => {
        if (target === 3) sim.stop();
      }),
    );
    for (let i = 1; i <= 6; i++) sim.schedule(i * 10, h, 0, i, 0);
    sim.run(1000);
    expect(log.map((r) => r[3])).toEqual([1, 2, 3]);
    expect(sim.now).toBe(30);
    expect(sim.pending).toBe(3);
    // A later run() resumes.
    sim.run(1000);
    expect(log.map((r) => r[3])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(sim.now).toBe(1000);
  });

  it('dispatches by handler id and passes kind, target and arg through', () => {
    const sim = new Simulator();
    const log: Rec[] = [];
    const ids: number[] = [];
    for (let i = 0; i < 1000; i++) ids.push(sim.register(new Recorder(sim, i, log)));
    expect(ids).toEqual(ids.map((_, i) => i));
    const sent: Rec[] = [];
    for (let k = 0; k < 3000; k++) {
      const who = (k * 7919) % 1000;
      const kind = (k * 31) % 256;
      const target = k * 3 - 1500;
      const arg = 2_000_000_000 - k;
      sim.scheduleAt(k, ids[who], kind, target, arg);
      sent.push([k, who, kind, target, arg]);
    }
    sim.run(Infinity);
    expect(log).toEqual(sent);
  });

  it('rejects invalid times and kinds', () => {
    const sim = new Simulator();
    const h = sim.register(new Recorder(sim, 0, []));
    expect(() => sim.schedule(-1, h, 0, 0, 0)).toThrow(RangeError);
    expect(() => sim.schedule(NaN, h, 0, 0, 0)).toThrow(RangeError);
    expect(() => sim.scheduleAt(NaN, h, 0, 0, 0)).toThrow(RangeError);
    expect(() => sim.schedule(1, h, 256, 0, 0)).toThrow(RangeError);
    expect(() => sim.schedule(1, h, -1, 0, 0)).toThrow(RangeError);
    expect(sim.pending).toBe(0);
  });

  it('scheduleAt in the past fires now, after events already due now', () => {
    const sim = new Simulator();
    const log: Rec[] = [];
    let h = -1;
    h = sim.register(
      new Recorder(sim, 0, log, (kind) => {
        if (kind === 0) sim.scheduleAt(1, h, 9, 0, 0);
      }),
    );
    sim.scheduleAt(50, h, 0, 0, 0);
    sim.scheduleAt(50, h, 1, 0, 0);
    sim.run(Infinity);
    expect(log.map((r) => [r[0], r[2]])).toEqual([
      [50, 0],
      [50, 1],
      [50, 9],
    ]);
  });

  it('calls onProgress every progressEvery events', () => {
    const sim = new Simulator();
    const h = sim.register(new Recorder(sim, 0, []));
    for (let i = 1; i <= 10; i++) sim.schedule(i, h, 0, 0, 0);
    const seen: number[] = [];
    sim.run(100, (now) => seen.push(now), 3);
    expect(seen).toEqual([3, 6, 9]);
  });
});
