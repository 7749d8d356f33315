import { describe, expect, it } from 'vitest';
import { finiteSourceWaitProbability, mm1SojournQuantile, mmcWaitQuantile, mmcWaitTail } from '../../src/stats/theory.js';
import {
  cobhamTwoClassWaits,
  erlangB,
  erlangC,
  finiteSourceMmc,
  mg1MeanResponse,
  mg1PsConditionalResponse,
  mm1MeanResponse,
  mm1PsMeanResponse,
  mmcMeanResponse,
  priorityNonPreemptiveWaits,
} from '../../src/stats/theory.js';

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** Erlang C straight from the textbook sum (fine for small c). */
function erlangCDirect(c: number, a: number): number {
  let sum = 0;
  for (let k = 0; k < c; k++) sum += a ** k / factorial(k);
  const top = (a ** c / factorial(c)) * (c / (c - a));
  return top / (sum + top);
}

/**
 * Stationary distribution of a CTMC by Gaussian elimination on pi Q = 0 with sum(pi) = 1
 * (the last balance equation replaced by normalisation): independent of the product form.
 */
function solveCtmc(q: number[][]): number[] {
  const n = q.length;
  // Rows of A are equations: A[j][i] = q[i][j], i.e. sum_i pi_i q_ij = 0.
  const a = q.map((_, j) => q.map((row) => row[j]));
  const b = new Array<number>(n).fill(0);
  a[n - 1] = new Array<number>(n).fill(1);
  b[n - 1] = 1;
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
    [a[col], a[piv]] = [a[piv], a[col]];
    [b[col], b[piv]] = [b[piv], b[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let k = col; k < n; k++) a[r][k] -= f * a[col][k];
      b[r] -= f * b[col];
    }
  }
  return b.map((x, i) => x / a[i][i]);
}

/** Machine-repairman model solved from its generator; R from Little's law on the station. */
function finiteSourceByCtmc(N: number, Z: number, S: number, c: number): { X: number; R: number } {
  const q = Array.from({ length: N + 1 }, () => new Array<number>(N + 1).fill(0));
  for (let n = 0; n <= N; n++) {
    if (n < N) q[n][n + 1] = (N - n) / Z;
    if (n > 0) q[n][n - 1] = Math.min(n, c) / S;
    q[n][n] = -((n < N ? (N - n) / Z : 0) + (n > 0 ? Math.min(n, c) / S : 0));
  }
  const pi = solveCtmc(q);
  const X = pi.reduce((s, p, n) => s + (p * Math.min(n, c)) / S, 0);
  const L = pi.reduce((s, p, n) => s + p * n, 0);
  return { X, R: L / X };
}

/** Exact mean value analysis for one FIFO exponential server plus a delay (think) station. */
function mvaSingleServer(N: number, Z: number, S: number): { X: number; R: number } {
  let q = 0;
  let r = 0;
  let x = 0;
  for (let n = 1; n <= N; n++) {
    r = S * (1 + q);
    x = n / (r + Z);
    q = x * r;
  }
  return { X: x, R: r };
}

describe('M/M/1', () => {
  it('R = 1/(mu - lambda)', () => {
    expect(mm1MeanResponse(0.5, 1)).toBeCloseTo(2, 14);
    expect(mm1MeanResponse(9, 10)).toBeCloseTo(1, 14);
    expect(mm1MeanResponse(0.9 / 250, 1 / 250)).toBeCloseTo(2500, 9);
  });
  it('rejects an unstable or invalid queue', () => {
    expect(() => mm1MeanResponse(1, 1)).toThrow(RangeError);
    expect(() => mm1MeanResponse(-1, 1)).toThrow(RangeError);
    expect(() => mm1MeanResponse(0.5, 0)).toThrow(RangeError);
  });
});

describe('Erlang B and C, M/M/c', () => {
  it('Erlang C with c=2, rho=0.5 is 1/3', () => {
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 14);
  });
  it('Erlang C with c=1 is rho', () => {
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 14);
  });
  it('matches the factorial formula', () => {
    for (const [c, a] of [
      [3, 2.5],
      [4, 3.6],
      [8, 2],
      [16, 14.4],
      [20, 19.9],
    ]) {
      expect(erlangC(c, a)).toBeCloseTo(erlangCDirect(c, a), 12);
    }
  });
  it('Erlang B matches the loss formula and a table value', () => {
    const direct = (c: number, a: number): number => {
      let sum = 0;
      for (let k = 0; k <= c; k++) sum += a ** k / factorial(k);
      return a ** c / factorial(c) / sum;
    };
    expect(erlangB(1, 2)).toBeCloseTo(2 / 3, 14);
    expect(erlangB(10, 5)).toBeCloseTo(direct(10, 5), 14);
    expect(erlangB(10, 5)).toBeCloseTo(0.01838, 5);
  });
  it('does not overflow for many servers', () => {
    const p = erlangC(500, 480);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
  });
  it('M/M/2 at rho=0.5: R = L/lambda with L = 2 rho/(1 - rho^2)', () => {
    expect(mmcMeanResponse(1, 1, 2)).toBeCloseTo(4 / 3, 14);
  });
  it('M/M/c with c=1 equals M/M/1', () => {
    expect(mmcMeanResponse(0.9, 1, 1)).toBeCloseTo(mm1MeanResponse(0.9, 1), 12);
  });
  it('M/M/4 at rho=0.9 from the direct Erlang C', () => {
    const lambda = 3.6;
    const want = erlangCDirect(4, 3.6) / (4 - lambda) + 1;
    expect(mmcMeanResponse(lambda, 1, 4)).toBeCloseTo(want, 12);
    // By hand: Σ_{k<4} 3.6^k/k! = 18.856, 3.6^4/4! · 4/0.4 = 69.984, C = 69.984/88.84,
    // R = C/0.4 + 1 = 2.96938.
    expect(mmcMeanResponse(lambda, 1, 4)).toBeCloseTo(1 + 69.984 / 88.84 / 0.4, 12);
  });
  it('rejects rho >= 1', () => {
    expect(() => erlangC(2, 2)).toThrow(RangeError);
    expect(() => mmcMeanResponse(4, 1, 4)).toThrow(RangeError);
  });
});

