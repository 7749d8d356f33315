import { DOUBLE_ZERO } from './double-zero.js';
/**
 * Pending-event set: a 4-ary min-heap over typed arrays, ordered by (time, seq). `seq` is a
 * global insertion counter, so events at the same simulated time fire in the order they were
 * scheduled: that makes every run deterministic. The heap holds only the keys and a slot
 * number; an event's payload stays in its slot, so a sift moves three values, not five.
 * Nothing is allocated per event; the arrays double when full. Cancellation is by the caller
 * (generation counters in `arg`).
 */
export class EventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private slots: Int32Array;
  private codes: Int32Array;
  private targets: Int32Array;
  private args: Int32Array;
  /** Free slots (a stack); slots [0, n) of the heap use distinct slots. */
  private free: Int32Array;
  private nFree: number;
  private n = 0;
  private nextSeq = 0;

  /** Fields of the event most recently removed by pop(). */
  topTime = DOUBLE_ZERO;
  topCode = 0;
  topTarget = 0;
  topArg = 0;

  constructor(capacity = 1024) {
    // grow() doubles, so a zero capacity would never grow and writes past the end are silently dropped.
    capacity = Math.max(4, Math.ceil(capacity));
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.slots = new Int32Array(capacity);
    this.codes = new Int32Array(capacity);
    this.targets = new Int32Array(capacity);
    this.args = new Int32Array(capacity);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.nFree = capacity;
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest pending event (Infinity when empty). */
  peekTime(): number {
    return this.n > 0 ? this.times[0] : Infinity;
  }

  push(time: number, code: number, target: number, arg: number): void {
    if (this.n === this.times.length) this.grow();
    const slot = this.free[--this.nFree];
    this.codes[slot] = code;
    this.targets[slot] = target;
    this.args[slot] = arg;
    const seq = this.nextSeq++;
    // Sift up with a hole: parent entries move down until the new one fits. Every queued seq is
    // smaller than the new one, so a parent at the same time stays above it.
    let i = this.n++;
    const times = this.times;
    const seqs = this.seqs;
    const slots = this.slots;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pt = times[p];
      if (pt <= time) break;
      times[i] = pt;
      seqs[i] = seqs[p];
      slots[i] = slots[p];
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    slots[i] = slot;
  }

  /** Removes the earliest event into top*; returns false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    const times = this.times;
    const seqs = this.seqs;
    const slots = this.slots;
    const top = slots[0];
    this.topTime = times[0];
    this.topCode = this.codes[top];
    this.topTarget = this.targets[top];
    this.topArg = this.args[top];
    this.free[this.nFree++] = top;
    const last = --this.n;
    if (last === 0) return true;
    const t = times[last];
    const s = seqs[last];
    const slot = slots[last];
    // Sift the last entry down from the root.
    let i = 0;
    for (;;) {
      const c0 = 4 * i + 1;
      if (c0 >= last) break;
      let best = c0;
      let bt = times[c0];
      const cEnd = c0 + 4 < last ? c0 + 4 : last;
      // seqs are read only on equal times, which are rare.
      for (let c = c0 + 1; c < cEnd; c++) {
        const ct = times[c];
        if (ct < bt || (ct === bt && seqs[c] < seqs[best])) {
          best = c;
          bt = ct;
        }
      }
      if (t < bt || (t === bt && s < seqs[best])) break;
      times[i] = bt;
      seqs[i] = seqs[best];
      slots[i] = slots[best];
      i = best;
    }
    times[i] = t;
    seqs[i] = s;
    slots[i] = slot;
    return true;
  }

  clear(): void {
    this.n = 0;
    const cap = this.times.length;
    for (let i = 0; i < cap; i++) this.free[i] = cap - 1 - i;
    this.nFree = cap;
  }

  private grow(): void {
    const old = this.times.length;
    const cap = old * 2;
    const f64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.times = f64(this.times);
    this.seqs = f64(this.seqs);
    this.slots = i32(this.slots);
    this.codes = i32(this.codes);
    this.targets = i32(this.targets);
    this.args = i32(this.args);
    // All old slots are in use (the heap is full): the new ones are free.
    this.free = new Int32Array(cap);
    for (let i = 0; i < old; i++) this.free[i] = cap - 1 - i;
    this.nFree = old;
  }
}
