import { describe, expect, it } from 'vitest';
import { cpuBetween, cpusAllowed, switchesBetween } from '../../src/calibrate/measure.js';

describe('sim measure: context switches in the window', () => {
  it('counts per thread, so threads that exit or start in the window never make it negative', () => {
    // Thread 11 retired in the window with 900 switches; 13 started and made 40; 10 made 25 more.
    const before = new Map([
      ['10', 100],
      ['11', 900],
    ]);
    const after = new Map([
      ['10', 125],
      ['13', 40],
    ]);
    expect(switchesBetween(before, after)).toBe(65);
    // A sum of totals would say 165 - 1000 = -835.
    expect(switchesBetween(after, before)).toBe(900);
  });
});

describe('sim measure: CPU affinity of the server and of sysbench', () => {
  it('reads the kernel\'s Cpus_allowed_list of a process, and nothing for one that does not exist', () => {
    const mine = cpusAllowed(process.pid);
    expect(mine).toMatch(/^\d+([-,]\d+)*$/);
    expect(cpusAllowed(2 ** 22 + 12345)).toBeUndefined();
  });
});

describe('sim measure: the server\'s CPU over the readings\' own window', () => {
  it('divides by the time between the two readings, not by the run\'s length', () => {
    // 950 ticks (9.5 s of CPU at 100 per second) in the 10 s between the readings: 0.95 cores,
    // however long sysbench then takes to finish (at 1,024 clients, seconds).
    const a = { ticks: 1000, switches: new Map([['10', 100]]), at: 5_000 };
    const b = { ticks: 1950, switches: new Map([['10', 2100]]), at: 15_000 };
    expect(cpuBetween(a, b)).toEqual({ util: 0.95, switchesPerS: 200 });
    expect(cpuBetween(a, null)).toBeUndefined();
    expect(cpuBetween(b, a)).toBeUndefined();
  });
});
