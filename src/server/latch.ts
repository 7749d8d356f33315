import { IntMinHeap } from '../engine/int-min-heap.js';
import { IntQueue } from '../engine/int-queue.js';
import type { Simulator } from '../engine/simulator.js';
import { growFloat64, growInt32, growUint8 } from '../engine/grow.js';
import type { CpuModel } from './cpu.js';
import { DOUBLE_ZERO } from '../engine/double-zero.js';

/** Told when a thread has taken and released every latch its statement needs. */
export interface LatchListener {
  onLatchesDone(thread: number): void;
}

/** What the latch set needs: names, the spin rule, and each statement class's acquisitions. */
export interface LatchConfig {
  names: readonly string[];
  /** innodb_sync_spin_loops: checks of the latch word before the thread sleeps. */
  spinLoops: number;
  /** CPU time of one spin round, µs: srw_pause(my_cpu_relax_multiplier / 4 * innodb_spin_wait_delay). */
  roundUs: number;
  /** CPU time a woken sleeper spends before it checks the latch again (futex wake-up and switch-in), µs. */
  wakeUs: number;
  /**
   * What a release wakes (absent: "one").
   * "one" (10.6+): one sleeper, which checks once and sleeps again if it lost.
   * "all" (5.5 to 10.5, sync0sync / ib_mutex_t): every sleeper at once (os_event_set broadcasts),
   * and each woken thread goes back to spinning (mutex_spin_wait's `goto mutex_loop`): the
   * thundering herd that grows with the number of waiting threads.
   * "all-in-turn": every sleeper, one after another. 5.5's release broadcasts on the latch's
   * os_event (pthread_cond_broadcast), and glibc up to 2.24 requeues a broadcast's waiters onto the
   * event's mutex, so each returns from the wait when the one before it has released that mutex:
   * here, a woken thread wakes the next when its own wake-up CPU (wakeUs) has run, then spins as
   * with "all". Sleepers that arrive meanwhile join the end of the turn.
   * [inferred from the glibc and 5.5 sources; the requeue's order is taken to be FIFO]
   */
  wakeup?: 'one' | 'all' | 'all-in-turn';
  /**
   * 5.5's wait array (sync0arr.c sync_array_reserve_cell), µs per cell: a thread about to sleep on
   * any latch first reserves a cell of one global array, scanning from cell 0 for the first free
   * one while it holds the array's mutex, so each sleep costs (index + 1) cells of CPU, serialized
   * over all latches, and the index grows with the sleepers. 5.6 and later keep a free list (O(1));
   * 10.6+ has no wait array. 0 or absent: none. [simplification: the cell's release
   * (sync_array_free_cell, O(1) under the same mutex) costs nothing; the array's mutex is handed to
   * its waiters in arrival order]
   */
  waitArrayCellUs?: number;
  /**
   * Per statement class: the acquisitions, in order, as [latch index, hold µs, extra hold µs per
   * transaction open on the server] (the last one absent: 0).
   */
  plans: ReadonlyArray<ReadonlyArray<readonly [number, number, number?]>>;
}

/** Per-latch figures since the last reset; times in µs. */
export interface LatchFigures {
  acquisitions: number;
  /** Acquisitions that found the latch held. */
  waits: number;
  /** Mean time from finding it held to taking it, over the waits. */
  waitMeanUs: number;
  spinRounds: number;
  /** CPU burnt spinning. */
  spinUs: number;
  /** Times a waiter gave up spinning and slept (futex wait). */
  sleeps: number;
  /** Time the latch was held. */
  heldUs: number;
  /** CPU the holds needed (hold times, with their per-open-transaction parts). */
  holdCpuUs: number;
}

/** 5.5's wait array in the measured window, as the result reports it. */
export interface WaitArrayResult {
  /** Sleeps that reserved a cell, per second. */
  reservationsPerSecond: number;
  /** Mean cells passed by a reservation's scan (the free cell included). */
  meanCellsScanned: number;
  /** Fraction of reservations that waited for the array's mutex. */
  mutexWaitFraction: number;
  /** Fraction of the time the array's mutex was held. */
  utilization: number;
  /** The most cells in use at once. */
  peakCells: number;
}

