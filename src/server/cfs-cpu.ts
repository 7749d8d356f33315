import type { Simulator, TimedSource } from '../engine/simulator.js';
import { growFloat64, growInt32, growUint8 } from '../engine/grow.js';
import type { RateFunction } from './contention.js';
import type { CpuClient, CpuModel } from './cpu.js';

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
}

/** The kernel's defaults on a machine with `cpus` online CPUs and CONFIG_HZ = `hz`. */
export function cfsDefaults(cpus: number, hz = 250): CfsParams {
  const factor = 1 + Math.floor(Math.log2(Math.max(1, Math.min(cpus, 8))));
  return { latency: 6000 * factor, minGranularity: 750 * factor, wakeupGranularity: 1000 * factor, tick: 1e6 / hz, contextSwitch: 0 };
}

// Thread states.
const BLOCKED = 0;
const QUEUED = 1;
const RUNNING = 2;

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
export class CfsCpu implements TimedSource, CpuModel {
  nextTime = Infinity;
  private readonly p: CfsParams;
  private readonly nrLatency: number;
  private readonly sleeperCredit: number;

  // Per thread.
  private vr = new Float64Array(64);
  private rem = new Float64Array(64);
  private exec = new Float64Array(64);
  private execAtPick = new Float64Array(64);
  private seqOf = new Float64Array(64);
  private state = new Uint8Array(64);
  private seen = new Uint8Array(64);
  /** 1: finished a burst in the current dispatch; 2: asked for its next burst during it. */
  private cont = new Uint8Array(64);

  private heapPos = new Int32Array(64).fill(-1);
  private coreOf = new Int32Array(64).fill(-1);
  private seq = 0;

  // Run queue: binary heap of threads by (vruntime, seq).
  private heap = new Int32Array(64);
  private n = 0;

  // Per core.
  private readonly curr: Int32Array;
  private readonly last: Int32Array;
  private readonly finishAt: Float64Array;
  /** The thread that ran last on each core (-1: none yet). */
  private readonly lastRan: Int32Array;
  private running = 0;
  /** Context switches (a core taking a thread other than its last one). */
  switches = 0;

  private minVr = 0;
  private lastT = 0;
  private nextTick: number;
  private dispatching = false;
  private finished = new Int32Array(16);
  private woken = new Int32Array(16);
  private wokenCount = 0;
  private rates = new Float64Array(0);

  private runnableArea = 0;
  private busyArea = 0;
  private areaSince = 0;

  constructor(
    private readonly sim: Simulator,
    readonly cores: number,
    private readonly rate: RateFunction,
    private readonly client: CpuClient,
    params: CfsParams = cfsDefaults(cores),
  ) {
    this.p = params;
    this.nrLatency = Math.floor(params.latency / params.minGranularity);
    this.sleeperCredit = params.latency / 2;
    this.curr = new Int32Array(cores).fill(-1);
    this.last = new Int32Array(cores).fill(-1);
    this.finishAt = new Float64Array(cores).fill(Infinity);
    this.lastRan = new Int32Array(cores).fill(-1);
    this.nextTick = params.tick;
    sim.attachSource(this);
  }

  /** Number of threads that want the CPU (running or queued). */
  get runnable(): number {
    return this.running + this.n;
  }

  /** vruntime of a thread (tests). */
  vruntime(thread: number): number {
    return this.vr[thread];
  }

  /** Makes `thread` runnable with `work` µs of CPU demand. */
  run(thread: number, work: number): void {
    if (thread >= this.vr.length) this.grow(thread + 1);
    if (this.dispatching && this.cont[thread] === 1) {
      // Its burst just ended and it goes on without blocking: same slice, no switch.
      this.cont[thread] = 2;
      this.rem[thread] = work;
      return;
    }
    this.advance();
    this.rem[thread] = work;
    if (this.seen[thread] === 0) {
      // A new thread (place_entity, initial): START_DEBIT, one slice behind.
      this.seen[thread] = 1;
      this.vr[thread] = this.minVr + this.slice(this.runnable + 1);
    } else {
      // A wakeup (place_entity, not initial): sleeper credit of latency / 2 at most.
      const floor = this.minVr - this.sleeperCredit;
      if (this.vr[thread] < floor) this.vr[thread] = floor;
    }
    this.enqueue(thread);
    if (this.dispatching) {
      if (this.wokenCount === this.woken.length) this.woken = growInt32(this.woken, this.wokenCount + 1);
      this.woken[this.wokenCount++] = thread;
      return;
    }
    this.checkPreemptWakeup(thread);
    this.reschedule();
  }

