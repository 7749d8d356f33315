import { Scenario, type ScenarioInput, type ScenarioSpec } from '../../src/workload/schema.js';

export interface OpenMmcOptions {
  /** Poisson arrivals per second. */
  rate: number;
  cores?: number;
  duration: string;
  warmup?: string;
  seed?: number;
  name?: string;
}

/**
 * M/M/c FIFO: Poisson arrivals at `rate` per second, exponential service of mean 1 ms, `cores`
 * servers, no network time, one thread per connection (400 connections, never all busy).
 */
export function openMmc(o: OpenMmcOptions): ScenarioSpec {
  return Scenario.parse({
    name: o.name ?? 'mmc',
    seed: o.seed ?? 1,
    duration: o.duration,
    ...(o.warmup !== undefined ? { warmup: o.warmup } : {}),
    server: { cores: o.cores ?? 1, scheduling: 'fifo' },
    threadHandling: { mode: 'one-thread-per-connection' },
    workload: {
      connections: 400,
      client: { model: 'open', arrivals: { process: 'poisson', rate: o.rate } },
      network: { rtt: '0us' },
      transactions: [{ name: 'q', type: 'autocommit', statements: [{ name: 'q', cpu: { dist: 'exponential', mean: '1ms' } }] }],
    },
  } satisfies ScenarioInput);
}
