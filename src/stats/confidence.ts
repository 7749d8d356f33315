/**
 * Confidence intervals for simulation output: Student t quantiles, the t interval of a mean
 * from independent replications, and batch means for a single long (autocorrelated) run.
 */

/**
 * ln Γ(x) for x > 0 by the Lanczos approximation (g = 7, 9 terms; relative error ~1e-15),
 * with the reflection formula below 0.5.
 */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const g = 7;
  const c = LANCZOS;
  x -= 1;
  let a = c[0];
  const t = x + g + 0.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/**
 * Regularized incomplete beta I_x(a, b) by the continued fraction of Numerical Recipes
 * (modified Lentz), using the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) where that converges faster.
 */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`incompleteBeta: a, b must be > 0, got ${a}, ${b}`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incompleteBeta: x must be in [0, 1], got ${x}`);
  if (x === 0 || x === 1) return x;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  // Converges in O(sqrt(max(a, b))) steps; large df is handled before it gets here.
  for (let m = 1; m <= 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) return h;
  }
  throw new Error(`incompleteBeta did not converge (x=${x}, a=${a}, b=${b})`);
}

/**
 * Standard normal quantile: Acklam's rational approximation (relative error < 1.2e-9) polished
 * by one Halley step on the exact CDF, giving close to double precision.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const x = acklam(p);
  // e = Phi(x) - p, evaluated through the smaller tail so it does not cancel.
  const e = x <= 0 ? normalCdfExact(x) - p : 1 - p - normalCdfExact(-x);
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

function acklam(p: number): number {
  if (p > 1 - P_LOW) return -acklam(1 - p);
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(AC, q) / (poly(AD, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(AA, r) * q) / (poly(AB, r) * r + 1);
}

const P_LOW = 0.02425;
const AA = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const AB = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
];
const AC = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
];
const AD = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/** Horner evaluation, coefficients from the highest power down. */
function poly(coef: readonly number[], x: number): number {
  let y = 0;
  for (const c of coef) y = y * x + c;
  return y;
}

/** Student t density with df degrees of freedom. */
export function studentTPdf(t: number, df: number): number {
  const lnC = lnGamma((df + 1) / 2) - lnGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(lnC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Upper tail P(T > t) for t >= 0: I_{df/(df+t^2)}(df/2, 1/2) / 2. */
function studentTUpperTail(t: number, df: number): number {
  return 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Student t cumulative distribution function, any real df > 0. */
export function studentTCdf(t: number, df: number): number {
  requireDf(df);
  if (df === Infinity) return normalCdfExact(t);
  // For huge df, I_x(df/2, 1/2) loses ~1e-8 to cancellation in ln B; invert the quantile's
  // Cornish-Fisher expansion instead, which is exact to double precision there.
  if (df >= LARGE_DF && Math.abs(t) < 50) return normalCdfExact(inverseCornishFisher(t, df));
  const tail = studentTUpperTail(Math.abs(t), df);
  return t >= 0 ? 1 - tail : tail;
}

/** Above this df the Cornish-Fisher expansion to O(df^-4) is exact to double precision. */
const LARGE_DF = 1e5;

/**
 * Student t quantile: the t with P(T <= t) = p, for any real df > 0 (Infinity gives the normal).
 * df 1 and 2 use their closed forms; otherwise Newton's method on the upper tail, started from
 * the Cornish-Fisher expansion and guarded by bisection, to ~1e-12 relative.
 */
export function studentTQuantile(p: number, df: number): number {
  requireDf(df);
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  if (p === 0.5) return 0;
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z = normalQuantile(p);
  const cf = cornishFisher(z, df);
  if (df >= LARGE_DF) return cf;
  const q = 1 - p; // target upper tail
  // Bracket: the tail is decreasing in t.
  let lo = 0;
  let hi = Math.max(cf, 1);
  while (studentTUpperTail(hi, df) > q) {
    lo = hi;
    hi *= 2;
  }
  let t = cf > lo && cf < hi ? cf : (lo + hi) / 2;
  for (let iter = 0; iter < 200; iter++) {
    const f = studentTUpperTail(t, df) - q;
    if (f > 0) lo = t;
    else hi = t;
    // d(tail)/dt = -pdf, so Newton steps by f / pdf.
    let next = t + f / studentTPdf(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    const converged = Math.abs(next - t) <= 1e-13 * Math.max(1, t) || hi - lo <= 1e-14 * hi;
    if (converged) return next;
    t = next;
  }
  return t;
}

/** Cornish-Fisher expansion of the t quantile in 1/df (Abramowitz-Stegun 26.7.5). */
function cornishFisher(z: number, df: number): number {
  const z2 = z * z;
  const g1 = (z2 + 1) * z / 4;
  const g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
  const g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
  const g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/** The z with cornishFisher(z, df) = t, by Newton (the expansion is nearly the identity). */
function inverseCornishFisher(t: number, df: number): number {
  let z = t;
  for (let i = 0; i < 50; i++) {
    const h = 1e-6 * Math.max(1, Math.abs(z));
    const slope = (cornishFisher(z + h, df) - cornishFisher(z - h, df)) / (2 * h);
    const dz = (cornishFisher(z, df) - t) / slope;
    z -= dz;
    if (Math.abs(dz) <= 1e-15 * Math.max(1, Math.abs(z))) break;
  }
  return z;
}

/**
 * Two-sided critical value: the t with P(|T| <= t) = level, i.e. the (1+level)/2 quantile.
 * tCritical(0.95, 9) = 2.262.
 */
export function tCritical(level: number, df: number): number {
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
  }
  return studentTQuantile((1 + level) / 2, df);
}

export interface MeanCi {
  mean: number;
  lo: number;
  hi: number;
  halfWidth: number;
  n: number;
  /** Sample standard deviation (n - 1 denominator); NaN when n = 1. */
  sd: number;
}

/**
 * Student t confidence interval of the mean of independent, roughly normal observations
 * (e.g. one statistic from each of n independent replications): mean ± t_{n-1} s / sqrt(n).
 * With a single observation the interval is unbounded.
 */
export function meanCi(values: ArrayLike<number>, level = 0.95): MeanCi {
  // Callers pass plain arrays (whole-number or double elements) and Float64Arrays; one copy keeps
  // the loops below on a single array class, so V8 never throws away their optimized code when
  // another kind arrives (test/engine/hidden-class.test.ts caught it after a run).
  const samples = values instanceof Float64Array ? values : Float64Array.from(values);
  const n = samples.length;
  if (n === 0) throw new RangeError('meanCi: no samples');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += samples[i];
  const mean = sum / n;
  if (n === 1) return { mean, lo: -Infinity, hi: Infinity, halfWidth: Infinity, n, sd: NaN };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (samples[i] - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const halfWidth = (tCritical(level, n - 1) * sd) / Math.sqrt(n);
  return { mean, lo: mean - halfWidth, hi: mean + halfWidth, halfWidth, n, sd };
}

export interface BatchMeansCi extends MeanCi {
  /** Observations per batch. */
  batchSize: number;
  /** Observations dropped from the start so the batches are equal. */
  discarded: number;
  /**
   * Lag-1 autocorrelation of the batch means. Well above ~0.2 means the batches are too short
   * to be treated as independent and the interval is too narrow.
   */
  lag1: number;
}

/**
 * Non-overlapping batch means for one long run: the series (after warm-up) is cut into
 * `batches` equal contiguous batches, whose means are treated as independent and roughly
 * normal, giving a t interval with batches - 1 df (Law, Simulation Modeling and Analysis,
 * ch. 9). The remainder is dropped from the start, where any transient remains.
 */
export function batchMeans(series: ArrayLike<number>, batches = 20, level = 0.95): BatchMeansCi {
  if (!Number.isInteger(batches) || batches < 2) {
    throw new RangeError(`batches must be an integer >= 2, got ${batches}`);
  }
  const batchSize = Math.floor(series.length / batches);
  if (batchSize < 1) {
    throw new RangeError(`batchMeans: ${series.length} observations cannot fill ${batches} batches`);
  }
  const discarded = series.length - batchSize * batches;
  const means = new Float64Array(batches);
  for (let b = 0; b < batches; b++) {
    let s = 0;
    const start = discarded + b * batchSize;
    for (let i = start; i < start + batchSize; i++) s += series[i];
    means[b] = s / batchSize;
  }
  const ci = meanCi(means, level);
  let num = 0;
  let den = 0;
  for (let b = 0; b < batches; b++) {
    const dev = means[b] - ci.mean;
    den += dev * dev;
    if (b > 0) num += dev * (means[b - 1] - ci.mean);
  }
  return { ...ci, batchSize, discarded, lag1: den > 0 ? num / den : 0 };
}

function requireDf(df: number): void {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${df}`);
}

/**
 * Upper regularized incomplete gamma Q(a, x), by the series for x < a + 1 and Lentz's continued
 * fraction otherwise (Numerical Recipes gammq); used for erfc(x) = Q(1/2, x^2).
 */
export function upperIncompleteGamma(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`upperIncompleteGamma: bad arguments ${a}, ${x}`);
  if (x === 0) return 1;
  const lnFront = a * Math.log(x) - x - lnGamma(a);
  if (x < a + 1) {
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let n = 0; n < 10_000 && Math.abs(del) > Math.abs(sum) * 1e-16; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
    }
    return 1 - sum * Math.exp(lnFront);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(lnFront) * h;
}

/** Standard normal CDF, accurate to double precision in both tails. */
export function normalCdfExact(z: number): number {
  const tail = 0.5 * upperIncompleteGamma(0.5, (z * z) / 2);
  return z >= 0 ? 1 - tail : tail;
}
