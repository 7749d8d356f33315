import { CacheRefill, type CacheRefillParams } from './cache-refill.js';
import type { Simulator } from '../engine/simulator.js';
import { growFloat64 } from '../engine/grow.js';
import type { RateFunction } from './contention.js';
import type { CpuClient } from './cpu.js';
import { EligibleTree } from './eligible-tree.js';
import { BLOCKED, LinuxCpu, QUEUED } from './linux-cpu.js';

/** Eligibility tolerance, µs: far below the kernel's 1 ns resolution, far above float rounding of V. */
const ELIGIBLE_EPS = 1e-9;

/** EEVDF tunables, µs. */
export interface EevdfParams {
  /** sysctl_sched_base_slice: the service a thread asks for (its virtual deadline is vruntime + this). */
  baseSlice: number;
  /** Scheduler tick period, 1e6 / CONFIG_HZ (no HRTICK: a slice that ran out is noticed at the next tick or scheduling event). */
  tick: number;
  /** CPU time lost per context switch, charged to the incoming thread (see CfsParams.contextSwitch). */
  contextSwitch: number;
  /** The incoming thread's cache refill by reuse distance (server/cache-refill.ts); absent: none. */
  cacheRefill?: CacheRefillParams;
}

/** The kernel's defaults on a machine with `cpus` online CPUs: 0.75 ms * (1 + log2(min(cpus, 8))), CONFIG_HZ `hz`. */
export function eevdfDefaults(cpus: number, hz = 250): EevdfParams {
  const factor = 1 + Math.floor(Math.log2(Math.max(1, Math.min(cpus, 8))));
  return { baseSlice: 750 * factor, tick: 1e6 / hz, contextSwitch: 0 };
}

/**
 * The Linux EEVDF scheduler (kernel 6.6 and later; defaults of 6.18: PLACE_LAG,
 * PLACE_DEADLINE_INITIAL, RUN_TO_PARITY, WAKEUP_PREEMPTION; nice 0 threads, no cgroups) in place
 * of processor sharing. Each runnable thread has a vruntime v (CPU time received) and a virtual
 * deadline d = v + base_slice set when it is placed or when its v passes d. V is the mean v of
 * the runnable threads; a thread is eligible if v <= V. The core runs the eligible thread with the
 * earliest deadline (pick_eevdf), and keeps the running one until its v reaches the deadline it
 * had when picked (RUN_TO_PARITY), which is noticed at the next tick or scheduling event
 * (update_curr). So a thread that never blocks, as a pool worker going from one queued statement
 * to the next, holds its core for base_slice rounded up to the tick (4 ms at HZ 250) while the
 * other runnable threads wait with their statements half done.
 *
 * - Burst ends and the same thread's next burst is requested at once (inside onCpuDone): one
 *   continuous run. Otherwise the thread blocks: its lag V - v is saved (clamped to
 *   +-max(2 base_slice, tick)) and the core picks.
 * - Wakeup (place_entity with PLACE_LAG): v = V - lag * (W + 1) / W (W: runnable threads before
 *   it), d = v + base_slice (a thread seen for the first time: lag 0, d = v + base_slice / 2); it
 *   preempts the running thread if pick_eevdf, honouring the runner's protected slice, would now
 *   choose it (check_preempt_wakeup_fair); an idle core takes it at once.
 * - Not modelled: DELAY_DEQUEUE (a thread blocking with negative lag stays queued until picked;
 *   here its lag is saved and restored instead, to the same effect on its position), buddies
 *   (NEXT_BUDDY is off by default), lazy preemption (resched takes effect at once).
 *
 * - The run queue is ordered by vruntime and augmented with each subtree's earliest deadline
 *   (EligibleTree, as Linux's rbtree with min_deadline), and V is kept from a running sum: a
 *   pick costs O(log n), not a scan of the queue. Eligibility is inclusive (v <= V, as the
 *   kernel's exact integer test), with a 1e-9 µs allowance for the float mean's rounding.
 *
 * One core is exact up to those simplifications; several cores share one run queue
 * [simplification: Linux has one per CPU and balances them]. Ties are broken by queueing order.
 */
export class EevdfCpu extends LinuxCpu {
  private readonly p: EevdfParams;
  private readonly lagLimit: number;

  /** Virtual deadline, saved lag, and the vruntime up to which the runner is protected. */
  private d = new Float64Array(64);
  private vlag = new Float64Array(64);
  private vprot = new Float64Array(64);

  /** Queued (runnable, not running) threads, by vruntime, with the earliest deadline per subtree. */
  private readonly tree = new EligibleTree(this.vr, this.d, this.seqOf);

  /** The last avg_vruntime (zero_vruntime): the base of placements on an idle core. */
  private zeroV = 0;

  constructor(sim: Simulator, cores: number, rate: RateFunction, client: CpuClient, params: EevdfParams = eevdfDefaults(cores)) {
    super(sim, cores, rate, client, params.tick, params.contextSwitch, params.cacheRefill ? new CacheRefill(cores, params.cacheRefill) : null);
    this.p = params;
    this.lagLimit = Math.max(2 * params.baseSlice, params.tick);
  }

  /** Virtual deadline of a thread (tests). */
  deadline(thread: number): number {
    return this.d[thread];
  }

  /** The tick: a runner whose slice ran out is rescheduled. */
  protected tick(): void {
    const now = this.sim.now;
    while (this.nextTick <= now) this.nextTick += this.p.tick;
    for (let c = 0; c < this.cores; c++) this.checkSlice(c);
  }

  // ---- EEVDF ---------------------------------------------------------------------------------

