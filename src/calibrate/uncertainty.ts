import { stream } from '../engine/random.js';
import { studentTQuantile } from '../stats/confidence.js';
import type { ScenarioInput } from '../workload/schema.js';
import { type ParamName, PARAM_NAMES, applyParams } from './fit.js';

/** What a prediction needs of a `.fit.json` report: the fitted values and their joint uncertainty. */
export interface FitUncertainty {
  params: Array<{ name: ParamName; value: number; relSd: number }>;
  /** Correlation matrix of the log parameters, in the order of params. */
  correlation: number[][];
}

/** Reads the parts of a fit report that predictions use; a message naming what is wrong otherwise. */
export function fitUncertaintyOf(report: unknown, file: string): FitUncertainty {
  const r = report as Partial<FitUncertainty> | null;
  if (r === null || typeof r !== 'object' || !Array.isArray(r.params) || !Array.isArray(r.correlation)) {
    throw new Error(`${file}: expected a fit report of sim fit (with params and correlation), found something else`);
  }
  const k = r.params.length;
  for (const p of r.params) {
    if (!PARAM_NAMES.includes(p.name) || !(p.value > 0) || !(p.relSd >= 0)) throw new Error(`${file}: parameter ${JSON.stringify(p)} is not a fitted parameter with a value and a relative sd`);
  }
  if (r.correlation.length !== k || r.correlation.some((row) => !Array.isArray(row) || row.length !== k)) {
    throw new Error(`${file}: expected a ${k} x ${k} correlation matrix`);
  }
  return { params: r.params, correlation: r.correlation };
}

/**
 * Parameter sets drawn from the fit's uncertainty: the fit searches log parameters and its
 * Gauss-Newton covariance is theirs, so a draw is exp(log v + L z) with L the Cholesky factor of
 * D R D (D the relative sds, R the correlation) and z standard normal from a named stream.
 * A parameter with a non-finite sd (undetermined) is drawn at its value.
 */
export function parameterDraws(u: FitUncertainty, n: number, seed: number): number[][] {
  const k = u.params.length;
  const sd = u.params.map((p) => (Number.isFinite(p.relSd) ? p.relSd : 0));
  const cov = u.params.map((_, i) => u.params.map((__, j) => sd[i] * sd[j] * (i === j ? 1 : Number.isFinite(u.correlation[i][j]) ? u.correlation[i][j] : 0)));
  const l = cholesky(cov);
  const rng = stream(seed, 'parameter-draws');
  const normal = (): number => {
    // Box-Muller; 1 - u keeps the log away from 0.
    const a = 1 - rng();
    const b = rng();
    return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * b);
  };
  const out: number[][] = [];
  for (let d = 0; d < n; d++) {
    const z = Array.from({ length: k }, normal);
    out.push(u.params.map((p, i) => p.value * Math.exp(l[i].reduce((s, lij, j) => s + lij * z[j], 0))));
  }
  return out;
}

/** Lower-triangular L with L L^T = a; a tiny ridge where rounding leaves a not quite positive definite. */
export function cholesky(a: number[][]): number[][] {
  const n = a.length;
  const scale = Math.max(1e-300, ...a.map((row, i) => Math.abs(row[i])));
  for (let ridge = 0; ; ridge = ridge === 0 ? 1e-12 * scale : ridge * 10) {
    const l = a.map(() => new Array<number>(n).fill(0));
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = a[i][j] + (i === j ? ridge : 0);
        for (let m = 0; m < j; m++) s -= l[i][m] * l[j][m];
        if (i === j) {
          if (s < 0 && a[i][i] > 0) {
            ok = false;
            break;
          }
          l[i][i] = Math.sqrt(Math.max(0, s));
        } else l[i][j] = l[j][j] > 0 ? s / l[j][j] : 0;
      }
    }
    if (ok) return l;
    if (ridge > scale) throw new Error('the fit covariance is not positive semi-definite');
  }
}

/**
 * The fitted scenario with a drawn parameter set: `scale` multiplies demands relative to the base
 * it is applied to, so the fitted scenario (already scaled) gets the ratio draw / fitted; the
 * others are absolute.
 */
export function withDraw(fitted: ScenarioInput, u: FitUncertainty, draw: readonly number[]): ScenarioInput {
  const names = u.params.map((p) => p.name);
  const values = draw.map((v, i) => (names[i] === 'scale' ? v / u.params[i].value : v));
  return applyParams(fitted, names, values);
}

/** The q-quantile of values (linear interpolation between order statistics, as numpy's default). */
export function quantileOf(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
}

/**
 * How far the real server's measurements fell from the fitted model at the points it was fitted
 * on, per figure: the root mean square of ln(simulated / measured median) over the training
 * points, times sqrt(m / (m - p)) for the p parameters fitted to the m residuals. It holds the
 * server's own run-to-run scatter and what the model gets wrong at the training points, neither
 * of which the parameter draws carry.
 */
export interface ResidualScatter {
  tps?: number;
  p95?: number;
  p99?: number;
  /** Degrees of freedom of the fit (m - p), for the t quantile. */
  dof: number;
}

/** The residual scatter of a fit report (its `points` and `dof`); undefined for a report without them. */
export function residualScatterOf(report: unknown): ResidualScatter | undefined {
  const r = report as { points?: unknown; dof?: unknown; params?: unknown } | null;
  if (r === null || typeof r !== 'object' || !Array.isArray(r.points) || typeof r.dof !== 'number' || !(r.dof >= 1)) return undefined;
  const dof = r.dof;
  const m = dof + (Array.isArray(r.params) ? r.params.length : 0);
  const out: ResidualScatter = { dof };
  for (const f of ['tps', 'p95', 'p99'] as const) {
    const v = (r.points as Array<{ residuals?: Record<string, unknown> }>)
      .map((x) => x.residuals?.[f])
      .filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    if (v.length > 0) out[f] = Math.sqrt(((v.reduce((a, x) => a + x * x, 0) / v.length) * m) / dof);
  }
  return out;
}

/**
 * Where a single new measurement of the figure is expected (95%): the model's interval [lo, hi]
 * around `fitted`, widened in log space by t(0.975, dof) times the residual scatter, the two
 * half-widths added in quadrature (the parameters' uncertainty and the scatter are independent).
 */
export function measurementInterval(fitted: number, lo: number, hi: number, scatter: number, dof: number): { lo: number; hi: number } {
  const e = studentTQuantile(0.975, dof) * scatter;
  if (!(fitted > 0)) return { lo: 0, hi: Math.max(hi, 0) * Math.exp(e) };
  const c = Math.log(fitted);
  const dl = lo > 0 ? Math.max(0, c - Math.log(lo)) : Infinity;
  const dh = hi > 0 ? Math.max(0, Math.log(hi) - c) : 0;
  return { lo: dl === Infinity ? 0 : Math.exp(c - Math.hypot(dl, e)), hi: Math.exp(c + Math.hypot(dh, e)) };
}
