import { type Normalized, type NormalizeOptions, normalize } from './sql.js';

/**
 * One executed statement from a trace (slow log, performance_schema history), in the order the
 * connection ran it. Times in µs. `startUs`/`endUs` are on one clock per source; either may be
 * missing (a slow log with 1 s timestamps has neither).
 */
export interface TraceEvent {
  conn: string;
  sql: string;
  serviceUs: number;
  lockUs?: number;
  rowsAffected?: number;
  startUs?: number;
  endUs?: number;
  /** p_s NESTING_EVENT_TYPE = TRANSACTION: the statement ran inside an explicit transaction. */
  inTransaction?: boolean;
  /** Whole-second wall clock (slow log SET timestamp), for coarse gap estimates. */
  wallSecond?: number;
  /** A digest id from the source (p_s DIGEST), preferred to the normalised text for grouping. */
  digest?: string;
  /** The source's digest text (p_s summary), which classes the statement when present. */
  digestText?: string;
}

export interface DigestClass {
  key: string;
  text: string;
  kind: Normalized['kind'];
  lock: Normalized['lock'];
  table: string | null;
  samplesUs: number[];
  lockUs: number[];
  rowsAffected: number[];
}

export interface TransactionShape {
  /** Statement digests in order, BEGIN / COMMIT excluded. */
  steps: string[];
  explicit: boolean;
  /** Ended by ROLLBACK rather than COMMIT. */
  rollback: boolean;
  count: number;
}

export interface TableKeys {
  /** Distinct raw tables folded into this one (sbtest1..4 -> 4). */
  rawTables: Set<string>;
  maxKey: number;
  /** Accesses per (raw table, key). */
  hits: Map<string, number>;
  accesses: number;
}

export interface GapStats {
  /** exact: from statement start/end times; coarse: from 1 s timestamps over a long span; none. */
  method: 'exact' | 'coarse' | 'none';
  /** Client-side time between the end of one statement and the start of the next, inside transactions. */
  inTransactionUs: number[];
  /** ... between the end of a transaction (or autocommit statement) and the next one. */
  betweenUs: number[];
  /** Coarse estimate only: mean gap per statement. */
  meanUs?: number;
  note: string;
}

export interface ImportedTrace {
  source: string;
  connections: number;
  /** Connections that ran a fair part of the transactions (not an admin session). */
  activeConnections: number;
  statements: number;
  digests: Map<string, DigestClass>;
  shapes: TransactionShape[];
  /** Transactions seen only in part (cut by the log's start or end), dropped. */
  partialTransactions: number;
  gaps: GapStats;
  tables: Map<string, TableKeys>;
  /** Events per digest key, for the mix check: every statement the trace holds (BEGIN/COMMIT too). */
  totalByDigest: Map<string, number>;
  /** Built from a digest summary alone: means only, no sequences. */
  summaryOnly?: boolean;
}

/**
 * Groups a trace into statement classes, transactions and gaps. Events must be in execution
 * order per connection (interleaving between connections does not matter).
 */
