import { growFloat64 } from '../engine/grow.js';
import { objectArray } from '../engine/object-array.js';
import { LatencyRecorder, round6 } from './latency.js';

/**
 * Significant digits of the waiting-time histograms: 2 (buckets under 1% wide), whose counts
 * take 13 KB where 3 digits take 94 KB: one is written per statement per queue.
 */
const WAIT_DIGITS = 2;

/**
 * The (transaction type, statement class) pairs that visit queues, each given a slot the first
 * time it is seen: a station then records a visit once, in its pair's slot, and forms the
 * per-type, per-class and whole-station figures at the end (exact: counts and sums add, and the
 * histograms share one bucket layout). Recording per type and per class separately wrote twice
 * as many histograms per visit; with two or three queues per statement that cost oltp.json a
 * quarter of its run time. Dense slot table up to DENSE_PAIRS pairs, a Map beyond.
 */
export class PairSlots {
  readonly slotTxn: number[] = [];
  readonly slotCls: number[] = [];
  private readonly dense: Int32Array | null;
  private readonly sparse: Map<number, number> | null;

  constructor(
    private readonly transactions: number,
    private readonly classes: number,
  ) {
    const n = transactions * classes;
    this.dense = n <= DENSE_PAIRS ? new Int32Array(n).fill(-1) : null;
    this.sparse = this.dense === null ? new Map() : null;
  }

  get count(): number {
    return this.slotTxn.length;
  }

  slot(txn: number, cls: number): number {
    const key = txn * this.classes + cls;
    const d = this.dense;
    if (d !== null) {
      const s = d[key];
      return s >= 0 ? s : (d[key] = this.add(txn, cls));
    }
    const m = this.sparse as Map<number, number>;
    const s = m.get(key);
    if (s !== undefined) return s;
    const t = this.add(txn, cls);
    m.set(key, t);
    return t;
  }

  private add(txn: number, cls: number): number {
    if (!(txn >= 0 && txn < this.transactions && cls >= 0 && cls < this.classes)) {
      throw new RangeError(`queue wait of transaction type ${txn} and statement class ${cls}: out of range`);
    }
    this.slotTxn.push(txn);
    this.slotCls.push(cls);
    return this.slotTxn.length - 1;
  }
}

const DENSE_PAIRS = 1 << 20;

/**
 * Waiting time at a queue ("station"): every visit records its wait, 0 when it was served at
 * once, so P(wait > 0) and the whole waiting-time distribution (zeros included, as queueing
 * theory states W) come out of the same records. Visits are counted per (transaction type,
 * statement class) pair in typed arrays; a pair's histogram (LatencyRecorder's HDR layout) is
 * made the first time it visits, so recording allocates nothing once a pair has been seen. A
 * station is anything with a queue: it calls `record` when a visitor leaves the queue.
 */
export class QueueWaitStation {
  private pVisits: Float64Array<ArrayBuffer> = new Float64Array(8);
  private pWaited: Float64Array<ArrayBuffer> = new Float64Array(8);
  private pSum: Float64Array<ArrayBuffer> = new Float64Array(8);
  /**
   * Holey from the start and grown with nulls: an array that starts empty changes its elements
   * kind (hence its hidden class) when its first recorder is stored, and again when a pair's slot
   * lies past its end, which a pair seen late in the run does after `record` was optimized.
   */
  private pHist: Array<LatencyRecorder | null> = new Array<LatencyRecorder | null>(8).fill(null);
  /** Histograms formed at the end (sums of pair histograms), freed with the station. */
  private readonly formed: LatencyRecorder[] = [];

  constructor(
    readonly name: string,
    private readonly owner: QueueWaits,
    /**
     * A station made of others, which record its visits (each visit in one of them): its figures
     * are theirs together. The thread handling is its pool queues plus the visits no queue held,
     * so a statement's wait is written once, not twice.
     */
    private readonly parts: readonly QueueWaitStation[] = [],
  ) {}

  /**
   * One visit that waited `us` µs (0: served at once), by a statement of transaction type `txn`
   * and statement class `cls` (indices into the owner's names). Ignored outside the measured
   * window.
   */
  record(txn: number, cls: number, us: number): void {
    if (!this.owner.measuring) return;
    if (this.parts.length > 0) throw new Error(`queue ${this.name} is recorded through its parts`);
    const s = this.owner.pairs.slot(txn, cls);
    if (s >= this.pVisits.length) this.grow(s + 1);
    const w = us > 0 ? us : 0;
    this.pVisits[s]++;
    if (w > 0) this.pWaited[s]++;
    this.pSum[s] += w;
    (this.pHist[s] ?? (this.pHist[s] = new LatencyRecorder(undefined, WAIT_DIGITS))).record(w);
  }

