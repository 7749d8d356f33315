import type { Simulator, TimedSource } from '../engine/simulator.js';
import { growFloat64, growInt32, growUint8 } from '../engine/grow.js';
import type { RateFunction } from './contention.js';
import type { CpuClient, CpuModel } from './cpu.js';

/** EEVDF tunables, µs. */
export interface EevdfParams {
  /** sysctl_sched_base_slice: the service a thread asks for (its virtual deadline is vruntime + this). */
  baseSlice: number;
  /** Scheduler tick period, 1e6 / CONFIG_HZ (no HRTICK: a slice that ran out is noticed at the next tick or scheduling event). */
  tick: number;
  /** CPU time lost per context switch, charged to the incoming thread (see CfsParams.contextSwitch). */
  contextSwitch: number;
}

/** The kernel's defaults on a machine with `cpus` online CPUs: 0.75 ms * (1 + log2(min(cpus, 8))), CONFIG_HZ `hz`. */
export function eevdfDefaults(cpus: number, hz = 250): EevdfParams {
  const factor = 1 + Math.floor(Math.log2(Math.max(1, Math.min(cpus, 8))));
  return { baseSlice: 750 * factor, tick: 1e6 / hz, contextSwitch: 0 };
}

const BLOCKED = 0;
const QUEUED = 1;
const RUNNING = 2;

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
 * One core is exact up to those simplifications; several cores share one run queue
 * [simplification: Linux has one per CPU and balances them]. Ties are broken by queueing order.
 */
export class EevdfCpu implements TimedSource, CpuModel {
  nextTime = Infinity;
  private readonly p: EevdfParams;
  private readonly lagLimit: number;

  private v = new Float64Array(64);
  private d = new Float64Array(64);
  private vlag = new Float64Array(64);
  private vprot = new Float64Array(64);
  private rem = new Float64Array(64);
  private exec = new Float64Array(64);
  private seqOf = new Float64Array(64);
  private state = new Uint8Array(64);
  private seen = new Uint8Array(64);
  private cont = new Uint8Array(64);


  private coreOf = new Int32Array(64).fill(-1);
  private seq = 0;

  /** Queued (runnable, not running) threads, unordered; qPos[t] is t's index. */
  private q = new Int32Array(64);
  private qPos = new Int32Array(64).fill(-1);
  private nq = 0;

  private readonly curr: Int32Array;
  private readonly lastRan: Int32Array;
  private readonly finishAt: Float64Array;
  private running = 0;
  switches = 0;

