import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';

/** Reads a text file, gunzipping it when it ends in .gz (p_s dumps and slow logs are often compressed). */
export function readTextFile(path: string): string {
  const buf = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
}

/**
 * RFC 4180 CSV (quoted fields may hold commas, doubled quotes and newlines) by csv-parse: blank
 * lines skipped, ragged rows kept, a leading BOM dropped, a stray quote inside an unquoted field
 * taken literally, CRLF, LF and CR all ending a row even when mixed in one file (csv-parse would
 * otherwise keep to the first one it sees). An unclosed quote is an error naming the line, not a silently swallowed rest
 * of the file.
 */
export function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: true, skip_empty_lines: true, relax_quotes: true, bom: true, record_delimiter: ['\r\n', '\n', '\r'] }) as string[][];
}

/** CSV rows as objects keyed by the header (first row). */
export function parseCsvRecords(text: string): Array<Record<string, string>> {
  const rows = parseCsv(text);
  if (rows.length === 0) return [];
  const header = rows[0].map((h) => h.trim());
  return rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, (r[i] ?? '').trim()])));
}

export function csvField(v: string | number | undefined | null): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatCsv(header: readonly string[], rows: ReadonlyArray<Record<string, string | number | undefined>>): string {
  const lines = [header.join(',')];
  for (const r of rows) lines.push(header.map((h) => csvField(r[h])).join(','));
  return `${lines.join('\n')}\n`;
}
