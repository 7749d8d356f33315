import type { Simulator, TimedSource } from '../engine/simulator.js';
import { growFloat64, growInt32, growUint8 } from '../engine/grow.js';
import { IntQueue } from '../engine/int-queue.js';
import type { RateFunction } from './contention.js';
import { DOUBLE_ZERO } from '../engine/double-zero.js';

/**
 * What the executor and the run's clock need of a CPU model: processor sharing or FIFO (Cpu), or
 * the Linux schedulers (CfsCpu, EevdfCpu).
 */
export interface CpuModel {
  /** Number of threads that currently want the CPU. */
  readonly runnable: number;
  /** Makes `thread` runnable with `work` microseconds of CPU demand. */
  run(thread: number, work: number): void;
  /** Since the last reset: mean runnable threads, mean busy cores, and the time the contention model's floor decided the rate. */
  utilization(): CpuUtilization;
  resetStatistics(): void;
}

export interface CpuUtilization {
  meanRunnable: number;
  busyCores: number;
  /** Simulated seconds during which the contention rate was the floor's (contention.ts), not the model's. */
  floorSeconds: number;
}

/** Told when a thread's CPU burst has been fully served. */
export interface CpuClient {
  onCpuDone(thread: number): void;
  /**
   * Told as a burst starts its last stretch on a core (FIFO) or ends (Linux schedulers) how long
   * it was runnable but not running: the run queue's wait. Processor sharing never calls it.
   */
  cpuWaited?(thread: number, us: number): void;
  /** Scheduling "priority": the level of the thread's burst (0 lowest; a higher one is served first). */
  cpuPriority?(thread: number): number;
}

/** Waiting CPU bursts in arrival order: thread ids with their work and the time they queued. */
class BurstQueue {
  private readonly threads = new IntQueue();
  private work = new Float64Array(64);
  private since = new Float64Array(64);
  private head = 0;

  get size(): number {
    return this.threads.size;
  }

  push(thread: number, work: number, now: number): void {
    // Work and times in rings parallel to the IntQueue's: same push/shift order.
    const size = this.threads.size;
    if (size === this.work.length) {
      const w = new Float64Array(size * 2);
      const t = new Float64Array(size * 2);
      for (let i = 0; i < size; i++) {
        w[i] = this.work[(this.head + i) % size];
        t[i] = this.since[(this.head + i) % size];
      }
      this.work = w;
      this.since = t;
      this.head = 0;
    }
    const slot = (this.head + size) % this.work.length;
    this.work[slot] = work;
    this.since[slot] = now;
    this.threads.push(thread);
  }

  headWork(): number {
    return this.work[this.head];
  }

  headSince(): number {
    return this.since[this.head];
  }

  shift(): number {
    this.head = (this.head + 1) % this.work.length;
    return this.threads.shift();
  }
}

/**
 * With `scheduling = 'fifo'` each of the `cores` cores instead runs one thread until its burst
 * ends and the others wait in arrival order (contention is not applied): with one thread per
 * connection and open-loop arrivals this is exactly M/G/c FIFO. The FIFO path has its own
 * state and branches off at the top of run() and fire(), so the PS path keeps its speed.
 *
 * Processor sharing among runnable threads, with a contention-dependent rate, by a virtual
 * clock: V advances at the per-thread rate r(n), a burst of w started at V0 ends when V reaches
 * V0 + w. A start or an end costs O(log n) (a heap of finish tags), never a pass over all
 * runnable threads. Rates for each n are cached in a table.
 */
export class Cpu implements TimedSource, CpuModel {
  /** Time of the next burst completion (Infinity when idle); the simulator polls it. */
  nextTime = Infinity;
  private v = 0;
  private lastT = DOUBLE_ZERO;
  private dispatching = false;

  // Heap of (finish tag, seq, thread).
  private tags = new Float64Array(64);
  private seqs = new Float64Array(64);
  private heapThreads = new Int32Array(64);
  private n = 0;
  private seq = 0;

  private rates = new Float64Array(0);
  /** 1 where the contention floor decides the rate at that runnable count. */
  private clamped = new Uint8Array(0);
  private floorArea = DOUBLE_ZERO;
  private doneBuf = new Int32Array(64);

