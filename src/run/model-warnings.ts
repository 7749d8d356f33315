import { BATCHES, MIN_INDEPENDENT_BATCHES } from './output-analysis.js';
import type { RunResult } from './result.js';

/**
 * A floor or cap of the model that decided part of the result: the figures are then the clamp's,
 * not a mechanism's, and the user must know. Undefined when none bound.
 */
export function clampWarning(r: Pick<RunResult, 'cpu' | 'summary'>): string | undefined {
  const s = r.cpu.contentionFloorSeconds;
  if (s === undefined || s <= 0) return undefined;
  const share = r.summary.simulatedSeconds > 0 ? s / r.summary.simulatedSeconds : 1;
  return (
    `the contention model's floor (1% of a fair share per runnable thread) set the CPU rate for ${(100 * share).toFixed(1)}% ` +
    'of the measured time: those figures come from the clamp, not from the model; lower the contention parameters or the load'
  );
}

/** A latch busy at least this share of the time ... */
export const STRETCHED_LATCH_UTILIZATION = 0.5;
/** ... whose holds took at least this many times their CPU, makes the run say so. */
export const STRETCHED_LATCH_FACTOR = 3;

/**
 * Under processor sharing a latch holder's burst is slowed by every runnable thread like any
 * other, so a latch that holders keep N times longer than their CPU saturates N times sooner. That
 * is the mean of lock-holder preemption, but a kernel spreads it as rare long freezes, and the
 * herd that follows differs: on the KB analogue, holds taken at full speed made the whole
 * per-connection collapse disappear (docs/VALIDATION.md). When a busy latch's holds are stretched,
 * the result rests on that; say so. Undefined otherwise, and for the Linux schedulers.
 */
export function latchStretchWarning(r: Pick<RunResult, 'latches' | 'scenario'>): string | undefined {
  const sched = r.scenario.server.scheduling ?? 'ps';
  if (r.latches === undefined || sched !== 'ps') return undefined;
  const hit = Object.entries(r.latches).filter(([, f]) => f.utilization >= STRETCHED_LATCH_UTILIZATION && f.holdStretch >= STRETCHED_LATCH_FACTOR);
  if (hit.length === 0) return undefined;
  const named = hit.map(([n, f]) => `${n} (held ${(100 * f.utilization).toFixed(0)}% of the time, each hold ${f.holdStretch.toFixed(1)}x its CPU)`).join(', ');
  return (
    `latch holders shared their cores: ${named}. Under processor sharing every runnable thread slows a holder: the mean ` +
    'of lock-holder preemption, not its shape (a kernel preempts few holders, for long). The convoy here follows from that stretch, ' +
    'and so does the onset of any collapse; compare with --set server.scheduling=cfs, where a holder keeps its core until preempted (docs/VALIDATION.md)'
  );
}

/** Whether a workload has any time that varies: a distribution object other than "constant". */
function anyVariableTime(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(anyVariableTime);
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  if (typeof o.dist === 'string' && o.dist !== 'constant') return true;
  return Object.values(o).some(anyVariableTime);
}

/**
 * A closed loop whose every time is a constant (CPU demands, round trip, think, waits) can fall
 * into step under processor sharing: identical connections arrive together, share the cores, and
 * leave together, and cores sit idle that a real server's jitter would fill (8 such connections on
 * 2 cores: 74% busy, where product-form theory gives 99%; docs/VALIDATION.md). Undefined unless
 * the scenario is a closed loop under "ps" with more connections than cores and no variable time.
 */
export function lockstepWarning(r: Pick<RunResult, 'scenario'>): string | undefined {
  const sc = r.scenario;
  if ((sc.server.scheduling ?? 'ps') !== 'ps' || sc.workload.client.model !== 'closed') return undefined;
  if (sc.workload.connections <= sc.server.cores || anyVariableTime(sc.workload)) return undefined;
  return (
    'every time in this workload is a constant: under processor sharing a closed loop of identical connections can fall into step ' +
    '(arriving, sharing the cores and leaving together), which leaves cores idle that a real server\'s jitter would fill. ' +
    'Give the CPU demands or the round trip a spread, e.g. {"dist":"lognormal","mean":"20us","cv":0.3}'
  );
}