export function analyzeTrace(events: readonly TraceEvent[], source: string, o: NormalizeOptions = {}): ImportedTrace {
  const digests = new Map<string, DigestClass>();
  const totalByDigest = new Map<string, number>();
  const tables = new Map<string, TableKeys>();
  const byConn = new Map<string, TraceEvent[]>();
  for (const e of events) {
    let list = byConn.get(e.conn);
    if (list === undefined) byConn.set(e.conn, (list = []));
    list.push(e);
  }
  const keyOf = new Map<TraceEvent, string>();
  const kindOf = new Map<TraceEvent, Normalized['kind']>();
  for (const e of events) {
    const raw = normalize(e.sql, o);
    // Keys come from the literal text; the class from the source's own digest text if it has one.
    const n = e.digestText === undefined ? raw : { ...normalize(e.digestText, o), keys: raw.keys, rawTable: raw.rawTable ?? normalize(e.digestText, o).rawTable };
    const key = n.kind === 'statement' ? n.key : n.kind;
    keyOf.set(e, key);
    kindOf.set(e, n.kind);
    let d = digests.get(key);
    if (d === undefined) {
      d = { key, text: n.kind === 'statement' ? n.text : n.kind.toUpperCase(), kind: n.kind, lock: n.lock, table: n.table, samplesUs: [], lockUs: [], rowsAffected: [] };
      digests.set(key, d);
    }
    d.samplesUs.push(e.serviceUs);
    if (e.lockUs !== undefined) d.lockUs.push(e.lockUs);
    if (e.rowsAffected !== undefined) d.rowsAffected.push(e.rowsAffected);
    totalByDigest.set(key, (totalByDigest.get(key) ?? 0) + 1);
    if (n.table !== null && n.rawTable !== null && n.keys.length > 0) {
      let t = tables.get(n.table);
      if (t === undefined) tables.set(n.table, (t = { rawTables: new Set(), maxKey: 0, hits: new Map(), accesses: 0 }));
      t.rawTables.add(n.rawTable);
      for (const k of n.keys) t.maxKey = Math.max(t.maxKey, k);
      // The first key is the row the statement is about (BETWEEN: its lower end).
      const id = `${n.rawTable}:${n.keys[0]}`;
      t.hits.set(id, (t.hits.get(id) ?? 0) + 1);
      t.accesses++;
    }
  }

  const shapeMap = new Map<string, TransactionShape>();
  let partial = 0;
  const inTrx: number[] = [];
  const between: number[] = [];
  let exactGaps = 0;
  let withTimes = 0;
  const txPerConn: number[] = [];
  for (const list of byConn.values()) {
    let txHere = 0;
    let open: string[] | null = null;
    let autocommit = true;
    // Until the first boundary we cannot tell whether the log began inside a transaction.
    let pending: string[] = [];
    let sawBoundary = false;
    const add = (steps: string[], explicit: boolean, rollback: boolean): void => {
      txHere++;
      const k = `${explicit ? 'E' : 'A'}${rollback ? 'R' : ''}|${steps.join('\u0001')}`;
      const s = shapeMap.get(k);
      if (s === undefined) shapeMap.set(k, { steps: [...steps], explicit, rollback, count: 1 });
      else s.count++;
    };
    let prev: TraceEvent | null = null;
    let prevEndsTrx = true;
    for (const e of list) {
      const kind = kindOf.get(e) as Normalized['kind'];
      const key = keyOf.get(e) as string;
      if (prev !== null && prev.endUs !== undefined && e.startUs !== undefined) {
        withTimes++;
        const g = e.startUs - prev.endUs;
        if (g >= 0) {
          exactGaps++;
          (prevEndsTrx ? between : inTrx).push(g);
        }
      }
      prev = e;
      if (kind === 'begin') {
        if (open !== null) partial++; // implicit commit of an unfinished transaction: not a template
        for (const p of pending) add([p], false, false);
        pending = [];
        sawBoundary = true;
        open = [];
        prevEndsTrx = false;
      } else if (kind === 'commit' || kind === 'rollback') {
        if (open !== null) add(open, true, kind === 'rollback');
        else if (!sawBoundary) partial += pending.length > 0 ? 1 : 0; // began before the log did
        else if (!autocommit && pending.length > 0) add(pending, true, kind === 'rollback');
        pending = [];
        sawBoundary = true;
        open = null;
        prevEndsTrx = true;
      } else if (kind === 'autocommit-off' || kind === 'autocommit-on') {
        autocommit = kind === 'autocommit-on';
        prevEndsTrx = open === null && autocommit;
      } else if (open !== null) {
        open.push(key);
        prevEndsTrx = false;
      } else if (!autocommit) {
        // autocommit=0: statements accumulate into a transaction that COMMIT ends.
        pending.push(key);
        sawBoundary = true;
        prevEndsTrx = false;
      } else if (sawBoundary || e.inTransaction === false) {
        add([key], false, false);
        sawBoundary = true;
        prevEndsTrx = true;
      } else if (e.inTransaction === true) {
        pending.push(key);
        prevEndsTrx = false;
      } else {
        pending.push(key);
        prevEndsTrx = true;
      }
    }
    if (open !== null) partial++;
    // A connection that never saw a boundary ran autocommit statements only.
    if (!sawBoundary) for (const p of pending) add([p], false, false);
    else if (pending.length > 0 && autocommit) for (const p of pending) add([p], false, false);
    else if (pending.length > 0) partial++;
    txPerConn.push(txHere);
  }
  const busiest = txPerConn.reduce((m, n) => Math.max(m, n), 0);
  const activeConnections = txPerConn.filter((n) => n >= 0.05 * busiest).length;

  let gaps: GapStats;
  if (exactGaps > 0 && exactGaps >= withTimes / 2) {
    gaps = { method: 'exact', inTransactionUs: inTrx, betweenUs: between, note: `from ${exactGaps} statement start/end pairs` };
  } else {
    gaps = coarseGaps(byConn);
  }
  const shapes = [...shapeMap.values()].sort((a, b) => b.count - a.count);
  return { source, connections: byConn.size, activeConnections, statements: events.length, digests, shapes, partialTransactions: partial, gaps, tables, totalByDigest };
}

/** Slow logs with whole-second timestamps: mean gap = (span - busy time) / statements, if the span is long. */
function coarseGaps(byConn: Map<string, TraceEvent[]>): GapStats {
  let span = 0;
  let busy = 0;
  let n = 0;
  for (const list of byConn.values()) {
    const secs = list.map((e) => e.wallSecond).filter((s): s is number => s !== undefined);
    if (secs.length < 2) continue;
    span += (secs.reduce((m, s) => Math.max(m, s), -Infinity) - secs.reduce((m, s) => Math.min(m, s), Infinity)) * 1e6;
    busy += list.reduce((s, e) => s + e.serviceUs, 0);
    n += list.length - 1;
  }
  const MIN_SPAN_US = 60e6;
  if (n === 0 || span / byConn.size < MIN_SPAN_US) {
    return {
      method: 'none',
      inTransactionUs: [],
      betweenUs: [],
      note: `timestamps have 1 s resolution and the trace spans ${(span / Math.max(1, byConn.size) / 1e6).toFixed(1)} s per connection (< 60 s): client gaps cannot be measured`,
    };
  }
  const meanUs = Math.max(0, (span - busy) / n);
  return { method: 'coarse', inTransactionUs: [], betweenUs: [], meanUs, note: `mean from 1 s timestamps over ${(span / byConn.size / 1e6).toFixed(0)} s per connection (±1 s per connection)` };
}
