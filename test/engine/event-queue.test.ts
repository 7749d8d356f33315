import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/engine/event-queue.js';
import { stream } from '../../src/engine/random.js';

interface Ev {
  time: number;
  seq: number;
}

/** Pops everything, checking each event's fields travel together, and returns the seq order. */
function drain(q: EventQueue, byArg: Ev[]): number[] {
  const out: number[] = [];
  let torn = 0; // events whose fields did not stay together (checked in bulk: expect() is slow)
  while (q.pop()) {
    const ev = byArg[q.topArg];
    if (q.topTime !== ev.time || q.topTarget !== ev.seq * 7 || q.topCode !== ev.seq % 1000) torn++;
    out.push(q.topArg);
  }
  expect(torn).toBe(0);
  return out;
}

/** Array equality that reports the first difference (toEqual on 1e5 elements diffs for minutes). */
function expectSameOrder(got: number[], want: number[]): void {
  const n = Math.max(got.length, want.length);
  for (let i = 0; i < n; i++) {
    if (got[i] !== want[i]) {
      expect.fail(`position ${i}: got seq ${got[i]}, want ${want[i]} (of ${want.length})`);
    }
  }
}

function byTimeThenSeq(a: Ev, b: Ev): number {
  return a.time - b.time || a.seq - b.seq;
}

describe('EventQueue', () => {
  it('pops 1e5 random events in (time, insertion) order, equal times FIFO', () => {
    const rng = stream(1, 'eq-test');
    const q = new EventQueue(16);
    const evs: Ev[] = [];
    for (let i = 0; i < 100_000; i++) {
      // Half the events share one of 50 times, so there are long runs of ties.
      const time = rng() < 0.5 ? Math.floor(rng() * 50) : rng() * 1e6;
      evs.push({ time, seq: i });
      q.push(time, i % 1000, i * 7, i);
    }
    expect(q.size).toBe(100_000);
    const expected = [...evs].sort(byTimeThenSeq).map((e) => e.seq);
    expectSameOrder(drain(q, evs), expected);
    expect(q.size).toBe(0);
    expect(q.pop()).toBe(false);
    expect(q.peekTime()).toBe(Infinity);
  });

  it('all-equal times come out in insertion order', () => {
    const q = new EventQueue(4);
    const evs: Ev[] = [];
    for (let i = 0; i < 5000; i++) {
      evs.push({ time: 3, seq: i });
      q.push(3, i % 1000, i * 7, i);
    }
    expectSameOrder(drain(q, evs), evs.map((e) => e.seq));
  });

  it('grows far beyond its initial capacity without losing events', () => {
    for (const cap of [0, 1, 3, 4, 5]) {
      const q = new EventQueue(cap);
      const evs: Ev[] = [];
      for (let i = 0; i < 10_000; i++) {
        const time = (i * 7919) % 1013;
        evs.push({ time, seq: i });
        q.push(time, i % 1000, i * 7, i);
      }
      expect(q.size).toBe(10_000);
      expectSameOrder(drain(q, evs), [...evs].sort(byTimeThenSeq).map((e) => e.seq));
    }
  });

  it('matches a sorted-list model under interleaved push and pop', () => {
    const rng = stream(2, 'eq-interleave');
    const q = new EventQueue(2);
    const evs: Ev[] = [];
    const model: Ev[] = []; // kept sorted by (time, seq)
    let now = 0;
    let seq = 0;
    for (let step = 0; step < 60_000; step++) {
      const r = rng();
      if (r < 0.55 || model.length === 0) {
        // Mostly future events as a simulator would push them, some in the past, some ties.
        const kind = rng();
        const time = kind < 0.3 ? now : kind < 0.9 ? now + Math.floor(rng() * 20) : rng() * 100;
        const ev = { time, seq: seq++ };
        evs.push(ev);
        q.push(time, ev.seq % 1000, ev.seq * 7, ev.seq);
        let i = model.length;
        while (i > 0 && byTimeThenSeq(model[i - 1], ev) > 0) i--;
        model.splice(i, 0, ev);
      } else {
        const want = model.shift() as Ev;
        const peek = q.peekTime();
        const ok =
          q.pop() &&
          peek === want.time &&
          q.topArg === want.seq &&
          q.topTime === want.time &&
          q.topTarget === want.seq * 7 &&
          q.topCode === want.seq % 1000;
        if (!ok) {
          expect.fail(`step ${step}: popped seq ${q.topArg} at ${q.topTime}, want ${want.seq} at ${want.time}`);
        }
        now = Math.max(now, want.time);
      }
      if (q.size !== model.length) expect.fail(`step ${step}: size ${q.size}, model ${model.length}`);
    }
    expectSameOrder(drain(q, evs), model.map((e) => e.seq));
  });

  it('keeps FIFO order among equal times pushed after pops', () => {
    const q = new EventQueue(4);
    q.push(5, 0, 0, 0);
    q.push(1, 0, 0, 1);
    q.push(5, 0, 0, 2);
    expect(q.pop() && q.topArg).toBe(1);
    q.push(5, 0, 0, 3);
    q.push(2, 0, 0, 4);
    const order: number[] = [];
    while (q.pop()) order.push(q.topArg);
    expect(order).toEqual([4, 0, 2, 3]);
  });

  it('clear() empties the queue', () => {
    const q = new EventQueue();
    for (let i = 0; i < 10; i++) q.push(i, 0, 0, i);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.pop()).toBe(false);
    q.push(4, 1, 2, 3);
    expect(q.pop()).toBe(true);
    expect([q.topTime, q.topCode, q.topTarget, q.topArg]).toEqual([4, 1, 2, 3]);
  });
});
