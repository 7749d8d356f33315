/**
 * FIFO of integers in a growable ring buffer (queues of connection or thread ids). The capacity
 * is a power of two, so wrapping is a mask rather than an integer division.
 */
export class IntQueue {
  private buf: Int32Array;
  private mask: number;
  private head = 0;
  private n = 0;

  constructor(capacity = 16) {
    let cap = 4;
    while (cap < capacity) cap *= 2;
    this.buf = new Int32Array(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.n;
  }

  push(v: number): void {
    if (this.n === this.buf.length) this.grow();
    this.buf[(this.head + this.n) & this.mask] = v;
    this.n++;
  }

  /** Removes and returns the head; -1 when empty. */
  shift(): number {
    if (this.n === 0) return -1;
    const v = this.buf[this.head];
    this.head = (this.head + 1) & this.mask;
    this.n--;
    return v;
  }

  /** The head without removing it; -1 when empty. */
  peek(): number {
    return this.n === 0 ? -1 : this.buf[this.head];
  }

  at(i: number): number {
    return this.buf[(this.head + i) & this.mask];
  }

  private grow(): void {
    const b = new Int32Array(this.buf.length * 2);
    for (let i = 0; i < this.n; i++) b[i] = this.buf[(this.head + i) & this.mask];
    this.buf = b;
    this.mask = b.length - 1;
    this.head = 0;
  }
}

/** LIFO of integers (sleeping threads: the most recently used is woken first). */
export class IntStack {
  private buf: Int32Array;
  private n = 0;

  constructor(capacity = 16) {
    this.buf = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  push(v: number): void {
    if (this.n === this.buf.length) {
      const b = new Int32Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.n++] = v;
  }

  /** Removes and returns the top; -1 when empty. */
  pop(): number {
    return this.n === 0 ? -1 : this.buf[--this.n];
  }

  /** Removes `v` wherever it is (rare: a sleeping thread that times out). */
  remove(v: number): boolean {
    for (let i = this.n - 1; i >= 0; i--) {
      if (this.buf[i] === v) {
        this.buf.copyWithin(i, i + 1, this.n);
        this.n--;
        return true;
      }
    }
    return false;
  }
}
