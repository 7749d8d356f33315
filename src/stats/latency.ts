import * as hdr from 'hdr-histogram-js';
import type { LatencyStats } from '../run/result.js';

let wasmReady = false;

/**
 * A latency distribution: an HDR histogram (3 significant digits, values in ns) for the
 * percentiles, plus exact count, sum and max so that means are exact. The WebAssembly build of
 * hdr-histogram-js records about ten times faster than its JS build; call destroy() when done.
 */
export class LatencyRecorder {
  private readonly hist: hdr.Histogram;
  count = 0;
  sum = 0;
  max = 0;

  constructor() {
    if (!wasmReady) {
      hdr.initWebAssemblySync();
      wasmReady = true;
    }
    this.hist = hdr.build({
      bitBucketSize: 64,
      autoResize: true,
      lowestDiscernibleValue: 1,
      highestTrackableValue: 2,
      numberOfSignificantValueDigits: 3,
      useWebAssembly: true,
    });
  }

  /** Records a duration in µs. */
  record(us: number): void {
    this.count++;
    this.sum += us;
    if (us > this.max) this.max = us;
    this.hist.recordValue(Math.round(us * 1000));
  }

  /** Summary in milliseconds. */
  stats(): LatencyStats {
    if (this.count === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
    const q = (p: number): number => round6(Math.min(this.hist.getValueAtPercentile(p) / 1e6, this.max / 1000));
    return {
      count: this.count,
      mean: round6(this.sum / this.count / 1000),
      p50: q(50),
      p90: q(90),
      p95: q(95),
      p99: q(99),
      p999: q(99.9),
      max: round6(this.max / 1000),
    };
  }

  /** Adds another recorder's values into this one (exact: same bucket layout). */
  add(other: LatencyRecorder): void {
    this.count += other.count;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
    if (other.count > 0) this.hist.add(other.hist);
  }

  /** The histogram in the standard compressed HDR format (base64). */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.hist);
  }

  destroy(): void {
    this.hist.destroy();
  }
}

/** Rounds to 6 significant digits: result files stay readable and stable. */
export function round6(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : +x.toPrecision(6);
}