  // FIFO: running threads in the same heap (tag = end time), waiting bursts in arrival order.
  private readonly fifo: boolean;
  // FIFO has one level; "priority" one per transaction cpuPriority, the highest served first.
  private readonly levels: BurstQueue[];
  private waiting = 0;

  // Time integrals for reporting.
  private runnableArea = DOUBLE_ZERO;
  private busyArea = DOUBLE_ZERO;
  private areaSince = DOUBLE_ZERO;

  constructor(
    private readonly sim: Simulator,
    readonly cores: number,
    private readonly rate: RateFunction,
    private readonly client: CpuClient,
    scheduling: 'ps' | 'fifo' | 'priority' = 'ps',
    private readonly floorBinds?: (n: number) => boolean,
    /** "priority": the number of levels (the largest cpuPriority + 1). */
    priorityLevels = 1,
  ) {
    this.fifo = scheduling === 'fifo' || scheduling === 'priority';
    const levels = scheduling === 'priority' ? priorityLevels : 1;
    this.levels = [];
    for (let i = 0; i < levels; i++) this.levels.push(new BurstQueue());
    sim.attachSource(this);
  }

  /** Number of threads that currently want the CPU. */
  get runnable(): number {
    return this.n + this.waiting;
  }

  /** Makes `thread` runnable with `work` microseconds of CPU demand. */
  run(thread: number, work: number): void {
    if (this.fifo) {
      this.fifoRun(thread, work);
      return;
    }
    this.advance();
    if (this.n === this.tags.length) this.growHeap();
    this.heapPush(this.v + work, thread);
    if (!this.dispatching) this.reschedule();
  }

  fire(): void {
    if (this.fifo) {
      this.fifoFire();
      return;
    }
    this.advance();
    // The event was timed for the smallest tag; rounding must not leave it a hair short.
    if (this.tags[0] > this.v) this.v = this.tags[0];
    const first = this.heapPop();
    if (this.n === 0 || this.tags[0] > this.v) {
      // Usually one burst ends alone: no buffer.
      this.dispatching = true;
      this.client.onCpuDone(first);
      this.dispatching = false;
      this.reschedule();
      return;
    }
    this.doneBuf[0] = first;
    let k = 1;
    while (this.n > 0 && this.tags[0] <= this.v) {
      if (k === this.doneBuf.length) this.doneBuf = growInt32(this.doneBuf, k + 1);
      this.doneBuf[k++] = this.heapPop();
    }
    this.dispatching = true;
    for (let i = 0; i < k; i++) this.client.onCpuDone(this.doneBuf[i]);
    this.dispatching = false;
    this.reschedule();
  }

  /** Mean number of runnable threads and mean busy cores since the last reset. */
  utilization(): CpuUtilization {
    if (this.fifo) this.fifoAdvance();
    else this.advance();
    const span = this.sim.now - this.areaSince;
    if (span <= 0) return { meanRunnable: 0, busyCores: 0, floorSeconds: 0 };
    return { meanRunnable: this.runnableArea / span, busyCores: this.busyArea / span, floorSeconds: this.floorArea / 1e6 };
  }

  resetStatistics(): void {
    if (this.fifo) this.fifoAdvance();
    else this.advance();
    this.runnableArea = 0;
    this.busyArea = 0;
    this.floorArea = 0;
    this.areaSince = this.sim.now;
  }

  private fifoRun(thread: number, work: number): void {
    this.fifoAdvance();
    if (this.n < this.cores) {
      if (this.n === this.tags.length) this.growHeap();
      this.heapPush(this.sim.now + work, thread);
      if (!this.dispatching) this.nextTime = this.tags[0];
      this.client.cpuWaited?.(thread, 0);
      return;
    }
    // Work of queued bursts in a ring parallel to the IntQueue's: same push/shift order.
    const level = this.levels.length === 1 ? 0 : (this.client.cpuPriority?.(thread) ?? 0);
    this.levels[level].push(thread, work, this.sim.now);
    this.waiting++;
  }

