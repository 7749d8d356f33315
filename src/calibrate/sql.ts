/**
 * Statement text -> digest text (literals replaced by ?), as performance_schema does it in
 * spirit, so that slow-log entries and p_s events of the same statement fall into one class.
 * Numbered tables (sbtest1 .. sbtest4, shards) are folded into one name (sbtestN) by default:
 * they are the same statement against look-alike tables.
 */

export type StatementKind = 'begin' | 'commit' | 'rollback' | 'autocommit-on' | 'autocommit-off' | 'statement';

export interface NormalizeOptions {
  /** Fold trailing digits of table names (sbtest3 -> sbtestN); default true. */
  foldTables?: boolean;
}

export interface Normalized {
  /** Grouping key: the digest text in lower case. */
  key: string;
  /** Digest text as first seen (case kept). */
  text: string;
  kind: StatementKind;
  /** Row locks the statement takes under InnoDB (null for consistent reads). */
  lock: 'exclusive' | 'shared' | null;
  /** Table the statement is about (after folding), if one is named. */
  table: string | null;
  /** The table as written (before folding). */
  rawTable: string | null;
  /** Primary-key literals found (WHERE id=N, BETWEEN a AND b, VALUES (N, ...)): the key space. */
  keys: number[];
}

const TABLE_AFTER = /\b(?:from|into|update|join|table)\s+`?([A-Za-z_][\w$]*)`?(?:\s*\.\s*`?([A-Za-z_][\w$]*)`?)?/i;

export function classify(text: string): StatementKind {
  const t = text.trim().replace(/;$/, '').trim().toLowerCase();
  if (/^(begin(\s+work)?|start\s+transaction\b.*)$/.test(t)) return 'begin';
  if (/^commit(\s+work)?$/.test(t)) return 'commit';
  if (/^rollback(\s+work)?$/.test(t)) return 'rollback';
  const ac = /^set\s+(?:@@(?:session\.)?|session\s+)?autocommit\s*=\s*(\w+)$/.exec(t);
  if (ac !== null) return ac[1] === '0' || ac[1] === 'off' ? 'autocommit-off' : 'autocommit-on';
  return 'statement';
}

/** Replaces literals by ?, strips comments, collapses white space; see the module comment. */
export function normalize(sql: string, o: NormalizeOptions = {}): Normalized {
  const fold = o.foldTables !== false;
  let s = sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|\s)(--|#)[^\n]*/g, ' ');
  s = s.trim().replace(/;\s*$/, '');
  const keys: number[] = [];
  // Key literals before the literals go: WHERE id = N, BETWEEN a AND b, VALUES (N, ...).
  for (const m of s.matchAll(/\bid\s*=\s*(\d+)\b/gi)) keys.push(Number(m[1]));
  for (const m of s.matchAll(/\bid\s+between\s+(\d+)\s+and\s+(\d+)/gi)) keys.push(Number(m[1]), Number(m[2]));
  const vals = /\bvalues\s*\(\s*(\d+)\s*,/i.exec(s);
  if (vals !== null) keys.push(Number(vals[1]));
  s = s
    .replace(/'(?:[^'\\]|\\.|'')*'/g, '?')
    .replace(/"(?:[^"\\]|\\.|"")*"/g, '?')
    // p_s SQL_TEXT is cut at a fixed length, often inside a string.
    .replace(/'[^']*$/, '?')
    .replace(/\b0x[0-9a-f]+\b/gi, '?')
    .replace(/(^|[^\w$.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '$1?')
    .replace(/`/g, '')
    .replace(/\s+/g, ' ')
    .replace(/\(\s*\?(?:\s*,\s*\?)*\s*\)(?:\s*,\s*\(\s*\?(?:\s*,\s*\?)*\s*\))*/g, '(...)')
    .replace(/\(\s*\?(?:\s*,\s*\?)*\s*$/, '(...)')
    .replace(/\s*([=<>,])\s*/g, '$1')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')')
    .replace(/(\w)\s+\(/g, '$1(')
    .replace(/,/g, ', ')
    .trim();
  const tm = TABLE_AFTER.exec(s);
  let rawTable: string | null = null;
  let table: string | null = null;
  if (tm !== null) {
    rawTable = tm[2] ?? tm[1];
    table = fold ? rawTable.replace(/^([A-Za-z_]\w*?[A-Za-z_])\d+$/, '$1N') : rawTable;
    if (table !== rawTable) s = s.replace(new RegExp(`\\b${rawTable}\\b`, 'g'), table);
  }
  const lower = s.toLowerCase();
  const kind = classify(sql.replace(/\/\*[\s\S]*?\*\//g, ' '));
  let lock: Normalized['lock'] = null;
  if (kind === 'statement') {
    if (/^(update|delete|insert|replace)\b/.test(lower) || /\bfor update\b/.test(lower)) lock = 'exclusive';
    else if (/\block in share mode\b|\bfor share\b/.test(lower)) lock = 'shared';
  }
  return { key: lower, text: s, kind, lock, table, rawTable, keys };
}