  /** avg_vruntime: the mean vruntime of the runnable threads (running and queued); the last one when none is. */
  private avgVruntime(): number {
    let sum = this.tree.sumV();
    let n = this.queued;
    for (let c = 0; c < this.cores; c++) {
      const t = this.curr[c];
      if (t >= 0) {
        sum += this.vr[t];
        n++;
      }
    }
    if (n > 0) this.zeroV = sum / n;
    return this.zeroV;
  }

  /** place_entity on a wakeup (or the first run of a thread). */
  protected place(t: number): void {
    const load = this.running + this.queued;
    const V = this.avgVruntime();
    if (this.seen[t] === 0) {
      // A new thread: lag 0, half a slice to its first deadline (PLACE_DEADLINE_INITIAL).
      this.seen[t] = 1;
      this.vr[t] = V;
      this.d[t] = V + this.p.baseSlice / 2;
      return;
    }
    // PLACE_LAG, only onto a non-empty queue: inflate the lag so that it is still `lag` once
    // the thread itself moves V.
    const lag = load > 0 ? (this.vlag[t] * (load + 1)) / load : 0;
    this.vr[t] = V - lag;
    this.d[t] = this.vr[t] + this.p.baseSlice;
  }

  /** The running thread of core c stops: blocked (it saves its lag). */
  protected block(t: number): void {
    const c = this.coreOf[t];
    const V = this.avgVruntime();
    const lag = V - this.vr[t];
    this.vlag[t] = lag > this.lagLimit ? this.lagLimit : lag < -this.lagLimit ? -this.lagLimit : lag;
    this.state[t] = BLOCKED;
    this.stopRunning(c);
    this.pickNext(c);
  }

  /**
   * pick_eevdf: the eligible (v <= V) queued thread with the earliest deadline, or the running
   * thread of core c if it is eligible and either still within its protected slice or earlier.
   * Returns -1 to keep the current one.
   */
  private pickEevdf(c: number, protect: boolean): number {
    const cur = this.curr[c];
    // entity_eligible compares in exact integers, so a thread at exactly V (lag 0) is eligible;
    // the float mean can land an ulp below it, hence the 1e-9 µs allowance.
    const V = this.avgVruntime() + ELIGIBLE_EPS;
    const curOk = cur >= 0 && this.vr[cur] <= V;
    if (curOk && protect && this.vr[cur] < this.vprot[cur]) return -1;
    let best = this.tree.pickEligible(V);
    if (best < 0) {
      // None eligible (rounding): the smallest vruntime.
      if (curOk || this.queued === 0) return -1;
      best = this.tree.leftmost();
      return cur >= 0 ? (this.vr[best] < this.vr[cur] ? best : -1) : best;
    }
    // entity_before is strict: on a tie the queued thread (the tree's pick) wins.
    if (curOk && this.d[cur] < this.d[best]) return -1;
    return best;
  }

  /** An idle core picks (pick_next_entity). */
  private pickNext(c: number): void {
    if (this.queued === 0) return;
    const t = this.pickEevdf(c, true);
    if (t >= 0) this.take(c, t);
  }

  /** check_preempt_wakeup_fair for a thread just queued. */
  protected checkPreemptWakeup(t: number): void {
    for (let c = 0; c < this.cores && this.state[t] === QUEUED; c++) if (this.curr[c] < 0) this.pickNext(c);
    if (this.state[t] !== QUEUED) return;
    for (let c = 0; c < this.cores; c++) {
      const cur = this.curr[c];
      // update_curr: a runner past its deadline, or no longer within its protected slice,
      // is rescheduled (any thread may be picked); otherwise only the wakee may preempt it.
      if (this.updateDeadline(cur) || this.vr[cur] >= this.vprot[cur]) {
        this.preemptIfPicked(c, false);
        if (this.state[t] !== QUEUED) return;
        continue;
      }
      if (this.pickEevdf(c, true) === t) {
        this.putBack(c);
        this.take(c, t);
        return;
      }
    }
  }

  /** update_curr's deadline check: a new deadline once v has reached it; true if so (resched). */
  private updateDeadline(t: number): boolean {
    if (t < 0 || this.vr[t] < this.d[t]) return false;
    this.d[t] = this.vr[t] + this.p.baseSlice;
    return true;
  }

  /** At a tick or after a dispatch: a runner whose slice ran out is rescheduled. */
  private checkSlice(c: number): void {
    const cur = this.curr[c];
    if (cur < 0) return;
    const renewed = this.updateDeadline(cur);
    if (this.queued === 0) return;
    if (renewed || this.vr[cur] >= this.vprot[cur]) this.preemptIfPicked(c, false);
  }

  /** schedule() on core c: the runner goes back to the queue if pick_eevdf prefers another. */
  private preemptIfPicked(c: number, protect: boolean): void {
    const t = this.pickEevdf(c, protect);
    if (t < 0) return;
    this.putBack(c);
    this.take(c, t);
  }

  /** put_prev_entity: the runner goes back to the queue (update_curr first: a deadline it passed is renewed). */
  private putBack(c: number): void {
    this.updateDeadline(this.curr[c]);
    this.enqueue(this.stopRunning(c));
  }

  /** set_next_entity: t runs on core c, protected until its current deadline (RUN_TO_PARITY). */
  private take(c: number, t: number): void {
    this.dequeue(t);
    this.vprot[t] = this.d[t];
    this.startRunning(c, t);
  }

  protected enqueue(t: number): void {
    this.state[t] = QUEUED;
    this.seqOf[t] = this.seq++;
    this.queued++;
    this.tree.insert(t);
  }

  private dequeue(t: number): void {
    this.tree.remove(t);
    this.queued--;
  }

  protected growThreads(need: number): void {
    this.d = growFloat64(this.d, need);
    this.vlag = growFloat64(this.vlag, need);
    this.vprot = growFloat64(this.vprot, need);
    this.tree.rebind(this.vr, this.d, this.seqOf, need);
  }
}
