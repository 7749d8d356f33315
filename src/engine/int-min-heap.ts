import { growInt32 } from './grow.js';

/** Smallest-first heap of integers in a growable Int32Array (free slot numbers, ids). */
export class IntMinHeap {
  private h = new Int32Array(16);
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** The smallest without removing it; -1 when empty. */
  peek(): number {
    return this.n === 0 ? -1 : this.h[0];
  }

  push(v: number): void {
    if (this.n === this.h.length) this.h = growInt32(this.h, this.n * 2);
    const h = this.h;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p] <= v) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = v;
  }

  /** Removes and returns the smallest; -1 when empty. */
  pop(): number {
    if (this.n === 0) return -1;
    const h = this.h;
    const top = h[0];
    const last = h[--this.n];
    let i = 0;
    for (;;) {
      const a = 2 * i + 1;
      if (a >= this.n) break;
      const b = a + 1;
      const m = b < this.n && h[b] < h[a] ? b : a;
      if (h[m] >= last) break;
      h[i] = h[m];
      i = m;
    }
    h[i] = last;
    return top;
  }
}
