import { CacheRefill, type CacheRefillParams } from './cache-refill.js';
import type { Simulator } from '../engine/simulator.js';
import { growFloat64, growInt32 } from '../engine/grow.js';
import type { RateFunction } from './contention.js';
import type { CpuClient } from './cpu.js';
import { BLOCKED, LinuxCpu, QUEUED } from './linux-cpu.js';

/**
 * The Linux CFS tunables (kernel 6.1, the last CFS before EEVDF), µs. The kernel scales its base
 * values (6 ms, 0.75 ms, 1 ms) by 1 + log2(min(online CPUs, 8)) (SCHED_TUNABLESCALING_LOG):
 * `cfsDefaults(cpus)`.
 */
export interface CfsParams {
  /** sysctl_sched_latency: the period in which every runnable thread runs once (up to nr_latency threads). */
  latency: number;
  /** sysctl_sched_min_granularity: the shortest slice; the period stretches to nr * this beyond nr_latency. */
  minGranularity: number;
  /** sysctl_sched_wakeup_granularity: how far ahead (vruntime) the running thread must be for a woken one to preempt it. */
  wakeupGranularity: number;
  /** Scheduler tick period, 1e6 / CONFIG_HZ: slices end at ticks (no HRTICK). */
  tick: number;
  /**
   * CPU time a core loses when it switches to a thread other than the one that ran on it last
   * (the switch itself and the refill of caches and TLB), charged to the incoming thread. Not a
   * kernel tunable: a property of the machine and the workload; 0 by default.
   */
  contextSwitch: number;
  /** The incoming thread's cache refill by reuse distance (server/cache-refill.ts); absent: none. */
  cacheRefill?: CacheRefillParams;
}

/** The kernel's defaults on a machine with `cpus` online CPUs and CONFIG_HZ = `hz`. */
export function cfsDefaults(cpus: number, hz = 250): CfsParams {
  const factor = 1 + Math.floor(Math.log2(Math.max(1, Math.min(cpus, 8))));
  return { latency: 6000 * factor, minGranularity: 750 * factor, wakeupGranularity: 1000 * factor, tick: 1e6 / hz, contextSwitch: 0 };
}

/**
 * The Linux Completely Fair Scheduler (kernel 6.1, nice 0 threads) in place of processor
 * sharing. Unlike PS, a thread that never blocks keeps its core for a whole slice: a pool worker
 * that goes from one queued statement to the next without sleeping runs them back to back while
 * the other runnable workers wait, each with its current statement half done, for a slice of up
 * to latency / nr (6 ms for 2 runnable threads at the 2-CPU defaults), ended at a tick. A thread
 * that slept (a one-thread-per-connection thread reading its client, a woken pool worker, a
 * row-lock waiter) is placed at min_vruntime - latency / 2 (GENTLE_FAIR_SLEEPERS) and preempts
 * the running thread if that one is more than wakeup_granularity ahead.
 *
 * Rules, as in kernel/sched/fair.c:
 * - vruntime advances by wall time on the CPU (equal weights); min_vruntime = max(itself,
 *   min(running, leftmost)) (update_min_vruntime).
 * - A burst that ends and the same thread's next burst requested at once (inside onCpuDone) is
 *   one continuous run: no switch. Otherwise the thread blocks and the core picks the leftmost
 *   (lowest vruntime, then FIFO) runnable thread (pick_next_entity), preferring the last buddy
 *   (the thread a wakeup preempted, set only with nr_running >= nr_latency) if it is no more than
 *   wakeup_granularity to the right.
 * - Wakeup (place_entity, check_preempt_wakeup): vruntime = max(vruntime, min_vruntime -
 *   latency / 2); an idle core takes it, else it preempts when the running thread's vruntime
 *   exceeds its own by more than wakeup_granularity. A thread id seen for the first time starts
 *   at min_vruntime + one slice (START_DEBIT) and does not preempt.
 * - Tick (check_preempt_tick), every `tick` µs on a fixed grid: the running thread is preempted
 *   if it ran longer than its slice period / nr (period = latency, or nr * min_granularity beyond
 *   latency / min_granularity threads) since it was picked, or, after min_granularity, if it is
 *   more than a slice ahead of the leftmost.
 * - The contention model applies as in PS: with n runnable threads a running thread executes
 *   r(n) * n / min(n, cores) µs of demand per µs.
 *
 * On one core (the oracle's server was pinned to one CPU) these rules are the whole model.
 * Several cores share one run queue here [simplification: Linux has a run queue per CPU and
 * balances them]: a wakeup takes an idle core, else competes with the core whose thread is
 * furthest ahead; ticks are per core.
 */
