/**
 * Exact results of elementary queueing theory, used to validate the simulator. All functions
 * are pure; rates and times must use consistent units (e.g. per µs and µs). "Response time" is
 * waiting plus service (sojourn time); "waiting time" excludes service.
 *
 * References:
 *  [Kle75] L. Kleinrock, Queueing Systems, Vol. 1: Theory, Wiley 1975.
 *  [Kle76] L. Kleinrock, Queueing Systems, Vol. 2: Computer Applications, Wiley 1976.
 *  [GH08]  D. Gross, J. Shortle, J. Thompson, C. Harris, Fundamentals of Queueing Theory, 4th ed.
 *  [Har13] M. Harchol-Balter, Performance Modeling and Design of Computer Systems, CUP 2013.
 */

function requirePositive(name: string, x: number): void {
  if (!(x > 0) || !Number.isFinite(x)) {
    throw new RangeError(`${name} must be a positive finite number, got ${x}`);
  }
}

function requireStable(rho: number): void {
  if (!(rho < 1)) throw new RangeError(`unstable queue: utilisation ${rho} >= 1`);
}

/**
 * M/M/1 FIFO mean response time: R = 1 / (mu - lambda)  [Kle75 ch. 3, M/M/1].
 * Valid for lambda < mu.
 */
export function mm1MeanResponse(lambda: number, mu: number): number {
  requirePositive('lambda', lambda);
  requirePositive('mu', mu);
  requireStable(lambda / mu);
  return 1 / (mu - lambda);
}

/**
 * Erlang B blocking probability for c servers and offered load a = lambda/mu, by the stable
 * recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))  [GH08 ch. 2, M/M/c/c].
 */