  private lastT = 0;
  /** The last avg_vruntime (zero_vruntime): the base of placements on an idle core. */
  private zeroV = 0;
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
    params: EevdfParams = eevdfDefaults(cores),
  ) {
    this.p = params;
    this.lagLimit = Math.max(2 * params.baseSlice, params.tick);
    this.curr = new Int32Array(cores).fill(-1);
    this.lastRan = new Int32Array(cores).fill(-1);
    this.finishAt = new Float64Array(cores).fill(Infinity);
    this.nextTick = params.tick;
    sim.attachSource(this);
  }

  get runnable(): number {
    return this.running + this.nq;
  }

  /** vruntime and deadline of a thread (tests). */
  vruntime(thread: number): number {
    return this.v[thread];
  }

  deadline(thread: number): number {
    return this.d[thread];
  }

  run(thread: number, work: number): void {
    if (thread >= this.v.length) this.grow(thread + 1);
    if (this.dispatching && this.cont[thread] === 1) {
      this.cont[thread] = 2;
      this.rem[thread] = work;
      return;
    }
    this.advance();
    this.rem[thread] = work;
    this.place(thread);
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
        if (this.cont[t] !== 2) this.block(t);
        this.cont[t] = 0;
      }
      for (let i = 0; i < this.wokenCount; i++) this.checkPreemptWakeup(this.woken[i]);
      this.wokenCount = 0;
    }
    if (now >= this.nextTick) {
      while (this.nextTick <= now) this.nextTick += this.p.tick;
      for (let c = 0; c < this.cores; c++) this.checkSlice(c);
    }
    this.reschedule();
  }

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

  // ---- EEVDF ---------------------------------------------------------------------------------

  /** avg_vruntime: the mean vruntime of the runnable threads (running and queued); the last one when none is. */
  private avgVruntime(): number {
    let sum = 0;
    let n = 0;
    for (let c = 0; c < this.cores; c++) {
      const t = this.curr[c];
      if (t >= 0) {
        sum += this.v[t];
        n++;
      }
    }
    for (let i = 0; i < this.nq; i++) sum += this.v[this.q[i]];
    n += this.nq;
    if (n > 0) this.zeroV = sum / n;
    return this.zeroV;
  }

  /** place_entity on a wakeup (or the first run of a thread). */
  private place(t: number): void {
    const load = this.running + this.nq;
    const V = this.avgVruntime();
    if (this.seen[t] === 0) {
      // A new thread: lag 0, half a slice to its first deadline (PLACE_DEADLINE_INITIAL).
      this.seen[t] = 1;
      this.v[t] = V;
      this.d[t] = V + this.p.baseSlice / 2;
      return;
    }
    // PLACE_LAG, only onto a non-empty queue: inflate the lag so that it is still `lag` once
    // the thread itself moves V.
    const lag = load > 0 ? (this.vlag[t] * (load + 1)) / load : 0;
    this.v[t] = V - lag;
    this.d[t] = this.v[t] + this.p.baseSlice;
  }

  /** The running thread of core c stops: blocked (it saves its lag). */
  private block(t: number): void {
    const c = this.coreOf[t];
    const V = this.avgVruntime();
    const lag = V - this.v[t];
    this.vlag[t] = lag > this.lagLimit ? this.lagLimit : lag < -this.lagLimit ? -this.lagLimit : lag;
    this.state[t] = BLOCKED;
    this.coreOf[t] = -1;
    this.curr[c] = -1;
    this.running--;
    this.pickNext(c);
  }

  /**
   * pick_eevdf: the eligible (v <= V) queued thread with the earliest deadline, or the running
   * thread of core c if it is eligible and either still within its protected slice or earlier.
   * Returns -1 to keep the current one.
   */
  private pickEevdf(c: number, protect: boolean): number {
    const cur = this.curr[c];
    const V = this.avgVruntime();
    const curOk = cur >= 0 && this.v[cur] <= V;
    if (curOk && protect && this.v[cur] < this.vprot[cur]) return -1;
    let best = -1;
    for (let i = 0; i < this.nq; i++) {
      const t = this.q[i];
      if (this.v[t] > V) continue;
      if (best < 0 || this.d[t] < this.d[best] || (this.d[t] === this.d[best] && this.seqOf[t] < this.seqOf[best])) best = t;
    }
    if (best < 0) {
      // None eligible (rounding): the earliest deadline.
      if (curOk || this.nq === 0) return -1;
      for (let i = 0; i < this.nq; i++) {
        const t = this.q[i];
        if (best < 0 || this.v[t] < this.v[best]) best = t;
      }
      return cur >= 0 ? (this.v[best] < this.v[cur] ? best : -1) : best;
    }
    // entity_before is strict: on a tie the queued thread (the tree's pick) wins.
    if (curOk && this.d[cur] < this.d[best]) return -1;
    return best;
  }

  /** An idle core picks (pick_next_entity). */
  private pickNext(c: number): void {
    if (this.nq === 0) return;
    const t = this.pickEevdf(c, true);
    if (t >= 0) this.take(c, t);
  }

  /** check_preempt_wakeup_fair for a thread just queued. */
  private checkPreemptWakeup(t: number): void {
    for (let c = 0; c < this.cores && this.state[t] === QUEUED; c++) if (this.curr[c] < 0) this.pickNext(c);
    if (this.state[t] !== QUEUED) return;
    for (let c = 0; c < this.cores; c++) {
      const cur = this.curr[c];
      // update_curr: a runner past its deadline, or no longer within its protected slice,
      // is rescheduled (any thread may be picked); otherwise only the wakee may preempt it.
      if (this.updateDeadline(cur) || this.v[cur] >= this.vprot[cur]) {
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
    if (t < 0 || this.v[t] < this.d[t]) return false;
    this.d[t] = this.v[t] + this.p.baseSlice;
    return true;
  }

  /** At a tick or after a dispatch: a runner whose slice ran out is rescheduled. */
  private checkSlice(c: number): void {
    const cur = this.curr[c];
    if (cur < 0) return;
    const renewed = this.updateDeadline(cur);
    if (this.nq === 0) return;
    if (renewed || this.v[cur] >= this.vprot[cur]) this.preemptIfPicked(c, false);
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
    const t = this.curr[c];
    this.updateDeadline(t);
    this.curr[c] = -1;
    this.coreOf[t] = -1;
    this.running--;
    this.enqueue(t);
  }

  /** set_next_entity: t runs on core c, protected until its current deadline (RUN_TO_PARITY). */
  private take(c: number, t: number): void {
    this.dequeue(t);
    this.state[t] = RUNNING;
    this.curr[c] = t;
    this.coreOf[t] = c;
    this.running++;
    this.vprot[t] = this.d[t];
    if (this.lastRan[c] !== t) {
      this.lastRan[c] = t;
      this.switches++;
      this.rem[t] += this.p.contextSwitch;
    }
  }

  private enqueue(t: number): void {
    this.state[t] = QUEUED;
    this.seqOf[t] = this.seq++;
    if (this.nq === this.q.length) this.q = growInt32(this.q, this.nq + 1);
    this.qPos[t] = this.nq;
    this.q[this.nq++] = t;
  }

  private dequeue(t: number): void {
    const i = this.qPos[t];
    const last = this.q[--this.nq];
    this.q[i] = last;
    this.qPos[last] = i;
    this.qPos[t] = -1;
  }

  // ---- time ----------------------------------------------------------------------------------

  private speed(): number {
    const n = this.running + this.nq;
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
        this.v[t] += dt;
      }
      this.busyArea += dt * this.running;
    }
    this.runnableArea += dt * (this.running + this.nq);
    this.lastT = now;
  }

  private reschedule(): void {
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
    if (this.nq > 0) {
      while (this.nextTick <= this.sim.now) this.nextTick += this.p.tick;
      if (this.nextTick < next) next = this.nextTick;
    }
    this.nextTime = next;
  }

  private grow(need: number): void {
    this.v = growFloat64(this.v, need);
    this.d = growFloat64(this.d, need);
    this.vlag = growFloat64(this.vlag, need);
    this.vprot = growFloat64(this.vprot, need);
    this.rem = growFloat64(this.rem, need);
    this.exec = growFloat64(this.exec, need);
    this.seqOf = growFloat64(this.seqOf, need);
    this.state = growUint8(this.state, need);
    this.seen = growUint8(this.seen, need);
    this.cont = growUint8(this.cont, need);
    this.coreOf = growInt32(this.coreOf, need, -1);
    this.qPos = growInt32(this.qPos, need, -1);
  }
}
