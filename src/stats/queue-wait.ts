import { LatencyRecorder, round6 } from './latency.js';

/**
 * Significant digits of the waiting-time histograms: 2 (buckets under 1% wide). Two or three
 * of them are written per statement per queue, and with 3 digits (94 KB of counts each) their
 * cache misses cost 9% of oltp.json's run time; 2 digits (13 KB) cost a third of that.
 */
const WAIT_DIGITS = 2;

/**
 * Waiting time at a queue ("station"): every visit records its wait, 0 when it was served at
 * once, so P(wait > 0) and the whole waiting-time distribution (zeros included, as queueing
 * theory states W) come out of the same records. Visits are counted per transaction type and
 * per statement class in typed arrays; the histograms (LatencyRecorder's HDR layout) are made
 * for a class the first time it visits, so recording allocates nothing once a class has been
 * seen. A station is anything with a queue: it calls `record` when a visitor leaves the queue.
 */
export class QueueWaitStation {
  visits = 0;
  waited = 0;
  /** Sum of waits, µs. */
  sum = 0;
  /** The sum of the per-type histograms, formed once at the end (exact), as Measurements does. */
  private all: LatencyRecorder | null = null;
  private readonly txVisits: Float64Array;
  private readonly txWaited: Float64Array;
  private readonly txSum: Float64Array;
  private readonly txHist: Array<LatencyRecorder | null>;
  private readonly stVisits: Float64Array;
  private readonly stWaited: Float64Array;
  private readonly stSum: Float64Array;
  private readonly stHist: Array<LatencyRecorder | null>;

  constructor(
    readonly name: string,
    private readonly owner: QueueWaits,
  ) {
    const t = owner.transactionNames.length;
    const s = owner.classNames.length;
    this.txVisits = new Float64Array(t);
    this.txWaited = new Float64Array(t);
    this.txSum = new Float64Array(t);
    this.txHist = new Array<LatencyRecorder | null>(t).fill(null);
    this.stVisits = new Float64Array(s);
    this.stWaited = new Float64Array(s);
    this.stSum = new Float64Array(s);
    this.stHist = new Array<LatencyRecorder | null>(s).fill(null);
  }

  /**
   * One visit that waited `us` µs (0: served at once), by a statement of transaction type `txn`
   * and statement class `cls` (indices into the owner's names). Ignored outside the measured
   * window.
   */
  record(txn: number, cls: number, us: number): void {
    if (!this.owner.measuring) return;
    const w = us > 0 ? us : 0;
    const hit = w > 0 ? 1 : 0;
    this.visits++;
    this.waited += hit;
    this.sum += w;
    this.txVisits[txn]++;
    this.txWaited[txn] += hit;
    this.txSum[txn] += w;
    (this.txHist[txn] ?? (this.txHist[txn] = new LatencyRecorder(undefined, WAIT_DIGITS))).record(w);
    this.stVisits[cls]++;
    this.stWaited[cls] += hit;
    this.stSum[cls] += w;
    (this.stHist[cls] ?? (this.stHist[cls] = new LatencyRecorder(undefined, WAIT_DIGITS))).record(w);
  }

  stats(): StationWaits {
    const byTransaction: Record<string, QueueWaitStats> = {};
    this.owner.transactionNames.forEach((name, i) => {
      byTransaction[name] = waitStats(this.txVisits[i], this.txWaited[i], this.txSum[i], this.txHist[i]);
    });
    const byStatement: Record<string, QueueWaitStats> = {};
    this.owner.classNames.forEach((name, i) => {
      byStatement[name] = waitStats(this.stVisits[i], this.stWaited[i], this.stSum[i], this.stHist[i]);
    });
    if (this.all === null) {
      this.all = new LatencyRecorder(undefined, WAIT_DIGITS);
      for (const h of this.txHist) if (h !== null) this.all.add(h);
    }
    return { ...waitStats(this.visits, this.waited, this.sum, this.all), byTransaction, byStatement };
  }

  destroy(): void {
    this.all?.destroy();
    for (const h of this.txHist) h?.destroy();
    for (const h of this.stHist) h?.destroy();
  }
}

