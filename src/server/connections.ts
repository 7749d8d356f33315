/** Wait kinds a statement can perform, as indices (order of WAIT_TYPES in the schema). */
export const MAX_WAITS_PER_STATEMENT = 8;

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
  /** 1 if a transaction is still open after the statement ends (a later one will follow). */
  readonly trxOpenAfter: Uint8Array;
  /** Time the current request reached the server. */
  readonly arrival: Float64Array;
  /** Time a thread started executing it. */
  readonly start: Float64Array;

  constructor(readonly count: number) {
    this.cpu = new Float64Array(count);
    this.waitCount = new Int32Array(count);
    this.waitLatency = new Float64Array(count * MAX_WAITS_PER_STATEMENT);
    this.waitType = new Int32Array(count * MAX_WAITS_PER_STATEMENT);
    this.waitReported = new Uint8Array(count * MAX_WAITS_PER_STATEMENT);
    this.trxActive = new Uint8Array(count);
    this.trxOpenAfter = new Uint8Array(count);
    this.arrival = new Float64Array(count);
    this.start = new Float64Array(count);
  }
}
