import { type Rng, uniformOpen } from './random.js';

/**
 * A non-negative random quantity. Every sampler consumes a fixed number of uniforms per call
 * where the method allows it, so streams stay aligned across runs (common random numbers);
 * rejection methods (truncated normal, gamma) are the documented exceptions.
 */
export interface Distribution {
  readonly mean: number;
  sample(rng: Rng): number;
  /** A short description for reports, e.g. "exp(mean 12us)". */
  describe(): string;
}

export class Constant implements Distribution {
  constructor(readonly value: number) {}
  get mean(): number {
    return this.value;
  }
  sample(): number {
    return this.value;
  }
  describe(): string {
    return `const(${this.value})`;
  }
}

export class Exponential implements Distribution {
  constructor(readonly mean: number) {}
  sample(rng: Rng): number {
    return -this.mean * Math.log(uniformOpen(rng));
  }
  describe(): string {
    return `exp(mean ${this.mean})`;
  }
}

export class Uniform implements Distribution {
  constructor(
    readonly min: number,
    readonly max: number,
  ) {}
  get mean(): number {
    return (this.min + this.max) / 2;
  }
  sample(rng: Rng): number {
    return this.min + (this.max - this.min) * rng();
  }
  describe(): string {
    return `uniform(${this.min}, ${this.max})`;
  }
}

/** Standard normal by Box-Muller: exactly two uniforms per draw. */
export function standardNormal(rng: Rng): number {
  return normalQuantile(uniformOpen(rng));
}

/**
 * Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9).
 * One uniform per normal draw, and monotone in it: runs that differ only in settings get
 * positively correlated samples (common random numbers), and it is cheaper than Box-Muller.
 */