/** The wait array's figures since the last reset (LatchConfig.waitArrayCellUs). */
export interface WaitArrayFigures {
  /** Cells reserved (sleeps that scanned). */
  reservations: number;
  /** Cells passed by all the scans (each scan counts the free cell it stops at). */
  cellsScanned: number;
  /** Reservations that found the array's mutex held and waited for it. */
  mutexWaits: number;
  /** Time the array's mutex was held (the scans, on the CPU). */
  heldUs: number;
  /** The most cells in use at once. */
  peakCells: number;
}

/** One InnoDB latch in the measured window. */
export interface LatchResult {
  acquisitions: number;
  /** Acquisitions that found it held, and their mean time to take it. */
  waits: number;
  waitMeanMs: number;
  spinRounds: number;
  /** CPU burnt spinning, and as mean cores (CPU seconds per second). */
  spinCpuSeconds: number;
  spinCores: number;
  /** Waiters that gave up spinning and slept (each wake-up that lost the latch again counts once more). */
  sleeps: number;
  /** Fraction of the time it was held. */
  utilization: number;
  /**
   * Time held over the CPU the holds needed: 1 when holders ran at a core's full speed, n when a
   * hold took n times its CPU because the holder shared its core (processor sharing slows every
   * runnable thread alike, holders included). 1 without acquisitions.
   */
  holdStretch: number;
}

// Thread states.
const S_HOLD = 1;
const S_SPIN = 2;
const S_WAKE = 3;
const S_SLEEP = 4;
/** Waiting for the wait array's mutex (off CPU). */
const S_ARRAY_WAIT = 5;
/** Scanning the wait array for a free cell (a CPU burst, holding the array's mutex). */
const S_ARRAY_SCAN = 6;

/**
 * InnoDB's hot latches (lock_sys, trx_sys, the log buffer, buffer-pool page latches), exclusive
 * only [simplification: the shared mode of lock_sys.latch and page latches is not modelled].
 *
 * The rule is MariaDB 10.6+'s (storage/innobase/sync/srw_lock.cc: srw_mutex_impl<true>::
 * wait_and_lock, srw_lock_<true>::wr_wait, ssux_lock_impl<true>::read_lock): a thread that finds
 * the latch held checks it again up to innodb_sync_spin_loops times, pausing
 * srw_pause(srw_pause_delay()) between checks, where srw_pause_delay() =
 * my_cpu_relax_multiplier / 4 * innodb_spin_wait_delay PAUSE instructions (a fixed delay; the
 * random ut_delay(ut_rnd_interval(innodb_spin_wait_delay)) belongs to 10.5 and older). A spinning
 * thread is runnable: each round is a CPU burst of `roundUs` on the server's CPU model, sharing
 * the cores with the holder and everyone else, so many spinners slow the holder down. After the
 * last round it sleeps (futex wait, off CPU). A release wakes one sleeper (futex WAKE 1), which
 * spends `wakeUs` of CPU and then checks once: the latch goes to whoever checks first after a
 * release (no hand-off), and a woken thread that finds it taken sleeps again without spinning
 * (the second loop of wait_and_lock), at the back of the queue [simplification: the futex queue's
 * order]. Holding is CPU time: the holder's burst is slowed by contention like any other.
 *
 * The waits are not reported to the thread handling (InnoDB's latches do not call
 * thd_wait_begin): a pool sees a spinning or sleeping thread as busy.
 */
export class LatchSet {
  private readonly holder: Int32Array;
  private readonly grantAt: Float64Array;
  private readonly sleepers: IntQueue[];
  // Plans flattened: class c's acquisitions are planLatch/planHold[planStart[c] .. planStart[c+1]).
  private readonly planStart: Int32Array;
  private readonly planLatch: Int32Array;
  private readonly planHold: Float64Array;
  private readonly planPerTrx: Float64Array;
  /**
   * Transactions open on the server (kept by the executor): a hold with a per-transaction part
   * grows with it, as 5.5's read view creation copies the list of active transactions under
   * kernel_mutex (trx0trx.c trx_assign_read_view -> read0read.c read_view_open_now, which scans
   * trx_sys->trx_list; MySQL bug #49169).
   */
  openTransactions = 0;

  private tState = new Uint8Array(64);
  private tStep = new Int32Array(64);
  private tEnd = new Int32Array(64);
  private tSpinLeft = new Int32Array(64);
  private tWaitStart = new Float64Array(64);
  /** The wait-array cell a thread holds (-1: none). */
  private tCell = new Int32Array(64).fill(-1);
  /** Hold added to the thread's next acquisition (beginWithExtra), µs. */
  private tExtra = new Float64Array(64);

