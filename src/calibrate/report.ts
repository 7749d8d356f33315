import { fmtMs, fmtRate, table } from '../report/format.js';
import type { FitResult } from './fit.js';
import { PARAM_HELP } from './fit.js';

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
  const header = ['handling', 'threads', 'tps meas (range)', 'tps sim', 'Δ', 'p95 meas', 'p95 sim', 'Δ', 'p99 meas', 'p99 sim', 'Δ'];
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
    ];
  });
  lines.push(...table([header, ...rows], { align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'] }));
  return lines.join('\n');
}
