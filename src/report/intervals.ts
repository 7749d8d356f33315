import type { IntervalRow, RunResult } from '../run/result.js';

/** C's "%.0f": round half to even (printf rounds the exact binary value, ties to even). */
function printf0(x: number): string {
  const r = Math.round(x);
  return String(r - x === 0.5 && r % 2 !== 0 ? r - 1 : r);
}

/** C's "%4.2f". */
function f42(x: number): string {
  return (Number.isFinite(x) ? x : 0).toFixed(2).padStart(4);
}

/**
 * One line as sysbench 1.0.20 prints it with --report-interval (db_report_intermediate):
 * `[ 1s ] thds: 512 tps: 1234.56 qps: 24691.20 (r/w/o: 17283.84/4938.24/2469.12)
 * lat (ms,95%): 12.08 err/s: 0.00 reconn/s: 0.00`; rates per second of the interval's own length.
 */
export function sysbenchIntervalLine(row: IntervalRow, percentile: number): string {
  const s = row.seconds > 0 ? row.seconds : 1;
  const qps = (row.reads + row.writes + row.other) / s;
  return (
    `[ ${printf0(row.time)}s ] thds: ${row.threads} tps: ${f42(row.transactions / s)} ` +
    `qps: ${f42(qps)} (r/w/o: ${f42(row.reads / s)}/${f42(row.writes / s)}/${f42(row.other / s)}) ` +
    `lat (ms,${percentile}%): ${f42(row.latencyMs)} err/s: ${f42(row.errors / s)} reconn/s: ${f42(row.reconnects / s)}`
  );
}

/** All the run's interval lines and a blank line (nothing when run without --report-interval). */
export function formatIntervals(result: RunResult): string {
  const iv = result.intervals;
  if (iv === undefined || iv.rows.length === 0) return '';
  return `${iv.rows.map((r) => `${sysbenchIntervalLine(r, iv.percentile)}\n`).join('')}\n`;
}