  /** From cfg.wakeup: a release wakes every sleeper ("all", "all-in-turn"), and one after another. */
  private readonly wakeAll: boolean;
  private readonly inTurn: boolean;
  // The woken-in-turn chain per latch ("all-in-turn"): marked sleepers, and whether one is waking.
  private readonly turn: IntQueue[];
  private readonly turnBusy: Uint8Array;

  // The wait array: free cells below the high-water mark in a min-heap (the scan takes the
  // lowest), the array's mutex and the threads waiting for it.
  private readonly freeCells = new IntMinHeap();
  private cellsHigh = 0;
  private cellsInUse = 0;
  private arrayHolder = -1;
  private arrayGrantAt = DOUBLE_ZERO;
  private readonly arrayQueue = new IntQueue();
  private arr = { reservations: 0, cellsScanned: 0, mutexWaits: 0, heldUs: DOUBLE_ZERO, peakCells: 0 };

  // Statistics per latch.
  private readonly acq: Float64Array;
  private readonly waits: Float64Array;
  private readonly waitSum: Float64Array;
  private readonly rounds: Float64Array;
  private readonly sleeps: Float64Array;
  private readonly heldSum: Float64Array;
  private readonly holdCpu: Float64Array;

  listener: LatchListener | null = null;
  cpu: CpuModel | null = null;

  constructor(
    private readonly sim: Simulator,
    private readonly cfg: LatchConfig,
  ) {
    const k = cfg.names.length;
    this.holder = new Int32Array(k).fill(-1);
    this.grantAt = new Float64Array(k);
    this.sleepers = cfg.names.map(() => new IntQueue());
    this.wakeAll = cfg.wakeup === 'all' || cfg.wakeup === 'all-in-turn';
    this.inTurn = cfg.wakeup === 'all-in-turn';
    this.turn = cfg.names.map(() => new IntQueue());
    this.turnBusy = new Uint8Array(k);
    this.planStart = new Int32Array(cfg.plans.length + 1);
    let total = 0;
    cfg.plans.forEach((p, c) => {
      this.planStart[c] = total;
      total += p.length;
    });
    this.planStart[cfg.plans.length] = total;
    this.planLatch = new Int32Array(total);
    this.planHold = new Float64Array(total);
    this.planPerTrx = new Float64Array(total);
    let i = 0;
    for (const p of cfg.plans) {
      for (const [latch, hold, perTrx] of p) {
        this.planLatch[i] = latch;
        this.planHold[i] = hold;
        this.planPerTrx[i] = perTrx ?? 0;
        i++;
      }
    }
    this.acq = new Float64Array(k);
    this.waits = new Float64Array(k);
    this.waitSum = new Float64Array(k);
    this.rounds = new Float64Array(k);
    this.sleeps = new Float64Array(k);
    this.heldSum = new Float64Array(k);
    this.holdCpu = new Float64Array(k);
  }

  /**
   * Starts the acquisitions of a statement of class `cls` on `thread`. Returns false when the
   * class takes no latch (the caller goes on at once); otherwise the listener is told later.
   */
  begin(thread: number, cls: number): boolean {
    const from = this.planStart[cls];
    const to = this.planStart[cls + 1];
    if (from === to) return false;
    if (thread >= this.tState.length) this.grow(thread + 1);
    this.tStep[thread] = from;
    this.tEnd[thread] = to;
    this.tryAcquire(thread);
    return true;
  }

  /**
   * As begin, with `extraUs` added to the hold of the class's first acquisition: work whose size
   * is known only when the statement gets there (the deadlock search's steps).
   */
  beginWithExtra(thread: number, cls: number, extraUs: number): boolean {
    if (thread >= this.tState.length) this.grow(thread + 1);
    this.tExtra[thread] = extraUs;
    return this.begin(thread, cls);
  }

  /** Whether `thread` is inside a latch step (its CPU bursts belong to the latch set). */
  active(thread: number): boolean {
    return thread < this.tState.length && this.tState[thread] !== 0;
  }

