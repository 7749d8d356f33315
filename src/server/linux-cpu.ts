import type { Simulator, TimedSource } from '../engine/simulator.js';
import { growFloat64, growInt32, growUint8 } from '../engine/grow.js';
import type { CacheRefill } from './cache-refill.js';
import type { RateFunction } from './contention.js';
import type { CpuClient, CpuModel, CpuUtilization } from './cpu.js';
import { DOUBLE_ZERO } from '../engine/double-zero.js';

// Thread states.
export const BLOCKED = 0;
export const QUEUED = 1;
export const RUNNING = 2;

/**
 * What the Linux schedulers (CfsCpu, EevdfCpu) share: cores that each run one thread until its
 * burst ends, it is preempted, or it blocks; the vruntime clock; the protocol that tells a thread
 * that goes on without blocking (its next burst requested inside onCpuDone: one continuous run,
 * no switch) from one that blocks; the cost of a context switch; ticks on a fixed grid; and the
 * statistics. The policy (placement of a woken thread, the run queue, preemption at a wakeup and
 * at a tick, what a blocking thread keeps) is the subclass's.
 *
 * The contention model applies as in processor sharing: with n runnable threads a running thread
 * executes r(n) * n / min(n, cores) µs of demand per µs.
 */
export abstract class LinuxCpu implements TimedSource, CpuModel {
  nextTime = Infinity;
  /** Context switches (a core taking a thread other than its last one). */
  switches = 0;
  private switchesAtReset = 0;

  // Per thread.
  /** vruntime: CPU time received (equal weights). */
  protected vr = new Float64Array(64);
  /** Demand left in the current burst, µs. */
  protected rem = new Float64Array(64);
  protected exec = new Float64Array(64);
  /** Queueing order, for ties. */
  protected seqOf = new Float64Array(64);
  protected state = new Uint8Array(64);
  protected seen = new Uint8Array(64);
  /** 1: finished a burst in the current dispatch; 2: asked for its next burst during it. */
  protected cont = new Uint8Array(64);
  protected coreOf = new Int32Array(64).fill(-1);
  /** Start of the current burst and `exec` then: what it did not run of its time is run-queue wait. */
  private burstStart = new Float64Array(64);
  private burstExec = new Float64Array(64);
  protected seq = 0;

  // Per core.
  protected readonly curr: Int32Array;
  protected readonly finishAt: Float64Array;
  /** The thread that ran last on each core (-1: none yet). */
  protected readonly lastRan: Int32Array;
  protected running = 0;
  /** Threads in the run queue (runnable, not running). */
  protected queued = 0;

  protected lastT = DOUBLE_ZERO;
  protected nextTick: number;
  private dispatching = false;
  private finished = new Int32Array(16);
  private woken = new Int32Array(16);
  private wokenCount = 0;
  private rates = new Float64Array(0);
  /** 1 where the contention floor decides the rate at that runnable count. */
  private clamped = new Uint8Array(0);
  private floorArea = DOUBLE_ZERO;
  /** Set by the run when the contention model has a floor that can bind. */
  floorBinds: ((n: number) => boolean) | undefined = undefined;

  private runnableArea = DOUBLE_ZERO;
  private busyArea = DOUBLE_ZERO;
  private areaSince = DOUBLE_ZERO;

  constructor(
    protected readonly sim: Simulator,
    readonly cores: number,
    private readonly rate: RateFunction,
    private readonly client: CpuClient,
    /** Scheduler tick period, µs. */
    protected readonly tickUs: number,
    /** CPU time a core loses when it switches to another thread, charged to the incoming one. */
    private readonly contextSwitchUs: number,
    /** The incoming thread's cache refill, which grows with the threads taking turns (null: none). */
    readonly cache: CacheRefill | null = null,
  ) {
    this.curr = new Int32Array(cores).fill(-1);
    this.finishAt = new Float64Array(cores).fill(Infinity);
    this.lastRan = new Int32Array(cores).fill(-1);
    this.nextTick = tickUs;
    sim.attachSource(this);
  }

  /** Number of threads that want the CPU (running or queued). */
  get runnable(): number {
    return this.running + this.queued;
  }

  /** vruntime of a thread (tests). */
  vruntime(thread: number): number {
    return this.vr[thread];
  }

  /** Makes `thread` runnable with `work` µs of CPU demand. */
  run(thread: number, work: number): void {
    if (thread >= this.rem.length) this.grow(thread + 1);
    if (this.dispatching && this.cont[thread] === 1) {
      // Its burst just ended and it goes on without blocking: same slice, no switch.
      this.cont[thread] = 2;
      this.rem[thread] = work;
      this.burstStart[thread] = this.sim.now;
      this.burstExec[thread] = this.exec[thread];
      return;
    }
    // One burst at a time: a second while queued would put the thread in the run queue twice.
    if (this.state[thread] !== BLOCKED) throw new Error(`thread ${thread} asked for the CPU while already runnable`);
    this.advance();
    this.rem[thread] = work;
    this.burstStart[thread] = this.sim.now;
    this.burstExec[thread] = this.exec[thread];
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
        // Time runnable but not running; below 1 ns it is rounding of the summed run time.
        const waited = now - this.burstStart[t] - (this.exec[t] - this.burstExec[t]);
        this.client.cpuWaited?.(t, waited > 1e-3 ? waited : 0);
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
    if (now >= this.nextTick) this.tick();
    this.reschedule();
  }

