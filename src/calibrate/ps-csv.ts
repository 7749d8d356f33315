import { parseCsvRecords } from './csv.js';
import type { TraceEvent } from './trace.js';

/** performance_schema timers are in picoseconds. */
const PS_PER_US = 1e6;

/**
 * events_statements_history_long (as CSV with a header: THREAD_ID, EVENT_ID, EVENT_NAME,
 * TIMER_START, TIMER_END, TIMER_WAIT, LOCK_TIME, SQL_TEXT or SQL_TEXT_80, NESTING_EVENT_TYPE,
 * ...) -> trace events in execution order per thread. COM_Quit and other non-SQL events are
 * left out.
 */
export function parsePsHistory(text: string): TraceEvent[] {
  const recs = parseCsvRecords(text);
  const rows = recs
    .filter((r) => (r.EVENT_NAME ?? '').startsWith('statement/sql/'))
    .map((r) => ({ r, thread: Number(r.THREAD_ID), start: Number(r.TIMER_START), id: Number(r.EVENT_ID) }))
    .filter((x) => Number.isFinite(x.start));
  // p_s lists newest first; order by thread, then start.
  rows.sort((a, b) => a.thread - b.thread || a.start - b.start || a.id - b.id);
  // The session that dumped the table (UPDATE performance_schema.threads ...) is not workload.
  return rows
    .filter(({ r }) => !/performance_schema/i.test(sqlOf(r)))
    .map(({ r }) => {
      const sql = sqlOf(r) || eventSql(r.EVENT_NAME);
      const e: TraceEvent = {
        conn: r.THREAD_ID,
        sql,
        serviceUs: Number(r.TIMER_WAIT) / PS_PER_US,
        startUs: Number(r.TIMER_START) / PS_PER_US,
        endUs: Number(r.TIMER_END) / PS_PER_US,
      };
      if (r.LOCK_TIME !== undefined && r.LOCK_TIME !== '') e.lockUs = Number(r.LOCK_TIME) / PS_PER_US;
      if (r.ROWS_AFFECTED !== undefined && r.ROWS_AFFECTED !== '') e.rowsAffected = Number(r.ROWS_AFFECTED);
      if (r.NESTING_EVENT_TYPE !== undefined) e.inTransaction = r.NESTING_EVENT_TYPE === 'TRANSACTION';
      if (r.DIGEST) e.digest = r.DIGEST;
      return e;
    });
}

function sqlOf(r: Record<string, string>): string {
  return r.SQL_TEXT ?? r.SQL_TEXT_80 ?? r.DIGEST_TEXT ?? '';
}

/** BEGIN and COMMIT have an event name even when the text is missing. */
function eventSql(name: string): string {
  const m = /^statement\/sql\/(\w+)/.exec(name);
  return m === null ? name : m[1].toUpperCase();
}

/** One row of events_statements_summary_by_digest, times in µs. */
export interface DigestSummary {
  digest: string;
  text: string;
  count: number;
  meanUs: number;
  minUs: number;
  maxUs: number;
  lockMeanUs: number;
}

export function parsePsDigestSummary(text: string): DigestSummary[] {
  return parseCsvRecords(text)
    .filter((r) => r.DIGEST_TEXT !== undefined && r.DIGEST_TEXT !== '' && !/performance_schema/i.test(r.DIGEST_TEXT) && Number(r.COUNT_STAR) > 0)
    .map((r) => ({
      digest: r.DIGEST,
      text: r.DIGEST_TEXT,
      count: Number(r.COUNT_STAR),
      meanUs: Number(r.AVG_TIMER_WAIT) / PS_PER_US,
      minUs: Number(r.MIN_TIMER_WAIT) / PS_PER_US,
      maxUs: Number(r.MAX_TIMER_WAIT) / PS_PER_US,
      lockMeanUs: Number(r.SUM_LOCK_TIME) / PS_PER_US / Math.max(1, Number(r.COUNT_STAR)),
    }));
}