  /** A CPU burst of the thread's latch step ended. */
  onCpuDone(thread: number): void {
    const step = this.tStep[thread];
    const l = this.planLatch[step];
    switch (this.tState[thread]) {
      case S_HOLD: {
        this.release(l);
        if (step + 1 < this.tEnd[thread]) {
          this.tStep[thread] = step + 1;
          this.tryAcquire(thread);
        } else {
          this.tState[thread] = 0;
          (this.listener as LatchListener).onLatchesDone(thread);
        }
        return;
      }
      case S_SPIN:
        this.rounds[l]++;
        if (this.holder[l] === -1) this.grant(thread, l, step);
        else if (--this.tSpinLeft[thread] > 0) (this.cpu as CpuModel).run(thread, this.cfg.roundUs);
        // [simplification] InnoDB 5.5-5.7's mutex_spin_wait yields the core (os_thread_yield) once
        // its rounds are spent, before the last test and the sleep; here the spinner sleeps at once.
        else this.sleep(thread, l);
        return;
      case S_ARRAY_SCAN:
        this.scanned(thread, l, step);
        return;
      case S_WAKE:
        if (this.inTurn) this.wakeNextInTurn(l);
        if (this.holder[l] === -1) this.grant(thread, l, step);
        else if (this.wakeAll && this.cfg.spinLoops > 0) {
          this.tState[thread] = S_SPIN;
          this.tSpinLeft[thread] = this.cfg.spinLoops;
          (this.cpu as CpuModel).run(thread, this.cfg.roundUs);
        } else this.sleep(thread, l);
        return;
    }
  }

  /** The wait array's figures since the last reset (zeros without one). */
  waitArrayFigures(): WaitArrayFigures {
    const held = this.arrayHolder === -1 ? 0 : this.sim.now - this.arrayGrantAt;
    return { ...this.arr, heldUs: this.arr.heldUs + held };
  }

  /** Per-latch figures since the last reset (the time a latch is held at the end counts up to `now`). */
  figures(): LatchFigures[] {
    const now = this.sim.now;
    return this.cfg.names.map((_, l) => ({
      acquisitions: this.acq[l],
      waits: this.waits[l],
      waitMeanUs: this.waits[l] > 0 ? this.waitSum[l] / this.waits[l] : 0,
      spinRounds: this.rounds[l],
      spinUs: this.rounds[l] * this.cfg.roundUs,
      sleeps: this.sleeps[l],
      heldUs: this.heldSum[l] + (this.holder[l] === -1 ? 0 : now - this.grantAt[l]),
      holdCpuUs: this.holdCpu[l],
    }));
  }

  resetStatistics(): void {
    const now = this.sim.now;
    for (let l = 0; l < this.holder.length; l++) {
      this.acq[l] = 0;
      this.waits[l] = 0;
      this.waitSum[l] = 0;
      this.rounds[l] = 0;
      this.sleeps[l] = 0;
      this.heldSum[l] = 0;
      this.holdCpu[l] = 0;
      if (this.holder[l] !== -1) this.grantAt[l] = now;
    }
    this.arr.reservations = 0;
    this.arr.cellsScanned = 0;
    this.arr.mutexWaits = 0;
    this.arr.heldUs = 0;
    this.arr.peakCells = this.cellsInUse;
    if (this.arrayHolder !== -1) this.arrayGrantAt = now;
  }

  /** Told of every acquisition's wait (0 when the latch was free), e.g. for the waits report. */
  onWaited: ((thread: number, us: number) => void) | null = null;

  private tryAcquire(thread: number): void {
    const step = this.tStep[thread];
    const l = this.planLatch[step];
    if (this.holder[l] === -1) {
      this.onWaited?.(thread, 0);
      this.take(thread, l, step);
      return;
    }
    this.waits[l]++;
    this.tWaitStart[thread] = this.sim.now;
    if (this.cfg.spinLoops > 0) {
      this.tState[thread] = S_SPIN;
      this.tSpinLeft[thread] = this.cfg.spinLoops;
      (this.cpu as CpuModel).run(thread, this.cfg.roundUs);
    } else {
      this.sleep(thread, l);
    }
  }

  private grant(thread: number, l: number, step: number): void {
    const w = this.sim.now - this.tWaitStart[thread];
    this.waitSum[l] += w;
    this.onWaited?.(thread, w);
    this.take(thread, l, step);
  }