/** How far beyond the fitted client counts a prediction may go before the run says so. */
export const EXTRAPOLATION_FACTOR = 4;

/**
 * A warning when a fitted scenario (its `calibration` block, written by sim fit) is run at more
 * than EXTRAPOLATION_FACTOR times the most connections it was fitted on: the costs that grow with
 * threads were then seen only at their low end. Undefined otherwise.
 */
export function extrapolationWarning(
  calibration: { runs: string; connections: { min: number; max: number } } | undefined,
  connections: readonly number[],
): string | undefined {
  if (calibration === undefined || connections.length === 0) return undefined;
  const most = Math.max(...connections);
  const { min, max } = calibration.connections;
  if (most <= EXTRAPOLATION_FACTOR * max) return undefined;
  return (
    `this scenario was fitted on ${min}-${max} client connections (${calibration.runs}) and is run at ${most}, ` +
    `${(most / max).toFixed(most / max >= 10 ? 0 : 1)}x the most it saw: the costs that grow with threads were fitted at their low end only; ` +
    'treat the figures as an extrapolation (docs/VALIDATION.md shows how far such predictions held)'
  );
}

/** Offered load above which a run is near saturation. */
export const NEAR_SATURATION = 0.9;

/** Relaxation times in the measured window from which near saturation no longer warns. */
export const SATURATION_ENOUGH_RELAXATIONS = 300;

/**
 * Near saturation an open queue forgets its start slowly: the M/M/c relaxation time
 * S / (c (1 - sqrt(rho))^2), with S the mean CPU time of a statement (measured) and c the cores,
 * grows without bound as rho -> 1 (at rho 0.97 and S = 1 ms on one core it is 4.4 s). A warning
 * with that figure and how many of them the measured window holds, for open loops offered more
 * than NEAR_SATURATION of the CPU and less than all of it (an unstable load is reported as such).
 * Closed loops are left out: their finite population bounds the queue.
 */
export function saturationWarning(r: Pick<RunResult, 'stability' | 'cpu' | 'summary'>): string | undefined {
  const rho = r.stability?.offeredUtilization;
  if (rho === undefined || r.stability?.unstable === true || !(rho > NEAR_SATURATION && rho < 1)) return undefined;
  const { statements, simulatedSeconds } = r.summary;
  if (statements <= 0 || simulatedSeconds <= 0) return undefined;
  const serviceSeconds = (r.cpu.busyCores * simulatedSeconds) / statements;
  const relaxation = serviceSeconds / (r.cpu.cores * (1 - Math.sqrt(rho)) ** 2);
  const held = simulatedSeconds / relaxation;
  // Hundreds of relaxation times: the output analysis's interval and batch checks then speak for
  // the run (at rho 0.97, S = 1 ms, 1,500 s holds 340 and its intervals cover the exact values).
  if (held >= SATURATION_ENOUGH_RELAXATIONS) return undefined;
  const fmt = (s: number): string => (s >= 1 ? `${s.toPrecision(3)} s` : `${(s * 1000).toPrecision(3)} ms`);
  return (
    `near saturation: the offered load is ${(100 * rho).toFixed(1)}% of the CPU; the queue's relaxation time is about ${fmt(relaxation)} ` +
    `(M/M/c: S / (c (1 - sqrt(rho))^2)), and the measured window holds ${held < 10 ? held.toFixed(1) : Math.round(held)} of them. ` +
    'Means need hundreds of relaxation times and tails more: run longer (--duration), with a warm-up of several relaxation times, and compare --replications'
  );
}

/** Seconds to a duration string rounded up to 2 significant digits (so it is enough as printed). */
function roundUpSeconds(s: number): string {
  if (!(s > 0)) return '1s';
  const step = 10 ** (Math.floor(Math.log10(s)) - 1);
  const v = Math.ceil(s / step - 1e-9) * step;
  return v >= 1 ? `${Number(v.toPrecision(2))}s` : `${Number((v * 1000).toPrecision(2))}ms`;
}