describe('M/M/c//N finite source', () => {
  const cases: Array<[N: number, Z: number, S: number, c: number]> = [
    [1, 10, 2, 1],
    [2, 1, 1, 1],
    [5, 3, 1, 1],
    [5, 3, 1, 2],
    [10, 100, 12, 3],
    [20, 5, 1, 4],
    [30, 0.5, 2, 8],
    [40, 50, 3, 2],
  ];
  it.each(cases)('N=%d Z=%d S=%d c=%d agrees with a direct CTMC solve', (N, Z, S, c) => {
    const got = finiteSourceMmc(N, Z, S, c);
    const want = finiteSourceByCtmc(N, Z, S, c);
    expect(got.throughput).toBeCloseTo(want.X, 10);
    expect(got.meanResponse).toBeCloseTo(want.R, 9);
    expect(got.meanQueueLength).toBeCloseTo(want.X * want.R, 9);
    expect(got.utilization).toBeCloseTo((want.X * S) / c, 10);
    expect(got.probabilities.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
  });
  it('single server agrees with exact MVA', () => {
    for (const [N, Z, S] of [
      [1, 5, 1],
      [7, 5, 1],
      [50, 20, 1],
      [200, 1000, 7],
    ]) {
      const got = finiteSourceMmc(N, Z, S, 1);
      const want = mvaSingleServer(N, Z, S);
      expect(got.throughput).toBeCloseTo(want.X, 10);
      expect(got.meanResponse / want.R).toBeCloseTo(1, 10);
    }
  });
  it('N=2, c=1 by hand: p ∝ (1, 2S/Z, 2S²/Z²)', () => {
    // Z=1, S=1: p = (1, 2, 2)/5, X = 4/5, R = 2/(4/5) - 1 = 1.5.
    const r = finiteSourceMmc(2, 1, 1, 1);
    expect(Array.from(r.probabilities)).toEqual([0.2, 0.4, 0.4].map((x) => expect.closeTo(x, 14)));
    expect(r.meanResponse).toBeCloseTo(1.5, 14);
  });
  it('no queueing when c >= N; saturation when Z = 0', () => {
    expect(finiteSourceMmc(4, 10, 3, 4).meanResponse).toBeCloseTo(3, 12);
    expect(finiteSourceMmc(4, 10, 3, 9).meanResponse).toBeCloseTo(3, 12);
    expect(finiteSourceMmc(10, 0, 2, 4).meanResponse).toBeCloseTo((10 * 2) / 4, 12);
    expect(finiteSourceMmc(10, 0, 2, 4).throughput).toBeCloseTo(2, 12);
  });
  it('large populations do not overflow and approach the asymptotes', () => {
    const r = finiteSourceMmc(5000, 100, 1, 16);
    expect(Number.isFinite(r.meanResponse)).toBe(true);
    // Heavily overloaded: X -> c/S and R -> N S / c - Z.
    expect(r.throughput).toBeCloseTo(16, 6);
    expect(r.meanResponse).toBeCloseTo(5000 / 16 - 100, 3);
  });
});

describe('Pollaczek-Khinchine M/G/1', () => {
  it('reduces to M/M/1 with E[S^2] = 2/mu^2', () => {
    expect(mg1MeanResponse(0.5, 1, 2)).toBeCloseTo(mm1MeanResponse(0.5, 1), 14);
    expect(mg1MeanResponse(0.09, 10, 200)).toBeCloseTo(mm1MeanResponse(0.09, 0.1), 10);
  });
  it('M/D/1: waiting is half of M/M/1', () => {
    // rho = 0.5, S = 1: Wq = rho S / (2 (1 - rho)) = 0.5.
    expect(mg1MeanResponse(0.5, 1, 1)).toBeCloseTo(1.5, 14);
    expect(mg1MeanResponse(0.8, 1, 1) - 1).toBeCloseTo((mm1MeanResponse(0.8, 1) - 1) / 2, 12);
  });
  it('hyperexponential-like high variance', () => {
    // E[S]=1, SCV=9 -> E[S^2] = 10; lambda=0.5: Wq = 0.5 * 10 / 1 = 5.
    expect(mg1MeanResponse(0.5, 1, 10)).toBeCloseTo(6, 14);
  });
  it('rejects impossible moments', () => {
    expect(() => mg1MeanResponse(0.5, 1, 0.5)).toThrow(RangeError);
    expect(() => mg1MeanResponse(1.5, 1, 2)).toThrow(RangeError);
  });
});

describe('Cobham non-preemptive priority', () => {
  it('two-class M/M/1 by hand', () => {
    // lambda=(0.3, 0.5), mu=1: W0 = 0.8, W1 = 0.8/0.7, W2 = 0.8/(0.7*0.2).
    const [w1, w2] = cobhamTwoClassWaits(0.3, 1, 0.5, 1);
    expect(w1).toBeCloseTo(0.8 / 0.7, 14);
    expect(w2).toBeCloseTo(0.8 / 0.14, 12);
  });
  it('obeys the conservation law with equal service laws', () => {
    // Kleinrock's conservation law: the rate-weighted mean wait equals FIFO M/M/1's.
    const [w1, w2] = cobhamTwoClassWaits(0.2, 2, 1.4, 2);
    const fifoWait = mm1MeanResponse(1.6, 2) - 0.5;
    expect((0.2 * w1 + 1.4 * w2) / 1.6).toBeCloseTo(fifoWait, 12);
  });
  it('different service rates', () => {
    // Class 1: lambda .2, mu 1 (rho .2); class 2: lambda .1, mu .2 (rho .5).
    // W0 = .2*2/1/2 + .1*2/.04/2 = .2 + 2.5 = 2.7; W1 = 2.7/.8; W2 = 2.7/(.8*.3).
    const [w1, w2] = cobhamTwoClassWaits(0.2, 1, 0.1, 0.2);
    expect(w1).toBeCloseTo(2.7 / 0.8, 12);
    expect(w2).toBeCloseTo(2.7 / 0.24, 12);
  });
  it('a single class is M/G/1 FIFO', () => {
    const [w] = priorityNonPreemptiveWaits([{ lambda: 0.5, meanService: 1, secondMoment: 1 }]);
    expect(w + 1).toBeCloseTo(mg1MeanResponse(0.5, 1, 1), 14);
  });
  it('rejects overload', () => {
    expect(() => cobhamTwoClassWaits(0.5, 1, 0.6, 1)).toThrow(RangeError);
  });
});

describe('processor sharing', () => {
  it('M/M/1-PS mean equals FIFO and conditional is linear in size', () => {
    expect(mm1PsMeanResponse(0.75, 1)).toBeCloseTo(4, 14);
    expect(mg1PsConditionalResponse(3, 0.75)).toBeCloseTo(12, 14);
    expect(mg1PsConditionalResponse(0, 0.75)).toBe(0);
    // Averaging x/(1-rho) over exponential sizes gives the unconditional mean.
    expect(mg1PsConditionalResponse(1 / 1, 0.75)).toBeCloseTo(mm1PsMeanResponse(0.75, 1), 14);
  });
  it('rejects rho >= 1', () => {
    expect(() => mg1PsConditionalResponse(1, 1)).toThrow(RangeError);
  });
});

describe('waiting-time distribution and P(wait)', () => {
  it('M/M/c tail: at t = 0 it is Erlang C; with c = 1 it is rho e^{-(mu - lambda) t}', () => {
    const C = erlangC;
    expect(mmcWaitTail(3.6, 1, 4, 0)).toBeCloseTo(C(4, 3.6), 14);
    expect(mmcWaitTail(0.9, 1, 1, 5)).toBeCloseTo(0.9 * Math.exp(-0.1 * 5), 14);
    // Below 1 - C the quantile is 0 (that share does not wait); above, the tail inverted.
    expect(mmcWaitQuantile(2, 1, 4, 0.5)).toBe(0);
    expect(mmcWaitQuantile(3.6, 1, 4, 0.99)).toBeCloseTo(Math.log(100 * C(4, 3.6)) / 0.4, 12);
    expect(mm1SojournQuantile(0.97, 1, 0.99)).toBeCloseTo(Math.log(100) / 0.03, 10);
    // Finite source: one customer never waits; with N = 2, c = 1 the arriving one finds the
    // other at the station with the 1-customer system's probability S / (Z + S).
    expect(finiteSourceWaitProbability(1, 4, 1, 1)).toBe(0);
    expect(finiteSourceWaitProbability(3, 4, 1, 2)).toBe(finiteSourceMmc(2, 4, 1, 2).probabilities[2]);
    expect(finiteSourceWaitProbability(2, 4, 1, 1)).toBeCloseTo(1 / 5, 14);
    expect(finiteSourceWaitProbability(2, 4, 1, 2)).toBe(0);
  });
});