  private take(thread: number, l: number, step: number): void {
    this.holder[l] = thread;
    this.grantAt[l] = this.sim.now;
    this.acq[l]++;
    this.tState[thread] = S_HOLD;
    const hold = this.planHold[step] + this.planPerTrx[step] * this.openTransactions + this.tExtra[thread];
    this.tExtra[thread] = 0;
    this.holdCpu[l] += hold;
    (this.cpu as CpuModel).run(thread, hold);
  }

  private sleep(thread: number, l: number): void {
    if (this.cfg.waitArrayCellUs !== undefined && this.cfg.waitArrayCellUs > 0) {
      this.arr.reservations++;
      if (this.arrayHolder === -1) this.scan(thread);
      else {
        this.arr.mutexWaits++;
        this.tState[thread] = S_ARRAY_WAIT;
        this.arrayQueue.push(thread);
      }
      return;
    }
    this.sleeps[l]++;
    this.tState[thread] = S_SLEEP;
    this.sleepers[l].push(thread);
  }

  /** sync_array_reserve_cell: under the array's mutex, pass cells 0..i to the first free one, i. */
  private scan(thread: number): void {
    this.arrayHolder = thread;
    this.arrayGrantAt = this.sim.now;
    const cell = this.freeCells.size > 0 ? this.freeCells.peek() : this.cellsHigh;
    this.arr.cellsScanned += cell + 1;
    this.tState[thread] = S_ARRAY_SCAN;
    (this.cpu as CpuModel).run(thread, (cell + 1) * (this.cfg.waitArrayCellUs as number));
  }

  /**
   * The scan ended: the cell is the thread's, the array's mutex goes to the next in line, and the
   * thread, like 5.5's mutex_spin_wait after reserving, tests the latch once more before it sleeps.
   */
  private scanned(thread: number, l: number, step: number): void {
    this.tCell[thread] = this.freeCells.size > 0 ? this.freeCells.pop() : this.cellsHigh++;
    if (++this.cellsInUse > this.arr.peakCells) this.arr.peakCells = this.cellsInUse;
    this.arr.heldUs += this.sim.now - this.arrayGrantAt;
    this.arrayHolder = -1;
    if (this.arrayQueue.size > 0) this.scan(this.arrayQueue.shift());
    if (this.holder[l] === -1) {
      this.freeCell(thread);
      this.grant(thread, l, step);
      return;
    }
    this.sleeps[l]++;
    this.tState[thread] = S_SLEEP;
    this.sleepers[l].push(thread);
  }

  private freeCell(thread: number): void {
    const c = this.tCell[thread];
    if (c < 0) return;
    this.tCell[thread] = -1;
    this.cellsInUse--;
    this.freeCells.push(c);
  }

  /** Wakes a sleeper: off the wait array (its cell freed), it pays the wake-up on the CPU. */
  private wake(s: number): void {
    this.freeCell(s);
    this.tState[s] = S_WAKE;
    (this.cpu as CpuModel).run(s, this.cfg.wakeUs);
  }

  /** "all-in-turn": the next marked sleeper of latch l wakes, or the turn ends. */
  private wakeNextInTurn(l: number): void {
    const t = this.turn[l];
    if (t.size > 0) this.wake(t.shift());
    else this.turnBusy[l] = 0;
  }

  private release(l: number): void {
    this.heldSum[l] += this.sim.now - this.grantAt[l];
    this.holder[l] = -1;
    const q = this.sleepers[l];
    if (this.inTurn) {
      const t = this.turn[l];
      while (q.size > 0) t.push(q.shift());
      if (this.turnBusy[l] === 0 && t.size > 0) {
        this.turnBusy[l] = 1;
        this.wake(t.shift());
      }
      return;
    }
    for (let k = this.wakeAll ? q.size : Math.min(1, q.size); k > 0; k--) this.wake(q.shift());
  }

  private grow(need: number): void {
    this.tState = growUint8(this.tState, need);
    this.tStep = growInt32(this.tStep, need);
    this.tEnd = growInt32(this.tEnd, need);
    this.tExtra = growFloat64(this.tExtra, need);
    this.tSpinLeft = growInt32(this.tSpinLeft, need);
    this.tWaitStart = growFloat64(this.tWaitStart, need);
    this.tCell = growInt32(this.tCell, need, -1);
  }
}
