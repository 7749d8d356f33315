import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import type { RunResult } from '../../src/run/result.js';
import { scenario } from '../helpers/scenarios.js';

const withoutEngine = (r: RunResult): string => JSON.stringify({ ...r, engine: undefined });

describe('determinism', () => {
  const short = (seed?: number) =>
    scenario('oltp.json', (s) => {
      s.duration = '1s';
      s.warmup = '200ms';
      s.workload.connections = 128;
      if (seed !== undefined) s.seed = seed;
    });

  it('the same scenario and seed give byte-identical results (apart from wall-clock fields)', () => {
    const a = runScenario(short());
    const b = runScenario(short());
    expect(withoutEngine(a)).toBe(withoutEngine(b));
    expect(a.engine.events).toBe(b.engine.events);
  });

  it('another seed gives other results', () => {
    expect(withoutEngine(runScenario(short(1)))).not.toBe(withoutEngine(runScenario(short(2))));
  });
});
