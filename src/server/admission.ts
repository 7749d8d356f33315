import { IntQueue } from '../engine/int-queue.js';

/** Told when a queued thread has been let into InnoDB. Must not call back into the gate. */
export interface AdmissionListener {
  onAdmitted(thread: number): void;
}

/**
 * innodb_thread_concurrency: at most `limit` threads inside InnoDB at once, the others wait in
 * FIFO order (as srv_conc_enter_innodb_without_atomics; builds with atomics sleep-poll every
 * innodb_thread_sleep_delay instead, which is not FIFO [simplification]).
 *
 * Model of an entry: a statement that touches InnoDB (not BEGIN / COMMIT) enters once, at its
 * first row operation (after the part of its CPU spent in the SQL layer, server.innodb
 * .sqlLayerShare; 0 by default: at its start), and gets innodb_concurrency_tickets tickets;
 * InnoDB's latches are taken after the entry. Every row operation after the first uses
 * one. InnoDB drops the slot and the remaining tickets at the end of the statement
 * (srv_conc_force_exit_innodb when the table is unlocked) and while the thread waits for a row
 * lock (and re-enters after it without queueing, srv_conc_force_enter_innodb). A statement is
 * one row operation here, so tickets never run out within a statement: innodb_concurrency_tickets
 * is recorded but has no effect unless a statement did more row operations than tickets.
 *
 * The wait for a slot is reported to the thread handling: InnoDB calls
 * thd_wait_begin(THD_WAIT_USER_LOCK) before sleeping (srv0conc.cc), so the pool may start
 * another statement meanwhile.
 */
export class Admission {
  private readonly queue = new IntQueue();
  /** Threads inside InnoDB. */
  active = 0;
  /** Entries that had to queue, since the start. */
  waits = 0;

  constructor(
    readonly limit: number,
    readonly tickets: number,
    private readonly listener: AdmissionListener,
  ) {}

  get queued(): number {
    return this.queue.size;
  }

  /** True if `thread` may enter now; otherwise it is queued and the listener told later. */
  enter(thread: number): boolean {
    if (this.active < this.limit && this.queue.size === 0) {
      this.active++;
      return true;
    }
    this.waits++;
    this.queue.push(thread);
    return false;
  }

  /** Re-entry after a row-lock wait: no queueing, even past the limit (srv_conc_force_enter_innodb). */
  forceEnter(): void {
    this.active++;
  }

  /** A thread leaves InnoDB: the head of the queue takes its slot. */
  exit(): void {
    this.active--;
    while (this.active < this.limit && this.queue.size > 0) {
      this.active++;
      this.listener.onAdmitted(this.queue.shift());
    }
  }
}
