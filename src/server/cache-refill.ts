import { growFloat64, growInt32, growUint8 } from '../engine/grow.js';
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
 *
 * Optional second level (`shared`): the last-level cache that all the cores share. The private
 * refill above then reloads from it, at `refillUs` for a whole working set; what it has lost too
 * comes from memory, at `shared.refillUs`. Its evicted fraction follows the same law with its own
 * capacity, over the distinct threads that ran on any core since the thread's last turn on any
 * core (one more list, across the cores). A switch-in pays fp * refill + min(fs, fp) * (memory
 * refill - refill): the lines the core lost, from the shared cache, and of those the ones the
 * shared cache lost too, from memory. A thread that moved to another core reloads its whole
 * working set, but from the shared cache if that still holds it. With one level the cost is
 * spent by some tens of threads; a shared level lets it grow again past them, as a real server's
 * did with uniform keys (docs/VALIDATION.md, 2026-12-03; its hot-key runs it does not explain).
 *
 * Optional window (`windowUs`): the distance a switch-in is charged by is then at least the number
 * of other threads that ran on that core (for the shared level: on any core) in the last
 * `windowUs`, not only those since the thread's own last turn. An LRU cache charges a thread only
 * for what ran since its turn, so a few threads taking turns stay warm however many others are
 * woken now and then; the window charges every switch for all the threads active around it, as
 * this machine's switches were (docs/VALIDATION.md, 2026-12-03, fourth session: 11 threads taking
 * turns got dearer per pass as the threads woken once in 20 passes went from 64 to 1,024, and the
 * server's switches got dearer with hot keys while 11 of 256 threads took turns). [inferred: the
 * window's length is a fitted figure, not a property read from the hardware.] The count is kept
 * exactly: each list is in order of last turn, so the threads in the window are a prefix of it,
 * whose end moves forward as time passes and back as threads return.
 */
export interface CacheRefillParams {
  /** Time to reload a thread's whole working set, µs. */
  refillUs: number;
  /** How many working sets the core's cache holds. */
  capacity: number;
  /** Ways per cache set. */
  associativity: number;
  /** Charge at least the other threads that ran in this many µs (per core; any core for the shared level); absent: reuse distance only. */
  windowUs?: number;
  /** The last-level cache the cores share; absent: one level. */
  shared?: {
    /** Time to reload a thread's whole working set from memory, µs (at least refillUs). */
    refillUs: number;
    /** How many working sets the shared cache holds. */
    capacity: number;
    /** Ways per set of the shared cache. */
    associativity: number;
  };
}

export class CacheRefill {
  /** Evicted fraction for reuse distance d (index d), up to the walk's bound. */
  private readonly evicted: Float64Array;
  /** The same for the shared cache (empty with one level). */
  private readonly evictedShared: Float64Array;
  /** Lists: one per core, and with a shared level one more (index cores) across all cores. */
  private readonly lists: number;
  private readonly head: Int32Array;
  // A thread in each list it was ever in: links at [thread * lists + list].
  private next: Int32Array<ArrayBuffer>;
  private prev: Int32Array<ArrayBuffer>;
  private inList: Uint8Array<ArrayBuffer>;
  // The window: each thread's last switch-in time per list, and per list the threads whose last
  // turn is inside the window (a prefix of the list) and the oldest of them (-1: none).
  private lastAt: Float64Array<ArrayBuffer>;
  private readonly inWindow: Int32Array;
  private readonly oldest: Int32Array;
  private readonly windowUs: number;

  /** Switch-ins and refill time charged since the last reset (statistics). */
  switchIns = 0;
  refillUs = DOUBLE_ZERO;
  /** The part of refillUs reloaded from memory (shared level only). */
  memoryUs = DOUBLE_ZERO;
  /** Switch-ins of a thread that never ran on that core (its whole working set reloaded). */
  coldSwitchIns = 0;
  /** With a window: the other threads in the core's window, summed over switch-ins (a double from the start: the sum passes 2^31 in long runs). */
  windowThreads = DOUBLE_ZERO;

  constructor(
    private readonly cores: number,
    private readonly params: CacheRefillParams,
  ) {
    const sh = params.shared;
    this.lists = sh === undefined ? cores : cores + 1;
    this.head = new Int32Array(this.lists).fill(-1);
    this.next = new Int32Array(64 * this.lists).fill(-1);
    this.prev = new Int32Array(64 * this.lists).fill(-1);
    this.inList = new Uint8Array(64 * this.lists);
    this.windowUs = params.windowUs ?? -1;
    this.lastAt = new Float64Array(this.windowUs >= 0 ? 64 * this.lists : 0);
    this.inWindow = new Int32Array(this.lists);
    this.oldest = new Int32Array(this.lists).fill(-1);
    this.evicted = evictedTable(params.capacity, params.associativity);
    this.evictedShared = sh === undefined ? new Float64Array(0) : evictedTable(sh.capacity, sh.associativity);
  }

