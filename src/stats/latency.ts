import * as hdr from 'hdr-histogram-js';
import type { LatencyStats } from '../run/result.js';
import { DOUBLE_ZERO } from '../engine/double-zero.js';

/**
 * HDR bucket layout for 3 significant digits and a unit of 1 (ns): sub-buckets of 2048
 * (half 1024) per power of two. Values below 2^32 ns (4.3 s) are counted here in a typed array
 * indexed exactly as hdr-histogram-js indexes its counts, a shift and a clz32 per value; the
 * non-empty buckets are handed to the library before any query, so every percentile, mean and
 * encoding is the library's, on the same buckets. Crossing into WebAssembly for each value
 * cost about a third of the recording time of a run.
 */
const FAST_LIMIT = 4294967296;
const FAST_FLUSH_AT = 0xffffffff;

/**
 * hdr-histogram-js's bucket layout for `digits` significant digits and a unit of 1 ns, restricted
 * to values below 2^32: sub-buckets of 2^(half + 1), with half = 10 for 3 digits (2048 sub-buckets),
 * 7 for 2 digits (256).
 */
class FastLayout {
  readonly half: number;
  readonly mask: number;
  readonly base: number;
  readonly size: number;
  constructor(readonly digits: 2 | 3) {
    this.half = Math.ceil(Math.log2(2 * 10 ** digits)) - 1;
    this.mask = (1 << (this.half + 1)) - 1;
    this.base = 31 - this.half;
    this.size = ((this.base + 1) << this.half) + (1 << this.half);
  }
  value(index: number): number {
    let b = (index >> this.half) - 1;
    let sub = (index & ((1 << this.half) - 1)) + (1 << this.half);
    if (b < 0) {
      sub -= 1 << this.half;
      b = 0;
    }
    return sub * 2 ** b;
  }
}

const LAYOUTS = { 2: new FastLayout(2), 3: new FastLayout(3) } as const;

/**
 * A latency distribution: an HDR histogram (hdr-histogram-js, JavaScript build; 3 significant
 * digits, values in ns) for the percentiles, plus exact count, sum and max so that means are
 * exact. Call destroy() when done.
 */
export class LatencyRecorder {
  private readonly hist: hdr.Histogram;
  private readonly fast: Uint32Array;
  private readonly half: number;
  private readonly mask: number;
  private readonly base: number;
  private fastCount = 0;
  count = 0;
  sum = DOUBLE_ZERO;
  min = Infinity;
  max = DOUBLE_ZERO;

  /**
   * `flushEvery`: values counted in the 32-bit buckets before they are handed to the library;
   * the default is the most a bucket can hold, so no count can wrap. `digits`: significant digits
   * of the buckets; 2 (resolution under 1%) keeps the counts in 13 KB instead of 94 KB, for the
   * many small distributions of the per-class waits (the speed gain of that alone was within the
   * bench's noise; fewer writes per visit is what paid, see stats/queue-wait.ts).
   */
  constructor(
    private readonly flushEvery = FAST_FLUSH_AT,
    private readonly digits: 2 | 3 = 3,
  ) {
    if (!Number.isInteger(flushEvery) || flushEvery < 1 || flushEvery > FAST_FLUSH_AT) {
      throw new RangeError(`flushEvery must be an integer in 1..${FAST_FLUSH_AT}, got ${flushEvery}`);
    }
    this.hist = hdr.build({
      bitBucketSize: 64,
      autoResize: true,
      lowestDiscernibleValue: 1,
      highestTrackableValue: 2,
      numberOfSignificantValueDigits: digits,
      // The JavaScript build: V8 reserves about 10 GB of address space for every WebAssembly
      // memory (guard regions for bounds checks), which fails under `ulimit -v` or a container's
      // address-space limit. The hot path is the typed array above, so the library is only
      // handed a few thousand buckets per flush; same buckets, same results and encoding.
      useWebAssembly: false,
    });
    const layout = LAYOUTS[digits];
    this.fast = new Uint32Array(layout.size);
    this.half = layout.half;
    this.mask = layout.mask;
    this.base = layout.base;
  }

  /** Records a duration in µs. */
  record(us: number): void {
    this.count++;
    this.sum += us;
    if (us > this.max) this.max = us;
    if (us < this.min) this.min = us;
    const ns = Math.round(us * 1000);
    if (ns < FAST_LIMIT) {
      const b = this.base - Math.clz32(ns | this.mask);
      this.fast[((b + 1) << this.half) + ((ns >>> b) - (1 << this.half))]++;
      // 32-bit counts: hand them over before any could wrap.
      if (++this.fastCount === this.flushEvery) this.flush();
    } else {
      this.hist.recordValue(ns);
    }
  }

  /** Adds another recorder's values into this one (exact: same bucket layout). */
  add(other: LatencyRecorder): void {
    this.count += other.count;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
    if (other.min < this.min) this.min = other.min;
    this.flush();
    other.flush();
    if (other.count > 0) this.hist.add(other.hist);
  }

  /** Summary in milliseconds. */
  stats(): LatencyStats {
    if (this.count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, p9999: 0, max: 0 };
    this.flush();
    const q = (p: number): number => round6(Math.min(this.hist.getValueAtPercentile(p) / 1e6, this.max / 1000));
    return {
      count: this.count,
      // Exact, as sysbench's "min:" is (not a bucket value).
      min: round6(this.min / 1000),
      mean: round6(this.sum / this.count / 1000),
      p50: q(50),
      p90: q(90),
      p95: q(95),
      p99: q(99),
      p999: q(99.9),
      p9999: q(99.99),
      max: round6(this.max / 1000),
    };
  }

  /** The histogram in the standard compressed HDR format (base64). */
  encode(): string {
    this.flush();
    return hdr.encodeIntoCompressedBase64(this.hist);
  }

  destroy(): void {
    this.hist.destroy();
  }

  private flush(): void {
    if (this.fastCount === 0) return;
    const f = this.fast;
    const layout = LAYOUTS[this.digits];
    for (let i = 0; i < f.length; i++) {
      if (f[i] !== 0) {
        this.hist.recordValueWithCount(layout.value(i), f[i]);
        f[i] = 0;
      }
    }
    this.fastCount = 0;
  }
}

/** Rounds to 6 significant digits: result files stay readable and stable. */
export function round6(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : +x.toPrecision(6);
}

/**
 * The sum of histograms in the compressed format of `encode`, encoded again: the pooled sample of
 * several runs (e.g. replications). The JS implementation is used: nothing to free afterwards.
 */
export function mergeEncoded(encoded: readonly string[]): string {
  if (encoded.length === 1) return encoded[0];
  const total = hdr.decodeFromCompressedBase64(encoded[0], 64, false);
  total.autoResize = true;
  for (const e of encoded.slice(1)) total.add(hdr.decodeFromCompressedBase64(e, 64, false));
  return hdr.encodeIntoCompressedBase64(total);
}
