import { parseDuration } from '../engine/duration.js';
import type { Simulator } from '../engine/simulator.js';
import type { LatchesSpec } from '../workload/schema/latches.js';
import { type LatchConfig, type LatchResult, LatchSet, type WaitArrayResult } from './latch.js';

/** One spin round, µs: srw_pause_delay() = my_cpu_relax_multiplier / 4 * innodb_spin_wait_delay PAUSEs. */
export function spinRoundUs(s: LatchesSpec): number {
  return (Math.floor(s.cpuRelaxMultiplier / 4) * s.innodb_spin_wait_delay * parseDuration(s.pause));
}

/** The latch set of a scenario, its plans indexed like the workload's statement classes. */
export function latchConfig(s: LatchesSpec, classes: readonly string[]): LatchConfig {
  return {
    names: s.latches.map((l) => l.name),
    spinLoops: s.innodb_sync_spin_loops,
    roundUs: spinRoundUs(s),
    wakeUs: parseDuration(s.wake),
    wakeup: s.wakeup,
    waitArrayCellUs: s.waitArrayCell === undefined ? 0 : parseDuration(s.waitArrayCell),
    plans: [
      ...classes.map((cls) => {
        const plan: Array<readonly [number, number, number]> = [];
        s.latches.forEach((l, i) => {
          const hold = l.holds[cls];
          if (hold !== undefined) plan.push([i, parseDuration(hold), l.perOpenTransaction === undefined ? 0 : parseDuration(l.perOpenTransaction)]);
        });
        return plan;
      }),
      // The deadlock search's one acquisition, a class after the workload's (deadlockSearchOf).
      ...(s.deadlockSearch === undefined ? [] : [[[latchIndex(s, s.deadlockSearch.latch), 0, parseDuration(s.deadlockSearch.perOpenTransaction)] as const]]),
    ],
  };
}

function latchIndex(s: LatchesSpec, name: string): number {
  const i = s.latches.findIndex((l) => l.name === name);
  if (i < 0) throw new Error(`deadlockSearch.latch "${name}" is not a latch of the scenario`);
  return i;
}

/** The deadlock search's latch class and CPU per examined request (µs), or null when it has none. */
export function deadlockSearchOf(s: LatchesSpec, classes: readonly string[]): { cls: number; perStepUs: number } | null {
  if (s.deadlockSearch === undefined) return null;
  return { cls: classes.length, perStepUs: parseDuration(s.deadlockSearch.perStep) };
}

export function buildLatches(sim: Simulator, s: LatchesSpec, classes: readonly string[]): LatchSet {
  return new LatchSet(sim, latchConfig(s, classes));
}

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export function latchResults(set: LatchSet, s: LatchesSpec, seconds: number): Record<string, LatchResult> {
  const out: Record<string, LatchResult> = {};
  set.figures().forEach((f, i) => {
    const spinS = f.spinUs / 1e6;
    out[s.latches[i].name] = {
      acquisitions: f.acquisitions,
      waits: f.waits,
      waitMeanMs: r6(f.waitMeanUs / 1000),
      spinRounds: f.spinRounds,
      spinCpuSeconds: r6(spinS),
      spinCores: seconds > 0 ? r6(spinS / seconds) : 0,
      sleeps: f.sleeps,
      utilization: seconds > 0 ? r6(f.heldUs / 1e6 / seconds) : 0,
      holdStretch: f.holdCpuUs > 0 ? r6(f.heldUs / f.holdCpuUs) : 1,
    };
  });
  return out;
}

/** The wait array's figures for the result, or undefined when the scenario has none. */
export function waitArrayResult(set: LatchSet, s: LatchesSpec, seconds: number): WaitArrayResult | undefined {
  if (s.waitArrayCell === undefined) return undefined;
  const f = set.waitArrayFigures();
  return {
    reservationsPerSecond: seconds > 0 ? r6(f.reservations / seconds) : 0,
    meanCellsScanned: f.reservations > 0 ? r6(f.cellsScanned / f.reservations) : 0,
    mutexWaitFraction: f.reservations > 0 ? r6(f.mutexWaits / f.reservations) : 0,
    utilization: seconds > 0 ? r6(f.heldUs / 1e6 / seconds) : 0,
    peakCells: f.peakCells,
  };
}
