import { basename } from 'node:path';
import { type NormalizeOptions, normalize } from './sql.js';
import { readTextFile } from './csv.js';
import { type DigestSummary, parsePsDigestSummary, parsePsHistory } from './ps-csv.js';
import { parseSlowLog } from './slowlog.js';
import { type ImportedTrace, type TraceEvent, analyzeTrace } from './trace.js';

export interface ImportSources {
  slowLogs?: string[];
  psHistory?: string[];
  psDigest?: string[];
}

/** Reads the given traces (plain or .gz) into one analysed trace. */
export function importTraces(src: ImportSources, o: NormalizeOptions = {}): ImportedTrace {
  const slow = src.slowLogs ?? [];
  const hist = src.psHistory ?? [];
  const dig = src.psDigest ?? [];
  if (slow.length + hist.length + dig.length === 0) throw new Error('no trace given');
  const summaries: DigestSummary[] = dig.flatMap((f) => parsePsDigestSummary(readTextFile(f)));
  const events: TraceEvent[] = [];
  // Connections of different files are different connections.
  slow.forEach((f, i) => {
    for (const e of parseSlowLog(readTextFile(f))) events.push({ ...e, conn: `s${i}:${e.conn}` });
  });
  const textByDigest = new Map(summaries.map((s) => [s.digest, s.text]));
  hist.forEach((f, i) => {
    for (const e of parsePsHistory(readTextFile(f))) {
      const text = e.digest === undefined ? undefined : textByDigest.get(e.digest);
      events.push({ ...e, conn: `h${i}:${e.conn}`, ...(text !== undefined ? { digestText: text } : {}) });
    }
  });
  const source = [...slow, ...hist, ...(events.length === 0 ? dig : [])].map((f) => basename(f)).join(', ');
  if (events.length > 0) return analyzeTrace(events, source, o);
  // A digest summary alone: a mix of autocommit statements at their mean times (no sequence, no spread).
  const synthetic: TraceEvent[] = summaries.map((x, i) => ({ conn: `summary${i}`, sql: x.text, serviceUs: x.meanUs }));
  const t = analyzeTrace(synthetic, source, o);
  const countByKey = new Map<string, number>();
  for (const x of summaries) {
    const n = normalize(x.text, o);
    if (n.kind === 'statement') countByKey.set(n.key, (countByKey.get(n.key) ?? 0) + x.count);
  }
  for (const sh of t.shapes) sh.count = countByKey.get(sh.steps[0]) ?? 1;
  t.shapes.sort((a, b) => b.count - a.count);
  t.gaps = { method: 'none', inTransactionUs: [], betweenUs: [], note: 'a digest summary has no timing between statements' };
  t.summaryOnly = true;
  return t;
}