export class CfsCpu extends LinuxCpu {
  private readonly p: CfsParams;
  private readonly nrLatency: number;
  private readonly sleeperCredit: number;

  private execAtPick = new Float64Array(64);
  private heapPos = new Int32Array(64).fill(-1);
  // Run queue: binary heap of threads by (vruntime, seq).
  private heap = new Int32Array(64);
  /** The last buddy of each core (-1: none). */
  private readonly last: Int32Array;
  private minVr = 0;

  constructor(sim: Simulator, cores: number, rate: RateFunction, client: CpuClient, params: CfsParams = cfsDefaults(cores)) {
    super(sim, cores, rate, client, params.tick, params.contextSwitch, params.cacheRefill ? new CacheRefill(cores, params.cacheRefill) : null);
    this.p = params;
    this.nrLatency = Math.floor(params.latency / params.minGranularity);
    this.sleeperCredit = params.latency / 2;
    this.last = new Int32Array(cores).fill(-1);
  }

  protected place(thread: number): void {
    if (this.seen[thread] === 0) {
      // A new thread (place_entity, initial): START_DEBIT, one slice behind.
      this.seen[thread] = 1;
      this.vr[thread] = this.minVr + this.slice(this.runnable + 1);
    } else {
      // A wakeup (place_entity, not initial): sleeper credit of latency / 2 at most.
      const floor = this.minVr - this.sleeperCredit;
      if (this.vr[thread] < floor) this.vr[thread] = floor;
    }
  }

  /** Blocked: the core takes the next thread. */
  protected block(t: number): void {
    const c = this.coreOf[t];
    this.state[t] = BLOCKED;
    this.stopRunning(c);
    this.pickNext(c);
  }

  // ---- scheduling decisions ------------------------------------------------------------------

  /** sched_slice of a thread with nr runnable: period / nr. */
  private slice(nr: number): number {
    const period = nr > this.nrLatency ? nr * this.p.minGranularity : this.p.latency;
    return period / nr;
  }

  /** check_preempt_wakeup for a thread just queued. */
  protected checkPreemptWakeup(t: number): void {
    for (let c = 0; c < this.cores && this.state[t] === QUEUED; c++) if (this.curr[c] < 0) this.pickNext(c);
    if (this.state[t] !== QUEUED) return;
    let core = 0;
    for (let c = 1; c < this.cores; c++) if (this.vr[this.curr[c]] > this.vr[this.curr[core]]) core = c;
    const cur = this.curr[core];
    if (this.vr[cur] - this.vr[t] > this.p.wakeupGranularity) {
      // resched_curr; the last buddy only with nr_running >= nr_latency (scale).
      this.last[core] = this.running + this.queued >= this.nrLatency ? cur : -1;
      this.putBack(core);
      // pick_next_entity: the wakee is the next buddy, taken unless unfair to the leftmost.
      const left = this.heap[0];
      this.take(core, this.vr[t] - this.vr[left] <= this.p.wakeupGranularity ? t : left);
    }
  }