export function erlangB(c: number, a: number): number {
  requireServers(c);
  if (!(a >= 0)) throw new RangeError(`offered load must be >= 0, got ${a}`);
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/**
 * Erlang C: probability that an arrival to an M/M/c queue must wait, with offered load
 * a = lambda/mu < c:
 *   C(c, a) = [a^c / c! · c/(c-a)] / [Σ_{k<c} a^k/k! + a^c / c! · c/(c-a)]
 * [Kle75 ch. 3, M/M/m, "Erlang's C formula"; Har13 ch. 14]
 * computed from Erlang B as C = c B / (c - a (1 - B)) to avoid factorial overflow.
 */
export function erlangC(c: number, a: number): number {
  requireServers(c);
  if (!(a >= 0)) throw new RangeError(`offered load must be >= 0, got ${a}`);
  requireStable(a / c);
  const b = erlangB(c, a);
  return (c * b) / (c - a * (1 - b));
}

/**
 * M/M/c FIFO mean response time: R = C(c, a) / (c mu - lambda) + 1/mu  [Kle75 ch. 3, M/M/m;
 * Har13 ch. 14], a = lambda/mu.
 */
export function mmcMeanResponse(lambda: number, mu: number, c: number): number {
  requirePositive('lambda', lambda);
  requirePositive('mu', mu);
  const a = lambda / mu;
  return erlangC(c, a) / (c * mu - lambda) + 1 / mu;
}

export interface FiniteSourceResult {
  /** Throughput X (completions per unit time). */
  throughput: number;
  /** Mean response time at the station, R = N/X - Z (Little's law over the whole cycle). */
  meanResponse: number;
  /** Mean number at the station (queued plus in service), Q = X R. */
  meanQueueLength: number;
  /** Server utilisation, X S / c. */
  utilization: number;
  /** Stationary probabilities p[n] of n customers at the station, n = 0..N. */
  probabilities: Float64Array;
}

/**
 * M/M/c//N finite-source queue ("machine repairman"): N customers alternate between an
 * exponential think time of mean Z and a station of c exponential servers of mean service S.
 * The number n at the station is a birth-death process with birth rate (N-n)/Z and death rate
 * min(n, c)/S, so [Kle75 ch. 3, M/M/m//M; GH08 ch. 2, finite-source queues]
 *   p_n = p_0 · Π_{k=1..n} ((N-k+1)/Z) / (min(k,c)/S),
 *   X = Σ p_n min(n,c)/S,  R = N/X - Z.
 * Products are accumulated in log space so large N does not overflow. Z = 0 is allowed
 * (all N customers always at the station).
 */
export function finiteSourceMmc(N: number, Z: number, S: number, c: number): FiniteSourceResult {
  if (!Number.isInteger(N) || N < 1) throw new RangeError(`N must be a positive integer, got ${N}`);
  if (!(Z >= 0) || !Number.isFinite(Z)) throw new RangeError(`Z must be >= 0, got ${Z}`);
  requirePositive('S', S);
  requireServers(c);
  const p = new Float64Array(N + 1);
  if (Z === 0) {
    p[N] = 1;
  } else {
    const logP = new Float64Array(N + 1);
    let max = 0;
    for (let n = 1; n <= N; n++) {
      logP[n] = logP[n - 1] + Math.log((N - n + 1) / Z) - Math.log(Math.min(n, c) / S);
      if (logP[n] > max) max = logP[n];
    }
    let total = 0;
    for (let n = 0; n <= N; n++) {
      p[n] = Math.exp(logP[n] - max);
      total += p[n];
    }
    for (let n = 0; n <= N; n++) p[n] /= total;
  }
  let throughput = 0;
  for (let n = 1; n <= N; n++) throughput += (p[n] * Math.min(n, c)) / S;
  const meanResponse = N / throughput - Z;
  return {
    throughput,
    meanResponse,
    meanQueueLength: throughput * meanResponse,
    utilization: (throughput * S) / c,
    probabilities: p,
  };
}

/**
 * Pollaczek-Khinchine mean response time of M/G/1 FIFO:
 *   R = E[S] + lambda E[S^2] / (2 (1 - rho)),  rho = lambda E[S]  [Kle75 ch. 5; Har13 ch. 23].
 * `secondMoment` is E[S^2] (= Var + mean^2; 2/mu^2 for exponential, mean^2 for deterministic).
 */
export function mg1MeanResponse(lambda: number, meanService: number, secondMoment: number): number {
  requirePositive('lambda', lambda);
  requirePositive('meanService', meanService);
  if (!(secondMoment >= meanService * meanService * (1 - 1e-12))) {
    throw new RangeError(`E[S^2] = ${secondMoment} is below E[S]^2 = ${meanService * meanService}`);
  }
  const rho = lambda * meanService;
  requireStable(rho);
  return meanService + (lambda * secondMoment) / (2 * (1 - rho));
}

export interface PriorityClass {
  /** Arrival rate of the class. */
  lambda: number;
  /** Mean service time of the class. */
  meanService: number;
  /** E[S^2] of the class; defaults to the exponential value 2 E[S]^2. */
  secondMoment?: number;
}

/**
 * Mean waiting times (queueing only) under non-preemptive head-of-line priority in a single
 * server queue with Poisson arrivals, class 0 highest. Cobham's formula [A. Cobham, "Priority
 * assignment in waiting line problems", Oper. Res. 2 (1954); Kle76 ch. 3; Har13 ch. 31]:
 *   W_k = W0 / ((1 - σ_{k-1})(1 - σ_k)),  σ_k = Σ_{i<=k} rho_i,  W0 = Σ_i lambda_i E[S_i^2] / 2,
 * where W0 is the mean residual work of the job found in service. With exponential service
 * this is the M/M/1 case; the mean response of class k is W_k + E[S_k].
 */
export function priorityNonPreemptiveWaits(classes: readonly PriorityClass[]): number[] {
  if (classes.length === 0) throw new RangeError('need at least one class');
  let w0 = 0;
  for (const k of classes) {
    requirePositive('lambda', k.lambda);
    requirePositive('meanService', k.meanService);
    w0 += (k.lambda * (k.secondMoment ?? 2 * k.meanService * k.meanService)) / 2;
  }
  const waits: number[] = [];
  let sigmaPrev = 0;
  for (const k of classes) {
    const sigma = sigmaPrev + k.lambda * k.meanService;
    requireStable(sigma);
    waits.push(w0 / ((1 - sigmaPrev) * (1 - sigma)));
    sigmaPrev = sigma;
  }
  return waits;
}

/**
 * Cobham's two-class M/M/1 non-preemptive priority: mean waiting times [high, low] for
 * class arrival rates lambdaHigh, lambdaLow and service rates muHigh, muLow.
 */
export function cobhamTwoClassWaits(
  lambdaHigh: number,
  muHigh: number,
  lambdaLow: number,
  muLow: number,
): [high: number, low: number] {
  const w = priorityNonPreemptiveWaits([
    { lambda: lambdaHigh, meanService: 1 / muHigh },
    { lambda: lambdaLow, meanService: 1 / muLow },
  ]);
  return [w[0], w[1]];
}

/**
 * M/M/1 processor sharing mean response time: R = E[S] / (1 - rho) = 1/(mu - lambda),
 * the same as FIFO [Kle76 ch. 4; Har13 ch. 30].
 */
export function mm1PsMeanResponse(lambda: number, mu: number): number {
  return mm1MeanResponse(lambda, mu);
}

/**
 * M/G/1-PS (so also M/M/1-PS) conditional mean response of a job of size x:
 * E[T(x)] = x / (1 - rho)  [Kle76 ch. 4; Har13 ch. 30]. Insensitive to the size law.
 */
export function mg1PsConditionalResponse(x: number, rho: number): number {
  if (!(x >= 0)) throw new RangeError(`job size must be >= 0, got ${x}`);
  if (!(rho >= 0)) throw new RangeError(`utilisation must be >= 0, got ${rho}`);
  requireStable(rho);
  return x / (1 - rho);
}

function requireServers(c: number): void {
  if (!Number.isInteger(c) || c < 1) {
    throw new RangeError(`server count must be a positive integer, got ${c}`);
  }
}

/**
 * Asymptotic variance constant of the mean response (sojourn) time of an M/M/1 FIFO queue:
 *   sigma^2 = lim n Var((T_1 + ... + T_n) / n) = (1 + rho)^2 / (mu^2 (1 - rho)^4),
 * so that n customers give a mean whose standard error is sigma / sqrt(n). Derived by the
 * martingale (Poisson-equation) method of Whitt, "Asymptotic formulas for Markov processes with
 * applications to simulation", Oper. Res. 40 (1992) 279-291: the sum of the sojourn times of the
 * customers arriving in [0, t] is the area under the number in system N(s) up to O(1), and
 * Y(t) - L t - R (K(t) - lambda t) (Y the area, K the arrivals, L = lambda R) is a martingale up to
 * O(1) whose jumps are Delta(N) - R at arrivals and -Delta(N - 1) at departures, where
 * Delta(n) = (n + 1) / (mu - lambda) solves the birth-death Poisson equation. Its variance rate
 * lambda R^2 (2 (1+rho)/(1-rho)^2 - 2/(1-rho) + 1), divided by lambda, gives sigma^2. The same
 * method gives the known constant of the time-average number in system, 2 rho (1 + rho) /
 * (mu (1 - rho)^4) (Whitt, "Planning queueing simulations", Mgmt. Sci. 35 (1989) 1341-1366),
 * and sigma^2 -> 1/mu^2 (independent services) as rho -> 0. Units: (time unit of 1/mu)^2.
 */
export function mm1SojournAsymptoticVariance(lambda: number, mu: number): number {
  requirePositive('lambda', lambda);
  requirePositive('mu', mu);
  const rho = lambda / mu;
  requireStable(rho);
  return (1 + rho) ** 2 / (mu * mu * (1 - rho) ** 4);
}

/**
 * Measured time an M/M/1 FIFO run needs for a `level` interval of the mean response time whose
 * half-width is `relative` times the mean: n = (z sigma / (relative R))^2 customers
 * (sigma^2 from mm1SojournAsymptoticVariance, R = 1/(mu - lambda), z the normal quantile),
 * arriving over n / lambda. Units: those of 1/lambda.
 */
export function mm1RunLengthForMean(lambda: number, mu: number, relative: number, z = 1.959963984540054): number {
  requirePositive('relative', relative);
  const sigma = Math.sqrt(mm1SojournAsymptoticVariance(lambda, mu));
  const r = mm1MeanResponse(lambda, mu);
  const n = ((z * sigma) / (relative * r)) ** 2;
  return n / lambda;
}

/**
 * The p quantile of the M/M/1 FIFO response time, exponential with rate mu - lambda:
 * -ln(1 - p) / (mu - lambda)  [Kle75 ch. 3; Har13 ch. 14].
 */
export function mm1SojournQuantile(lambda: number, mu: number, p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`quantile level must be in (0, 1), got ${p}`);
  return -Math.log1p(-p) * mm1MeanResponse(lambda, mu);
}