  fire(): void {
    this.advance();
    const now = this.sim.now;
    let k = 0;
    for (let c = 0; c < this.cores; c++) {
      const t = this.curr[c];
      if (t >= 0 && this.finishAt[c] <= now) {
        this.rem[t] = 0;
        this.cont[t] = 1;
        if (k === this.finished.length) this.finished = growInt32(this.finished, k + 1);
        this.finished[k++] = t;
      }
    }
    if (k > 0) {
      this.dispatching = true;
      for (let i = 0; i < k; i++) this.client.onCpuDone(this.finished[i]);
      this.dispatching = false;
      for (let i = 0; i < k; i++) {
        const t = this.finished[i];
        if (this.cont[t] !== 2) {
          // Blocked: the core takes the next thread.
          const c = this.coreOf[t];
          this.state[t] = BLOCKED;
          this.coreOf[t] = -1;
          this.curr[c] = -1;
          this.running--;
          this.pickNext(c);
        }
        this.cont[t] = 0;
      }
      for (let i = 0; i < this.wokenCount; i++) this.checkPreemptWakeup(this.woken[i]);
      this.wokenCount = 0;
    }
    if (now >= this.nextTick) this.tick();
    this.reschedule();
  }

  /** Mean number of runnable threads and mean busy cores since the last reset. */
  utilization(): { meanRunnable: number; busyCores: number } {
    this.advance();
    const span = this.sim.now - this.areaSince;
    if (span <= 0) return { meanRunnable: 0, busyCores: 0 };
    return { meanRunnable: this.runnableArea / span, busyCores: this.busyArea / span };
  }

  resetStatistics(): void {
    this.advance();
    this.runnableArea = 0;
    this.busyArea = 0;
    this.areaSince = this.sim.now;
  }

  // ---- scheduling decisions ------------------------------------------------------------------

  /** sched_slice of a thread with nr runnable: period / nr. */
  private slice(nr: number): number {
    const period = nr > this.nrLatency ? nr * this.p.minGranularity : this.p.latency;
    return period / nr;
  }

  /** check_preempt_wakeup for a thread just queued. */
  private checkPreemptWakeup(t: number): void {
    for (let c = 0; c < this.cores && this.state[t] === QUEUED; c++) if (this.curr[c] < 0) this.pickNext(c);
    if (this.state[t] !== QUEUED) return;
    let core = 0;
    for (let c = 1; c < this.cores; c++) if (this.vr[this.curr[c]] > this.vr[this.curr[core]]) core = c;
    const cur = this.curr[core];
    if (this.vr[cur] - this.vr[t] > this.p.wakeupGranularity) {
      // resched_curr; the last buddy only with nr_running >= nr_latency (scale).
      this.last[core] = this.running + this.n >= this.nrLatency ? cur : -1;
      this.putBack(core);
      // pick_next_entity: the wakee is the next buddy, taken unless unfair to the leftmost.
      const left = this.heap[0];
      this.take(core, this.vr[t] - this.vr[left] <= this.p.wakeupGranularity ? t : left);
    }
  }

