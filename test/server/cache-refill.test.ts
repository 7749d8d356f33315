import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/engine/simulator.js';
import { CacheRefill, poissonAtLeast } from '../../src/server/cache-refill.js';
import { CfsCpu, cfsDefaults } from '../../src/server/cfs-cpu.js';
import { rateFunction } from '../../src/server/contention.js';
import { EevdfCpu, eevdfDefaults } from '../../src/server/eevdf-cpu.js';
import { runScenario } from '../../src/run/run.js';
import { parseScenarioText } from '../../src/workload/load.js';

describe('cache refill: the evicted fraction', () => {
  it('P(Poisson >= k) agrees with the upper tail summed term by term', () => {
    for (const [lambda, k] of [
      [0.5, 1],
      [3.2, 8],
      [8, 8],
      [20, 8],
      [1, 16],
    ] as const) {
      let upper = 0;
      let term = Math.exp(-lambda);
      for (let i = 0; i < 400; i++) {
        if (i >= k) upper += term;
        term *= lambda / (i + 1);
      }
      expect(poissonAtLeast(lambda, k)).toBeCloseTo(upper, 12);
    }
    expect(poissonAtLeast(0, 8)).toBe(0);
  });

  it('the reuse distance is the number of distinct threads that ran on the core since: against a brute-force count', () => {
    const cores = 3;
    const params = { refillUs: 7, capacity: 5, associativity: 4 };
    const c = new CacheRefill(cores, params);
    const rnd = seedrandom('reuse');
    const history: Array<[core: number, thread: number]> = [];
    const last = new Int32Array(cores).fill(-1);
    let checked = 0;
    for (let i = 0; i < 4000; i++) {
      const core = Math.floor(rnd() * cores);
      // Skewed thread choice so that distances short and long both occur (and some exceed the bound).
      const t = Math.floor(rnd() ** 2 * 60);
      if (last[core] === t) continue; // no switch: the CPU models call switchIn only on a switch
      last[core] = t;
      // Brute force: the thread's last turn on this core, and the distinct threads that ran there since.
      let j = history.length - 1;
      while (j >= 0 && !(history[j][1] === t && history[j][0] === core)) j--;
      let expected: number;
      if (j < 0) expected = params.refillUs;
      else {
        const others = new Set<number>();
        for (let k = j + 1; k < history.length; k++) if (history[k][0] === core) others.add(history[k][1]);
        expected = c.evictedFraction(others.size) * params.refillUs;
        checked++;
      }
      history.push([core, t]);
      expect(c.switchIn(core, t, 0)).toBeCloseTo(expected, 12);
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('grows with the number of threads taking turns: none while they fit, all once they far exceed the cache', () => {
    const c = new CacheRefill(1, { refillUs: 10, capacity: 24, associativity: 8 });
    // Round robin among n threads: every switch-in after the first round has reuse distance n - 1.
    const perSwitch = (n: number): number => {
      const x = new CacheRefill(1, { refillUs: 10, capacity: 24, associativity: 8 });
      let last = 0;
      for (let round = 0; round < 3; round++) for (let t = 0; t < n; t++) last = x.switchIn(0, t, 0);
      return last;
    };
    expect(perSwitch(2)).toBeLessThan(1e-6);
    expect(perSwitch(16)).toBeCloseTo(10 * poissonAtLeast((15 * 8) / 24, 8), 12);
    expect(perSwitch(16)).toBeLessThan(1.5);
    expect(perSwitch(64)).toBeGreaterThan(9.9);
    expect(c.evictedFraction(1e6)).toBe(1);
  });
});

describe('cache refill: the shared last-level cache', () => {
  // Private: associativity 1, capacity 1 (evicted 1 - exp(-d)); shared: associativity 1,
  // capacity 4 (evicted 1 - exp(-d / 4)); reload from the shared cache 10 µs, from memory 50 µs.
  const params = { refillUs: 10, capacity: 1, associativity: 1, shared: { refillUs: 50, capacity: 4, associativity: 1 } };
  const fp = (d: number): number => 1 - Math.exp(-d);
  const fs = (d: number): number => 1 - Math.exp(-d / 4);

  it('charges the core\'s loss from the shared cache and the shared cache\'s loss from memory: a hand-computed schedule', () => {
    const c = new CacheRefill(2, params);
    // A on core 0: never ran anywhere, all from memory.
    expect(c.switchIn(0, 0, 0)).toBe(50);
    // B on core 0, then A on core 0: one thread between on the core and in the shared cache.
    expect(c.switchIn(0, 1, 0)).toBe(50);
    expect(c.switchIn(0, 0, 0)).toBeCloseTo(fp(1) * 10 + Math.min(fs(1), fp(1)) * 40, 12);
    // A moves to core 1 where it never ran: its whole working set, from the shared cache but for
    // what the shared cache lost (nobody ran since A: nothing).
    expect(c.switchIn(1, 0, 0)).toBe(10);
    // C on core 1 (never ran: memory). B back on core 0: A ran there since B's turn (distance 1),
    // A and C anywhere (distance 2 in the shared cache).
    expect(c.switchIn(1, 2, 0)).toBe(50);
    expect(c.switchIn(0, 1, 0)).toBeCloseTo(fp(1) * 10 + Math.min(fs(2), fp(1)) * 40, 12);
    // B on core 1, where it never ran: its whole working set, all of it still in the shared cache.
    expect(c.switchIn(1, 1, 0)).toBe(10);
    expect(c.switchIns).toBe(7);
    expect(c.coldSwitchIns).toBe(5);
    expect(c.memoryUs).toBeCloseTo(3 * 40 + Math.min(fs(1), fp(1)) * 40 + Math.min(fs(2), fp(1)) * 40, 9);
  });

  it('the shared distance counts the distinct threads that ran on any core since: against a brute-force count', () => {
    const cores = 3;
    const p = { refillUs: 7, capacity: 3, associativity: 2, shared: { refillUs: 30, capacity: 20, associativity: 4 } };
    const c = new CacheRefill(cores, p);
    const one = new CacheRefill(cores, { refillUs: 1, capacity: p.shared.capacity, associativity: p.shared.associativity });
    const priv = new CacheRefill(cores, { refillUs: 1, capacity: p.capacity, associativity: p.associativity });
    const rnd = seedrandom('shared');
    const history: Array<[core: number, thread: number]> = [];
    const last = new Int32Array(cores).fill(-1);
    for (let i = 0; i < 4000; i++) {
      const core = Math.floor(rnd() * cores);
      const t = Math.floor(rnd() ** 2 * 90);
      if (last[core] === t) continue;
      last[core] = t;
      let jc = history.length - 1;
      while (jc >= 0 && !(history[jc][1] === t && history[jc][0] === core)) jc--;
      let js = history.length - 1;
      while (js >= 0 && history[js][1] !== t) js--;
      const onCore = new Set<number>();
      for (let k = jc + 1; k < history.length; k++) if (history[k][0] === core) onCore.add(history[k][1]);
      const anywhere = new Set<number>();
      for (let k = js + 1; k < history.length; k++) anywhere.add(history[k][1]);
      const f1 = jc < 0 ? 1 : priv.evictedFraction(onCore.size);
      const f2 = js < 0 ? 1 : one.evictedFraction(anywhere.size);
      history.push([core, t]);
      expect(c.switchIn(core, t, 0)).toBeCloseTo(f1 * 7 + Math.min(f1, f2) * 23, 12);
    }
  });

  it('makes the cost grow again past the private cache: round robin among n threads on one core', () => {
    const perSwitch = (n: number, shared: boolean): number => {
      const x = new CacheRefill(1, { refillUs: 10, capacity: 24, associativity: 8, ...(shared ? { shared: { refillUs: 40, capacity: 400, associativity: 16 } } : {}) });
      let last = 0;
      for (let round = 0; round < 3; round++) for (let t = 0; t < n; t++) last = x.switchIn(0, t, 0);
      return last;
    };
    // Beyond the private cache one level is spent (10 µs at 64 and at 1,024 threads) ...
    expect(perSwitch(1024, false) - perSwitch(64, false)).toBeLessThan(0.01);
    // ... two levels keep growing: shared hits at 64 threads, memory at 1,024.
    expect(perSwitch(64, true)).toBeLessThan(11);
    expect(perSwitch(1024, true)).toBeGreaterThan(39);
  });
});

describe('cache refill: the window', () => {
  // Associativity 1, capacity 1: evicted 1 - exp(-d).
  const f = (d: number): number => 1 - Math.exp(-d);

  it('charges a thread for every other thread active in the window, not only those since its turn: a hand-computed schedule', () => {
    const c = new CacheRefill(1, { refillUs: 10, capacity: 1, associativity: 1, windowUs: 10 });
    expect(c.switchIn(0, 0, 0)).toBe(10); // A: never ran
    expect(c.switchIn(0, 1, 1)).toBe(10); // B: never ran
    expect(c.switchIn(0, 0, 2)).toBeCloseTo(10 * f(1), 12); // A: B in the window, B since
    expect(c.switchIn(0, 2, 3)).toBe(10); // C: never ran
    // A: only C ran since its turn at 2 (reuse distance 1), but B and C ran in [-6, 4].
    expect(c.switchIn(0, 0, 4)).toBeCloseTo(10 * f(2), 12);
    // B at 20: the window [10, 20] is empty; B's turn at 1 is outside it, so its reuse distance
    // counts: A and C ran since.
    expect(c.switchIn(0, 1, 20)).toBeCloseTo(10 * f(2), 12);
    // A at 25: only B ran in [15, 25]; A's own turn (4) is outside, and since it B alone.
    expect(c.switchIn(0, 0, 25)).toBeCloseTo(10 * f(1), 12);
    // The same schedule without a window: reuse distances 1, 1, 2, 1.
    const lru = new CacheRefill(1, { refillUs: 10, capacity: 1, associativity: 1 });
    const seq: Array<[number, number]> = [[0, 0], [1, 1], [0, 2], [2, 3], [0, 4], [1, 20], [0, 25]];
    const got = seq.map(([t, at]) => lru.switchIn(0, t, at));
    expect(got[4]).toBeCloseTo(10 * f(1), 12);
  });

  it('against a brute-force count: the larger of the reuse distance and the others in the window, per core and across cores', () => {
    const cores = 3;
    const windowUs = 40;
    const p = { refillUs: 7, capacity: 3, associativity: 2, windowUs, shared: { refillUs: 30, capacity: 20, associativity: 4 } };
    const c = new CacheRefill(cores, p);
    const one = new CacheRefill(cores, { refillUs: 1, capacity: p.shared.capacity, associativity: p.shared.associativity });
    const priv = new CacheRefill(cores, { refillUs: 1, capacity: p.capacity, associativity: p.associativity });
    const rnd = seedrandom('window');
    const history: Array<[core: number, thread: number, at: number]> = [];
    const last = new Int32Array(cores).fill(-1);
    let now = 0;
    let windowWon = 0;
    for (let i = 0; i < 4000; i++) {
      // Bursts and lulls, so that windows hold from none to dozens of threads.
      now += rnd() < 0.05 ? 30 + rnd() * 60 : rnd() * 3;
      const core = Math.floor(rnd() * cores);
      const t = Math.floor(rnd() ** 2 * 90);
      if (last[core] === t) continue;
      last[core] = t;
      const from = now - windowUs;
      const dist = (onCore: boolean): number => {
        let j = history.length - 1;
        while (j >= 0 && !(history[j][1] === t && (!onCore || history[j][0] === core))) j--;
        if (j < 0) return -1;
        const since = new Set<number>();
        for (let k = j + 1; k < history.length; k++) if (!onCore || history[k][0] === core) since.add(history[k][1]);
        const inWindow = new Set<number>();
        for (const [hc, ht, at] of history) if (at >= from && ht !== t && (!onCore || hc === core)) inWindow.add(ht);
        if (inWindow.size > since.size) windowWon++;
        return Math.max(since.size, inWindow.size);
      };
      const dc = dist(true);
      const ds = dist(false);
      const f1 = dc < 0 ? 1 : priv.evictedFraction(dc);
      const f2 = ds < 0 ? 1 : one.evictedFraction(ds);
      history.push([core, t, now]);
      expect(c.switchIn(core, t, now)).toBeCloseTo(f1 * 7 + Math.min(f1, f2) * 23, 12);
    }
    expect(windowWon).toBeGreaterThan(500);
  });

  it('11 threads taking turns and one of many others woken every 20 turns: every turn dearer as the others grow, which reuse distance alone does not give', () => {
    const perTurn = (n: number, windowUs: number | undefined): number => {
      const x = new CacheRefill(1, { refillUs: 10, capacity: 24, associativity: 8, ...(windowUs === undefined ? {} : { windowUs }) });
      let now = 0;
      let sleeper = 11;
      let sum = 0;
      let turns = 0;
      for (let round = 0; round < 400; round++) {
        for (let t = 0; t < 11; t++) {
          now += 1;
          const us = x.switchIn(0, t, now);
          if (round >= 200) { sum += us; turns++; }
          if ((round * 11 + t) % 20 === 19) {
            now += 1;
            x.switchIn(0, sleeper, now);
            sleeper = sleeper + 1 < n ? sleeper + 1 : 11;
          }
        }
      }
      return sum / turns;
    };
    // Reuse distance: at most 11 others between two turns of one of the 11, whatever n is.
    expect(perTurn(64, undefined)).toBeLessThan(10 * poissonAtLeast((11 * 8) / 24, 8) + 1e-9);
    expect(Math.abs(perTurn(1024, undefined) - perTurn(64, undefined))).toBeLessThan(0.01);
    // Window of 600 µs (~550 turns, ~27 of the others): the same 27 woken whatever n is above 38,
    // so 11 + 27 others in the window at 64 and at 1,024 ...
    expect(perTurn(64, 600)).toBeGreaterThan(1);
    expect(perTurn(1024, 600)).toBeCloseTo(perTurn(64, 600), 1);
    // ... and fewer others (n = 16: 5 of them) cost less.
    expect(perTurn(16, 600)).toBeLessThan(perTurn(64, 600) / 2);
  });
});

describe('cache refill in the Linux schedulers: exact times', () => {
  for (const kind of ['cfs', 'eevdf'] as const) {
    it(`${kind}: each switch-in costs its refill before the thread's work, by reuse distance`, () => {
      const sim = new Simulator();
      const done: Array<[number, number]> = [];
      const client = { onCpuDone: (th: number) => done.push([th, sim.now]) };
      const rate = rateFunction(1, { model: 'none' });
      // Associativity 1, capacity 2: evicted fraction 1 - exp(-d / 2).
      const cacheRefill = { refillUs: 10, capacity: 2, associativity: 1 };
      const cpu =
        kind === 'cfs'
          ? new CfsCpu(sim, 1, rate, client, { ...cfsDefaults(2), contextSwitch: 1, cacheRefill })
          : new EevdfCpu(sim, 1, rate, client, { ...eevdfDefaults(2), contextSwitch: 1, cacheRefill });
      const id = sim.register({ handleEvent: (_k, thread, work) => cpu.run(thread, work) });
      // One burst of 100 µs at a time, each starting on an idle core: A B A C B A, then A again.
      const order = [0, 1, 0, 2, 1, 0, 0];
      order.forEach((th, i) => sim.scheduleAt(i * 1000, id, 0, th, 100));
      sim.run(10_000);
      const f = (d: number): number => 10 * (1 - Math.exp(-d / 2));
      // Refill per burst: cold, cold, d=1, cold, d=2 (C, A), d=2 (B, C), and none for A after A (no switch).
      const refill = [10, 10, f(1), 10, f(2), f(2), 0];
      const switchCost = [1, 1, 1, 1, 1, 1, 0];
      expect(done.map(([th]) => th)).toEqual(order);
      done.forEach(([, t], i) => expect(t).toBeCloseTo(i * 1000 + 100 + switchCost[i] + refill[i], 9));
      expect(cpu.cache?.switchIns).toBe(6);
      expect(cpu.cache?.coldSwitchIns).toBe(3);
    });
  }
});

describe('cache refill in a scenario', () => {
  const scenario = (cacheRefill: string, connections: number): string => `{
    "name": "refill", "seed": 5, "duration": "400ms", "warmup": "100ms",
    "server": { "cores": 1, "scheduling": "cfs", "contention": { "model": "none" },
                "linux": { "contextSwitch": "1us" ${cacheRefill} } },
    "threadHandling": { "mode": "one-thread-per-connection" },
    "workload": { "connections": ${connections}, "network": { "rtt": "20us" },
      "transactions": [ { "name": "q", "type": "autocommit", "statements": [ { "name": "q", "cpu": "10us" } ] } ] }
  }`;
  it('a window longer than the run: every switch-in of 8 connections sees the 7 others, reported as such', () => {
    const r = runScenario(parseScenarioText(scenario(', "cacheRefill": { "refill": "8us", "capacity": 24, "window": "10s" }', 8), 'window.json'));
    expect(r.cpu.cacheRefill?.meanWindowThreads).toBe(7);
    expect(r.cpu.cacheRefill?.meanRefillUs).toBeCloseTo(8 * poissonAtLeast((7 * 8) / 24, 8), 5);
    const none = runScenario(parseScenarioText(scenario(', "cacheRefill": { "refill": "8us", "capacity": 24 }', 8), 'lru.json'));
    expect(none.cpu.cacheRefill?.meanWindowThreads).toBeUndefined();
  });

  it('off (absent) leaves every figure as it was; on, it costs one thread per connection more at 64 clients than at 4', () => {
    const off = runScenario(parseScenarioText(scenario('', 64), 'off.json'));
    expect(off.cpu.cacheRefill).toBeUndefined();
    const zero = runScenario(parseScenarioText(scenario(', "cacheRefill": { "refill": "0us", "capacity": 24 }', 64), 'zero.json'));
    expect(zero.summary).toEqual(off.summary);
    expect(zero.latency.all).toEqual(off.latency.all);
    const on = (n: number) => runScenario(parseScenarioText(scenario(', "cacheRefill": { "refill": "8us", "capacity": 24 }', n), 'on.json'));
    const at4 = on(4);
    const at64 = on(64);
    // 4 threads fit in the cache: refills only on the threads' first turns (before the window).
    expect(at4.cpu.cacheRefill?.meanRefillUs).toBeLessThan(0.01);
    // 64 threads in round robin: each switch-in reloads almost everything.
    expect(at64.cpu.cacheRefill?.meanRefillUs).toBeGreaterThan(7.5);
    // The core is saturated at 64 clients: throughput is 1 / (10 + 1 + refill) per µs.
    const perTx = 1e6 / at64.summary.tps;
    expect(perTx).toBeCloseTo(11 + (at64.cpu.cacheRefill?.meanRefillUs ?? 0), 0);
    expect(at64.summary.tps).toBeLessThan(0.62 * off.summary.tps);
  });

  it('a shared level: 64 threads pay the reload from the shared cache, 1,024 from memory; the share from memory is reported', () => {
    const cr = ', "cacheRefill": { "refill": "8us", "capacity": 24, "shared": { "refill": "40us", "capacity": 300 } }';
    const at64 = runScenario(parseScenarioText(scenario(cr, 64), 'shared.json'));
    const at1024 = runScenario(parseScenarioText(scenario(cr, 1024), 'shared.json'));
    expect(at64.cpu.cacheRefill?.meanRefillUs).toBeGreaterThan(7.5);
    expect(at64.cpu.cacheRefill?.meanRefillUs).toBeLessThan(8.5);
    expect(at64.cpu.cacheRefill?.memoryShare).toBeLessThan(0.01);
    expect(at1024.cpu.cacheRefill?.meanRefillUs).toBeGreaterThan(39);
    expect(at1024.cpu.cacheRefill?.memoryShare).toBeGreaterThan(0.79);
    // One level: no memoryShare field.
    expect(runScenario(parseScenarioText(scenario(', "cacheRefill": { "refill": "8us", "capacity": 24 }', 4), 'one.json')).cpu.cacheRefill).not.toHaveProperty('memoryShare');
  });

  it('refuses a reload from memory shorter than the one from the shared cache, naming the path', () => {
    const cr = ', "cacheRefill": { "refill": "8us", "capacity": 24, "shared": { "refill": "5us", "capacity": 300 } }';
    expect(() => parseScenarioText(scenario(cr, 4), 'bad.json')).toThrow(/bad\.json: at server\.linux\.cacheRefill\.shared\.refill: expected a reload from memory at least as long as cacheRefill\.refill \(8us\), found 5us/);
  });
});