  /** The refill time, µs, of thread t switching in on core c at time now; moves t to the front of c's list. */
  switchIn(c: number, t: number, now: number): number {
    if ((t + 1) * this.lists > this.next.length) this.grow((t + 1) * this.lists);
    const dp = this.touch(c, t, this.evicted.length, now);
    if (dp < 0) this.coldSwitchIns++;
    const fp = dp >= 0 && dp < this.evicted.length ? this.evicted[dp] : 1;
    let us = fp * this.params.refillUs;
    const sh = this.params.shared;
    if (sh !== undefined) {
      const ds = this.touch(this.cores, t, this.evictedShared.length, now);
      const fs = ds >= 0 && ds < this.evictedShared.length ? this.evictedShared[ds] : 1;
      const fromMemory = (fs < fp ? fs : fp) * (sh.refillUs - this.params.refillUs);
      this.memoryUs += fromMemory;
      us += fromMemory;
    }
    this.switchIns++;
    this.refillUs += us;
    return us;
  }

  /**
   * The reuse distance of thread t in list `l`: the distinct threads ahead of it, counted up to
   * `bound` (the evicted fraction is 1 from there), or -1 if t was not in the list. Moves t to the
   * list's front.
   */
  private touch(l: number, t: number, bound: number, now: number): number {
    if (this.windowUs >= 0) return this.touchWindowed(l, t, bound, now);
    const k = this.lists;
    if (this.inList[t * k + l] === 0) {
      this.pushFront(l, t);
      return -1;
    }
    const d = this.distance(l, t, bound);
    if (d > 0) {
      this.unlink(l, t);
      this.pushFront(l, t);
    }
    return d;
  }

  /** Distinct threads ahead of t in list l, counted up to `bound`. */
  private distance(l: number, t: number, bound: number): number {
    const k = this.lists;
    let d = 0;
    let u = this.head[l];
    while (u !== t && d < bound) {
      u = this.next[u * k + l];
      d++;
    }
    return d;
  }

  /** touch() with a window: the distance is at least the other threads that ran in it. */
  private touchWindowed(l: number, t: number, bound: number, now: number): number {
    const k = this.lists;
    const i = t * k + l;
    const from = now - this.windowUs;
    // Threads whose last turn fell out of the window leave its end (the list's older side).
    let o = this.oldest[l];
    while (o >= 0 && this.lastAt[o * k + l] < from) {
      this.inWindow[l]--;
      o = this.prev[o * k + l];
    }
    this.oldest[l] = o;
    const known = this.inList[i] === 1;
    const inside = known && this.lastAt[i] >= from;
    const others = this.inWindow[l] - (inside ? 1 : 0);
    if (l < this.cores) this.windowThreads += others;
    // Inside the window every thread ahead of t in the list is in it too, so the window's count
    // is the larger; outside it, all the window's threads are ahead of t, so the walk's is.
    let d = -1;
    if (known) d = inside ? Math.min(others, bound) : this.distance(l, t, bound);
    if (inside) {
      // t stays in the window; if it was its oldest, the next newer thread is now.
      if (this.oldest[l] === t) this.oldest[l] = this.prev[i];
    } else {
      this.inWindow[l]++;
    }
    if (this.head[l] !== t) {
      if (known) this.unlink(l, t);
      this.pushFront(l, t);
    }
    if (this.oldest[l] < 0) this.oldest[l] = t;
    this.lastAt[i] = now;
    return d;
  }

  resetStatistics(): void {
    this.switchIns = 0;
    this.refillUs = 0;
    this.memoryUs = 0;
    this.coldSwitchIns = 0;
    this.windowThreads = 0;
  }

  /** Whether a window is set. */
  get hasWindow(): boolean {
    return this.windowUs >= 0;
  }

  /** Whether a shared last-level cache is modelled. */
  get hasShared(): boolean {
    return this.params.shared !== undefined;
  }

  /** Evicted fraction at reuse distance d (tests, docs). */
  evictedFraction(d: number): number {
    return d < this.evicted.length ? this.evicted[d] : 1;
  }

  private pushFront(c: number, t: number): void {
    const k = this.lists;
    const h = this.head[c];
    this.next[t * k + c] = h;
    this.prev[t * k + c] = -1;
    if (h >= 0) this.prev[h * k + c] = t;
    this.head[c] = t;
    this.inList[t * k + c] = 1;
  }

  private unlink(c: number, t: number): void {
    const k = this.lists;
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
    if (this.windowUs >= 0) this.lastAt = growFloat64(this.lastAt, need);
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