  private fifoFire(): void {
    this.fifoAdvance();
    const now = this.sim.now;
    let k = 0;
    while (this.n > 0 && this.tags[0] <= now) {
      if (k === this.doneBuf.length) this.doneBuf = growInt32(this.doneBuf, k + 1);
      this.doneBuf[k++] = this.heapPop();
    }
    // Freed cores take the oldest waiting bursts before the finished threads can queue again.
    let level = this.levels.length - 1;
    while (this.n < this.cores && this.waiting > 0) {
      while (this.levels[level].size === 0) level--;
      const q = this.levels[level];
      const work = q.headWork();
      const since = q.headSince();
      const thread = q.shift();
      this.waiting--;
      this.heapPush(now + work, thread);
      this.client.cpuWaited?.(thread, now - since);
    }
    this.dispatching = true;
    for (let i = 0; i < k; i++) this.client.onCpuDone(this.doneBuf[i]);
    this.dispatching = false;
    this.nextTime = this.n > 0 ? this.tags[0] : Infinity;
  }

  private fifoAdvance(): void {
    const now = this.sim.now;
    const dt = now - this.lastT;
    if (dt > 0) {
      this.runnableArea += dt * (this.n + this.waiting);
      this.busyArea += dt * this.n;
      this.lastT = now;
    }
  }

  private rateFor(n: number): number {
    if (n >= this.rates.length) {
      const old = this.rates.length;
      this.rates = growFloat64(this.rates, n + 1);
      this.clamped = growUint8(this.clamped, n + 1);
      for (let i = old; i < this.rates.length; i++) {
        this.rates[i] = i === 0 ? 1 : this.rate(i);
        this.clamped[i] = i > 0 && this.floorBinds !== undefined && this.floorBinds(i) ? 1 : 0;
      }
    }
    return this.rates[n];
  }

  private advance(): void {
    const now = this.sim.now;
    const dt = now - this.lastT;
    if (dt > 0) {
      const n = this.n;
      if (n > 0) {
        this.v += dt * this.rateFor(n);
        if (this.clamped[n] === 1) this.floorArea += dt;
        this.runnableArea += dt * n;
        this.busyArea += dt * (n < this.cores ? n : this.cores);
      }
      this.lastT = now;
    }
  }

  private reschedule(): void {
    if (this.n === 0) {
      this.nextTime = Infinity;
      return;
    }
    const dt = (this.tags[0] - this.v) / this.rateFor(this.n);
    this.nextTime = this.sim.now + (dt > 0 ? dt : 0);
  }

  // A 4-ary heap: half the depth of a binary one for a few dozen runnable threads, and the four
  // children of a node share a cache line.
  private heapPush(tag: number, thread: number): void {
    const tags = this.tags;
    const seqs = this.seqs;
    const ths = this.heapThreads;
    const s = this.seq++;
    let i = this.n++;
    // Every seq in the heap is smaller than the new one: a parent with the same tag stays above.
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pt = tags[p];
      if (pt <= tag) break;
      tags[i] = pt;
      seqs[i] = seqs[p];
      ths[i] = ths[p];
      i = p;
    }
    tags[i] = tag;
    seqs[i] = s;
    ths[i] = thread;
  }

  private heapPop(): number {
    const tags = this.tags;
    const seqs = this.seqs;
    const ths = this.heapThreads;
    const top = ths[0];
    const last = --this.n;
    if (last > 0) {
      const tag = tags[last];
      const s = seqs[last];
      const th = ths[last];
      let i = 0;
      for (;;) {
        const c0 = 4 * i + 1;
        if (c0 >= last) break;
        let best = c0;
        let bt = tags[c0];
        const cEnd = c0 + 4 < last ? c0 + 4 : last;
        for (let c = c0 + 1; c < cEnd; c++) {
          const ct = tags[c];
          if (ct < bt || (ct === bt && seqs[c] < seqs[best])) {
            best = c;
            bt = ct;
          }
        }
        if (tag < bt || (tag === bt && s < seqs[best])) break;
        tags[i] = bt;
        seqs[i] = seqs[best];
        ths[i] = ths[best];
        i = best;
      }
      tags[i] = tag;
      seqs[i] = s;
      ths[i] = th;
    }
    return top;
  }

  private growHeap(): void {
    const cap = this.tags.length * 2;
    this.tags = growFloat64(this.tags, cap);
    this.seqs = growFloat64(this.seqs, cap);
    this.heapThreads = growInt32(this.heapThreads, cap);
  }
}
