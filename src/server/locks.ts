import { growInt32, growUint8 } from '../engine/grow.js';

/**
 * Row locks: strict two-phase locking over integer row ids, InnoDB-like.
 *
 * Rules chosen (documented in docs/ARCHITECTURE.md, "Server waits"):
 * - Two modes, shared (S) and exclusive (X); S is compatible with S only. Locks of the same
 *   transaction never conflict with each other (an S holder asking for X adds an X request).
 * - Each row has one queue of requests in arrival order. A request is granted when it conflicts
 *   with no request of another transaction *ahead of it*, granted or waiting (pre-8.0.20 InnoDB,
 *   FIFO: a new S waits behind a waiting X). When a request leaves the queue, the waiting ones are
 *   re-examined in queue order. CATS (8.0.20+, grant by transaction weight) is not modelled.
 * - Deadlock detection runs on the wait-for graph when a request starts waiting; the requester is
 *   the victim (InnoDB rolls back the lighter transaction, which is often the requester).
 *
 * No allocation per operation: requests and rows are records in typed arrays with free lists; a
 * Map from row id to row record is the only object, and its entries are reused.
 */

/** Told when a waiting request has been granted. Must not call back into the lock table. */
export interface LockListener {
  onLockGranted(trx: number): void;
  /**
   * The wait-chain detector chose this waiting transaction, not the requester, as a deadlock
   * victim: its waiting request is already withdrawn; its thread must roll it back (releaseAll).
   */
  onLockVictim?(trx: number): void;
}

/** The deadlock detectors: a search of the whole wait-for graph, or MariaDB 10.6+'s wait chain. */
export const DETECT_GRAPH = 0;
export const DETECT_WAIT_CHAIN = 1;

export const LOCK_GRANTED = 0;
export const LOCK_WAIT = 1;
export const LOCK_DEADLOCK = 2;

export class LockTable {
  // Request records: owner, row record, mode, state, next in the row queue, next of the owner.
  private rqTrx = new Int32Array(256);
  private rqRow = new Int32Array(256);
  private rqExcl = new Uint8Array(256);
  private rqGranted = new Uint8Array(256);
  private rqNext = new Int32Array(256);
  private rqTrxNext = new Int32Array(256);
  private rqCount = 0;
  private rqFree = -1;

  // Row records: row id, queue head and tail.
  private readonly rowOf = new Map<number, number>();
  private rowId = new Int32Array(64);
  private rowHead = new Int32Array(64);
  private rowTail = new Int32Array(64);
  private rowCount = 0;
  private rowFree = -1;

  // Transactions (one per connection): their requests (newest first) and the one they wait on.
  private readonly trxHead: Int32Array;
  private readonly trxWait: Int32Array;

  // Deadlock search.
  private readonly stack: Int32Array;
  private readonly seen: Int32Array;
  private epoch = 0;

  /** Requests that had to wait, and deadlocks found, since the start. */
  waits = 0;
  deadlocks = 0;
  /** Queue entries the last deadlock search examined (0 when none ran). */
  lastSearchSteps = 0;

  // Wait-chain detector (MariaDB 10.6+ lock0lock.cc): each waiter's one edge (trx->lock.wait_trx),
  // the path walked, and the blockers to check after a release (Deadlock::to_check).
  private readonly waitTrx: Int32Array;
  private readonly path: Int32Array;
  private readonly toCheck: Int32Array;
  private readonly queued: Uint8Array;
  private nToCheck = 0;
  /** The transaction inside acquire(): a grant to it is returned, not told to the listener. */
  private acquiring = -1;