/** Waiting-time summary of one queue (or of one class at it); times in ms. */
export interface QueueWaitStats {
  /** Visits to the queue in the measured window (each served visit once). */
  visits: number;
  /** Visits that waited (wait > 0). */
  waited: number;
  /** P(wait > 0) = waited / visits; 0 without visits. */
  pWait: number;
  /** Mean wait over all visits, zeros included (W of queueing theory). */
  mean: number;
  /** Mean wait of the visits that waited (W | W > 0). */
  meanIfWaited: number;
  /** Percentiles of the wait over all visits, zeros included (HDR histogram, 2 significant digits: buckets under 1% wide). */
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface StationWaits extends QueueWaitStats {
  byTransaction: Record<string, QueueWaitStats>;
  byStatement: Record<string, QueueWaitStats>;
}

/** A finite summary whatever the counts: a queue never visited reports zeros. */
function waitStats(visits: number, waited: number, sumUs: number, hist: LatencyRecorder | null): QueueWaitStats {
  if (visits === 0 || hist === null) return { visits: 0, waited: 0, pWait: 0, mean: 0, meanIfWaited: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const s = hist.stats();
  return {
    visits,
    waited,
    pWait: round6(waited / visits),
    mean: round6(sumUs / visits / 1000),
    meanIfWaited: waited > 0 ? round6(sumUs / waited / 1000) : 0,
    p50: s.p50,
    p95: s.p95,
    p99: s.p99,
    max: s.max,
  };
}

/**
 * The queues a run measures, always all of them (a model without one reports zero visits):
 *  - cpu: the CPU run queue, a burst's time runnable but not running (FIFO, CFS, EEVDF; processor
 *    sharing serves every runnable thread at once, so it has no run queue and reports none);
 *  - threadHandling: a statement's time from reaching the server to a thread starting it (the
 *    `queueWait` of the result: pool queues, polling, thread creation);
 *  - poolHigh, poolLow: the same, for the statements the pool queued in its high / low priority
 *    queue (by the queue they were taken from, so a kicked-up statement counts as high);
 *  - rowLock: each row lock request (a timed-out wait counts its wait);
 *  - innodbQueue: each entry into InnoDB under innodb_thread_concurrency;
 *  - redoLog: each commit of a writing transaction, its wait for the redo log flush.
 */
export const STATIONS = ['cpu', 'threadHandling', 'poolHigh', 'poolLow', 'latch', 'rowLock', 'innodbQueue', 'redoLog'] as const;
export type StationName = (typeof STATIONS)[number];

/** What reports and charts call each station. */
export const STATION_TITLES: Record<StationName, string> = {
  cpu: 'CPU run queue',
  threadHandling: 'thread handling',
  poolHigh: 'pool high queue',
  poolLow: 'pool low queue',
  latch: 'InnoDB latches',
  rowLock: 'row locks',
  innodbQueue: 'InnoDB queue',
  redoLog: 'redo log flush',
};

/** Waits of a run, all stations plus each transaction's own queue wait. */
export interface WaitsResult {
  stations: Record<StationName, StationWaits>;
  /**
   * Per transaction type: the sum of its statements' threadHandling waits, one value per
   * completed transaction (retried attempts included): the type's own queue wait, where
   * queueWait.byTransaction averages over its statements.
   */
  transactions: Record<string, QueueWaitStats>;
}

/** All stations of one run, sharing the measured-window switch and the class names. */
export class QueueWaits {
  measuring = false;
  readonly cpu: QueueWaitStation;
  readonly threadHandling: QueueWaitStation;
  readonly poolHigh: QueueWaitStation;
  readonly poolLow: QueueWaitStation;
  readonly rowLock: QueueWaitStation;
  readonly innodbQueue: QueueWaitStation;
  readonly redoLog: QueueWaitStation;
  /** server.latches: from a latch request to its grant (spinning and sleeping), each acquisition a visit. */
  readonly latch: QueueWaitStation;
  private readonly txCount: Float64Array;
  private readonly txWaited: Float64Array;
  private readonly txSum: Float64Array;
  private readonly txHist: LatencyRecorder[];

  constructor(
    readonly transactionNames: readonly string[],
    readonly classNames: readonly string[],
  ) {
    this.cpu = new QueueWaitStation('cpu', this);
    this.threadHandling = new QueueWaitStation('threadHandling', this);
    this.poolHigh = new QueueWaitStation('poolHigh', this);
    this.poolLow = new QueueWaitStation('poolLow', this);
    this.rowLock = new QueueWaitStation('rowLock', this);
    this.innodbQueue = new QueueWaitStation('innodbQueue', this);
    this.redoLog = new QueueWaitStation('redoLog', this);
    this.latch = new QueueWaitStation('latch', this);
    const t = transactionNames.length;
    this.txCount = new Float64Array(t);
    this.txWaited = new Float64Array(t);
    this.txSum = new Float64Array(t);
    this.txHist = transactionNames.map(() => new LatencyRecorder(undefined, WAIT_DIGITS));
  }

  /** A completed transaction of type `txn` whose statements waited `us` µs in all for a thread. */
  transaction(txn: number, us: number): void {
    if (!this.measuring) return;
    const w = us > 0 ? us : 0;
    this.txCount[txn]++;
    if (w > 0) this.txWaited[txn]++;
    this.txSum[txn] += w;
    this.txHist[txn].record(w);
  }

  result(): WaitsResult {
    const stations = {} as Record<StationName, StationWaits>;
    for (const name of STATIONS) stations[name] = this[name].stats();
    const transactions: Record<string, QueueWaitStats> = {};
    this.transactionNames.forEach((name, i) => {
      transactions[name] = waitStats(this.txCount[i], this.txWaited[i], this.txSum[i], this.txHist[i]);
    });
    return { stations, transactions };
  }

  destroy(): void {
    for (const name of STATIONS) this[name].destroy();
    for (const h of this.txHist) h.destroy();
  }
}
