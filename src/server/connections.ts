/** Wait kinds a statement can perform, as indices (order of WAIT_TYPES in the schema). */
export const MAX_WAITS_PER_STATEMENT = 8;

/** Row locks one statement may take (as schema MAX_LOCKS_PER_STATEMENT). */
export const MAX_LOCKS_PER_STATEMENT = 16;

/** conns.error values: the statement succeeded, or failed and its transaction was rolled back. */
export const STATEMENT_OK = 0;
export const STATEMENT_DEADLOCK = 1; // ER_LOCK_DEADLOCK (1213)
export const STATEMENT_LOCK_WAIT_TIMEOUT = 2; // ER_LOCK_WAIT_TIMEOUT (1205)
export const STATEMENT_KILLED = 3; // ER_QUERY_INTERRUPTED (1317): KILL QUERY / KILL CONNECTION

/** conns.queuedIn values: not queued in a pool priority queue (handed to a thread, or no pool), low, high. */
export const QUEUED_NONE = 0;
export const QUEUED_LOW = 1;
export const QUEUED_HIGH = 2;

/**
 * Per-connection state shared by the layers, as typed arrays indexed by connection id.
 * The workload writes the current statement's work before the request reaches the server;
 * the server and the thread handling write the timing.
 */
export class ConnectionTable {
  /** CPU demand of the current statement (µs). */
  readonly cpu: Float64Array;
  /** Number of off-CPU waits of the current statement. */
  readonly waitCount: Int32Array;
  /** Wait i of connection c at c * MAX_WAITS_PER_STATEMENT + i. */
  readonly waitLatency: Float64Array;
  readonly waitType: Int32Array;
  /** 1 if the wait is reported to the thread handling (wait_begin/wait_end). */
  readonly waitReported: Uint8Array;
  /** 1 if a transaction is open when the statement arrives (thd_is_transaction_active). */
  readonly trxActive: Uint8Array;
  /**
   * 1 if a transactional engine (InnoDB) is registered in the session's transaction when the
   * statement arrives: THD::transaction->is_active() (MariaDB, all.ha_list != NULL) /
   * Transaction_ctx::is_active(SESSION) (MySQL, Percona). BEGIN alone does not register one (only
   * WITH CONSISTENT SNAPSHOT would); the first statement after BEGIN that opens an InnoDB table
   * does (innobase_register_trx); COMMIT / ROLLBACK clear it. So in BEGIN; S1; S2; ...; COMMIT
   * only S2..COMMIT arrive with it set, while trxActive is set from S1 on.
   */
  readonly trxRegistered: Uint8Array;
  /**
   * 1 if the session holds server-level locks when the statement arrives (table locks of LOCK
   * TABLES, MDL outside a transaction, the global read lock, user-level locks), taken by earlier
   * statements and not yet released: what Percona's connection_is_high_prio reads besides the
   * transaction (P2).
   */
  readonly sessionLocks: Uint8Array;
  /**
   * 1 if a transaction is still open after the statement ends (a later one will follow): the
   * client's view. The server's view after the statement is trxEngineActiveAfter below.
   */
  readonly trxOpenAfter: Uint8Array;
  /** Time the current request reached the server. */
  readonly arrival: Float64Array;
  /** Time a thread started executing it. */
  readonly start: Float64Array;
  /** Row locks the current statement takes at its start (0: none, the fast path). */
  readonly lockCount: Int32Array;
  /** Lock i of connection c at c * MAX_LOCKS_PER_STATEMENT + i: global row id and 1 if exclusive. */
  readonly lockRow: Int32Array;
  readonly lockExclusive: Uint8Array;
  /** 1 if the statement writes (exclusive locks): its transaction's COMMIT flushes the redo log. */
  readonly writes: Uint8Array;
  /** 1 if the statement ends its transaction (COMMIT, or an autocommit statement): locks go, redo is flushed. */
  readonly endsTrx: Uint8Array;
  /** 1 if the statement enters InnoDB (innodb_thread_concurrency applies): not BEGIN / COMMIT. */
  readonly entersInnodb: Uint8Array;
  /** Outcome of the last statement, set by the server before the thread handling is told: STATEMENT_* below. */
  readonly error: Uint8Array;
  /** Transaction type and statement class of the current statement (indices), for per-class waits and the latch model. */
  readonly txnClass: Int32Array;
  readonly stmtClass: Int32Array;
  /** Pool queue the current statement was last taken from: QUEUED_NONE, QUEUED_LOW or QUEUED_HIGH. */
  readonly queuedIn: Uint8Array;

  constructor(readonly count: number) {
    this.cpu = new Float64Array(count);
    this.waitCount = new Int32Array(count);
    this.waitLatency = new Float64Array(count * MAX_WAITS_PER_STATEMENT);
    this.waitType = new Int32Array(count * MAX_WAITS_PER_STATEMENT);
    this.waitReported = new Uint8Array(count * MAX_WAITS_PER_STATEMENT);
    this.trxActive = new Uint8Array(count);
    this.trxRegistered = new Uint8Array(count);
    this.trxOpenAfter = new Uint8Array(count);
    this.sessionLocks = new Uint8Array(count);
    this.arrival = new Float64Array(count);
    this.start = new Float64Array(count);
    this.lockCount = new Int32Array(count);
    this.lockRow = new Int32Array(count * MAX_LOCKS_PER_STATEMENT);
    this.lockExclusive = new Uint8Array(count * MAX_LOCKS_PER_STATEMENT);
    this.writes = new Uint8Array(count);
    this.endsTrx = new Uint8Array(count);
    this.entersInnodb = new Uint8Array(count);
    this.error = new Uint8Array(count);
    this.txnClass = new Int32Array(count);
    this.stmtClass = new Int32Array(count);
    this.queuedIn = new Uint8Array(count);
  }
}

/**
 * thd_is_transaction_active once the statement has ended (MySQL's Transaction_ctx::is_active
 * (SESSION)): an engine is registered in a transaction that is still open. BEGIN registers none;
 * the first statement after it that enters InnoDB does; COMMIT / ROLLBACK, an autocommit
 * statement and a failed statement (its transaction rolled back) leave none. Read it before the
 * client is told the statement is done: the client then draws its next statement into the table.
 */
export function trxEngineActiveAfter(conns: ConnectionTable, conn: number): boolean {
  return (
    conns.error[conn] === STATEMENT_OK &&
    conns.endsTrx[conn] === 0 &&
    (conns.trxRegistered[conn] === 1 || conns.entersInnodb[conn] === 1)
  );
}
