import { describe, expect, it } from 'vitest';
import { stream } from '../../src/engine/random.js';
import { IntMinHeap } from '../../src/engine/int-min-heap.js';

describe('IntMinHeap', () => {
  it('pops in ascending order through growth, interleaved with pushes, as a sorted list would', () => {
    const heap = new IntMinHeap();
    const ref: number[] = [];
    const rng = stream(7, 'int-min-heap-test');
    for (let step = 0; step < 20_000; step++) {
      if (ref.length > 0 && rng() < 0.45) {
        ref.sort((a, b) => a - b);
        expect(heap.peek()).toBe(ref[0]);
        expect(heap.pop()).toBe(ref.shift());
      } else {
        const v = Math.floor(rng() * 500);
        heap.push(v);
        ref.push(v);
      }
      expect(heap.size).toBe(ref.length);
    }
    expect(ref.length).toBeGreaterThan(16); // it grew past its first capacity
  });

  it('is -1 when empty', () => {
    const heap = new IntMinHeap();
    expect([heap.peek(), heap.pop(), heap.size]).toEqual([-1, -1, 0]);
  });
});