  constructor(
    transactions: number,
    private readonly listener: LockListener,
    readonly deadlockDetect = true,
    readonly detector = DETECT_GRAPH,
  ) {
    this.trxHead = new Int32Array(transactions).fill(-1);
    this.trxWait = new Int32Array(transactions).fill(-1);
    this.stack = new Int32Array(transactions);
    this.seen = new Int32Array(transactions);
    const chain = detector === DETECT_WAIT_CHAIN ? transactions : 0;
    this.waitTrx = new Int32Array(chain).fill(-1);
    this.path = new Int32Array(chain + 1);
    this.toCheck = new Int32Array(chain);
    this.queued = new Uint8Array(chain);
  }

  /**
   * Transaction `trx` asks for a lock on `row`. Returns LOCK_GRANTED, LOCK_WAIT (the listener is
   * told when it is granted) or LOCK_DEADLOCK (the request would close a cycle: it is withdrawn at
   * once, and the caller rolls the transaction back with releaseAll).
   */
  acquire(trx: number, row: number, exclusive: boolean): number {
    let slot = this.rowOf.get(row);
    if (slot === undefined) {
      slot = this.newRow(row);
      this.rowOf.set(row, slot);
    }
    const ex = exclusive ? 1 : 0;
    let conflict = false;
    let first = -1;
    for (let q = this.rowHead[slot]; q >= 0; q = this.rqNext[q]) {
      if (this.rqTrx[q] === trx) {
        // Already held at least as strongly: nothing to do.
        if (this.rqGranted[q] === 1 && this.rqExcl[q] >= ex) return LOCK_GRANTED;
      } else if (ex === 1 || this.rqExcl[q] === 1) {
        if (!conflict) first = this.rqTrx[q];
        conflict = true;
      }
    }
    // A holder of S asking for X must still find no other S holder: checked above (conflict).
    const r = this.newRequest(trx, slot, ex);
    if (!conflict) {
      this.rqGranted[r] = 1;
      return LOCK_GRANTED;
    }
    this.waits++;
    this.trxWait[trx] = r;
    this.lastSearchSteps = 0;
    if (this.detector === DETECT_WAIT_CHAIN) return this.waitOnChain(trx, r, first);
    if (this.deadlockDetect && this.closesCycle(trx)) {
      this.deadlocks++;
      // 5.5's lock_rec_enqueue_waiting resets the victim's lock before it returns DB_DEADLOCK:
      // never granted, and blocking nobody, while the victim's thread goes on to its rollback.
      this.withdraw(trx, r);
      return LOCK_DEADLOCK;
    }
    return LOCK_WAIT;
  }

  /**
   * MariaDB 10.6+: lock_rec_create_low sets wait_trx to the first conflicting lock's owner, and
   * lock_wait's Deadlock::check_and_resolve follows the chain once before the thread sleeps.
   */
  private waitOnChain(trx: number, r: number, first: number): number {
    this.waitTrx[trx] = first;
    if (!this.deadlockDetect) return LOCK_WAIT;
    const victim = this.chainVictim(trx);
    if (victim < 0) return LOCK_WAIT;
    this.deadlocks++;
    if (victim === trx) {
      this.withdraw(trx, r);
      return LOCK_DEADLOCK;
    }
    // Another victim: its wait is cancelled (lock_cancel_waiting_and_release), which may grant trx.
    this.acquiring = trx;
    this.cancelVictim(victim);
    this.acquiring = -1;
    return this.trxWait[trx] < 0 ? LOCK_GRANTED : LOCK_WAIT;
  }

  /**
   * Deadlock::find_cycle then report: follows wait_trx from `start`; on a cycle (the path may lead
   * into one that does not hold start, a P shape), the victim is the cycle's lightest transaction
   * (TRX_WEIGHT: undo records plus locks [inferred: rows locked exclusively stand for the undo
   * records]), start on a tie if start is in it. -1: no cycle.
   */
  private chainVictim(start: number): number {
    const epoch = ++this.epoch;
    const seen = this.seen;
    let n = 0;
    let x = start;
    while (x >= 0 && seen[x] !== epoch) {
      seen[x] = epoch;
      this.path[n++] = x;
      this.lastSearchSteps++;
      x = this.waitTrx[x];
    }
    if (x < 0) return -1;
    // The cycle is the path from x's first appearance on.
    let i = 0;
    while (this.path[i] !== x) i++;
    let victim = -1;
    let best = Infinity;
    let startWeight = -1;
    for (let k = i; k < n; k++) {
      const t = this.path[k];
      const w = this.weight(t);
      if (t === start) startWeight = w;
      if (w < best) {
        best = w;
        victim = t;
      }
    }
    return startWeight === best ? start : victim;
  }