export function normalQuantile(p: number): number {
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) / ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
  }
  if (p <= 1 - P_LOW) {
    const q = p - 0.5;
    const r = q * q;
    return (
      ((((((A1 * r + A2) * r + A3) * r + A4) * r + A5) * r + A6) * q) /
      (((((B1 * r + B2) * r + B3) * r + B4) * r + B5) * r + 1)
    );
  }
  const q = Math.sqrt(-2 * Math.log(1 - p));
  return -(((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) / ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
}

const P_LOW = 0.02425;
const A1 = -3.969683028665376e1;
const A2 = 2.209460984245205e2;
const A3 = -2.759285104469687e2;
const A4 = 1.38357751867269e2;
const A5 = -3.066479806614716e1;
const A6 = 2.506628277459239;
const B1 = -5.447609879822406e1;
const B2 = 1.615858368580409e2;
const B3 = -1.556989798598866e2;
const B4 = 6.680131188771972e1;
const B5 = -1.328068155288572e1;
const C1 = -7.784894002430293e-3;
const C2 = -3.223964580411365e-1;
const C3 = -2.400758277161838;
const C4 = -2.549732539343734;
const C5 = 4.374664141464968;
const C6 = 2.938163982698783;
const D1 = 7.784695709041462e-3;
const D2 = 3.224671290700398e-1;
const D3 = 2.445134137142996;
const D4 = 3.754408661907416;

/** Normal truncated at 0 (redrawn until non-negative). `mean` is the mean of the truncated law. */
export class TruncatedNormal implements Distribution {
  readonly mean: number;
  /** Draws thrown away for being negative: how often the truncation bound (a clamp of the model). */
  redraws = 0;
  constructor(
    readonly mu: number,
    readonly sd: number,
  ) {
    if (sd === 0) {
      this.mean = Math.max(mu, 0);
    } else {
      const a = -mu / sd;
      const pdf = Math.exp(-0.5 * a * a) / Math.sqrt(2 * Math.PI);
      const tail = 1 - normalCdf(a);
      this.mean = mu + (sd * pdf) / tail;
    }
  }
  sample(rng: Rng): number {
    if (this.sd === 0) return Math.max(this.mu, 0);
    for (;;) {
      const x = this.mu + this.sd * standardNormal(rng);
      if (x >= 0) return x;
      this.redraws++;
    }
  }
  describe(): string {
    return `normal(${this.mu}, sd ${this.sd}) truncated at 0`;
  }
}

/**
 * Lognormal by inverse transform: exp(mu + sigma * Phi^-1(u)), one uniform per draw. On the
 * central 98% of u the quantile function is read from a table of TABLE_SIZE points with linear
 * interpolation (relative error below 4e-5 for sigma up to about 1.1, against the histograms'
 * 1e-3); the tails, which users read, are computed exactly. It halves the cost of a draw, which
 * was a quarter of a run (exp and the inverse normal CDF cost about 40 ns each here).
 */
export class LogNormal implements Distribution {
  readonly mean: number;
  private readonly table: Float64Array;
  constructor(
    readonly mu: number,
    readonly sigma: number,
  ) {
    this.mean = Math.exp(mu + (sigma * sigma) / 2);
    this.table = new Float64Array(TABLE_SIZE + 1);
    for (let i = 0; i <= TABLE_SIZE; i++) {
      this.table[i] = Math.exp(mu + sigma * normalQuantile(TABLE_LO + (i * (TABLE_HI - TABLE_LO)) / TABLE_SIZE));
    }
  }
  /** From the mean and coefficient of variation of the lognormal itself. */
  static fromMeanCv(mean: number, cv: number): LogNormal {
    checkCv(cv, 'lognormal');
    const s2 = Math.log(1 + cv * cv);
    return new LogNormal(Math.log(mean) - s2 / 2, Math.sqrt(s2));
  }
  /** From its median and 99th percentile (p99 > p50 > 0). */
  static fromP50P99(p50: number, p99: number): LogNormal {
    const z99 = 2.3263478740408408;
    return new LogNormal(Math.log(p50), Math.log(p99 / p50) / z99);
  }
  sample(rng: Rng): number {
    const u = uniformOpen(rng);
    if (u < TABLE_LO || u >= TABLE_HI) return Math.exp(this.mu + this.sigma * normalQuantile(u));
    const x = (u - TABLE_LO) * TABLE_SCALE;
    const i = x | 0;
    const t = this.table;
    return t[i] + (x - i) * (t[i + 1] - t[i]);
  }
  /** The exact quantile (for checks of the table). */
  quantile(u: number): number {
    return Math.exp(this.mu + this.sigma * normalQuantile(u));
  }
  describe(): string {
    return `lognormal(mean ${+this.mean.toPrecision(4)})`;
  }
}

const TABLE_SIZE = 4096;
const TABLE_LO = 0.01;
const TABLE_HI = 0.99;
const TABLE_SCALE = TABLE_SIZE / (TABLE_HI - TABLE_LO);

/** Gamma by Marsaglia-Tsang (shape >= 1) with the shape < 1 boost. */
/**
 * The coefficients of variation the lognormal and gamma samplers handle. Above 100 the gamma
 * shape 1/cv^2 is below 1e-4 and U^(1/shape) underflows to 0 for most draws: the mean then rests
 * on a few huge draws that no run of practical length sees (cv 1e300 gave shape 0 and NaN
 * times); the lognormal's sigma^2 = ln(1 + cv^2) overflows past cv 1e154. Below 1e-6 the law is
 * a constant to the precision of the times, and gamma's shape overflows to Infinity past cv
 * 1e-154 (then the acceptance test compares with NaN and never accepts: a hang).
 */
export const CV_MIN = 1e-6;
export const CV_MAX = 100;

function checkCv(cv: number, law: string): void {
  if (!(cv >= CV_MIN && cv <= CV_MAX)) throw new RangeError(`${law}: cv must be from ${CV_MIN} to ${CV_MAX}, got ${cv}`);
}

export class Gamma implements Distribution {
  readonly mean: number;
  constructor(
    readonly shape: number,
    readonly scale: number,
  ) {
    // A shape of Infinity or 0 never returns from the acceptance loop or gives NaN.
    if (!(shape > 0 && Number.isFinite(shape) && scale >= 0 && Number.isFinite(scale))) {
      throw new RangeError(`gamma: shape must be finite and > 0 and scale finite and >= 0, got ${shape} and ${scale}`);
    }
    this.mean = shape * scale;
  }
  static fromMeanCv(mean: number, cv: number): Gamma {
    checkCv(cv, 'gamma');
    const shape = 1 / (cv * cv);
    return new Gamma(shape, mean / shape);
  }
  sample(rng: Rng): number {
    const k = this.shape;
    if (k < 1) return this.scale * gammaUnit(k + 1, rng) * Math.pow(uniformOpen(rng), 1 / k);
    return this.scale * gammaUnit(k, rng);
  }
  describe(): string {
    return `gamma(shape ${+this.shape.toPrecision(4)}, mean ${+this.mean.toPrecision(4)})`;
  }
}

/** Unit-scale gamma variate for shape >= 1 (Marsaglia-Tsang). */
function gammaUnit(shape: number, rng: Rng): number {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = standardNormal(rng);
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = uniformOpen(rng);
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
}

/** Pareto (type I) with minimum `min` and tail index `alpha` (> 1 for a finite mean). */
export class Pareto implements Distribution {
  readonly mean: number;
  constructor(
    readonly min: number,
    readonly alpha: number,
  ) {
    this.mean = alpha > 1 ? (alpha * min) / (alpha - 1) : Infinity;
  }
  sample(rng: Rng): number {
    return this.min / Math.pow(uniformOpen(rng), 1 / this.alpha);
  }
  describe(): string {
    return `pareto(min ${this.min}, alpha ${this.alpha})`;
  }
}

/**
 * Piecewise-linear inverse CDF through (probability, value) points. The first point must have
 * probability 0 and the last probability 1, with both columns non-decreasing.
 */
export class Empirical implements Distribution {
  readonly mean: number;
  private readonly ps: Float64Array;
  private readonly vs: Float64Array;
  constructor(points: ReadonlyArray<readonly [number, number]>) {
    this.ps = Float64Array.from(points.map((p) => p[0]));
    this.vs = Float64Array.from(points.map((p) => p[1]));
    let m = 0;
    for (let i = 1; i < points.length; i++) {
      m += ((this.ps[i] - this.ps[i - 1]) * (this.vs[i] + this.vs[i - 1])) / 2;
    }
    this.mean = m;
  }
  sample(rng: Rng): number {
    const u = rng();
    const ps = this.ps;
    let lo = 0;
    let hi = ps.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ps[mid] <= u) lo = mid;
      else hi = mid;
    }
    const span = ps[hi] - ps[lo];
    const f = span > 0 ? (u - ps[lo]) / span : 0;
    return this.vs[lo] + f * (this.vs[hi] - this.vs[lo]);
  }
  describe(): string {
    return `empirical(${this.ps.length} points, mean ${+this.mean.toPrecision(4)})`;
  }
}

