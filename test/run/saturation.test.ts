import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run.js';
import { saturationWarning } from '../../src/run/model-warnings.js';
import { Scenario, type ScenarioInput, type ScenarioSpec } from '../../src/workload/schema.js';
import { openMmc } from '../helpers/open-mmc.js';

/** M/M/1 FIFO with mean service 1 ms at arrival rate `rate` per second. */
function mm1(rate: number, duration = '20s'): ScenarioSpec {
  return openMmc({ name: 'mm1', seed: 3, rate, duration, warmup: '1s' });
}

describe('near saturation, a warning with the relaxation time', () => {
  it('M/M/1 at rho 0.95: the relaxation time S / (1 - sqrt(rho))^2 = 1.56 s, and how many the window holds', () => {
    const r = runScenario(mm1(950));
    const w = saturationWarning(r);
    expect(w).toMatch(/offered load is 95\.0% of the CPU/);
    const m = /relaxation time is about ([\d.]+) s/.exec(w ?? '');
    const exact = 0.001 / (1 - Math.sqrt(0.95)) ** 2;
    // S is measured (CPU time per statement), so within a few percent of 1 ms.
    expect(Math.abs(Number(m?.[1]) / exact - 1)).toBeLessThan(0.05);
    // 19 s measured after the 1 s warm-up: about 12 relaxation times.
    const held = Number(/holds ([\d.]+) of them/.exec(w ?? '')?.[1]);
    expect(Math.abs(held / (19 / exact) - 1)).toBeLessThan(0.06);
  });

  it('silent once the window holds 300 relaxation times: the output analysis then speaks for the run', () => {
    const r = runScenario(mm1(950, '3s'));
    expect(saturationWarning(r)).toBeDefined();
    const relaxation = 0.001 / (1 - Math.sqrt(0.95)) ** 2;
    // The same run, stretched: the same busy cores and work per statement over a longer window.
    const stretch = (k: number): typeof r => ({ ...r, summary: { ...r.summary, simulatedSeconds: r.summary.simulatedSeconds * k, statements: r.summary.statements * k } });
    const k300 = (310 * relaxation) / r.summary.simulatedSeconds;
    const k290 = (280 * relaxation) / r.summary.simulatedSeconds;
    expect(saturationWarning(stretch(k300))).toBeUndefined();
    expect(saturationWarning(stretch(k290))).toMatch(/holds 2\d\d of them/);
  });

  it('none at rho 0.5, none at exactly 0.9, none for a closed loop at a saturated CPU', () => {
    expect(saturationWarning(runScenario(mm1(500, '3s')))).toBeUndefined();
    expect(saturationWarning(runScenario(mm1(900, '3s')))).toBeUndefined();
    const closed = Scenario.parse({
      name: 'closed',
      duration: '2s',
      warmup: '500ms',
      server: { cores: 1 },
      threadHandling: { mode: 'one-thread-per-connection' },
      workload: { connections: 8, network: { rtt: '0us' }, transactions: [{ name: 'q', type: 'autocommit', statements: [{ name: 'q', cpu: '1ms' }] }] },
    } satisfies ScenarioInput);
    const r = runScenario(closed);
    expect(r.cpu.utilization).toBeGreaterThan(0.99);
    expect(saturationWarning(r)).toBeUndefined();
  });
});