  /** TRX_WEIGHT: the transaction's lock requests plus its exclusive grants (its rows written). */
  private weight(trx: number): number {
    let w = 0;
    for (let r = this.trxHead[trx]; r >= 0; r = this.rqTrxNext[r]) w += 1 + (this.rqGranted[r] === 1 ? this.rqExcl[r] : 0);
    return w;
  }

  /** A waiting transaction chosen as victim: its request leaves the queue and its thread is told. */
  private cancelVictim(victim: number): void {
    this.withdraw(victim, this.trxWait[victim]);
    this.listener.onLockVictim?.(victim);
  }

  /** lock_sys.deadlock_check after a release: each re-pointed blocker that itself waits. */
  private checkQueued(): void {
    while (this.nToCheck > 0) {
      const c = this.toCheck[--this.nToCheck];
      this.queued[c] = 0;
      if (this.trxWait[c] < 0) continue;
      const victim = this.chainVictim(c);
      if (victim < 0) continue;
      this.deadlocks++;
      this.cancelVictim(victim);
    }
  }

  /** Withdraws the transaction's waiting request `r` (its newest, unless it waits on a second row). */
  private withdraw(trx: number, r: number): void {
    this.trxWait[trx] = -1;
    if (this.detector === DETECT_WAIT_CHAIN) this.waitTrx[trx] = -1;
    if (this.trxHead[trx] === r) this.trxHead[trx] = this.rqTrxNext[r];
    else {
      let p = this.trxHead[trx];
      while (this.rqTrxNext[p] !== r) p = this.rqTrxNext[p];
      this.rqTrxNext[p] = this.rqTrxNext[r];
    }
    this.drop(r);
  }

  /** True if the transaction waits for a lock. */
  isWaiting(trx: number): boolean {
    return this.trxWait[trx] >= 0;
  }

  /** Number of locks (granted or waiting) the transaction has. */
  lockCount(trx: number): number {
    let n = 0;
    for (let r = this.trxHead[trx]; r >= 0; r = this.rqTrxNext[r]) n++;
    return n;
  }

  /**
   * COMMIT or ROLLBACK: drops every request of the transaction, granted or waiting, and grants
   * what that unblocks (the listener is told, in queue order per row).
   */
  releaseAll(trx: number): void {
    let r = this.trxHead[trx];
    this.trxHead[trx] = -1;
    this.trxWait[trx] = -1;
    if (this.detector === DETECT_WAIT_CHAIN) this.waitTrx[trx] = -1;
    while (r >= 0) {
      const next = this.rqTrxNext[r];
      this.drop(r);
      r = next;
    }
    // lock_release: Deadlock::to_check is looked at once the transaction's locks are all gone.
    if (this.nToCheck > 0) this.checkQueued();
  }

  /** Takes a request out of its row's queue and grants what it blocked. */
  private drop(r: number): void {
    const slot = this.rqRow[r];
    this.unlinkFromRow(slot, r);
    this.freeRequest(r);
    if (this.rowHead[slot] < 0) this.freeRow(slot);
    else this.grantWaiting(slot);
  }

  /** Rows with a queue at the moment (for tests and checks). */
  get activeRows(): number {
    return this.rowOf.size;
  }