  /** check_preempt_tick on every core, then the next tick on the grid. */
  private tick(): void {
    const now = this.sim.now;
    while (this.nextTick <= now) this.nextTick += this.p.tick;
    if (this.n === 0) return;
    const nr = this.running + this.n;
    const ideal = this.slice(Math.ceil(nr / this.cores));
    for (let c = 0; c < this.cores; c++) {
      const cur = this.curr[c];
      if (cur < 0 || this.n === 0) continue;
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
    if (this.n === 0) {
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
    const t = this.curr[c];
    this.curr[c] = -1;
    this.coreOf[t] = -1;
    this.running--;
    this.enqueue(t);
  }

  /** set_next_entity: t leaves the queue and runs on core c; its slice starts. */
  private take(c: number, t: number): void {
    this.heapRemove(t);
    this.state[t] = RUNNING;
    this.curr[c] = t;
    this.coreOf[t] = c;
    this.running++;
    this.execAtPick[t] = this.exec[t];
    if (this.lastRan[c] !== t) {
      this.lastRan[c] = t;
      this.switches++;
      // The switch's cost runs before the thread's own work, on its account.
      this.rem[t] += this.p.contextSwitch;
    }
  }

  private enqueue(t: number): void {
    this.state[t] = QUEUED;
    this.seqOf[t] = this.seq++;
    this.heapPush(t);
  }

  // ---- time ----------------------------------------------------------------------------------

  private speed(): number {
    const n = this.running + this.n;
    if (n === 0) return 1;
    if (n >= this.rates.length) {
      const old = this.rates.length;
      this.rates = growFloat64(this.rates, n + 1);
      for (let i = Math.max(1, old); i < this.rates.length; i++) this.rates[i] = (this.rate(i) * i) / Math.min(i, this.cores);
    }
    return this.rates[n];
  }

  private advance(): void {
    const now = this.sim.now;
    const dt = now - this.lastT;
    if (dt <= 0) return;
    if (this.running > 0) {
      const sp = this.speed();
      for (let c = 0; c < this.cores; c++) {
        const t = this.curr[c];
        if (t < 0) continue;
        this.rem[t] -= dt * sp;
        this.exec[t] += dt;
        this.vr[t] += dt;
      }
      this.runnableArea += dt * (this.running + this.n);
      this.busyArea += dt * this.running;
    } else if (this.n > 0) {
      this.runnableArea += dt * this.n;
    }
    this.lastT = now;
    this.updateMinVr();
  }

  private updateMinVr(): void {
    let m = Infinity;
    for (let c = 0; c < this.cores; c++) {
      const t = this.curr[c];
      if (t >= 0 && this.vr[t] < m) m = this.vr[t];
    }
    if (this.n > 0 && this.vr[this.heap[0]] < m) m = this.vr[this.heap[0]];
    if (m !== Infinity && m > this.minVr) this.minVr = m;
  }

  private reschedule(): void {
    this.updateMinVr();
    let next = Infinity;
    if (this.running > 0) {
      const sp = this.speed();
      const now = this.sim.now;
      for (let c = 0; c < this.cores; c++) {
        const t = this.curr[c];
        if (t < 0) {
          this.finishAt[c] = Infinity;
          continue;
        }
        const f = now + (this.rem[t] > 0 ? this.rem[t] / sp : 0);
        this.finishAt[c] = f;
        if (f < next) next = f;
      }
    }
    if (this.n > 0) {
      while (this.nextTick <= this.sim.now) this.nextTick += this.p.tick;
      if (this.nextTick < next) next = this.nextTick;
    }
    this.nextTime = next;
  }

  // ---- the run queue heap --------------------------------------------------------------------

  private before(a: number, b: number): boolean {
    return this.vr[a] < this.vr[b] || (this.vr[a] === this.vr[b] && this.seqOf[a] < this.seqOf[b]);
  }

  private heapPush(t: number): void {
    if (this.n === this.heap.length) this.heap = growInt32(this.heap, this.n + 1);
    this.siftUp(this.n++, t);
  }

  private heapRemove(t: number): void {
    const i = this.heapPos[t];
    this.heapPos[t] = -1;
    const last = this.heap[--this.n];
    if (i === this.n) return;
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
      if (c >= this.n) break;
      if (c + 1 < this.n && this.before(this.heap[c + 1], this.heap[c])) c++;
      if (!this.before(this.heap[c], t)) break;
      this.heap[i] = this.heap[c];
      this.heapPos[this.heap[c]] = i;
      i = c;
    }
    this.heap[i] = t;
    this.heapPos[t] = i;
  }

  private grow(need: number): void {
    this.vr = growFloat64(this.vr, need);
    this.rem = growFloat64(this.rem, need);
    this.exec = growFloat64(this.exec, need);
    this.execAtPick = growFloat64(this.execAtPick, need);
    this.seqOf = growFloat64(this.seqOf, need);
    this.state = growUint8(this.state, need);
    this.seen = growUint8(this.seen, need);
    this.cont = growUint8(this.cont, need);
    this.heapPos = growInt32(this.heapPos, need, -1);
    this.coreOf = growInt32(this.coreOf, need, -1);
  }
}
