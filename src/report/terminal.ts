import type { LatencyGroup, LatencyStats, RunResult } from '../run/result.js';
import { fmtCount, fmtMs, fmtNum, fmtPct, fmtRate, fmtSeconds, fmtShort, table } from './format.js';

export interface ReportOptions {
  /** Bold section headings (ANSI); the CLI turns it on only for a TTY. */
  color?: boolean;
}

const LATENCY_HEAD = ['', 'count', 'mean', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max'];

/** A sysbench-like summary of one run, for the terminal. */
export function formatReport(result: RunResult, options: ReportOptions = {}): string {
  const h = (title: string): string => (options.color ? `\x1b[1m${title}\x1b[0m` : title);
  const out: string[] = [];
  const section = (title: string, lines: string[]): void => {
    if (lines.length === 0) return;
    out.push('', h(title), ...lines);
  };

  out.push(h(`${result.tool.name} ${result.tool.version}: ${result.scenario.name}`));
  if (result.scenario.description) out.push(...wrapText(result.scenario.description, 76).map((l) => `  ${l}`));
  section('Configuration', configuration(result));
  section('Throughput', throughput(result));
  section('Transaction latency (ms)', latencyTable(result.latency, 'transaction'));
  section('Statement queue wait vs execution (ms)', waitVsExec(result.queueWait, result.execution));
  section('Statement latency by class (ms)', statementTable(result.statements));
  section('Threads', threads(result));
  section('CPU', cpu(result));
  section(countersTitle(result), counters(result.counters));
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
  const settings = Object.entries(th)
    .filter(([k, v]) => k.startsWith('thread_pool_') && v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`);
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

function throughput(r: RunResult): string[] {
  const s = r.summary;
  const rows: string[][] = [
    ['transactions:', fmtCount(s.transactions), `(${fmtRate(s.tps)} per sec)`],
    ['statements:', fmtCount(s.statements), `(${fmtRate(s.qps)} per sec)`],
  ];
  const tps = r.timeline.tps;
  if (tps.length >= 2) {
    const min = Math.min(...tps);
    const max = Math.max(...tps);
    rows.push([`tps per ${fmtNum(r.timeline.intervalSeconds)} s:`, `min ${fmtRate(min)}`, `max ${fmtRate(max)}`]);
  }
  return table(rows, { align: ['l', 'r', 'l'] });
}

function statsRow(label: string, s: LatencyStats | undefined): string[] {
  if (s === undefined || s.count === 0) return [label, s ? '0' : '-', '-', '-', '-', '-', '-', '-', '-'];
  return [label, fmtCount(s.count), fmtMs(s.mean), fmtMs(s.p50), fmtMs(s.p90), fmtMs(s.p95), fmtMs(s.p99), fmtMs(s.p999), fmtMs(s.max)];
}

function latencyTable(g: LatencyGroup, what: string): string[] {
  const rows = [[what, ...LATENCY_HEAD.slice(1)], statsRow('all', g.all)];
  for (const [name, s] of Object.entries(g.byTransaction)) rows.push(statsRow(`  ${name}`, s));
  return table(rows);
}

function waitVsExec(wait: LatencyGroup, exec: LatencyGroup): string[] {
  const row = (label: string, w: LatencyStats | undefined, x: LatencyStats | undefined): string[] => {
    const share = w && x && w.mean + x.mean > 0 ? fmtPct(w.mean / (w.mean + x.mean)) : '-';
    const cell = (s: LatencyStats | undefined, f: (s: LatencyStats) => number): string =>
      s === undefined || s.count === 0 ? '-' : fmtMs(f(s));
    return [
      label,
      fmtCount(x?.count ?? w?.count ?? NaN),
      cell(w, (s) => s.mean),
      cell(w, (s) => s.p99),
      cell(w, (s) => s.max),
      cell(x, (s) => s.mean),
      cell(x, (s) => s.p99),
      cell(x, (s) => s.max),
      share,
    ];
  };
  const rows = [
    ['statements of', 'count', 'wait mean', 'wait p99', 'wait max', 'exec mean', 'exec p99', 'exec max', 'wait share'],
    row('all', wait.all, exec.all),
  ];
  const names = [...new Set([...Object.keys(wait.byTransaction), ...Object.keys(exec.byTransaction)])];
  for (const name of names) rows.push(row(`  ${name}`, wait.byTransaction[name], exec.byTransaction[name]));
  return table(rows);
}

function statementTable(stmts: Record<string, LatencyStats>): string[] {
  const entries = Object.entries(stmts);
  if (entries.length === 0) return [];
  return table([['statement', ...LATENCY_HEAD.slice(1)], ...entries.map(([name, s]) => statsRow(name, s))]);
}

function threads(r: RunResult): string[] {
  const t = r.threads;
  return table(
    [
      ['peak:', fmtCount(t.peak)],
      ['mean:', fmtNum(t.mean)],
      ['created:', fmtCount(t.created)],
      ['peak memory:', `${fmtNum(t.peakMemoryMiB)} MiB`],
    ],
    { align: ['l', 'r'] },
  );
}

function cpu(r: RunResult): string[] {
  const c = r.cpu;
  return table(
    [
      ['utilization:', `${fmtPct(c.utilization)} (${fmtNum(c.busyCores)} of ${fmtCount(c.cores)} cores busy)`],
      ['mean runnable:', `${fmtNum(c.meanRunnable)} threads`],
    ],
    { align: ['l', 'l'] },
  );
}

function countersTitle(r: RunResult): string {
  const groups = r.countersByGroup.length;
  const source = r.countersSource ? ` (${r.countersSource}` + (groups > 1 ? `, summed over ${groups} groups)` : ')') : '';
  return `Thread pool counters${source}`;
}

function counters(c: Record<string, number>): string[] {
  const entries = Object.entries(c);
  if (entries.length === 0) return [];
  return table(
    entries.map(([name, v]) => [`${name}:`, Number.isInteger(v) ? fmtCount(v) : fmtNum(v)]),
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
