import { readTextFile, parseCsvRecords } from './csv.js';
import { median } from './dist-fit.js';

/** Pool settings of a measured run, MariaDB / Percona names (runs.csv columns). */
export interface PoolSettings {
  thread_pool_size?: number;
  thread_pool_oversubscribe?: number;
  thread_pool_stall_limit?: number;
  thread_pool_priority?: 'high' | 'low' | 'auto';
  thread_pool_prio_kickup_timer?: number;
}

export type Handling = 'pool' | 'tpc' | 'base';

/** One measured run: a row of runs.csv (or of a plain threads,tps[,p95,p99] file). Latencies in ms. */
export interface MeasuredRun {
  label: string;
  workload: string;
  /** base: the plain format, which does not say; the scenario's own thread handling is meant. */
  handling: Handling;
  pool: PoolSettings;
  threads: number;
  tps: number;
  mean?: number;
  p95?: number;
  p99?: number;
  errors?: number;
  tpThreadsMean?: number;
  tpActiveThreadsMean?: number;
  tpQueueLenMean?: number;
  rowLockWaitsPerS?: number;
  /** Errors (deadlocks, lock wait timeouts) per second: errors / measured_s. */
  errorsPerS?: number;
  /**
   * Connections inside a statement (Threads_running): threads_running_mean less 1, the sampler's
   * own SHOW STATUS. Under the pool the sampler waits its turn in the same group, so what it sees
   * is mostly the statements blocked inside (row locks), hardly the ones on a core.
   */
  inStatements?: number;
  /** The server's CPU per transaction, µs: server_cpu_util (cores busy) / tps. */
  cpuUsPerTxn?: number;
  /** The benchmark client's CPU per statement, µs: sysbench_cpu_util (cores busy) / qps. */
  clientUsPerStmt?: number;
  /** How many CPUs the client was allowed (sysbench_cpus_allowed, a CPU list such as 1 or 4-7). */
  clientCpus?: number;
  /** The server's threads' context switches (voluntary and not) per transaction. */
  switchesPerTxn?: number;
}

/** The figures of a run that a point takes the median of (besides tps, which every run has). */
const MEDIAN_FIGURES = ['mean', 'p95', 'p99', 'tpThreadsMean', 'tpActiveThreadsMean', 'tpQueueLenMean', 'rowLockWaitsPerS', 'errorsPerS', 'inStatements', 'cpuUsPerTxn', 'switchesPerTxn'] as const;
type MedianFigure = (typeof MEDIAN_FIGURES)[number];

/** A training point: the replicates of one (workload, handling, threads). */
export interface MeasuredPoint {
  workload: string;
  handling: Handling;
  pool: PoolSettings;
  threads: number;
  runs: MeasuredRun[];
  median: { tps: number } & Partial<Pick<MeasuredRun, MedianFigure>>;
  range: { tps: [number, number] } & Partial<Record<'p95' | 'p99' | 'cpuUsPerTxn', [number, number]>>;
}

const num = (s: string | undefined): number | undefined => {
  if (s === undefined || s.trim() === '') return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
};

/**
 * Reads measured runs: the runs.csv format of `sim measure` (and of the project's oracle measurements), or a plain
 * CSV with the columns threads, tps and optionally p95, p99 (ms), for users who only have that.
 */
