import { describe, expect, it } from 'vitest';
import { floorBinds, rateFunction } from '../../src/server/contention.js';
import { runScenario } from '../../src/run/run.js';
import { clampWarning } from '../../src/run/model-warnings.js';
import { parseScenarioText } from '../../src/workload/load.js';

const scenario = (sigma: number, connections: number, scheduling: string): string => `{
  "name": "clamp", "seed": 2, "duration": "300ms", "warmup": "50ms",
  "server": { "cores": 2, "scheduling": "${scheduling}", "contention": { "model": "usl", "sigma": ${sigma}, "kappa": 0 } },
  "threadHandling": { "mode": "one-thread-per-connection" },
  "workload": { "connections": ${connections}, "network": { "rtt": "0us" },
    "transactions": [ { "name": "q", "type": "autocommit", "statements": [ { "name": "q", "cpu": "50us" } ] } ] }
}`;

describe('no clamp decides a result unseen', () => {
  it('floorBinds is true exactly where the floor is above the model', () => {
    const spec = { model: 'usl', sigma: 0.5, kappa: 0 } as const;
    const r = rateFunction(2, spec);
    const b = floorBinds(2, spec);
    for (let n = 1; n < 400; n++) {
      const fair = n <= 2 ? 1 : 2 / n;
      const model = fair / (1 + 0.5 * (n - 1));
      expect(b(n), `n=${n}`).toBe(model < fair * 0.01);
      expect(r(n)).toBeCloseTo(Math.max(model, fair * 0.01), 12);
    }
    expect(floorBinds(2, { model: 'none' })(1000)).toBe(false);
  });

  for (const scheduling of ['ps', 'cfs']) {
    it(`${scheduling}: the time at the floor is counted and warned about; absent when it never binds`, () => {
      // sigma 1: the floor binds from 100 runnable threads; 150 clients that never think are all runnable.
      const clamped = runScenario(parseScenarioText(scenario(1, 150, scheduling), 'clamp.json'));
      expect(clamped.cpu.contentionFloorSeconds).toBeCloseTo(clamped.summary.simulatedSeconds, 3);
      expect(clampWarning(clamped)).toMatch(/floor .* 100\.0% of the measured time/);
      const free = runScenario(parseScenarioText(scenario(0.001, 150, scheduling), 'free.json'));
      expect(free.cpu.contentionFloorSeconds).toBeUndefined();
      expect(clampWarning(free)).toBeUndefined();
    });
  }
});
