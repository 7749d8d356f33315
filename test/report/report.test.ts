import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';
import { fmtCount, fmtMs, fmtRate, fmtShort, table } from '../../src/report/format.js';
import { formatReport } from '../../src/report/terminal.js';
import { resultFileName, resultJson, writeFileAtomic } from '../../src/report/write.js';
import { tempDir } from '../cli/helpers.js';
import { QueueWaits } from '../../src/stats/queue-wait.js';
import { sampleResult } from './sample.js';

/** The lines of one section: from its heading to the next blank line. */
function section(report: string, heading: string): string[] {
  const lines = report.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  expect(start, `section "${heading}"`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe('number formatting', () => {
  it('milliseconds to 3 significant digits', () => {
    expect(fmtMs(12.345)).toBe('12.3');
    expect(fmtMs(0.012345)).toBe('0.0123');
    expect(fmtMs(1.5)).toBe('1.5');
    expect(fmtMs(999.6)).toBe('1000');
    expect(fmtMs(1234.5)).toBe('1,235');
    expect(fmtMs(0)).toBe('0');
    expect(fmtMs(Number.NaN)).toBe('-');
  });

  it('counts and rates', () => {
    expect(fmtCount(1604928)).toBe('1,604,928');
    expect(fmtRate(12345.64)).toBe('12,345.6');
    expect(fmtRate(12.3456)).toBe('12.35');
    expect(fmtShort(8003681.5)).toBe('8M');
    expect(fmtShort(45678)).toBe('45.7k');
  });

  it('-0 (a sum that starts as DOUBLE_ZERO and adds nothing) prints as 0, never "-0"', () => {
    expect([fmtCount(-0), fmtCount(-0.3), fmtRate(-0), fmtMs(-0)]).toEqual(['0', '0', '0.00', '0']);
  });

  it('tables align numbers right and names left', () => {
    expect(table([['a', '1'], ['long name', '1,000']], { indent: 0 })).toEqual(['a              1', 'long name  1,000']);
  });
});

describe('formatReport', () => {
  const report = formatReport(sampleResult());

  it('has a header with the scenario and its thread handling', () => {
    expect(report.split('\n')[0]).toBe('tpsim 0.1.0: oltp sample/1');
    const config = section(report, 'Configuration').join('\n');
    expect(config).toContain('pool, flavor mysql, profile 8.4');
    expect(config).toContain('thread_pool_size=16');
    expect(config).toContain('thread_pool_stall_limit=6');
    expect(config).toContain('16 cores');
    expect(config).toContain('512 connections, 3 transaction types');
    expect(config).toContain('10 s measured after 2 s warm-up, seed 42');
  });

  it('shows throughput like sysbench', () => {
    const lines = section(report, 'Throughput');
    expect(lines[0]).toMatch(/^ {2}transactions:\s+123,456 {2}\(12,345\.6 per sec\)$/);
    expect(lines[1]).toMatch(/^ {2}statements:\s+1,604,928 {2}\(160,492\.8 per sec\)$/);
    expect(lines[2]).toContain('min 12,000.0');
    expect(lines[2]).toContain('max 12,500.5');
  });

  it('shows the InnoDB latches per latch, and 5.5\'s wait array, only when the run had them', () => {
    expect(formatReport(sampleResult())).not.toContain('InnoDB latches (spin-then-sleep)');
    // 10 s measured: 20,000 acquisitions are 2,000/s.
    const latch = { acquisitions: 20000, waits: 5000, waitMeanMs: 0.0125, spinRounds: 100, spinCpuSeconds: 0.5, spinCores: 0.05, sleeps: 300, utilization: 0.4, holdStretch: 6.5 };
    const r = sampleResult({
      latches: { trx_sys: latch },
      latchWaitArray: { reservationsPerSecond: 30, meanCellsScanned: 12.5, mutexWaitFraction: 0.1, utilization: 0.002, peakCells: 40 },
    });
    const lines = section(formatReport(r), 'InnoDB latches (spin-then-sleep)');
    expect(lines[0]).toMatch(/^ {2}latch\s+taken\/s\s+waited\s+mean wait ms\s+spin cores\s+sleeps\/s\s+held\s+held \/ cpu$/);
    expect(lines[1]).toMatch(/^ {2}trx_sys\s+2,000\s+25\.0%\s+0\.0125\s+0\.05\s+30\s+40\.0%\s+6\.5$/);
    expect(lines[2]).toBe('  wait array (5.5): 30 reservations/s, 12.5 cells scanned each, its mutex held 0.2% (waited for by 10.0%), at most 40 cells in use');
  });

  it('leaves a partial last interval out of "tps per 1 s"', () => {
    // point-select.json: 3 s with a 500 ms warm-up, the last second half long.
    const r = sampleResult({
      summary: { ...sampleResult().summary, simulatedSeconds: 2.5 },
      timeline: { intervalSeconds: 1, tps: [444000, 444781, 221948], threads: [16, 16, 16], gauges: {} },
    });
    const line = section(formatReport(r), 'Throughput')[2];
    expect(line).toMatch(/tps per 1 s:\s+min 444,000\.0\s+max 444,781\.0$/);
    // A whole last interval still counts.
    const whole = sampleResult({ summary: { ...sampleResult().summary, simulatedSeconds: 3 }, timeline: r.timeline });
    expect(section(formatReport(whole), 'Throughput')[2]).toContain('min 221,948.0');
  });

  it('has a latency table with all, then each transaction', () => {
    const lines = section(report, 'Transaction latency (ms)');
    expect(lines[0].trim().split(/\s+/)).toEqual(['transaction', 'count', 'min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'p99.99', 'max']);
    expect(lines[1].trim().split(/\s+/)).toEqual(['all', '123,456', '2.07', '41.5', '37.3', '74.6', '91.2', '170', '386', '622', '829']);
    expect(lines[2].trim().split(/\s+/)[0]).toBe('read_write');
    expect(lines[3].trim().split(/\s+/)).toEqual(['report', '1,234', '61.7', '1,235', '1,111', '2,222', '2,716', '5,061', '11,481', '18,518', '24,690']);
    // A transaction type with no completions shows dashes, never NaN.
    expect(lines[4].trim().split(/\s+/)).toEqual(['never_ran', '0', '-', '-', '-', '-', '-', '-', '-', '-', '-']);
    // Right-aligned: every row ends at the same column.
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });

  it('splits statement time into queue wait and execution', () => {
    const lines = section(report, 'Statement queue wait vs execution (ms)');
    expect(lines[0]).toContain('wait p99');
    expect(lines[0]).toContain('exec p99');
    const all = lines[1].trim().split(/\s+/);
    expect(all.slice(0, 3)).toEqual(['all', '1,604,928', '0.0123']);
    expect(all[all.length - 1]).toBe('4.7%');
    expect(lines.map((l) => l.trim().split(/\s+/)[0])).toEqual(['statements', 'all', 'read_write', 'report']);
  });

  it('has a table per statement class', () => {
    const lines = section(report, 'Statement latency by class (ms)');
    expect(lines.map((l) => l.trim().split(/\s+/)[0])).toEqual(['statement', 'point_select', 'insert', 'report_select']);
  });

  it('shows threads and CPU', () => {
    const threads = section(report, 'Threads').join('\n');
    expect(threads).toMatch(/peak:\s+33/);
    expect(threads).toMatch(/mean:\s+17.3/);
    expect(threads).toMatch(/created:\s+40/);
    expect(threads).toMatch(/peak memory:\s+33 MiB/);
    const cpu = section(report, 'CPU').join('\n');
    expect(cpu).toContain('77.1% (12.3 of 16 cores busy)');
    expect(cpu).toMatch(/mean runnable:\s+14.2 threads/);
    // The sample ran under processor sharing: no switches, no refill.
    expect(cpu).not.toMatch(/context switches|cache refill/);
  });

  it('shows a Linux scheduler\'s switches and the cache refill\'s cost, with the share from memory when there is a shared level', () => {
    const base = sampleResult();
    const withRefill = (memoryShare?: number): string[] =>
      section(
        formatReport({
          ...base,
          cpu: {
            ...base.cpu,
            contextSwitchesPerSecond: 44941,
            cacheRefill: { switchInsPerSecond: 44000, meanRefillUs: 1.91, coldShare: 0.01, cpuShare: 0.086, ...(memoryShare === undefined ? {} : { memoryShare }) },
          },
        }),
        'CPU',
      );
    const one = withRefill().join('\n');
    expect(one).toMatch(/context switches:\s+44,941\/s/);
    expect(one).toMatch(/cache refill:\s+1.91 µs per switch-in, 8.6% of the cores$/m);
    expect(withRefill(0.68).join('\n')).toMatch(/cache refill:\s+1.91 µs per switch-in, 8.6% of the cores, 68.0% of it from memory/);
  });

  it('lists the counters aligned, under their source', () => {
    const all = section(report, 'Thread pool counters (performance_schema.tp_thread_group_stats, summed over 16 groups)');
    // The counters, then notes on what they cover.
    const lines = all.slice(0, all.findIndex((l) => l.startsWith('  note:')));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^ {2}QUERIES_EXECUTED_BY_QUERY_THREADS: {2}1,604,928$/);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });

  it('ends with the engine line', () => {
    const lines = report.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toBe('engine: 9,876,543 events in 1.23 s wall time (8M events/s)');
  });

  it('skips the counters when there are none (one thread per connection)', () => {
    const r = sampleResult({ counters: {}, countersSource: '', countersByGroup: [] });
    expect(formatReport(r)).not.toContain('counters');
  });

  it('names the CPU scheduling when it is not processor sharing', () => {
    const withScheduling = (scheduling: 'ps' | 'fifo' | 'priority' | 'cfs' | 'eevdf'): string => {
      const r = sampleResult();
      return formatReport({ ...r, scenario: { ...r.scenario, server: { ...r.scenario.server, scheduling } } });
    };
    expect(withScheduling('ps')).not.toContain('scheduling:');
    expect(withScheduling('fifo')).toMatch(/scheduling: +FIFO per core/);
    expect(withScheduling('cfs')).toMatch(/scheduling: +Linux CFS/);
    expect(withScheduling('priority')).toMatch(/scheduling: +non-preemptive priority per core/);
    expect(withScheduling('eevdf')).toMatch(/scheduling: +Linux EEVDF/);
  });

  it('has no colours unless asked, and no NaN or undefined anywhere', () => {
    expect(report).not.toContain('\x1b[');
    expect(report).not.toMatch(/NaN|undefined/);
    expect(formatReport(sampleResult(), { color: true })).toContain('\x1b[1mThroughput\x1b[0m');
  });
});

describe('the waits at each queue', () => {
  // Waits recorded by hand: the CPU run queue and the pool's low queue visited, nothing else.
  const q = new QueueWaits(['read_write', 'report', 'never_ran'], ['point_select', 'insert', 'report_select']);
  q.measuring = true;
  for (let i = 0; i < 3; i++) q.cpu.record(0, 0, 0);
  q.cpu.record(0, 1, 2000);
  // The thread handling is formed from the pool's queues (and the visits none held).
  q.poolLow.record(1, 2, 1500);
  q.transaction(1, 1500);
  const waits = q.result();
  q.destroy();
  const r = formatReport(sampleResult({ waits }));

  it('one row per queue visited (visits, P(wait), mean, p99), then each type\'s own wait', () => {
    const lines = section(r, 'Waiting at each queue (ms').map((l) => l.trim().split(/\s{2,}/));
    expect(lines).toEqual([
      ['queue', 'visits', 'P(wait)', 'mean', 'p99'],
      ['CPU run queue', '4', '25.0%', '0.5', '2'],
      ['thread handling', '1', '100.0%', '1.5', '1.5'],
      ['pool low queue', '1', '100.0%', '1.5', '1.5'],
      ['transaction report (sum over its statements)', '1', '100.0%', '1.5', '1.5'],
    ]);
    expect(r).not.toContain('Waiting at each queue by class');
  });

  it('per transaction type and statement class with --waits-by-class', () => {
    const byClass = formatReport(sampleResult({ waits }), { waitsByClass: true });
    const lines = section(byClass, 'Waiting at each queue by class').map((l) => l.trim().split(/\s{2,}/));
    expect(lines[0]).toEqual(['queue', 'class', 'visits', 'P(wait)', 'mean', 'p99']);
    expect(lines.slice(1).map((l) => `${l[0]}|${l[1]}|${l[2]}|${l[3]}`)).toEqual([
      'CPU run queue|transaction read_write|4|25.0%',
      'CPU run queue|statement point_select|3|0.0%',
      'CPU run queue|statement insert|1|100.0%',
      'thread handling|transaction report|1|100.0%',
      'thread handling|statement report_select|1|100.0%',
      'pool low queue|transaction report|1|100.0%',
      'pool low queue|statement report_select|1|100.0%',
    ]);
  });

  it('an older result without waits shows no such section', () => {
    expect(formatReport(sampleResult())).not.toContain('Waiting at each queue');
  });
});

describe('result files', () => {
  it('names the file after the scenario, safely', () => {
    expect(resultFileName(sampleResult())).toBe('oltp-sample-1.json');
    const r = sampleResult();
    expect(resultFileName({ ...r, scenario: { ...r.scenario, name: '../../etc/passwd' } })).toBe('etc-passwd.json');
    expect(resultFileName({ ...r, scenario: { ...r.scenario, name: '...' } })).toBe('result.json');
  });

  it('is pretty JSON with a final newline', () => {
    const text = resultJson(sampleResult());
    expect(text.endsWith('}\n')).toBe(true);
    // Plus the duration-like pool settings with their units, after the scenario.
    expect(JSON.parse(text)).toEqual({ ...sampleResult(), poolSettingUnits: { thread_pool_stall_limit: '6 (x10 ms = 60 ms)' } });
  });

  it('writes atomically into a new directory and leaves no temp file', () => {
    const dir = join(tempDir(), 'a', 'b');
    const path = join(dir, 'r.json');
    writeFileAtomic(path, 'one\n');
    writeFileAtomic(path, 'two\n');
    expect(readFileSync(path, 'utf8')).toBe('two\n');
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it('removes the temp file when the write fails', () => {
    const dir = tempDir();
    const target = join(dir, 'taken');
    mkdirSync(target); // renaming a file over a directory fails
    expect(() => writeFileAtomic(target, 'x')).toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(existsSync(`${target}.${process.pid}.tmp`)).toBe(false);
  });
});

describe('progress bar (cli-progress)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  /** A fake terminal; cli-progress reads Date.now and sets timers, so the clock is vitest's. */
  const terminal = (columns: number): { stream: NodeJS.WriteStream; writes: string[] } => {
    const writes: string[] = [];
    const stream = { write: (s: string) => writes.push(s), columns, isTTY: true } as unknown as NodeJS.WriteStream;
    return { stream, writes };
  };
  const bars = (writes: string[]): string[] => writes.filter((w) => w.startsWith('sim: ['));

  it('stays silent for the first second, then draws within the width, redraws at most every 100 ms, and clears the line', () => {
    vi.useFakeTimers({ now: 0 });
    const { stream, writes } = terminal(60);
    const p = createProgress(stream, true, () => Date.now());
    vi.setSystemTime(500);
    p.update(0.1);
    expect(writes).toHaveLength(0);
    vi.setSystemTime(1100);
    p.update(0.2);
    expect(bars(writes)).toHaveLength(1);
    expect(bars(writes)[0]).toMatch(/^sim: \[#+\.+\] 20% {2}eta /);
    expect(bars(writes)[0].length).toBeLessThan(60);
    vi.setSystemTime(1150);
    p.update(0.25);
    expect(bars(writes)).toHaveLength(1);
    vi.setSystemTime(1300);
    p.update(0.5);
    expect(bars(writes)).toHaveLength(2);
    expect(bars(writes)[1]).toMatch(/^sim: \[#+\.+\] 50% {2}eta /);
    const before = writes.length;
    p.finish();
    // The line is erased (ESC [2K), not left behind or ended with a newline.
    expect(writes.slice(before).join('')).toContain('\x1b[2K');
    expect(writes.slice(before).join('')).not.toContain('\n');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('draws nothing when disabled (not a TTY)', () => {
    vi.useFakeTimers({ now: 0 });
    const { stream, writes } = terminal(80);
    const p = createProgress(stream, false, () => Date.now());
    vi.setSystemTime(5000);
    p.update(0.5);
    p.finish();
    expect(writes).toHaveLength(0);
  });
});


describe('formatReport when nothing completed', () => {
  const empty = { count: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  it('says that no transaction finished in the window instead of showing zero latencies', () => {
    const base = sampleResult();
    const r = sampleResult({
      summary: { ...base.summary, transactions: 0, tps: 0 },
      latency: { all: empty, byTransaction: { read_write: empty } },
    });
    const text = formatReport(r);
    expect(text).toMatch(/no transaction completed in the \d+(\.\d+)? s measured/);
    expect(formatReport(base)).not.toMatch(/no transaction completed/);
  });
});