/** Weighted mixture: one uniform picks the component, the component draws the value. */
export class Mixture implements Distribution {
  readonly mean: number;
  private readonly cumulative: Float64Array;
  constructor(readonly parts: ReadonlyArray<{ weight: number; dist: Distribution }>) {
    const total = parts.reduce((s, p) => s + p.weight, 0);
    // Weights summing to Infinity made every draw take the last component.
    if (!(Number.isFinite(total) && total > 0)) throw new RangeError(`mixture: weights must have a finite sum > 0, got ${total}`);
    this.cumulative = new Float64Array(parts.length);
    let acc = 0;
    let m = 0;
    parts.forEach((p, i) => {
      acc += p.weight / total;
      this.cumulative[i] = acc;
      m += (p.weight / total) * p.dist.mean;
    });
    this.cumulative[parts.length - 1] = 1;
    this.mean = m;
  }
  sample(rng: Rng): number {
    const u = rng();
    let i = 0;
    while (u >= this.cumulative[i] && i < this.cumulative.length - 1) i++;
    return this.parts[i].dist.sample(rng);
  }
  describe(): string {
    return `mixture(${this.parts.map((p) => p.dist.describe()).join(', ')})`;
  }
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 on erf; error < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** Redraws of every truncated normal inside `d` (mixtures included). */
export function truncationRedraws(d: Distribution): number {
  if (d instanceof TruncatedNormal) return d.redraws;
  if (d instanceof Mixture) return d.parts.reduce((sum, p) => sum + truncationRedraws(p.dist), 0);
  return 0;
}
