import { growInt32, growUint8 } from '../engine/grow.js';
import { DOUBLE_ZERO } from '../engine/double-zero.js';

/**
 * The cache refill a thread pays when it gets a core back: the part of its working set that the
 * threads which ran on that core since its last turn have evicted. This is the cost that grows
 * with the number of threads taking turns on a core (direct switch cost aside): 16 threads that
 * fit in the core's cache together switch almost for free, 64 do not. A pool keeps few threads
 * running, so it avoids the cost; one thread per connection pays it on every statement.
 *
 * Model: each thread touches a working set of the same size; the core's cache holds `capacity`
 * working sets, `associativity`-way set-associative with LRU in each set. After d other threads
 * ran on the core (d distinct threads: the reuse distance of the LRU stack of threads per core),
 * the foreign lines that land in one set are Poisson with mean lambda = d * associativity /
 * capacity, and a line of the returning thread is gone when `associativity` or more foreign lines
 * landed in its set. So the evicted fraction is P(Poisson(lambda) >= associativity), and the
 * refill costs that fraction of `refillUs` (the time to reload a whole working set). A thread
 * that never ran on this core reloads it all. Each core's cache is its own (private L2): turns on
 * other cores neither evict nor warm it.
 *
 * The reuse distance is exact: each core keeps the threads that ran on it in an intrusive doubly
 * linked list in order of their last turn there (most recent first); a switch-in walks it to the thread; the
 * walk stops where the evicted fraction is 1 to double precision, so it is bounded whatever the
 * number of threads.
 */
export interface CacheRefillParams {
  /** Time to reload a thread's whole working set, µs. */
  refillUs: number;
  /** How many working sets the core's cache holds. */
  capacity: number;
  /** Ways per cache set. */
  associativity: number;
}

export class CacheRefill {
  /** Evicted fraction for reuse distance d (index d), up to the walk's bound. */
  private readonly evicted: Float64Array;
  private readonly head: Int32Array;
  // One list per core, a thread in each core's list it ever ran on: links at [thread * cores + core].
  private next: Int32Array<ArrayBuffer>;
  private prev: Int32Array<ArrayBuffer>;
  private inList: Uint8Array<ArrayBuffer>;

  /** Switch-ins and refill time charged since the last reset (statistics). */
  switchIns = 0;
  refillUs = DOUBLE_ZERO;
  /** Switch-ins of a thread that never ran on that core (its whole working set reloaded). */
  coldSwitchIns = 0;

  constructor(
    private readonly cores: number,
    private readonly params: CacheRefillParams,
  ) {
    this.head = new Int32Array(cores).fill(-1);
    this.next = new Int32Array(64 * cores).fill(-1);
    this.prev = new Int32Array(64 * cores).fill(-1);
    this.inList = new Uint8Array(64 * cores);
    this.evicted = evictedTable(params.capacity, params.associativity);
  }

  /** The refill time, µs, of thread t switching in on core c; moves t to the front of c's list. */
  switchIn(c: number, t: number): number {
    const k = this.cores;
    if ((t + 1) * k > this.next.length) this.grow((t + 1) * k);
    let fraction = 1;
    if (this.inList[t * k + c] === 1) {
      // The distinct threads that ran on c since t's last turn there: those ahead of it in c's list.
      const bound = this.evicted.length;
      let d = 0;
      let u = this.head[c];
      while (u !== t && d < bound) {
        u = this.next[u * k + c];
        d++;
      }
      if (d < bound) fraction = this.evicted[d];
      if (d > 0) {
        this.unlink(c, t);
        this.pushFront(c, t);
      }
    } else {
      this.coldSwitchIns++;
      this.pushFront(c, t);
    }
    const us = fraction * this.params.refillUs;
    this.switchIns++;
    this.refillUs += us;
    return us;
  }

  resetStatistics(): void {
    this.switchIns = 0;
    this.refillUs = 0;
    this.coldSwitchIns = 0;
  }

  /** Evicted fraction at reuse distance d (tests, docs). */
  evictedFraction(d: number): number {
    return d < this.evicted.length ? this.evicted[d] : 1;
  }

  private pushFront(c: number, t: number): void {
    const k = this.cores;
    const h = this.head[c];
    this.next[t * k + c] = h;
    this.prev[t * k + c] = -1;
    if (h >= 0) this.prev[h * k + c] = t;
    this.head[c] = t;
    this.inList[t * k + c] = 1;
  }

  private unlink(c: number, t: number): void {
    const k = this.cores;
    const p = this.prev[t * k + c];
    const n = this.next[t * k + c];
    if (p >= 0) this.next[p * k + c] = n;
    else this.head[c] = n;
    if (n >= 0) this.prev[n * k + c] = p;
    this.inList[t * k + c] = 0;
  }

  private grow(need: number): void {
    this.next = growInt32(this.next, need, -1);
    this.prev = growInt32(this.prev, need, -1);
    this.inList = growUint8(this.inList, need);
  }
}

/** P(Poisson(d * a / capacity) >= a) for d = 0, 1, ... until it is 1 to double precision (at most 65,536 entries). */
export function evictedTable(capacity: number, associativity: number): Float64Array {
  const values: number[] = [];
  for (let d = 0; d < 65_536; d++) {
    const p = poissonAtLeast((d * associativity) / capacity, associativity);
    if (p >= 1) break;
    values.push(p);
  }
  return Float64Array.from(values);
}

/** P(X >= k) for X ~ Poisson(lambda), from the lower terms (k is a small integer). */
export function poissonAtLeast(lambda: number, k: number): number {
  if (lambda <= 0) return 0;
  let term = Math.exp(-lambda);
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += term;
    term *= lambda / (i + 1);
  }
  return below >= 1 ? 0 : 1 - below;
}
