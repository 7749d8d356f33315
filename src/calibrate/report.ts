import { createHash } from 'node:crypto';
import { fmtMs, fmtRate, table } from '../report/format.js';
import type { FitResult } from './fit.js';
import { PARAM_HELP } from './fit.js';
import type { DigestClass, ImportedTrace } from './trace.js';

const pct = (r: number | undefined): string => (r === undefined ? '' : `${r >= 0 ? '+' : ''}${((Math.exp(r) - 1) * 100).toFixed(1)}%`);

/** The fit as a terminal table: parameters with their uncertainty, then each point's residuals. */
export function formatFit(f: FitResult): string {
  const lines: string[] = [];
  lines.push(`fit: ${f.evaluations} evaluations, RSS ${f.rss.toPrecision(4)} on ${f.dof} degrees of freedom`);
  lines.push(
    ...table(
      [
        ['parameter', 'value', '± sd', 'what'],
        ...f.params.map((p) => [p.name, p.value.toPrecision(4), `${p.sd.toPrecision(2)} (${(p.relSd * 100).toFixed(0)}%)`, PARAM_HELP[p.name]]),
      ],
      { align: ['l', 'r', 'r', 'l'] },
    ),
  );
  lines.push('');
  // The server's CPU per transaction, where the runs have it (server_cpu_util).
  const withCpu = f.points.some((p) => p.point.median.cpuUsPerTxn !== undefined);
  const header = ['handling', 'threads', 'tps meas (range)', 'tps sim', 'Δ', 'p95 meas', 'p95 sim', 'Δ', 'p99 meas', 'p99 sim', 'Δ', ...(withCpu ? ['cpu µs/txn meas', 'sim', 'Δ'] : [])];
  const rows = f.points.map((p) => {
    const m = p.point.median;
    const r = p.point.range;
    return [
      p.point.handling,
      String(p.point.threads),
      `${fmtRate(m.tps)} (${fmtRate(r.tps[0])}..${fmtRate(r.tps[1])})`,
      fmtRate(p.simulated.tps),
      pct(p.residuals.tps),
      m.p95 === undefined ? '' : fmtMs(m.p95),
      fmtMs(p.simulated.p95),
      pct(p.residuals.p95),
      m.p99 === undefined ? '' : fmtMs(m.p99),
      fmtMs(p.simulated.p99),
      pct(p.residuals.p99),
      ...(withCpu
        ? [m.cpuUsPerTxn === undefined ? '' : m.cpuUsPerTxn.toPrecision(3), p.simulated.cpuUsPerTxn.toPrecision(3), pct(p.residuals.cpu)]
        : []),
    ];
  });
  lines.push(...table([header, ...rows], { align: ['l', ...header.slice(1).map(() => 'r' as const)] }));
  return lines.join('\n');
}

/** One line of the response-time profile: a statement class of the imported trace. */
export interface ProfileRow {
  rank: number;
  /** pt-query-digest's Query ID form: the last 16 hex digits of the MD5 of the fingerprint. */
  id: string;
  /** Total response time (the trace's Query_time / TIMER_WAIT), seconds. */
  responseSeconds: number;
  share: number;
  calls: number;
  /** Mean response time per call, seconds. */
  perCallSeconds: number;
  /** Variance-to-mean ratio of the response time (seconds), pt-query-digest's V/M. */
  varianceToMean: number;
  item: string;
}

/**
 * pt-query-digest's "Profile": statement classes ranked by total response time. The Query IDs
 * are made as pt-query-digest makes its own (MD5 of the fingerprint) but from tpsim's fingerprint,
 * so they need not match pt's; Item is the distilled statement (verb and table), as pt's is.
 */
export function responseTimeProfile(trace: ImportedTrace): ProfileRow[] {
  let total = 0;
  const rows = [...trace.digests.values()].map((d) => {
    const n = d.samplesUs.length;
    const sum = d.samplesUs.reduce((s, x) => s + x, 0) / 1e6;
    const mean = n > 0 ? sum / n : 0;
    const variance = n > 0 ? d.samplesUs.reduce((s, x) => s + (x / 1e6 - mean) ** 2, 0) / n : 0;
    total += sum;
    return {
      rank: 0,
      id: createHash('md5').update(d.key).digest('hex').slice(-16).toUpperCase(),
      responseSeconds: sum,
      share: 0,
      calls: n,
      perCallSeconds: mean,
      varianceToMean: mean > 0 ? variance / mean : 0,
      item: distill(d),
    };
  });
  rows.sort((a, b) => b.responseSeconds - a.responseSeconds || b.calls - a.calls || a.item.localeCompare(b.item));
  rows.forEach((r, i) => {
    r.rank = i + 1;
    r.share = total > 0 ? r.responseSeconds / total : 0;
  });
  return rows;
}

/** "SELECT acct", "UPDATE sbtestN", "COMMIT": the verb and the table, as pt-query-digest distills. */
function distill(d: DigestClass): string {
  if (d.kind !== 'statement') return d.text;
  const verb = /^\s*([A-Za-z]+)/.exec(d.text)?.[1]?.toUpperCase() ?? d.text;
  return d.table === null ? verb : `${verb} ${d.table}`;
}

/**
 * The profile laid out as pt-query-digest prints it: "# " before every line, left-justified
 * headings over right-justified numbers, '=' rules, single spaces between columns, and the same
 * number formats (%10.4f %4.1f%% for the response time, %8.4f for R/Call, %4.2f for V/M).
 */
export function formatProfile(rows: readonly ProfileRow[]): string {
  const head = ['Rank', 'Query ID', 'Response time', 'Calls', 'R/Call', 'V/M', 'Item'];
  const right = [true, false, true, true, true, true, false];
  const cells = rows.map((r) => [
    String(r.rank),
    `0x${r.id}`,
    `${r.responseSeconds.toFixed(4).padStart(10)} ${`${(r.share * 100).toFixed(1)}%`.padStart(5)}`,
    String(r.calls),
    r.perCallSeconds.toFixed(4).padStart(8),
    r.varianceToMean.toFixed(2).padStart(4),
    r.item,
  ]);
  // Column widths: the widest cell or heading; pt trims the leading blanks of its own formats.
  const trimmed = cells.map((row) => row.map((c) => c.trim()));
  // V/M has a fixed width of 5 in pt-query-digest 3.
  const minWidth = [0, 0, 0, 0, 0, 5, 0];
  const widths = head.map((h, c) => Math.max(minWidth[c], h.length, ...trimmed.map((row) => row[c].length)));
  const last = head.length - 1;
  const line = (parts: string[]): string => `# ${parts.join(' ')}`.trimEnd();
  const out = [
    '# Profile',
    line(head.map((h, c) => (c === last ? h : h.padEnd(widths[c])))),
    line(widths.map((w) => '='.repeat(w))),
    ...trimmed.map((row) => line(row.map((v, c) => (c === last ? v : right[c] ? v.padStart(widths[c]) : v.padEnd(widths[c]))))),
  ];
  return `${out.join('\n')}\n`;
}
