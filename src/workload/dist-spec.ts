import { parseDuration } from '../engine/duration.js';
import {
  Constant,
  type Distribution,
  Empirical,
  Exponential,
  Gamma,
  LogNormal,
  Mixture,
  Pareto,
  TruncatedNormal,
  Uniform,
} from '../engine/distributions.js';
import type { DistSpec } from './schema.js';

/** Turns a validated distribution spec (durations as strings) into a sampler in µs. */
export function buildDistribution(spec: DistSpec): Distribution {
  if (typeof spec === 'string') return new Constant(parseDuration(spec));
  switch (spec.dist) {
    case 'constant':
      return new Constant(parseDuration(spec.value));
    case 'exponential':
      return new Exponential(parseDuration(spec.mean));
    case 'uniform':
      return new Uniform(parseDuration(spec.min), parseDuration(spec.max));
    case 'normal':
      return new TruncatedNormal(parseDuration(spec.mean), parseDuration(spec.sd));
    case 'lognormal':
      if ('cv' in spec) return LogNormal.fromMeanCv(parseDuration(spec.mean), spec.cv);
      return LogNormal.fromP50P99(parseDuration(spec.p50), parseDuration(spec.p99));
    case 'gamma':
      return Gamma.fromMeanCv(parseDuration(spec.mean), spec.cv);
    case 'pareto':
      return new Pareto(parseDuration(spec.min), spec.alpha);
    case 'empirical':
      return new Empirical(spec.quantiles.map(([p, v]) => [p, parseDuration(v)] as const));
    case 'mixture':
      return new Mixture(spec.components.map((c) => ({ weight: c.weight, dist: buildDistribution(c.value) })));
  }
}

/**
 * Checks that cannot be written in the schema (relations between values). Returns problems as
 * [JSON path, message] pairs.
 */
export function distributionProblems(spec: DistSpec, path: string): Array<[string, string]> {
  if (typeof spec === 'string') return [];
  const out: Array<[string, string]> = [];
  if (spec.dist === 'uniform' && parseDuration(spec.max) < parseDuration(spec.min)) {
    out.push([path, `expected max >= min, found min ${spec.min} and max ${spec.max}`]);
  }
  if (spec.dist === 'lognormal' && 'p50' in spec && !(parseDuration(spec.p99) > parseDuration(spec.p50))) {
    out.push([path, `expected p99 > p50 > 0, found p50 ${spec.p50} and p99 ${spec.p99}`]);
  }
  if (spec.dist === 'lognormal' && 'mean' in spec && !(parseDuration(spec.mean) > 0)) {
    out.push([path, `expected a mean > 0, found ${spec.mean}`]);
  }
  if (spec.dist === 'pareto' && spec.alpha <= 1) {
    out.push([path, `expected alpha > 1 (a finite mean), found ${spec.alpha}`]);
  }
  if (spec.dist === 'empirical') {
    const q = spec.quantiles;
    // Fewer than two points is the schema's own complaint; nothing to compare here.
    if (q.length < 2) return out;
    if (q[0][0] !== 0 || q[q.length - 1][0] !== 1) {
      out.push([path, 'expected quantiles from probability 0 to probability 1']);
    }
    for (let i = 1; i < q.length; i++) {
      if (q[i][0] < q[i - 1][0] || parseDuration(q[i][1]) < parseDuration(q[i - 1][1])) {
        out.push([`${path}.quantiles[${i}]`, 'expected probabilities and values that never decrease']);
        break;
      }
    }
  }
  if (spec.dist === 'mixture') {
    spec.components.forEach((c, i) => out.push(...distributionProblems(c.value, `${path}.components[${i}].value`)));
  }
  return out;
}