  private grantWaiting(slot: number): void {
    for (let r = this.rowHead[slot]; r >= 0; r = this.rqNext[r]) {
      if (this.rqGranted[r] === 1) continue;
      const trx = this.rqTrx[r];
      const ex = this.rqExcl[r];
      let blocker = -1;
      for (let q = this.rowHead[slot]; q !== r; q = this.rqNext[q]) {
        if (this.rqTrx[q] !== trx && (ex === 1 || this.rqExcl[q] === 1)) {
          blocker = this.rqTrx[q];
          break;
        }
      }
      if (blocker >= 0) {
        // lock_rec_dequeue_from_page: the waiter now waits for the first conflicting lock; if
        // that one's owner waits too, it is queued for a deadlock check [simplification: InnoDB
        // re-examines every waiting lock on the page, here the row's].
        if (this.detector === DETECT_WAIT_CHAIN) {
          this.waitTrx[trx] = blocker;
          if (this.deadlockDetect && this.trxWait[blocker] >= 0 && this.queued[blocker] === 0) {
            this.queued[blocker] = 1;
            this.toCheck[this.nToCheck++] = blocker;
          }
        }
        continue;
      }
      this.rqGranted[r] = 1;
      this.trxWait[trx] = -1;
      if (this.detector === DETECT_WAIT_CHAIN) this.waitTrx[trx] = -1;
      if (trx !== this.acquiring) this.listener.onLockGranted(trx);
    }
  }

  /**
   * Depth-first search of the wait-for graph from `start` (just made to wait): true if it reaches
   * `start` again. A waiting request is blocked by the conflicting requests of other
   * transactions ahead of it in its row queue. Linear in the queue lengths: a waiter ahead in
   * the same queue whose own blockers were all pushed already is marked but not expanded.
   */
  private closesCycle(start: number): boolean {
    const epoch = ++this.epoch;
    const seen = this.seen;
    const stack = this.stack;
    let sp = 0;
    stack[sp++] = start;
    seen[start] = epoch;
    while (sp > 0) {
      const x = stack[--sp];
      const rw = this.trxWait[x];
      if (rw < 0) continue;
      const ex = this.rqExcl[rw];
      // Strongest mode of x's own requests seen so far in this queue (-1: none).
      let own = -1;
      for (let q = this.rowHead[this.rqRow[rw]]; q !== rw; q = this.rqNext[q]) {
        this.lastSearchSteps++;
        const b = this.rqTrx[q];
        if (b === x) {
          if (this.rqExcl[q] > own) own = this.rqExcl[q];
          continue;
        }
        if (ex === 0 && this.rqExcl[q] === 0) continue;
        if (b === start) return true;
        const waitsHere = this.trxWait[b] === q;
        // b waits here behind a conflicting request of start (an upgrade: start holds S, asks X).
        if (x === start && waitsHere && own >= 0 && (own === 1 || this.rqExcl[q] === 1)) return true;
        if (seen[b] === epoch) continue;
        seen[b] = epoch;
        // q waits in this queue and its blockers are among what this scan pushes, unless q is X
        // and rw is S (then the S requests ahead of q are blockers of q we did not push).
        if (waitsHere && (ex === 1 || this.rqExcl[q] === 0)) continue;
        stack[sp++] = b;
      }
    }
    return false;
  }

  private newRequest(trx: number, slot: number, ex: number): number {
    let r = this.rqFree;
    if (r >= 0) {
      this.rqFree = this.rqNext[r];
    } else {
      r = this.rqCount++;
      if (r >= this.rqTrx.length) this.growRequests(r + 1);
    }
    this.rqTrx[r] = trx;
    this.rqRow[r] = slot;
    this.rqExcl[r] = ex;
    this.rqGranted[r] = 0;
    this.rqNext[r] = -1;
    // Append to the row queue.
    if (this.rowHead[slot] < 0) this.rowHead[slot] = r;
    else this.rqNext[this.rowTail[slot]] = r;
    this.rowTail[slot] = r;
    // Newest first in the owner's list.
    this.rqTrxNext[r] = this.trxHead[trx];
    this.trxHead[trx] = r;
    return r;
  }

