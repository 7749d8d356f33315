import type { CiTree, LatencyGroup, LatencyStats, RunResult } from '../run/result.js';
import { POOL_UNITS, describeServerValue } from '../workload/schema/units.js';
import { fmtCount, fmtMs, fmtNum, fmtPct, fmtRate, fmtSeconds, fmtShort, table } from './format.js';
import { intervalRates } from './timeline.js';
import { outputAnalysisLines, outputAnalysisTitle } from './output-analysis.js';
import { type QueueWaitStats, STATION_TITLES, STATIONS, type StationName } from '../stats/queue-wait.js';

export interface ReportOptions {
  /** Bold section headings (ANSI); the CLI turns it on only for a TTY. */
  color?: boolean;
  /** Also the waits at each queue per transaction type and statement class (`sim run --waits-by-class`). */
  waitsByClass?: boolean;
}

/** sysbench's min, and p99.99 for tails that p99.9 cannot show (the count allowing). */
const LATENCY_HEAD = ['', 'count', 'min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'p99.99', 'max'];

/** A sysbench-like summary of one run, for the terminal. */
export function formatReport(result: RunResult, options: ReportOptions = {}): string {
  const h = (title: string): string => (options.color ? `\x1b[1m${title}\x1b[0m` : title);
  const out: string[] = [];
  const section = (title: string, lines: string[]): void => {
    if (lines.length === 0) return;
    out.push('', h(title), ...lines);
  };

  out.push(h(`${result.tool.name} ${result.tool.version}: ${result.scenario.name}`));
  const overrides = result.overrides ?? [];
  if (overrides.length > 0) out.push(...wrapText(`overrides: ${overrides.join(' ')}`, 76).map((l) => `  ${l}`));
  if (result.scenario.description) {
    // The file's description was written for the values before the overrides: say so.
    const text = overrides.length > 0 ? `The scenario file describes itself, before the overrides, as: ${result.scenario.description}` : result.scenario.description;
    out.push(...wrapText(text, 76).map((l) => `  ${l}`));
  }
  const ci = result.ci95 ?? {};
  const st = result.stability;
  if (st?.unstable === true) out.push('', h('WARNING: UNSTABLE'), ...wrapText(st.message ?? 'unstable', 76).map((l) => `  ${l}`));
  section('Configuration', configuration(result));
  section('Replications', replications(result));
  section('Throughput', throughput(result, sub(ci, 'summary')));
  section('Open-loop arrivals', arrivals(result));
  if (st?.unstable === true) {
    section('Latency', ['  not shown: in an unstable run latencies grow with the run length (see the JSON for the raw figures)']);
  } else {
    const noneDone = result.latency.all.count === 0 && result.summary.statements > 0;
    section('Transaction latency (ms)', [
      ...latencyTable(result.latency, 'transaction', sub(ci, 'latency')),
      // Zero completions under load is a collapse, not an idle server: say so.
      ...(noneDone
        ? [`  no transaction completed in the ${result.summary.simulatedSeconds} s measured: each takes longer than that`]
        : []),
    ]);
    section('Statement queue wait vs execution (ms)', waitVsExec(result.queueWait, result.execution, sub(ci, 'queueWait'), sub(ci, 'execution')));
    section('Statement latency by class (ms)', statementTable(result.statements, sub(ci, 'statements')));
    section(outputAnalysisTitle(result), outputAnalysisLines(result));
    section(`Batch means (${result.batchMeans?.batches ?? 0} batches, ${fmtPct(result.batchMeans?.level ?? 0)} t interval)`, batchMeansLines(result));
  }
  section('Threads', threads(result, sub(ci, 'threads')));
  section('CPU', cpu(result, sub(ci, 'cpu')));
  section('Server waits (row locks, redo log, InnoDB queue)', serverWaits(result));
  section('InnoDB latches (spin-then-sleep)', latches(result));
  if (st?.unstable !== true) {
    section('Waiting at each queue (ms; P(wait) = share of visits that waited)', queueWaits(result, sub(ci, 'waits')));
    if (options.waitsByClass === true) section('Waiting at each queue by class (ms)', queueWaitsByClass(result));
  }
  section('Connection life (logins, closes, KILL)', connectionLife(result));
  section(countersTitle(result), [...counters(result.counters, sub(ci, 'counters')), ...countersNotes(result)]);
  section('Server error log (simulated seconds from the start, warm-up included)', serverLog(result));
  const e = result.engine;
  out.push(
    '',
    `engine: ${fmtCount(e.events)} events in ${fmtSeconds(e.wallSeconds)} wall time (${fmtShort(e.eventsPerSecond)} events/s)`,
  );
  return `${out.join('\n')}\n`;
}

function configuration(r: RunResult): string[] {
  const th = r.scenario.threadHandling as Record<string, unknown>;
  const mode = [String(th.mode)];
  if (th.flavor !== undefined) mode.push(`flavor ${String(th.flavor)}`);
  if (th.profile !== undefined) mode.push(`profile ${String(th.profile)}`);
  // Duration-like variables keep the server's number and show its unit and meaning.
  const units = th.mode === 'pool' ? POOL_UNITS[th.flavor as keyof typeof POOL_UNITS] ?? {} : {};
  const settings = Object.entries(th)
    .filter(([k, v]) => k.startsWith('thread_pool_') && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'number' && units[k] !== undefined ? describeServerValue(v, units[k]) : String(v)}`);
  const server = r.scenario.server;
  const contention = server.contention.model === 'none' ? 'no contention model' : `contention ${describeContention(server.contention)}`;
  const w = r.scenario.workload;
  const rows: string[][] = [
    ['thread handling:', mode.join(', ')],
    ...wrapSettings(settings).map((line, i) => [i === 0 ? 'settings:' : '', line]),
    ['server:', `${fmtCount(r.cpu.cores)} cores, ${contention}`],
    [
      'workload:',
      `${fmtCount(r.summary.connections)} connections, ${w.transactions.length} transaction type${w.transactions.length === 1 ? '' : 's'}`,
    ],
    [
      'simulated:',
      `${fmtSeconds(r.summary.simulatedSeconds)} measured after ${fmtSeconds(r.summary.warmupSeconds)} warm-up, seed ${r.seed}`,
    ],
  ];
  const ws = r.warmupSelection;
  if (ws !== undefined) {
    rows.push([
      'warm-up:',
      `auto (${ws.method}): ${fmtSeconds(ws.seconds)} (throughput ${fmtSeconds(ws.throughputSeconds)}, latency ${fmtSeconds(ws.latencySeconds)})` +
        (ws.atLimit ? '; at the n/2 limit: run longer' : ''),
    ]);
  }
  if (server.scheduling === 'fifo') rows.push(['scheduling:', 'FIFO per core']);
  else if (server.scheduling === 'priority') rows.push(['scheduling:', 'non-preemptive priority per core (transaction cpuPriority), FIFO within a level']);
  else if (server.scheduling === 'cfs') rows.push(['scheduling:', 'Linux CFS (time slices ended at ticks)']);
  else if (server.scheduling === 'eevdf') rows.push(['scheduling:', 'Linux EEVDF (time slices ended at ticks)']);
  return table(rows, { align: ['l', 'l'] });
}

function describeContention(c: RunResult['scenario']['server']['contention']): string {
  const params = Object.entries(c)
    .filter(([k]) => k !== 'model')
    .map(([k, v]) => `${k}=${String(v)}`);
  return params.length ? `${c.model} (${params.join(', ')})` : c.model;
}

/** Packs key=value settings into lines of at most ~70 characters. */
function wrapSettings(settings: readonly string[]): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const s of settings) {
    if (cur !== '' && cur.length + 2 + s.length > 70) {
      lines.push(cur);
      cur = s;
    } else cur = cur === '' ? s : `${cur}  ${s}`;
  }
  if (cur !== '') lines.push(cur);
  return lines;
}

/** The CI subtree at `key`, if any. */
function sub(ci: CiTree | undefined, key: string): CiTree | undefined {
  const v = ci?.[key];
  return v !== undefined && !Array.isArray(v) ? v : undefined;
}

/** `value` formatted, followed by " ±half-width" when the statistic has an interval. */
function pm(value: number, c: CiTree | undefined, key: string, fmt: (x: number) => string): string {
  const iv = c?.[key];
  if (!Array.isArray(iv)) return fmt(value);
  return `${fmt(value)} ±${fmt((iv[1] - iv[0]) / 2)}`;
}

function replications(r: RunResult): string[] {
  const rep = r.replications;
  if (rep === undefined) return [];
  const seeds = rep.count === 1 ? `seed ${rep.seeds[0]}` : `seed ${rep.seeds[0]} and ${rep.count - 1} derived from it`;
  const unstable = rep.perReplication.filter((p) => p.unstable).length;
  return [
    `  ${rep.count} independent replications (${seeds}); every figure is the mean`,
    `  ± the half-width of its ${fmtPct(rep.level)} Student t interval across replications.`,
    ...(unstable > 0 ? [`  ${unstable} of them unstable.`] : []),
  ];
}

function arrivals(r: RunResult): string[] {
  const st = r.stability;
  if (st === undefined) return [];
  return table(
    [
      ['arrival rate:', `${fmtRate(st.arrivalRate)} per sec`],
      ['offered CPU load:', fmtPct(st.offeredUtilization)],
      ['backlog:', `end ${fmtNum(st.backlog.end)}, peak ${fmtNum(st.backlog.peak)} (limit ${fmtCount(st.backlog.limit)})`],
      ['stable:', st.unstable ? `no (${st.reason ?? ''})` : 'yes'],
    ],
    { align: ['l', 'l'] },
  );
}

function batchMeansLines(r: RunResult): string[] {
  const b = r.batchMeans;
  if (b === undefined) return [];
  const row = (label: string, x: { mean: number; lo: number; hi: number; lag1: number }, f: (v: number) => string): string[] => [
    label,
    f(x.mean),
    `[${f(x.lo)}, ${f(x.hi)}]`,
    `lag-1 ${fmtNum(x.lag1)}${x.lag1 > 0.2 ? ' (batches too short)' : ''}`,
  ];
  return table([['', 'mean', 'interval', ''], row('latency (ms)', b.latencyMean, fmtMs), row('tps', b.tps, fmtRate)]);
}

function throughput(r: RunResult, c?: CiTree): string[] {
  const s = r.summary;
  const rows: string[][] = [
    ['transactions:', pm(s.transactions, c, 'transactions', fmtCount), `(${pm(s.tps, c, 'tps', fmtRate)} per sec)`],
    ['statements:', pm(s.statements, c, 'statements', fmtCount), `(${pm(s.qps, c, 'qps', fmtRate)} per sec)`],
  ];
  // Whole intervals only: a partial last one would read as a drop.
  const tps = intervalRates(r).filter((x) => !x.partial).map((x) => x.tps);
  if (tps.length >= 2) {
    const min = Math.min(...tps);
    const max = Math.max(...tps);
    rows.push([`tps per ${fmtNum(r.timeline.intervalSeconds)} s:`, `min ${fmtRate(min)}`, `max ${fmtRate(max)}`]);
  }
  return table(rows, { align: ['l', 'r', 'l'] });
}

function statsRow(label: string, s: LatencyStats | undefined, c?: CiTree): string[] {
  if (s === undefined || s.count === 0) return [label, s ? '0' : '-', ...LATENCY_HEAD.slice(2).map(() => '-')];
  return [
    label,
    pm(s.count, c, 'count', fmtCount),
    // Older result files have neither min nor p99.99: a dash, not a zero.
    s.min === undefined ? '-' : pm(s.min, c, 'min', fmtMs),
    pm(s.mean, c, 'mean', fmtMs),
    pm(s.p50, c, 'p50', fmtMs),
    pm(s.p90, c, 'p90', fmtMs),
    pm(s.p95, c, 'p95', fmtMs),
    pm(s.p99, c, 'p99', fmtMs),
    pm(s.p999, c, 'p999', fmtMs),
    s.p9999 === undefined ? '-' : pm(s.p9999, c, 'p9999', fmtMs),
    pm(s.max, c, 'max', fmtMs),
  ];
}

function latencyTable(g: LatencyGroup, what: string, c?: CiTree): string[] {
  const rows = [[what, ...LATENCY_HEAD.slice(1)], statsRow('all', g.all, sub(c, 'all'))];
  const byTx = sub(c, 'byTransaction');
  for (const [name, s] of Object.entries(g.byTransaction)) rows.push(statsRow(`  ${name}`, s, sub(byTx, name)));
  return table(rows);
}

function waitVsExec(wait: LatencyGroup, exec: LatencyGroup, cw?: CiTree, cx?: CiTree): string[] {
  const row = (label: string, w: LatencyStats | undefined, x: LatencyStats | undefined, ciw?: CiTree, cix?: CiTree): string[] => {
    const share = w && x && w.mean + x.mean > 0 ? fmtPct(w.mean / (w.mean + x.mean)) : '-';
    const cell = (s: LatencyStats | undefined, key: 'mean' | 'p99' | 'max', c?: CiTree): string =>
      s === undefined || s.count === 0 ? '-' : pm(s[key], c, key, fmtMs);
    return [
      label,
      x !== undefined ? pm(x.count, cix, 'count', fmtCount) : fmtCount(w?.count ?? NaN),
      cell(w, 'mean', ciw),
      cell(w, 'p99', ciw),
      cell(w, 'max', ciw),
      cell(x, 'mean', cix),
      cell(x, 'p99', cix),
      cell(x, 'max', cix),
      share,
    ];
  };
  const rows = [
    ['statements of', 'count', 'wait mean', 'wait p99', 'wait max', 'exec mean', 'exec p99', 'exec max', 'wait share'],
    row('all', wait.all, exec.all, sub(cw, 'all'), sub(cx, 'all')),
  ];
  const names = [...new Set([...Object.keys(wait.byTransaction), ...Object.keys(exec.byTransaction)])];
  const bw = sub(cw, 'byTransaction');
  const bx = sub(cx, 'byTransaction');
  for (const name of names) rows.push(row(`  ${name}`, wait.byTransaction[name], exec.byTransaction[name], sub(bw, name), sub(bx, name)));
  return table(rows);
}

function statementTable(stmts: Record<string, LatencyStats>, c?: CiTree): string[] {
  const entries = Object.entries(stmts);
  if (entries.length === 0) return [];
  return table([['statement', ...LATENCY_HEAD.slice(1)], ...entries.map(([name, s]) => statsRow(name, s, sub(c, name)))]);
}

function threads(r: RunResult, c?: CiTree): string[] {
  const t = r.threads;
  return table(
    [
      ['peak:', pm(t.peak, c, 'peak', fmtCount)],
      ['mean:', pm(t.mean, c, 'mean', fmtNum)],
      ['created:', pm(t.created, c, 'created', fmtCount)],
      ['peak memory:', `${pm(t.peakMemoryMiB, c, 'peakMemoryMiB', fmtNum)} MiB`],
    ],
    { align: ['l', 'r'] },
  );
}

function cpu(r: RunResult, c?: CiTree): string[] {
  const u = r.cpu;
  const util = pm(u.utilization * 100, c === undefined ? undefined : scaled(c, 'utilization', 100), 'utilization', (x) => `${x.toFixed(1)}%`);
  return table(
    [
      ['utilization:', `${util} (${pm(u.busyCores, c, 'busyCores', fmtNum)} of ${fmtCount(u.cores)} cores busy)`],
      ['mean runnable:', `${pm(u.meanRunnable, c, 'meanRunnable', fmtNum)} threads`],
      ...switchRows(u),
      ...networkRows(r),
    ],
    { align: ['l', 'l'] },
  );
}

/** The Linux schedulers' switches and, with server.linux.cacheRefill, what the refills cost. */
function switchRows(u: RunResult['cpu']): string[][] {
  const rows: string[][] = [];
  if (u.contextSwitchesPerSecond !== undefined) rows.push(['context switches:', `${fmtCount(u.contextSwitchesPerSecond)}/s`]);
  const cr = u.cacheRefill;
  if (cr !== undefined) {
    const memory = cr.memoryShare === undefined ? '' : `, ${fmtPct(cr.memoryShare)} of it from memory`;
    const window = cr.meanWindowThreads === undefined ? '' : `; ${fmtNum(cr.meanWindowThreads)} other threads in the window`;
    rows.push(['cache refill:', `${fmtNum(cr.meanRefillUs)} µs per switch-in, ${fmtPct(cr.cpuShare)} of the cores${memory}${window}`]);
  }
  return rows;
}

/** server.network only: the kernel's CPU per statement and the cores it took. */
function networkRows(r: RunResult): string[][] {
  const s = r.server;
  if (s?.networkCores === undefined) return [];
  return [['network path:', `${fmtNum(s.networkCpuPerStatementUs ?? 0)} µs of kernel CPU per statement (${fmtNum(s.networkCores)} cores)`]];
}

/** A copy of c with the interval at `key` multiplied by k (fractions shown as percentages). */
function scaled(c: CiTree, key: string, k: number): CiTree {
  const iv = c[key];
  return Array.isArray(iv) ? { [key]: [iv[0] * k, iv[1] * k] } : {};
}

/** server.latches only: per latch, and 5.5's wait array when the scenario has one. */
function latches(r: RunResult): string[] {
  const l = r.latches;
  if (l === undefined) return [];
  const s = r.summary.simulatedSeconds;
  const perS = (n: number): string => (s > 0 ? fmtCount(n / s) : '-');
  // "held / cpu": how many times its CPU a hold took (1: the holder ran at full speed).
  const rows: string[][] = [['latch', 'taken/s', 'waited', 'mean wait ms', 'spin cores', 'sleeps/s', 'held', 'held / cpu']];
  for (const [name, f] of Object.entries(l)) {
    rows.push([
      name,
      perS(f.acquisitions),
      fmtPct(f.acquisitions > 0 ? f.waits / f.acquisitions : 0),
      fmtMs(f.waitMeanMs),
      fmtNum(f.spinCores),
      perS(f.sleeps),
      fmtPct(f.utilization),
      fmtNum(f.holdStretch),
    ]);
  }
  const out = table(rows, { align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'] });
  const wa = r.latchWaitArray;
  if (wa !== undefined) {
    out.push(
      `  wait array (5.5): ${fmtCount(wa.reservationsPerSecond)} reservations/s, ${fmtNum(wa.meanCellsScanned)} cells scanned each, ` +
        `its mutex held ${fmtPct(wa.utilization)} (waited for by ${fmtPct(wa.mutexWaitFraction)}), at most ${fmtCount(wa.peakCells)} cells in use`,
    );
  }
  return out;
}

/** Only when the run modelled any of them (a workload without locks shows nothing). */
function serverWaits(r: RunResult): string[] {
  const s = r.server;
  if (s === undefined || s.lockWaits + s.deadlocks + s.lockWaitTimeouts + s.commits + s.innodbQueueWaits === 0) return [];
  const rows: string[][] = [];
  if (s.lockWaits + s.deadlocks + s.lockWaitTimeouts > 0) {
    rows.push(['lock waits:', fmtCount(s.lockWaits), `(mean ${fmtMs(s.lockWaitMeanMs)} ms)`]);
    rows.push(['errors:', fmtCount(s.deadlocks + s.lockWaitTimeouts), `(${fmtCount(s.deadlocks)} deadlocks, ${fmtCount(s.lockWaitTimeouts)} lock wait timeouts, ${fmtCount(s.retries)} retries)`]);
    if (s.deadlockSearches !== undefined) rows.push(['deadlock searches:', fmtCount(s.deadlockSearches), `(${fmtNum(s.deadlockSearchStepsMean ?? 0)} lock requests examined each, under a latch)`]);
  }
  if (s.readViews !== undefined) rows.push(['read views:', fmtCount(s.readViews), `(each walked ${fmtNum(s.readViewWalkMean ?? 0)} read-write transactions)`]);
  if (s.commits > 0) {
    rows.push(['commits:', fmtCount(s.commits), `(${fmtCount(s.flushes)} flushes, ${fmtNum(s.commitsPerFlush)} commits per flush)`]);
    if (s.commitWaits > 0) rows.push(['commit waits:', fmtCount(s.commitWaits), `(mean ${fmtMs(s.commitWaitMeanMs)} ms)`]);
  }
  if (s.innodbQueueWaits > 0) rows.push(['InnoDB queue:', fmtCount(s.innodbQueueWaits), `(mean ${fmtMs(s.innodbQueueWaitMeanMs)} ms)`]);
  return table(rows, { align: ['l', 'r', 'l'] });
}

/** Station titles, the pool's queues indented under the thread handling they are part of. */
const STATION_LABELS: Record<StationName, string> = {
  ...STATION_TITLES,
  poolHigh: `  ${STATION_TITLES.poolHigh}`,
  poolLow: `  ${STATION_TITLES.poolLow}`,
};

/**
 * One row per queue the run visited: visits, P(wait), mean and p99 of the wait (zeros
 * included), then each transaction type's own wait for a thread (the sum over its statements).
 */
function queueWaits(r: RunResult, c?: CiTree): string[] {
  const w = r.waits;
  if (w === undefined) return [];
  const stations = sub(c, 'stations');
  const row = (label: string, s: QueueWaitStats, ci?: CiTree): string[] => [
    label,
    pm(s.visits, ci, 'visits', fmtCount),
    pm(s.pWait * 100, ci === undefined ? undefined : scaled(ci, 'pWait', 100), 'pWait', (x) => `${x.toFixed(1)}%`),
    pm(s.mean, ci, 'mean', fmtMs),
    pm(s.p99, ci, 'p99', fmtMs),
  ];
  const rows = [['queue', 'visits', 'P(wait)', 'mean', 'p99']];
  for (const name of STATIONS) {
    const s = w.stations[name];
    if (s.visits > 0) rows.push(row(STATION_LABELS[name], s, sub(stations, name)));
  }
  if (rows.length === 1) return [];
  const txs = sub(c, 'transactions');
  if (w.stations.threadHandling.visits > 0) {
    for (const [name, s] of Object.entries(w.transactions)) {
      if (s.visits > 0) rows.push(row(`transaction ${name} (sum over its statements)`, s, sub(txs, name)));
    }
  }
  return table(rows);
}

/** `--waits-by-class`: the visited queues' rows per transaction type and statement class. */
function queueWaitsByClass(r: RunResult): string[] {
  const w = r.waits;
  if (w === undefined) return [];
  const rows = [['queue', 'class', 'visits', 'P(wait)', 'mean', 'p99']];
  const line = (queue: string, cls: string, s: QueueWaitStats): string[] => [queue, cls, fmtCount(s.visits), fmtPct(s.pWait), fmtMs(s.mean), fmtMs(s.p99)];
  for (const name of STATIONS) {
    const s = w.stations[name];
    if (s.visits === 0) continue;
    for (const [t, x] of Object.entries(s.byTransaction)) if (x.visits > 0) rows.push(line(STATION_LABELS[name].trim(), `transaction ${t}`, x));
    for (const [k, x] of Object.entries(s.byStatement)) if (x.visits > 0) rows.push(line(STATION_LABELS[name].trim(), `statement ${k}`, x));
  }
  return rows.length === 1 ? [] : table(rows, { align: ['l', 'l', 'r', 'r', 'r', 'r'] });
}

/** Only when the scenario modelled logins (workload.churn, reconnectStorms, kills, wait_timeout). */
function connectionLife(r: RunResult): string[] {
  const l = r.connectionLife;
  if (l === undefined) return [];
  const g = l.logins;
  const rows: string[][] = [
    ['logins:', fmtCount(g.count), g.count > 0 ? `(latency mean ${fmtMs(g.mean)} ms, p99 ${fmtMs(g.p99)} ms, max ${fmtMs(g.max)} ms)` : ''],
    ['closed by clients:', fmtCount(l.disconnects), ''],
    ['closed by server:', fmtCount(l.closedByWaitTimeout + l.killedConnections), `(${fmtCount(l.closedByWaitTimeout)} wait_timeout, ${fmtCount(l.killedConnections)} KILL CONNECTION)`],
  ];
  if (l.kills.done + l.kills.missed > 0) {
    rows.push(['KILLs:', fmtCount(l.kills.done), `(${fmtCount(l.killedQueries)} queries interrupted; ${fmtCount(l.kills.missed)} found nothing to kill)`]);
  }
  return table(rows, { align: ['l', 'r', 'l'] });
}

function serverLog(r: RunResult): string[] {
  const lines = (r.serverLog ?? []).flatMap((l) => wrapText(`${l.atSeconds.toFixed(3).padStart(9)}  ${l.text}`, 76).map((t, i) => (i === 0 ? `  ${t}` : `             ${t}`)));
  const b = r.poolBlocked;
  if (b !== undefined) lines.push(`  the pool's last spell of refused creations (thread_pool_max_threads=${b.maxThreads}): ${b.sinceSeconds.toFixed(3)} s to ${b.lastRefusalSeconds.toFixed(3)} s`);
  return lines;
}

function countersTitle(r: RunResult): string {
  const groups = r.countersByGroup.length;
  const source = r.countersSource ? ` (${r.countersSource}` + (groups > 1 ? `, summed over ${groups} groups)` : ')') : '';
  return `Thread pool counters${source}`;
}

/**
 * What the counters' totals do not say by themselves: they cover the measured window only (so
 * logins during the warm-up, usually all of them, are not counted), and MySQL's extra admin group
 * (M15) is one of the groups summed.
 */
function countersNotes(r: RunResult): string[] {
  if (Object.keys(r.counters).length === 0) return [];
  const notes: string[] = [];
  const started = Object.keys(r.counters).find((k) => /^connections_started$/i.test(k));
  if (r.summary.warmupSeconds > 0) {
    notes.push(
      `counted over the ${fmtNum(r.summary.simulatedSeconds)} s measured, after the warm-up` +
        (started !== undefined ? `: the ${fmtCount(r.summary.connections)} connections logged in during the warm-up, so ${started} counts only later logins` : ''),
    );
  }
  const th = r.scenario.threadHandling as Record<string, unknown>;
  const size = th.thread_pool_size;
  const groups = r.countersByGroup.length;
  if (th.flavor === 'mysql' && typeof size === 'number' && groups === size + 1) {
    notes.push(
      `${groups} groups: thread_pool_size ${size} plus MySQL's admin group, which serves only the connections with CONNECTION_ADMIN ` +
        `(threadHandling.admin_connections: ${typeof th.admin_connections === 'number' ? th.admin_connections : 0} here)`,
    );
  }
  return notes.flatMap((n) => wrapText(`note: ${n}.`, 74).map((l, i) => (i === 0 ? `  ${l}` : `    ${l}`)));
}

function counters(c: Record<string, number>, ci?: CiTree): string[] {
  const entries = Object.entries(c);
  if (entries.length === 0) return [];
  return table(
    entries.map(([name, v]) => [`${name}:`, pm(v, ci, name, Number.isInteger(v) ? fmtCount : fmtNum)]),
    { align: ['l', 'r'] },
  );
}

/** Word-wraps prose (scenario descriptions) to `width` columns. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (cur !== '' && cur.length + 1 + word.length > width) {
      lines.push(cur);
      cur = word;
    } else cur = cur === '' ? word : `${cur} ${word}`;
  }
  if (cur !== '') lines.push(cur);
  return lines;
}