  stats(): StationWaits {
    const pairs = this.owner.pairs;
    // (station, slot) entries: a composite station's parts are read together.
    type Entry = [QueueWaitStation, number];
    // Lists of objects even when empty: a class or transaction without visits would otherwise hand
    // `group` an array of another hidden class (engine/object-array.ts).
    const seen = objectArray<Entry>([]);
    const byTxn = this.owner.transactionNames.map(() => objectArray<Entry>([]));
    const byCls = this.owner.classNames.map(() => objectArray<Entry>([]));
    for (const src of this.parts.length > 0 ? this.parts : [this]) {
      for (let slot = 0; slot < pairs.count && slot < src.pVisits.length; slot++) {
        if (src.pHist[slot] == null) continue;
        const e: Entry = [src, slot];
        seen.push(e);
        byTxn[pairs.slotTxn[slot]].push(e);
        byCls[pairs.slotCls[slot]].push(e);
      }
    }
    const group = (entries: readonly Entry[]): QueueWaitStats => {
      let visits = 0;
      let waited = 0;
      let sum = 0;
      let hist: LatencyRecorder | null = null;
      for (const [src, slot] of entries) {
        visits += src.pVisits[slot];
        waited += src.pWaited[slot];
        sum += src.pSum[slot];
        if (hist === null) {
          hist = new LatencyRecorder(undefined, WAIT_DIGITS);
          this.formed.push(hist);
        }
        hist.add(src.pHist[slot] as LatencyRecorder);
      }
      return waitStats(visits, waited, sum, hist);
    };
    const byTransaction: Record<string, QueueWaitStats> = {};
    this.owner.transactionNames.forEach((name, i) => {
      byTransaction[name] = group(byTxn[i]);
    });
    const byStatement: Record<string, QueueWaitStats> = {};
    this.owner.classNames.forEach((name, i) => {
      byStatement[name] = group(byCls[i]);
    });
    return { ...group(seen), byTransaction, byStatement };
  }

  destroy(): void {
    for (const h of this.pHist) h?.destroy();
    for (const h of this.formed) h.destroy();
    this.formed.length = 0;
  }

  private grow(need: number): void {
    this.pVisits = growFloat64(this.pVisits, need);
    this.pWaited = growFloat64(this.pWaited, need);
    this.pSum = growFloat64(this.pSum, need);
    const hist = new Array<LatencyRecorder | null>(this.pVisits.length).fill(null);
    for (let i = 0; i < this.pHist.length; i++) hist[i] = this.pHist[i];
    this.pHist = hist;
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
  /**
   * The thread handling's visits that no pool queue held (handed to a waiting or bound thread, a
   * thread per connection): recorded here, reported only as part of threadHandling.
   */
  readonly unqueued: QueueWaitStation;
  readonly rowLock: QueueWaitStation;
  readonly innodbQueue: QueueWaitStation;
  readonly redoLog: QueueWaitStation;
  /** server.latches: from a latch request to its grant (spinning and sleeping), each acquisition a visit. */
  readonly latch: QueueWaitStation;
  private readonly txCount: Float64Array;
  private readonly txWaited: Float64Array;
  private readonly txSum: Float64Array;
  private readonly txHist: LatencyRecorder[];
  /** The (type, class) pairs seen, shared by every station. */
  readonly pairs: PairSlots;

  constructor(
    readonly transactionNames: readonly string[],
    readonly classNames: readonly string[],
  ) {
    this.pairs = new PairSlots(transactionNames.length, classNames.length);
    this.cpu = new QueueWaitStation('cpu', this);
    this.poolHigh = new QueueWaitStation('poolHigh', this);
    this.poolLow = new QueueWaitStation('poolLow', this);
    this.unqueued = new QueueWaitStation('unqueued', this);
    this.threadHandling = new QueueWaitStation('threadHandling', this, [this.poolHigh, this.poolLow, this.unqueued]);
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
    this.unqueued.destroy();
    for (const h of this.txHist) h.destroy();
  }
}
