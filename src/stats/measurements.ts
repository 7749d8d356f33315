import type { IntervalSeries } from './intervals.js';
import { LatencyRecorder } from './latency.js';
import { QueueWaits } from './queue-wait.js';
import { DOUBLE_ZERO } from '../engine/double-zero.js';

/**
 * Everything recorded about requests during the measured window (after warm-up): latency
 * distributions by transaction type and statement class, and completions per second. Each
 * value is recorded once, by transaction type; the "all" distributions are the sums of those,
 * formed at the end (histogram addition is exact), which halves the recording cost.
 */
export class Measurements {
  measuring = false;
  windowStart = DOUBLE_ZERO;
  transactions = 0;
  statements = 0;
  readonly txAll = new LatencyRecorder();
  readonly txBy: LatencyRecorder[];
  readonly queueAll = new LatencyRecorder();
  readonly queueBy: LatencyRecorder[];
  readonly execAll = new LatencyRecorder();
  readonly execBy: LatencyRecorder[];
  readonly stmtBy: LatencyRecorder[];
  /** Waiting time at every queue of the model (stats/queue-wait.ts), same measured window. */
  readonly waits: QueueWaits;
  /** Completed transactions per second of the window. */
  readonly tpsSeries: number[] = [];
  /** sysbench-style per-interval figures (`--report-interval`), when asked for. */
  intervals: IntervalSeries | null = null;

  constructor(
    readonly transactionNames: readonly string[],
    readonly classNames: readonly string[],
  ) {
    this.txBy = transactionNames.map(() => new LatencyRecorder());
    this.queueBy = transactionNames.map(() => new LatencyRecorder());
    this.execBy = transactionNames.map(() => new LatencyRecorder());
    this.stmtBy = classNames.map(() => new LatencyRecorder());
    this.waits = new QueueWaits(transactionNames, classNames);
  }

  start(now: number): void {
    this.measuring = true;
    this.waits.measuring = true;
    this.windowStart = now;
  }

  statement(txn: number, cls: number, queueUs: number, execUs: number, responseUs: number): void {
    this.statements++;
    this.queueBy[txn].record(queueUs);
    this.execBy[txn].record(execUs);
    this.stmtBy[cls].record(responseUs);
    if (this.intervals !== null) this.intervals.statement(this.windowStart, cls);
  }

  transaction(now: number, txn: number, responseUs: number): void {
    this.transactions++;
    this.txBy[txn].record(responseUs);
    const bucket = Math.floor((now - this.windowStart) / 1e6);
    while (this.tpsSeries.length <= bucket) this.tpsSeries.push(0);
    this.tpsSeries[bucket]++;
    if (this.intervals !== null) this.intervals.transaction(now - this.windowStart, responseUs);
  }

  /** Forms the "all" distributions; call once, after the run. */
  finish(): void {
    for (let i = 0; i < this.txBy.length; i++) {
      this.txAll.add(this.txBy[i]);
      this.queueAll.add(this.queueBy[i]);
      this.execAll.add(this.execBy[i]);
    }
  }

  destroy(): void {
    for (const r of [this.txAll, this.queueAll, this.execAll, ...this.txBy, ...this.queueBy, ...this.execBy, ...this.stmtBy]) {
      r.destroy();
    }
    this.waits.destroy();
  }
}
