import { describe, expect, it } from 'vitest';
import { lockstepWarning } from '../../src/run/model-warnings.js';
import { runScenario } from '../../src/run/run.js';
import { parseScenarioText } from '../../src/workload/load.js';

/**
 * Constant times everywhere let a closed loop under processor sharing fall into step. 8
 * connections, 2 cores, 57 µs of CPU and 80 µs of round trips per transaction: product-form
 * theory (BCMP: the PS and delay stations are insensitive to the distributions) gives 98.9% busy.
 */
const scenario = (cpu: string, scheduling = 'ps', connections = 8): string => `{
  "name": "lockstep", "seed": 1, "duration": "400ms", "warmup": "50ms",
  "server": { "cores": 2, "scheduling": "${scheduling}" },
  "threadHandling": { "mode": "one-thread-per-connection" },
  "workload": { "connections": ${connections}, "network": { "rtt": "20us" },
    "transactions": [ { "name": "t", "statements": [ { "name": "u", "cpu": ${cpu} }, { "name": "s", "cpu": ${cpu} } ] } ] }
}`;

describe('a closed loop with constant times under processor sharing', () => {
  const constant = runScenario(parseScenarioText(scenario('"20us"'), 'constant.json'));
  const spread = runScenario(parseScenarioText(scenario('{ "dist": "lognormal", "mean": "20us", "cv": 0.3 }'), 'spread.json'));

  it('falls into step and leaves cores idle that theory keeps busy; a spread in one time is enough to undo it', () => {
    expect(constant.cpu.utilization).toBeLessThan(0.8);
    expect(spread.cpu.utilization).toBeGreaterThan(0.95);
  });

  it('is warned about, and only then', () => {
    expect(lockstepWarning(constant)).toMatch(/every time in this workload is a constant/);
    expect(lockstepWarning(spread)).toBeUndefined();
    const fifo = runScenario(parseScenarioText(scenario('"20us"', 'fifo'), 'fifo.json'));
    expect(fifo.cpu.utilization).toBeGreaterThan(0.95);
    expect(lockstepWarning(fifo)).toBeUndefined();
    // No more connections than cores: nothing to fall into step with.
    expect(lockstepWarning(runScenario(parseScenarioText(scenario('"20us"', 'ps', 2), 'two.json')))).toBeUndefined();
  });
});
