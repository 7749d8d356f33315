import type { ContentionSpec } from '../workload/schema.js';

/**
 * Per-thread progress rate when n threads are runnable on `cores` cores: 1 means a thread
 * advances one microsecond of CPU demand per microsecond. This is where "too many runnable
 * threads cost more than they produce" lives, the cost a thread pool exists to avoid.
 */
export type RateFunction = (n: number) => number;

/** Floor on the per-thread rate as a fraction of the fair share, so no model can stall the CPU. */
const MIN_FRACTION_OF_FAIR_SHARE = 0.01;

export function rateFunction(cores: number, spec: ContentionSpec): RateFunction {
  switch (spec.model) {
    case 'none':
      return (n) => (n <= cores ? 1 : cores / n);
    case 'switch': {
      // Trub et al.: each of n > M runnable threads progresses at M/n - a.
      const a = spec.cost;
      return (n) => {
        if (n <= cores) return 1;
        const fair = cores / n;
        return Math.max(fair - a, fair * MIN_FRACTION_OF_FAIR_SHARE);
      };
    }
    case 'usl': {
      // Gunther's USL applied to the runnable count: capacity min(n, M) / (1 + s(n-1) + k n(n-1)).
      const { sigma, kappa } = spec;
      return (n) => {
        const fair = n <= cores ? 1 : cores / n;
        const r = fair / (1 + sigma * (n - 1) + kappa * n * (n - 1));
        return Math.max(r, fair * MIN_FRACTION_OF_FAIR_SHARE);
      };
    }
  }
}

/**
 * Whether the floor above decides the rate at n runnable threads: then the result is the clamp's,
 * not the model's, and the run says so (RunResult cpu.contentionFloorSeconds).
 */
export function floorBinds(cores: number, spec: ContentionSpec): (n: number) => boolean {
  switch (spec.model) {
    case 'none':
      return () => false;
    case 'switch':
      return (n) => n > cores && cores / n - spec.cost < (cores / n) * MIN_FRACTION_OF_FAIR_SHARE;
    case 'usl':
      return (n) => 1 / (1 + spec.sigma * (n - 1) + spec.kappa * n * (n - 1)) < MIN_FRACTION_OF_FAIR_SHARE;
  }
}