  private freeRequest(r: number): void {
    this.rqNext[r] = this.rqFree;
    this.rqFree = r;
  }

  private unlinkFromRow(slot: number, r: number): void {
    let prev = -1;
    let q = this.rowHead[slot];
    while (q !== r) {
      prev = q;
      q = this.rqNext[q];
    }
    const next = this.rqNext[r];
    if (prev < 0) this.rowHead[slot] = next;
    else this.rqNext[prev] = next;
    if (this.rowTail[slot] === r) this.rowTail[slot] = prev;
  }

  private newRow(row: number): number {
    let s = this.rowFree;
    if (s >= 0) {
      this.rowFree = this.rowHead[s];
    } else {
      s = this.rowCount++;
      if (s >= this.rowId.length) {
        this.rowId = growInt32(this.rowId, s + 1);
        this.rowHead = growInt32(this.rowHead, s + 1);
        this.rowTail = growInt32(this.rowTail, s + 1);
      }
    }
    this.rowId[s] = row;
    this.rowHead[s] = -1;
    this.rowTail[s] = -1;
    return s;
  }

  private freeRow(s: number): void {
    this.rowOf.delete(this.rowId[s]);
    this.rowHead[s] = this.rowFree;
    this.rowFree = s;
  }

  private growRequests(need: number): void {
    this.rqTrx = growInt32(this.rqTrx, need);
    this.rqRow = growInt32(this.rqRow, need);
    this.rqExcl = growUint8(this.rqExcl, need);
    this.rqGranted = growUint8(this.rqGranted, need);
    this.rqNext = growInt32(this.rqNext, need);
    this.rqTrxNext = growInt32(this.rqTrxNext, need);
  }
}

/**
 * Draws row keys 0..rows-1 from one uniform each (common random numbers: a fixed count of
 * uniforms per statement whatever the distribution).
 */
export interface KeySampler {
  readonly rows: number;
  key(u: number): number;
  /** P(key = k), for tests. */
  probability(k: number): number;
}

export class UniformKeys implements KeySampler {
  constructor(readonly rows: number) {}
  key(u: number): number {
    const k = Math.floor(u * this.rows);
    return k < this.rows ? k : this.rows - 1;
  }
  probability(): number {
    return 1 / this.rows;
  }
}

/** Inverse CDF on an exact table: the smallest index whose cumulative probability exceeds u (the last one holds 1). */
function firstAbove(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Zipf over ranks 0..rows-1 (rank r with weight 1/(r+1)^theta), by inverse CDF on an exact table. */
export class ZipfKeys implements KeySampler {
  private readonly cdf: Float64Array;
  constructor(
    readonly rows: number,
    readonly theta: number,
  ) {
    this.cdf = new Float64Array(rows);
    let acc = 0;
    for (let r = 0; r < rows; r++) {
      acc += 1 / Math.pow(r + 1, theta);
      this.cdf[r] = acc;
    }
    for (let r = 0; r < rows; r++) this.cdf[r] /= acc;
    this.cdf[rows - 1] = 1;
  }
  key(u: number): number {
    return firstAbove(this.cdf, u);
  }
  probability(k: number): number {
    return k === 0 ? this.cdf[0] : this.cdf[k] - this.cdf[k - 1];
  }
}

/** Irwin-Hall CDF: P(sum of n independent uniforms on [0, 1) <= x). */
export function irwinHallCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= n) return 1;
  let sum = 0;
  let binom = 1;
  let fact = 1;
  for (let i = 2; i <= n; i++) fact *= i;
  for (let k = 0; k <= Math.floor(x); k++) {
    sum += (k % 2 === 0 ? 1 : -1) * binom * Math.pow(x - k, n);
    binom = (binom * (n - k)) / (k + 1);
  }
  return Math.min(1, Math.max(0, sum / fact));
}

