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

  /** A writing transaction commits on `thread`; returns REDO_NO_WAIT, REDO_WAIT_FSYNC or REDO_WAIT_GROUP. */
  commit(thread: number): number {
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
    this.next.push(thread);
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
    const n = this.current.size;
    if (n > this.doneBuf.length) this.doneBuf = growInt32(this.doneBuf, n);
    for (let i = 0; i < n; i++) this.doneBuf[i] = this.current.shift();
    this.flushes++;
    this.flushedCommits += n;
    const empty = this.current;
    this.current = this.next;
    this.next = empty;
    if (this.current.size > 0) this.startFlush();
    else this.flushing = false;
    for (let i = 0; i < n; i++) this.listener.onFlushed(this.doneBuf[i]);
  }

  private startFlush(): void {
    this.flushing = true;
    this.sim.schedule(this.fsync.sample(this.rng), this.id, FLUSH_DONE, 0, 0);
  }
}
