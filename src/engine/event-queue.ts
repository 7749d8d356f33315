/**
 * Pending-event set: a 4-ary min-heap over parallel typed arrays, ordered by (time, seq).
 * `seq` is a global insertion counter, so events at the same simulated time fire in the order
 * they were scheduled: that makes every run deterministic. Nothing is allocated per event;
 * the arrays double when full. Cancellation is by the caller (generation counters in `arg`).
 */
export class EventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private codes: Int32Array;
  private targets: Int32Array;
  private args: Int32Array;
  private n = 0;
  private nextSeq = 0;

  /** Fields of the event most recently removed by pop(). */
  topTime = 0;
  topCode = 0;
  topTarget = 0;
  topArg = 0;

  constructor(capacity = 1024) {
    // grow() doubles, so a zero capacity would never grow and writes past the end are silently dropped.
    capacity = Math.max(4, Math.ceil(capacity));
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.codes = new Int32Array(capacity);
    this.targets = new Int32Array(capacity);
    this.args = new Int32Array(capacity);
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
    const seq = this.nextSeq++;
    // Sift up with a hole: parent entries move down until the new one fits.
    let i = this.n++;
    const times = this.times;
    const seqs = this.seqs;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pt = times[p];
      if (pt < time || (pt === time && seqs[p] < seq)) break;
      this.move(p, i);
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    this.codes[i] = code;
    this.targets[i] = target;
    this.args[i] = arg;
  }

  /** Removes the earliest event into top*; returns false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    this.topTime = this.times[0];
    this.topCode = this.codes[0];
    this.topTarget = this.targets[0];
    this.topArg = this.args[0];
    const last = --this.n;
    if (last === 0) return true;
    const times = this.times;
    const seqs = this.seqs;
    const t = times[last];
    const s = seqs[last];
    const code = this.codes[last];
    const target = this.targets[last];
    const arg = this.args[last];
    // Sift the last entry down from the root.
    let i = 0;
    for (;;) {
      const c0 = 4 * i + 1;
      if (c0 >= last) break;
      let best = c0;
      let bt = times[c0];
      let bs = seqs[c0];
      const cEnd = c0 + 4 < last ? c0 + 4 : last;
      for (let c = c0 + 1; c < cEnd; c++) {
        const ct = times[c];
        if (ct < bt || (ct === bt && seqs[c] < bs)) {
          best = c;
          bt = ct;
          bs = seqs[c];
        }
      }
      if (t < bt || (t === bt && s < bs)) break;
      this.move(best, i);
      i = best;
    }
    times[i] = t;
    seqs[i] = s;
    this.codes[i] = code;
    this.targets[i] = target;
    this.args[i] = arg;
    return true;
  }

  clear(): void {
    this.n = 0;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.seqs[to] = this.seqs[from];
    this.codes[to] = this.codes[from];
    this.targets[to] = this.targets[from];
    this.args[to] = this.args[from];
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const t = new Float64Array(cap);
    t.set(this.times);
    this.times = t;
    const s = new Float64Array(cap);
    s.set(this.seqs);
    this.seqs = s;
    const c = new Int32Array(cap);
    c.set(this.codes);
    this.codes = c;
    const g = new Int32Array(cap);
    g.set(this.targets);
    this.targets = g;
    const a = new Int32Array(cap);
    a.set(this.args);
    this.args = a;
  }
}
