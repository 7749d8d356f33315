import { growInt32 } from '../engine/grow.js';
import { DOUBLE_ZERO } from '../engine/double-zero.js';

/**
 * EEVDF's run queue: entities (thread ids) ordered by (vruntime, sequence), each subtree
 * remembering its entity with the earliest (deadline, sequence), as Linux augments its rbtree
 * with min_deadline. "The eligible entity (vruntime <= V) with the earliest deadline" is then one
 * walk from the root, O(log n), where a scan of the queue was O(n). Also keeps the sum of the
 * queued vruntimes, so the mean over the runnable threads needs no scan either.
 *
 * A treap: the node of a thread is its id; priorities are a fixed hash of the id, so the shape,
 * and everything read from it, depends only on the operations made (deterministic). An entity's
 * keys must not change while it is in the tree (queued threads do not run).
 */
export class EligibleTree {
  private left = new Int32Array(64).fill(-1);
  private right = new Int32Array(64).fill(-1);
  /** Subtree's entity with the earliest (deadline, seq). */
  private best = new Int32Array(64).fill(-1);
  private prio = new Int32Array(64);
  private root = -1;
  private n = 0;
  // Split results (the recursion's two outputs).
  private sl = -1;
  private sr = -1;
  // Sum of queued vruntimes, compensated (Neumaier): V is compared with vruntimes for eligibility.
  private sum = DOUBLE_ZERO;
  private comp = DOUBLE_ZERO;

  constructor(
    /** Keys, owned by the scheduler and read here: vruntime, deadline, queueing sequence. */
    private v: Float64Array,
    private d: Float64Array,
    private seq: Float64Array,
  ) {
    this.setPrio(0);
  }

  /** The scheduler grew its per-thread arrays: read the new ones, and grow the tree's. */
  rebind(v: Float64Array, d: Float64Array, seq: Float64Array, need: number): void {
    this.v = v;
    this.d = d;
    this.seq = seq;
    if (need <= this.left.length) return;
    const old = this.left.length;
    this.left = growInt32(this.left, need, -1);
    this.right = growInt32(this.right, need, -1);
    this.best = growInt32(this.best, need, -1);
    this.prio = growInt32(this.prio, need);
    this.setPrio(old);
  }

  get size(): number {
    return this.n;
  }

  /** Sum of the queued entities' vruntimes. */
  sumV(): number {
    return this.sum + this.comp;
  }

  insert(t: number): void {
    this.left[t] = -1;
    this.right[t] = -1;
    this.best[t] = t;
    this.root = this.ins(this.root, t);
    this.n++;
    this.add(this.v[t]);
  }

  remove(t: number): void {
    this.root = this.rem(this.root, t);
    this.n--;
    if (this.n === 0) {
      // Exact again whenever the queue empties.
      this.sum = 0;
      this.comp = 0;
    } else this.add(-this.v[t]);
  }

  /** The entity with v <= V and the earliest (deadline, seq); -1 if none. */
  pickEligible(V: number): number {
    let found = -1;
    let x = this.root;
    while (x >= 0) {
      if (this.v[x] <= V) {
        // x and its whole left subtree are eligible.
        const l = this.left[x];
        if (l >= 0) found = this.earlier(found, this.best[l]);
        found = this.earlier(found, x);
        x = this.right[x];
      } else x = this.left[x];
    }
    return found;
  }

  /** The entity with the smallest (vruntime, seq); -1 if empty. */
  leftmost(): number {
    let x = this.root;
    if (x < 0) return -1;
    while (this.left[x] >= 0) x = this.left[x];
    return x;
  }

  // ---- treap ---------------------------------------------------------------------------------

  private setPrio(from: number): void {
    for (let t = from; t < this.prio.length; t++) {
      // A fixed hash of the id (murmur3's finaliser): uncorrelated with the keys.
      let h = Math.imul(t ^ 0x9e3779b9, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      this.prio[t] = h ^ (h >>> 16);
    }
  }

  private add(x: number): void {
    const s = this.sum + x;
    this.comp += Math.abs(this.sum) >= Math.abs(x) ? this.sum - s + x : x - s + this.sum;
    this.sum = s;
  }

  /** a before b in (vruntime, seq) order. */
  private keyBefore(a: number, b: number): boolean {
    return this.v[a] < this.v[b] || (this.v[a] === this.v[b] && this.seq[a] < this.seq[b]);
  }

  /** Of two entities (or -1), the one with the earlier (deadline, seq). */
  private earlier(a: number, b: number): number {
    if (a < 0) return b;
    if (b < 0) return a;
    return this.d[b] < this.d[a] || (this.d[b] === this.d[a] && this.seq[b] < this.seq[a]) ? b : a;
  }

  private pull(x: number): void {
    let b = x;
    const l = this.left[x];
    const r = this.right[x];
    if (l >= 0) b = this.earlier(b, this.best[l]);
    if (r >= 0) b = this.earlier(b, this.best[r]);
    this.best[x] = b;
  }

  private ins(x: number, t: number): number {
    if (x < 0) return t;
    if (this.prio[t] > this.prio[x]) {
      this.split(x, t);
      this.left[t] = this.sl;
      this.right[t] = this.sr;
      this.pull(t);
      return t;
    }
    if (this.keyBefore(t, x)) this.left[x] = this.ins(this.left[x], t);
    else this.right[x] = this.ins(this.right[x], t);
    this.pull(x);
    return x;
  }

  /** Splits subtree x into keys before t (sl) and after it (sr). */
  private split(x: number, t: number): void {
    if (x < 0) {
      this.sl = -1;
      this.sr = -1;
      return;
    }
    if (this.keyBefore(x, t)) {
      this.split(this.right[x], t);
      this.right[x] = this.sl;
      this.pull(x);
      this.sl = x;
    } else {
      this.split(this.left[x], t);
      this.left[x] = this.sr;
      this.pull(x);
      this.sr = x;
    }
  }

  private rem(x: number, t: number): number {
    if (x === t) return this.merge(this.left[t], this.right[t]);
    if (this.keyBefore(t, x)) this.left[x] = this.rem(this.left[x], t);
    else this.right[x] = this.rem(this.right[x], t);
    this.pull(x);
    return x;
  }

  /** Joins a and b, every key of a before every key of b. */
  private merge(a: number, b: number): number {
    if (a < 0) return b;
    if (b < 0) return a;
    if (this.prio[a] > this.prio[b]) {
      this.right[a] = this.merge(this.right[a], b);
      this.pull(a);
      return a;
    }
    this.left[b] = this.merge(a, this.left[b]);
    this.pull(b);
    return b;
  }
}
