import type { TraceEvent } from './trace.js';

/**
 * MySQL / MariaDB slow query log (long_query_time=0) -> trace events. Both formats: MariaDB
 * writes "# Thread_id: N" and a "# Time:" line only when the second changes; MySQL writes
 * "Id: N" on the User@Host line and "# Time:" with microseconds for every entry. The statement
 * text runs from after the header (and any "use db;" / "SET timestamp=N;") to the next header.
 */
export function parseSlowLog(text: string): TraceEvent[] {
  const events: TraceEvent[] = [];
  const lines = text.split('\n');
  let conn: string | null = null;
  let query: number | null = null;
  let lock: number | undefined;
  let rows: number | undefined;
  let wall: number | undefined;
  let endUs: number | undefined;
  let sql: string[] = [];
  let lastConn = '?';

  const flush = (): void => {
    if (query !== null && sql.length > 0) {
      const text = sql.join('\n').trim();
      if (text.length > 0) {
        const c = conn ?? lastConn;
        const e: TraceEvent = { conn: c, sql: text, serviceUs: query * 1e6 };
        if (lock !== undefined) e.lockUs = lock * 1e6;
        if (rows !== undefined) e.rowsAffected = rows;
        if (wall !== undefined) e.wallSecond = wall;
        if (endUs !== undefined) {
          e.endUs = endUs;
          e.startUs = endUs - e.serviceUs;
        }
        events.push(e);
      }
    }
    query = null;
    lock = undefined;
    rows = undefined;
    endUs = undefined;
    sql = [];
    conn = null;
  };

  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('# ')) {
      if (sql.length > 0 || (query !== null && line.startsWith('# User@Host'))) flush();
      let m: RegExpExecArray | null;
      if ((m = /^# Time:\s*(\S+)(?:\s+(\S+))?/.exec(line)) !== null) {
        // MySQL 5.7+: ISO time with microseconds, written when the statement ended [assumed].
        const iso = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)(Z|[+-]\d\d:\d\d)?$/.exec(m[1]);
        if (iso !== null) {
          const ms = Date.parse(`${iso[1]}${iso[2] ?? 'Z'}`);
          const frac = /\.(\d+)/.exec(iso[1]);
          if (Number.isFinite(ms) && frac !== null && frac[1].length >= 6) endUs = Math.floor(ms / 1000) * 1e6 + Number(frac[1].slice(0, 6));
        }
      }
      if ((m = /Thread_id:\s*(\d+)/.exec(line)) !== null) conn = lastConn = m[1];
      if ((m = /^# User@Host:.*\bId:\s*(\d+)/.exec(line)) !== null) conn = lastConn = m[1];
      if ((m = /Query_time:\s*([\d.]+)/.exec(line)) !== null) query = Number(m[1]);
      if ((m = /Lock_time:\s*([\d.]+)/.exec(line)) !== null) lock = Number(m[1]);
      if ((m = /Rows_affected:\s*(\d+)/.exec(line)) !== null) rows = Number(m[1]);
      continue;
    }
    if (query === null) continue; // server banner lines, "Time Id Command Argument"
    const ts = /^SET timestamp=(\d+);$/.exec(line);
    if (ts !== null) {
      wall = Number(ts[1]);
      continue;
    }
    if (sql.length === 0 && /^use [`\w]+;$/i.test(line)) continue;
    if (sql.length === 0 && line.trim() === '') continue;
    sql.push(line);
  }
  flush();
  // MariaDB names the thread only on entries after a change; keep the order the log gives.
  return events;
}