export function readRuns(path: string): MeasuredRun[] {
  const recs = parseCsvRecords(readTextFile(path));
  if (recs.length === 0) throw new Error(`${path}: no rows`);
  const cols = Object.keys(recs[0]);
  if (!cols.includes('threads') || !cols.includes('tps')) throw new Error(`${path}: expected columns threads and tps (found ${cols.join(', ')})`);
  const full = cols.includes('thread_handling');
  return recs.map((r, i) => {
    const threads = num(r.threads);
    const tps = num(r.tps);
    if (threads === undefined || tps === undefined || threads < 1 || tps <= 0) throw new Error(`${path}: row ${i + 2}: expected positive threads and tps`);
    if (!full) {
      return { label: `row${i + 2}`, workload: r.workload ?? '', handling: 'base', pool: {}, threads, tps, p95: num(r.p95), p99: num(r.p99), mean: num(r.mean) };
    }
    const handling: Handling = /pool/.test(r.thread_handling) ? 'pool' : 'tpc';
    // Runs with another key law than sysbench's default are another workload: sim fit --workload
    // oltp_read_write@uniform takes them, oltp_read_write does not.
    const rand = r.sysbench_rand_type;
    const workload = rand !== undefined && rand !== '' && rand !== 'special' ? `${r.workload ?? ''}@${rand}` : r.workload;
    const prio = r.thread_pool_priority;
    const pool: PoolSettings = {
      thread_pool_size: num(r.thread_pool_size),
      thread_pool_oversubscribe: num(r.thread_pool_oversubscribe),
      thread_pool_stall_limit: num(r.thread_pool_stall_limit),
      thread_pool_priority: prio === 'high' || prio === 'low' || prio === 'auto' ? prio : undefined,
      thread_pool_prio_kickup_timer: num(r.thread_pool_prio_kickup_timer),
    };
    const measured = num(r.measured_s);
    const rl = num(r.d_waits_row_lock);
    const cpu = num(r.server_cpu_util);
    const cs = num(r.ctxt_switches_per_s);
    const errors = num(r.errors);
    const running = num(r.threads_running_mean);
    const qps = num(r.qps);
    const clientCpu = num(r.sysbench_cpu_util);
    const perS = (x: number | undefined): number | undefined => (x !== undefined && measured !== undefined && measured > 0 ? x / measured : undefined);
    return {
      label: r.label ?? `row${i + 2}`,
      workload: workload ?? '',
      handling,
      pool,
      threads,
      tps,
      mean: num(r.lat_avg_ms_exact) ?? num(r.lat_avg_ms),
      p95: num(r.lat_p95_ms_hist) ?? num(r.lat_p95_ms),
      p99: num(r.lat_p99_ms_hist) ?? num(r.lat_p99_ms),
      errors,
      tpThreadsMean: num(r.tp_threads_mean),
      tpActiveThreadsMean: num(r.tp_active_threads_mean),
      tpQueueLenMean: num(r.tp_queue_len_mean),
      rowLockWaitsPerS: perS(rl),
      errorsPerS: perS(errors),
      inStatements: running === undefined ? undefined : Math.max(0, running - 1),
      cpuUsPerTxn: cpu === undefined ? undefined : (cpu / tps) * 1e6,
      switchesPerTxn: cs === undefined ? undefined : cs / tps,
      clientUsPerStmt: clientCpu !== undefined && qps !== undefined && qps > 0 ? (clientCpu / qps) * 1e6 : undefined,
      clientCpus: cpuListSize(r.sysbench_cpus_allowed),
    };
  });
}

/** The number of CPUs in a Linux CPU list ("1", "0,2", "4-7"); undefined when empty or malformed. */
export function cpuListSize(list: string | undefined): number | undefined {
  if (list === undefined || list.trim() === '') return undefined;
  let n = 0;
  for (const part of list.split(',')) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (m === null) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) return undefined;
    n += hi - lo + 1;
  }
  return n;
}

/** Groups runs into points (median and range of the replicates), sorted by handling then threads. */
export function groupRuns(runs: readonly MeasuredRun[]): MeasuredPoint[] {
  const map = new Map<string, MeasuredRun[]>();
  for (const r of runs) {
    const k = `${r.workload}|${r.handling}|${r.threads}|${JSON.stringify(r.pool)}`;
    const l = map.get(k);
    if (l === undefined) map.set(k, [r]);
    else l.push(r);
  }
  const med = (rs: MeasuredRun[], f: (r: MeasuredRun) => number | undefined): number | undefined => {
    const xs = rs.map(f).filter((x): x is number => x !== undefined);
    return xs.length === 0 ? undefined : median(xs);
  };
  const range = (rs: MeasuredRun[], f: (r: MeasuredRun) => number | undefined): [number, number] | undefined => {
    const xs = rs.map(f).filter((x): x is number => x !== undefined);
    return xs.length === 0 ? undefined : [Math.min(...xs), Math.max(...xs)];
  };
  const points = [...map.values()].map((rs) => ({
    workload: rs[0].workload,
    handling: rs[0].handling,
    pool: rs[0].pool,
    threads: rs[0].threads,
    runs: rs,
    median: {
      tps: med(rs, (r) => r.tps) as number,
      ...Object.fromEntries(MEDIAN_FIGURES.map((k) => [k, med(rs, (r) => r[k])])),
    },
    range: {
      tps: range(rs, (r) => r.tps) as [number, number],
      p95: range(rs, (r) => r.p95),
      p99: range(rs, (r) => r.p99),
      cpuUsPerTxn: range(rs, (r) => r.cpuUsPerTxn),
    },
  }));
  const order = { base: 0, pool: 1, tpc: 2 };
  return points.sort((a, b) => order[a.handling] - order[b.handling] || a.threads - b.threads);
}
