/**
 * Per-interval figures of the measured window, as sysbench's `--report-interval` prints them:
 * transactions, statements split into reads / writes / other, and a transaction latency
 * percentile per interval, all binned by simulated completion time.
 */

/** sysbench's r/w/o: SELECTs are reads; INSERT, UPDATE, DELETE, REPLACE writes; the rest other. */
export const READ = 0;
export const WRITE = 1;
export const OTHER = 2;

/**
 * The sysbench kind of a statement class, from its name [inferred]: scenario statements carry a
 * name, not SQL. BEGIN / COMMIT / ROLLBACK (and SET, SHOW, CALL ...) are other; a name that says
 * insert, update, delete, replace or write is a write; every other statement is a query, a read
 * (point_select, simple_range, "SELECT c FROM sbtest1 ...", or a plain "q").
 */
export function statementKind(name: string): number {
  const n = name.trim().toLowerCase();
  if (/^(begin|commit|rollback|start transaction|set|show|call|savepoint|release)\b/.test(n)) return OTHER;
  if (/insert|update|delete|replace|write/.test(n)) return WRITE;
  return READ;
}

/**
 * sysbench's latency histogram: 1024 buckets, logarithmic from 0.001 ms to 100,000 ms, a value
 * counted in its nearest bucket, a percentile read as the value of the first bucket whose
 * cumulative count reaches round(n × p / 100). Coarser than the HDR histograms (about 1.8%
 * per bucket), but the figure a DBA compares with sysbench's own lines.
 */
const HIST_SIZE = 1024;
const HIST_MIN_MS = 0.001;
const HIST_MAX_MS = 100_000;
const LN_MIN = Math.log(HIST_MIN_MS);
const MULT = (HIST_SIZE - 1) / (Math.log(HIST_MAX_MS) - LN_MIN);

function histBucket(ms: number): number {
  const i = Math.floor((Math.log(ms) - LN_MIN) * MULT + 0.5);
  return i < 0 || !Number.isFinite(i) ? 0 : i >= HIST_SIZE ? HIST_SIZE - 1 : i;
}

/** The percentile (0..100) of a sysbench histogram, in ms; 0 when it is empty. */
export function histPercentileMs(counts: Uint32Array, pct: number): number {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i];
  if (n === 0) return 0;
  const target = Math.floor((n * pct) / 100 + 0.5);
  let cum = 0;
  let i = 0;
  for (; i < counts.length; i++) {
    cum += counts[i];
    if (cum >= target) break;
  }
  return Math.exp(i / MULT + LN_MIN);
}

/** Simulated time, read when a statement ends (the measurement hook is not given it). */
export interface Clock {
  readonly now: number;
}

export class IntervalSeries {
  readonly transactions: number[] = [];
  readonly reads: number[] = [];
  readonly writes: number[] = [];
  readonly other: number[] = [];
  /** One sysbench histogram per interval (4 KiB each), allocated up front: none on the hot path. */
  readonly latency: Uint32Array[] = [];
  private readonly kinds: Uint8Array;

  /**
   * `lastBin`: the index of the last interval of the window; a completion at the very end of
   * the run (or past it, for an open loop that stopped early) counts in it, so the intervals
   * always add up to the run's totals.
   */
  constructor(
    readonly intervalUs: number,
    private readonly lastBin: number,
    classNames: readonly string[],
    private readonly clock: Clock,
  ) {
    this.kinds = Uint8Array.from(classNames, statementKind);
    this.grow(lastBin);
  }

  binOf(sinceStartUs: number): number {
    const b = Math.floor(sinceStartUs / this.intervalUs);
    return b < 0 ? 0 : b > this.lastBin ? this.lastBin : b;
  }

  statement(windowStart: number, cls: number): void {
    const b = this.binOf(this.clock.now - windowStart);
    const k = this.kinds[cls];
    if (k === READ) this.reads[b]++;
    else if (k === WRITE) this.writes[b]++;
    else this.other[b]++;
  }

  transaction(sinceStartUs: number, responseUs: number): void {
    const b = this.binOf(sinceStartUs);
    this.transactions[b]++;
    this.latency[b][histBucket(responseUs / 1000)]++;
  }

  private grow(bin: number): void {
    while (this.transactions.length <= bin) {
      this.transactions.push(0);
      this.reads.push(0);
      this.writes.push(0);
      this.other.push(0);
      this.latency.push(new Uint32Array(HIST_SIZE));
    }
  }
}