function pct(x: number): string {
  return `${(100 * x).toPrecision(2)}%`;
}

/**
 * The output analysis's warnings (src/run/output-analysis.ts), each with its figures and what to
 * do: a measured window that holds fewer than MIN_INDEPENDENT_BATCHES independent batches (the
 * intervals are then too narrow), a start-up transient left in the window (the figures are then
 * biased), replications with such a transient, and a --precision target not reached.
 */
export function outputWarnings(r: Pick<RunResult, 'outputAnalysis' | 'precision' | 'summary' | 'scenario'>): string[] {
  const out: string[] = [];
  const a = r.outputAnalysis;
  const window = r.summary.simulatedSeconds;
  const warmup = r.summary.warmupSeconds;
  if (a?.method === 'batch-means' && a.correlation !== undefined) {
    const c = a.correlation;
    if (c.independentBatches < MIN_INDEPENDENT_BATCHES) {
      const batchS = c.independentBatchSeconds;
      const held = batchS === undefined ? `fewer than ${BATCHES}` : `${c.independentBatches}`;
      const why =
        batchS === undefined
          ? `even batches of ${window / BATCHES} s are correlated (von Neumann test, lag-1 ${c.lag1})`
          : `batch means of transaction latency look independent (von Neumann test) only from ${batchS} s on`;
      const need = batchS === undefined ? warmup + window * ((2 * MIN_INDEPENDENT_BATCHES) / BATCHES) : warmup + MIN_INDEPENDENT_BATCHES * batchS;
      out.push(
        `the measured window (${window} s) holds ${held} independent batches, ${MIN_INDEPENDENT_BATCHES} are needed: ${why}. ` +
          `The intervals of the mean (±${pct(a.latency.mean.relativeHalfWidth)}) and of p99 (±${pct(a.latency.p99?.relativeHalfWidth ?? 0)}) may be too narrow; ` +
          `use --duration ${roundUpSeconds(need)} or more, or --precision 5% (independent replications until the intervals are that narrow)`,
      );
    }
  }
  if (a?.method === 'batch-means' && a.transient?.significant === true) {
    const t = a.transient;
    out.push(
      `the warm-up (${warmup} s) is shorter than the start-up transient: MSER-5 finds it in the first ${t.seconds} s of the measured window, ` +
        `without which the mean latency is ${t.meanWithout} ms, not ${a.latency.mean.estimate} ms (a shift beyond half the interval's ±${pct(a.latency.mean.relativeHalfWidth)}); ` +
        `use --warmup ${roundUpSeconds(warmup + t.seconds)} or more, or --warmup auto`,
    );
  }
  if (a?.method === 'replications' && (a.replicationsWithTransient ?? 0) > 0) {
    out.push(
      `${a.replicationsWithTransient} of ${a.sections} replications still held the start-up transient after their warm-up (MSER-5 over their measured windows): ` +
        `the means are biased toward the start; use a longer --warmup or --warmup auto (chosen by each replication)`,
    );
  }
  const p = r.precision;
  if (p !== undefined && !p.reached) {
    const got = p.metrics.map((m) => `${m} ±${(p.achieved[m] ?? -1) < 0 ? 'unbounded' : pct(p.achieved[m] ?? 0)}`).join(', ');
    const why =
      p.stoppedBy === 'max-wall'
        ? 'the --max-wall time ran out'
        : p.stoppedBy === 'max-replications'
          ? `the cap of ${p.replications} replications was reached (--max-replications)`
          : 'the runs gave no interval (unstable, or too few transactions)';
    out.push(
      `--precision ${pct(p.target)} was not reached: ${got} after ${p.replications} replications, because ${why}; ` +
        'raise the cap, use a longer --duration per replication, or a looser --precision',
    );
  }
  return out;
}
