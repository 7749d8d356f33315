import type { Distribution } from '../engine/distributions.js';
import { IntQueue } from '../engine/int-queue.js';
import type { Rng } from '../engine/random.js';
import type { EventHandler, Simulator } from '../engine/simulator.js';
import { growInt32 } from '../engine/grow.js';

/** Told when the flush that makes a thread's commit durable has ended. */
export interface RedoListener {
  onFlushed(thread: number): void;
}

/** What commit() asks of the committing thread. */
export const REDO_NO_WAIT = 0;
/** It started a flush and waits for its fsync (the group's leader). */
export const REDO_WAIT_FSYNC = 1;
/** A flush is in progress: it waits for the next one, which it shares (group commit). */
export const REDO_WAIT_GROUP = 2;

const FLUSH_DONE = 0;
const BACKGROUND = 1;
const BACKGROUND_PERIOD = 1e6; // µs: srv_master_thread's once-a-second log flush

/**
 * The redo log at COMMIT, after innodb_flush_log_at_trx_commit:
 * - 1: each writing transaction's COMMIT waits until an fsync covering it ends. One flush runs at
 *   a time; commits that arrive while it runs wait for the next flush, which starts as soon as the
 *   current one ends and covers all of them (group commit). A commit therefore waits at most two
 *   flush times.
 * - 0 and 2: no wait at COMMIT; a background flush each second covers what was committed since
 *   the last one (2's write to the OS cache is CPU time of COMMIT, see the executor).
 * Flush times are drawn from the `fsync` distribution on the server's own `redo` stream.
 */
export class RedoLog implements EventHandler {
  private readonly id: number;
  private flushing = false;
  /** Threads covered by the flush in progress, and those waiting for the next one. */
  private current = new IntQueue();
  private next = new IntQueue();
  private doneBuf = new Int32Array(64);
  private backgroundStarted = false;
  private sinceBackground = 0;

  /**
   * MariaDB 10.6+ with asynchronous commit (the pool's thd_async_state): when a flush ends and
   * commits wait for the next one, its leader leads that one too (storage/innobase/log/log0log.cc
   * log_write_up_to: flush_lock.release returns the waiters' LSN when no thread waits
   * synchronously, "There is no new group commit lead; some async waiters could stall", and the
   * leader goes back to `repeat`). Its COMMIT ends when a flush ends with nobody waiting.
   */
  leaderRepeats = false;

  /** Commits, flushes, and commits made durable by those flushes, since the last reset. */
  commits = 0;
  flushes = 0;
  flushedCommits = 0;

  constructor(
    private readonly sim: Simulator,
    readonly mode: 0 | 1 | 2,
    private readonly fsync: Distribution,
    private readonly rng: Rng,
    private readonly listener: RedoListener,
  ) {
    this.id = sim.register(this);
  }

  /**
   * A writing transaction commits on `thread`; returns REDO_NO_WAIT, REDO_WAIT_FSYNC or
   * REDO_WAIT_GROUP. With `asyncConn` >= 0 a commit that has to wait for another thread's flush
   * waits asynchronously (group_commit_lock::acquire with a callback returns at once): the
   * listener is told -(asyncConn + 1) instead of the thread when its flush ends.
   */
  commit(thread: number, asyncConn = -1): number {
    this.commits++;
    if (this.mode !== 1) {
      this.sinceBackground++;
      if (!this.backgroundStarted) {
        this.backgroundStarted = true;
        this.sim.schedule(BACKGROUND_PERIOD, this.id, BACKGROUND, 0, 0);
      }
      return REDO_NO_WAIT;
    }
    if (!this.flushing) {
      this.current.push(thread);
      this.startFlush();
      return REDO_WAIT_FSYNC;
    }
    this.next.push(asyncConn >= 0 ? -(asyncConn + 1) : thread);
    return REDO_WAIT_GROUP;
  }

  resetStatistics(): void {
    this.commits = 0;
    this.flushes = 0;
    this.flushedCommits = 0;
  }

  handleEvent(kind: number): void {
    if (kind === BACKGROUND) {
      if (this.sinceBackground > 0) {
        this.flushes++;
        this.flushedCommits += this.sinceBackground;
        this.sinceBackground = 0;
      }
      this.sim.schedule(BACKGROUND_PERIOD, this.id, BACKGROUND, 0, 0);
      return;
    }
    // The flush ended: its commits are durable. Those that arrived meanwhile start the next one
    // before anybody is told, so commits made by the listener join the right group.
    // With leaderRepeats the leader (always first) stays on for the next flush if one follows.
    const keep = this.leaderRepeats && this.next.size > 0 ? this.current.shift() : -1;
    const n = this.current.size;
    if (n > this.doneBuf.length) this.doneBuf = growInt32(this.doneBuf, n);
    for (let i = 0; i < n; i++) this.doneBuf[i] = this.current.shift();
    this.flushes++;
    this.flushedCommits += n; // the leader's commit counts when its last flush ends
    if (keep !== -1) {
      // current (now empty) becomes the next group: the leader first, then the waiters.
      this.current.push(keep);
      while (this.next.size > 0) this.current.push(this.next.shift());
    } else {
      const empty = this.current;
      this.current = this.next;
      this.next = empty;
    }
    if (this.current.size > 0) this.startFlush();
    else this.flushing = false;
    if (this.leaderRepeats) {
      // flush_lock.release runs the asynchronous waiters' callbacks in the leader's thread,
      // before the leader's own commit returns (group_commit_lock::release).
      for (let i = 0; i < n; i++) if (this.doneBuf[i] < 0) this.listener.onFlushed(this.doneBuf[i]);
      for (let i = 0; i < n; i++) if (this.doneBuf[i] >= 0) this.listener.onFlushed(this.doneBuf[i]);
      return;
    }
    for (let i = 0; i < n; i++) this.listener.onFlushed(this.doneBuf[i]);
  }

  private startFlush(): void {
    this.flushing = true;
    this.sim.schedule(this.fsync.sample(this.rng), this.id, FLUSH_DONE, 0, 0);
  }
}