/**
 * sysbench's default key law, "special" (sb_rand.c sb_rand_special, sysbench 1.0), for
 * get_id() = rand(1, n) on each of `tables` tables chosen uniformly (oltp_common.lua): one draw
 * in res% takes the first uniform rnd, conditioned on rnd >= 1 - res/100, to the pct% of ids
 * around the middle (as the C code reuses rnd, only its upper part lands there: 76 ids of 10,000 at
 * the defaults, not 100); the rest sum `iter` uniforms (a bell around the middle, not a uniform
 * background). Exact probabilities per id, drawn by inverse CDF on one uniform.
 */
export class SysbenchSpecialKeys implements KeySampler {
  /** Ids per table. */
  readonly n: number;
  private readonly cdf: Float64Array;
  constructor(
    readonly rows: number,
    readonly tables: number,
    pct: number,
    res: number,
    iter: number,
  ) {
    this.n = rows / tables;
    const n = this.n;
    const t = n - 1; // b - a with a = 1, b = n
    const q = (100 - res) / 100; // rnd below q: the bell
    const d = (t * pct) / 100;
    const c = t / 2 - (t * pct) / 200;
    const p = new Float64Array(n);
    // Uniform branch: offset j = trunc(rnd (d + 1) + c) for rnd in [q, 1); P(j) is the length of rnd's interval.
    for (let j = Math.max(0, Math.floor(q * (d + 1) + c)); j < n; j++) {
      const lo = Math.max(q, (j - c) / (d + 1));
      const hi = Math.min(1, (j + 1 - c) / (d + 1));
      if (hi <= lo) {
        if ((j - c) / (d + 1) >= 1) break;
        continue;
      }
      p[j] += hi - lo;
    }
    // Bell branch: offset j = trunc(S t / iter), S Irwin-Hall(iter).
    if (q > 0 && t > 0) {
      let prev = 0;
      for (let j = 0; j < n; j++) {
        const next = irwinHallCdf(iter, ((j + 1) * iter) / t);
        p[j] += q * Math.max(0, next - prev); // the alternating sum can round a tail step below 0
        prev = next;
      }
    } else if (q > 0) p[0] += q;
    this.cdf = new Float64Array(n);
    let acc = 0;
    for (let j = 0; j < n; j++) {
      acc += p[j];
      this.cdf[j] = acc;
    }
    for (let j = 0; j < n; j++) this.cdf[j] /= acc;
    this.cdf[n - 1] = 1;
  }
  key(u: number): number {
    const x = u * this.tables;
    let tb = Math.floor(x);
    if (tb >= this.tables) tb = this.tables - 1;
    return tb * this.n + firstAbove(this.cdf, x - tb);
  }
  probability(k: number): number {
    const j = k % this.n;
    return (j === 0 ? this.cdf[0] : this.cdf[j] - this.cdf[j - 1]) / this.tables;
  }
}

/** A share `probability` of draws falls uniformly on the first ceil(fraction * rows) rows, the rest on the others. */
export class HotspotKeys implements KeySampler {
  readonly hot: number;
  constructor(
    readonly rows: number,
    fraction: number,
    readonly p: number,
  ) {
    this.hot = Math.min(rows, Math.max(1, Math.ceil(fraction * rows)));
  }
  key(u: number): number {
    const cold = this.rows - this.hot;
    if (u < this.p || cold === 0) {
      const k = Math.floor((cold === 0 ? u : u / this.p) * this.hot);
      return k < this.hot ? k : this.hot - 1;
    }
    const k = this.hot + Math.floor(((u - this.p) / (1 - this.p)) * cold);
    return k < this.rows ? k : this.rows - 1;
  }
  probability(k: number): number {
    const cold = this.rows - this.hot;
    if (cold === 0) return 1 / this.hot;
    return k < this.hot ? this.p / this.hot : (1 - this.p) / cold;
  }
}