  /** Mean number of runnable threads and mean busy cores since the last reset. */
  utilization(): CpuUtilization {
    this.advance();
    const span = this.sim.now - this.areaSince;
    if (span <= 0) return { meanRunnable: 0, busyCores: 0, floorSeconds: 0 };
    return { meanRunnable: this.runnableArea / span, busyCores: this.busyArea / span, floorSeconds: this.floorArea / 1e6 };
  }

  resetStatistics(): void {
    this.advance();
    this.runnableArea = 0;
    this.busyArea = 0;
    this.floorArea = 0;
    this.areaSince = this.sim.now;
    this.switchesAtReset = this.switches;
    this.cache?.resetStatistics();
  }

  /** Context switches since the last reset. */
  switchesSinceReset(): number {
    return this.switches - this.switchesAtReset;
  }

  // ---- the policy ----------------------------------------------------------------------------

  /** place_entity: the vruntime (and deadline) of a thread that wakes or runs for the first time. */
  protected abstract place(t: number): void;
  /** Puts t in the run queue (state QUEUED, a new seqOf). */
  protected abstract enqueue(t: number): void;
  /** The running thread t blocked: its core picks the next one. */
  protected abstract block(t: number): void;
  /** A thread just queued: an idle core takes it, or it may preempt a runner. */
  protected abstract checkPreemptWakeup(t: number): void;
  /** The tick is due (sim.now >= nextTick): move nextTick on and check the runners' slices. */
  protected abstract tick(): void;
  /** Grows the subclass's per-thread arrays to `need` entries. */
  protected abstract growThreads(need: number): void;

  // ---- cores ---------------------------------------------------------------------------------

  /** t (already out of the run queue) runs on core c; a switch costs contextSwitchUs of its time. */
  protected startRunning(c: number, t: number): void {
    this.state[t] = RUNNING;
    this.curr[c] = t;
    this.coreOf[t] = c;
    this.running++;
    if (this.lastRan[c] !== t) {
      this.lastRan[c] = t;
      this.switches++;
      // The switch's cost runs before the thread's own work, on its account.
      this.rem[t] += this.cache === null ? this.contextSwitchUs : this.contextSwitchUs + this.cache.switchIn(c, t, this.sim.now);
    }
  }

  /** Core c stops running its thread (which the caller queues or blocks); returns it. */
  protected stopRunning(c: number): number {
    const t = this.curr[c];
    this.curr[c] = -1;
    this.coreOf[t] = -1;
    this.running--;
    return t;
  }

  // ---- time ----------------------------------------------------------------------------------

  /** Demand executed per µs by a running thread with the current runnable count. */
  private speed(): number {
    const n = this.running + this.queued;
    if (n === 0) return 1;
    if (n >= this.rates.length) {
      const old = this.rates.length;
      this.rates = growFloat64(this.rates, n + 1);
      this.clamped = growUint8(this.clamped, n + 1);
      for (let i = Math.max(1, old); i < this.rates.length; i++) {
        this.rates[i] = (this.rate(i) * i) / Math.min(i, this.cores);
        this.clamped[i] = this.floorBinds !== undefined && this.floorBinds(i) ? 1 : 0;
      }
    }
    return this.rates[n];
  }

  /** Brings the runners' progress and the statistics up to now; false if no time passed. */
  protected advance(): boolean {
    const now = this.sim.now;
    const dt = now - this.lastT;
    if (dt <= 0) return false;
    if (this.running > 0) {
      const sp = this.speed();
      if (this.clamped[this.running + this.queued] === 1) this.floorArea += dt;
      for (let c = 0; c < this.cores; c++) {
        const t = this.curr[c];
        if (t < 0) continue;
        this.rem[t] -= dt * sp;
        this.exec[t] += dt;
        this.vr[t] += dt;
      }
      this.busyArea += dt * this.running;
    }
    this.runnableArea += dt * (this.running + this.queued);
    this.lastT = now;
    return true;
  }

  /** The next burst end on any core, or the next tick while threads wait. */
  protected reschedule(): void {
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
    if (this.queued > 0) {
      while (this.nextTick <= this.sim.now) this.nextTick += this.tickUs;
      if (this.nextTick < next) next = this.nextTick;
    }
    this.nextTime = next;
  }

  private grow(need: number): void {
    this.vr = growFloat64(this.vr, need);
    this.rem = growFloat64(this.rem, need);
    this.exec = growFloat64(this.exec, need);
    this.seqOf = growFloat64(this.seqOf, need);
    this.state = growUint8(this.state, need);
    this.seen = growUint8(this.seen, need);
    this.cont = growUint8(this.cont, need);
    this.coreOf = growInt32(this.coreOf, need, -1);
    this.burstStart = growFloat64(this.burstStart, need);
    this.burstExec = growFloat64(this.burstExec, need);
    this.growThreads(need);
  }
}