/**
 * The p quantile of the M/M/c FIFO response time T = W + S: W is 0 with probability 1 - C and
 * otherwise exponential with rate theta = c mu - lambda (C the Erlang C probability), S is
 * exponential with rate mu and independent of W, so
 *   P(T > t) = (1 - C) e^{-mu t} + C (mu e^{-theta t} - theta e^{-mu t}) / (mu - theta)
 * (C (1 + mu t) e^{-mu t} when theta = mu)  [GH08 ch. 2; Har13 ch. 14]; solved by bisection.
 */
export function mmcSojournQuantile(lambda: number, mu: number, c: number, p: number): number {
  requirePositive('lambda', lambda);
  requirePositive('mu', mu);
  if (!(p > 0 && p < 1)) throw new RangeError(`quantile level must be in (0, 1), got ${p}`);
  const C = erlangC(c, lambda / mu);
  const theta = c * mu - lambda;
  const tail = (t: number): number => {
    const both = Math.abs(mu - theta) < 1e-12 * mu ? (1 + mu * t) * Math.exp(-mu * t) : (mu * Math.exp(-theta * t) - theta * Math.exp(-mu * t)) / (mu - theta);
    return (1 - C) * Math.exp(-mu * t) + C * both;
  };
  let lo = 0;
  let hi = 1 / Math.min(mu, theta);
  while (tail(hi) > 1 - p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tail(mid) > 1 - p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * M/M/c FIFO waiting-time tail: P(W > t) = C(c, a) e^{-(c mu - lambda) t}, t >= 0: an arrival
 * waits with probability C, and then for an exponential time of rate c mu - lambda (all c
 * servers busy, departures at rate c mu)  [Kle75 ch. 3; GH08 ch. 2, M/M/c waiting-time
 * distribution]. With c = 1, C = rho.
 */
export function mmcWaitTail(lambda: number, mu: number, c: number, t: number): number {
  requirePositive('lambda', lambda);
  requirePositive('mu', mu);
  if (!(t >= 0)) throw new RangeError(`t must be >= 0, got ${t}`);
  return erlangC(c, lambda / mu) * Math.exp(-(c * mu - lambda) * t);
}

/**
 * The p-quantile (0 < p < 1) of the M/M/c FIFO waiting time, inverting mmcWaitTail: 0 when
 * p <= 1 - C (that share of arrivals does not wait), else ln(C / (1 - p)) / (c mu - lambda).
 */
export function mmcWaitQuantile(lambda: number, mu: number, c: number, p: number): number {
  requirePositive('lambda', lambda);
  requirePositive('mu', mu);
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  const C = erlangC(c, lambda / mu);
  return 1 - p >= C ? 0 : Math.log(C / (1 - p)) / (c * mu - lambda);
}


/**
 * Finite-source M/M/c//N (FIFO): the probability that a customer arriving at the station must
 * wait. By the arrival theorem an arriving customer sees the station as an outside observer sees
 * the same network with N - 1 customers, so P(wait) = Σ_{n >= c} p_n(N - 1)  [Kle75 ch. 3,
 * M/M/m//M, arriving customer's distribution; GH08 ch. 2].
 */
export function finiteSourceWaitProbability(N: number, Z: number, S: number, c: number): number {
  if (!Number.isInteger(N) || N < 1) throw new RangeError(`N must be a positive integer, got ${N}`);
  if (N - 1 < c) return 0;
  const p = finiteSourceMmc(N - 1, Z, S, c).probabilities;
  let sum = 0;
  for (let n = c; n < p.length; n++) sum += p[n];
  return sum;
}