  /** check_preempt_tick on every core, then the next tick on the grid. */
  protected tick(): void {
    const now = this.sim.now;
    while (this.nextTick <= now) this.nextTick += this.p.tick;
    if (this.queued === 0) return;
    const nr = this.running + this.queued;
    const ideal = this.slice(Math.ceil(nr / this.cores));
    for (let c = 0; c < this.cores; c++) {
      const cur = this.curr[c];
      if (cur < 0 || this.queued === 0) continue;
      const ran = this.exec[cur] - this.execAtPick[cur];
      let preempt = ran > ideal;
      if (!preempt && ran >= this.p.minGranularity) preempt = this.vr[cur] - this.vr[this.heap[0]] > ideal;
      if (preempt) {
        this.last[c] = -1;
        this.putBack(c);
        this.pickNext(c);
      }
    }
  }

  /** pick_next_entity on an idle core: the leftmost, or the last buddy if not unfair. */
  private pickNext(c: number): void {
    if (this.queued === 0) {
      this.last[c] = -1;
      return;
    }
    let se = this.heap[0];
    const last = this.last[c];
    if (last >= 0 && this.state[last] === QUEUED && this.vr[last] - this.vr[se] <= this.p.wakeupGranularity) se = last;
    this.last[c] = -1;
    this.take(c, se);
  }

  /** The running thread of core c goes back to the run queue. */
  private putBack(c: number): void {
    this.enqueue(this.stopRunning(c));
  }

  /** set_next_entity: t leaves the queue and runs on core c; its slice starts. */
  private take(c: number, t: number): void {
    this.heapRemove(t);
    this.execAtPick[t] = this.exec[t];
    this.startRunning(c, t);
  }

  protected enqueue(t: number): void {
    this.state[t] = QUEUED;
    this.seqOf[t] = this.seq++;
    this.heapPush(t);
  }

  // ---- time ----------------------------------------------------------------------------------

  protected override advance(): boolean {
    if (!super.advance()) return false;
    this.updateMinVr();
    return true;
  }

  private updateMinVr(): void {
    let m = Infinity;
    for (let c = 0; c < this.cores; c++) {
      const t = this.curr[c];
      if (t >= 0 && this.vr[t] < m) m = this.vr[t];
    }
    if (this.queued > 0 && this.vr[this.heap[0]] < m) m = this.vr[this.heap[0]];
    if (m !== Infinity && m > this.minVr) this.minVr = m;
  }

  protected override reschedule(): void {
    this.updateMinVr();
    super.reschedule();
  }

  // ---- the run queue heap --------------------------------------------------------------------

  private before(a: number, b: number): boolean {
    return this.vr[a] < this.vr[b] || (this.vr[a] === this.vr[b] && this.seqOf[a] < this.seqOf[b]);
  }

  private heapPush(t: number): void {
    if (this.queued === this.heap.length) this.heap = growInt32(this.heap, this.queued + 1);
    this.siftUp(this.queued++, t);
  }

  private heapRemove(t: number): void {
    const i = this.heapPos[t];
    this.heapPos[t] = -1;
    const last = this.heap[--this.queued];
    if (i === this.queued) return;
    if (i > 0 && this.before(last, this.heap[(i - 1) >> 1])) this.siftUp(i, last);
    else this.siftDown(i, last);
  }

  private siftUp(i: number, t: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = this.heap[p];
      if (!this.before(t, pt)) break;
      this.heap[i] = pt;
      this.heapPos[pt] = i;
      i = p;
    }
    this.heap[i] = t;
    this.heapPos[t] = i;
  }

  private siftDown(i: number, t: number): void {
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.queued) break;
      if (c + 1 < this.queued && this.before(this.heap[c + 1], this.heap[c])) c++;
      if (!this.before(this.heap[c], t)) break;
      this.heap[i] = this.heap[c];
      this.heapPos[this.heap[c]] = i;
      i = c;
    }
    this.heap[i] = t;
    this.heapPos[t] = i;
  }

  protected growThreads(need: number): void {
    this.execAtPick = growFloat64(this.execAtPick, need);
    this.heapPos = growInt32(this.heapPos, need, -1);
  }
}
