import { describe, expect, it } from 'vitest';
import { assertFinite, nonFiniteFigures } from '../../src/run/result.js';
import { runScenario } from '../../src/run/run.js';
import { loadScenarioFile } from '../../src/workload/load.js';
import { TINY } from '../cli/helpers.js';

describe('a result never carries NaN or Infinity', () => {
  it('a real run has only finite figures; a non-finite one fails the run, named', () => {
    const r = runScenario(loadScenarioFile(TINY));
    expect(nonFiniteFigures(r)).toEqual([]);
    expect(assertFinite(r)).toBe(r);
    r.threads.peakMemoryMiB = Infinity;
    r.latency.all.p99 = NaN;
    expect(nonFiniteFigures(r)).toEqual(['latency.all.p99 = NaN', 'threads.peakMemoryMiB = Infinity']);
    expect(() => assertFinite(r)).toThrow('the run produced figures that are not finite numbers (latency.all.p99 = NaN, threads.peakMemoryMiB = Infinity)');
  });
});
