import type { EventHandler, Simulator } from '../engine/simulator.js';
import type { ConnectionTable } from '../server/connections.js';
import type { Executor } from '../server/executor.js';
import { LatencyRecorder } from '../stats/latency.js';
import type { StatementSink } from './types.js';

/**
 * A connection's life outside its statements, shared by every thread handling: login, the
 * client's QUIT, idle expiry (wait_timeout) and KILL. The handlings decide who runs a login and
 * when an idle connection is closed (each by its server's rule); this module keeps the state they
 * share with the clients, and the figures the result reports.
 */

/** Default CPU of one login (authentication and session setup) on the server, µs. */
// About 1 ms per connection measured end to end for a new TCP connection per request against a
// pooled one (prayagupa/rdb, db/mysql/README.md: 2 ms vs 1 ms per request: TCP handshake, server
// greeting, caching_sha2_password fast authentication, session variables); the server's own CPU
// share of that millisecond is taken as a quarter [assumption: calibrate with sim measure].
export const DEFAULT_LOGIN_CPU = '250us';

/** Phases of a connection, server side. */
export const PH_ABSENT = 0; // no connection (never opened, closed)
export const PH_LOGIN = 1; // accepted, login queued or running
export const PH_IDLE = 2; // logged in, no request in the server
export const PH_BUSY = 3; // a request reached the server (readable socket, queued, executing)
/** KILL CONNECTION of a busy connection: it closes when its statement ends. */
export const PH_CLOSING = 4;

/** Why the server closed a connection. */
export const CLOSED_WAIT_TIMEOUT = 1;
export const CLOSED_KILLED = 2;

/** The clients' side of a connection's life. */
export interface ConnectionSink extends StatementSink {
  /** Login done: the OK packet leaves for the client, which may now send. */
  onLoggedIn(conn: number): void;
  /** The server closed the connection (wait_timeout, KILL CONNECTION); no reply is coming. */
  onClosed(conn: number, reason: number): void;
}

/** What a thread handling does with a connection's life (absent: connections live for the run). */
export interface ConnectionLifeHandling {
  /** Turns the model on (before start). */
  attachLife(life: ConnectionLife): void;
  /** A new connection was accepted: its login is work the handling schedules (a connect event). */
  connect(conn: number): void;
  /** The client closed its idle connection (COM_QUIT). */
  disconnect(conn: number): void;
  /** KILL QUERY (connection false) or KILL CONNECTION of `conn`. Returns false if nothing to kill. */
  kill(conn: number, connection: boolean): boolean;
}

/**
 * KILL of a connection whose statement runs on thread `t`, as every pool does it: the executor
 * stops the statement at its next check (thd->killed); KILL CONNECTION also marks the connection
 * for closing when its thread lets go of it, KILL QUERY only counts.
 */
export function killRunning(life: ConnectionLife, executor: Executor, t: number, conn: number, connection: boolean, closeReason: Uint8Array): void {
  executor.kill(t);
  if (connection) {
    life.phase[conn] = PH_CLOSING;
    closeReason[conn] = CLOSED_KILLED;
  } else {
    life.stats.killedQueries++;
  }
}

export function hasConnectionLife(h: object): h is ConnectionLifeHandling {
  return typeof (h as Partial<ConnectionLifeHandling>).attachLife === 'function';
}

const EXPIRE = 0; // a one-thread-per-connection read timeout (arg: generation)

/** Counters of the measured window. */
export class ConnectionLifeStats {
  logins = 0;
  loginLatency = new LatencyRecorder();
  disconnects = 0;
  closedByWaitTimeout = 0;
  killedQueries = 0;
  killedConnections = 0;

  reset(): void {
    this.logins = 0;
    this.loginLatency.destroy();
    this.loginLatency = new LatencyRecorder();
    this.disconnects = 0;
    this.closedByWaitTimeout = 0;
    this.killedQueries = 0;
    this.killedConnections = 0;
  }
}

export class ConnectionLife implements EventHandler {
  readonly phase: Uint8Array;
  /** When the login request reached the server. */
  readonly loginArrival: Float64Array;
  /** Idle expiry deadline of each connection (µs; Infinity: none). */
  readonly expiry: Float64Array;
  /** Thread ids: connections 0..n-1 have ids 0..n-1, every new login the next id (A1, P1). */
  readonly threadId: Float64Array;
  private nextThreadId: number;
  private readonly timerGen: Int32Array;
  readonly stats = new ConnectionLifeStats();
  readonly id: number;
  /** A connection closed by the server is told to the handling that owns timers (TPC). */
  onExpire: ((conn: number) => void) | null = null;
  sink: ConnectionSink | null = null;

  constructor(
    readonly sim: Simulator,
    readonly conns: ConnectionTable,
    readonly executor: Executor,
    /** wait_timeout in µs (Infinity: never). */
    readonly waitTimeoutUs: number,
    /** CPU of one login, µs, drawn per login. */
    private readonly loginCpu: (conn: number) => number,
  ) {
    const n = conns.count;
    this.phase = new Uint8Array(n).fill(PH_IDLE);
    this.loginArrival = new Float64Array(n);
    this.expiry = new Float64Array(n).fill(Infinity);
    this.threadId = new Float64Array(n);
    for (let c = 0; c < n; c++) this.threadId[c] = c;
    this.nextThreadId = n;
    this.timerGen = new Int32Array(n);
    this.id = sim.register(this);
  }

  /** A new connection: the next thread id (thread_id is global and increasing). */
  accept(conn: number): number {
    this.phase[conn] = PH_LOGIN;
    this.loginArrival[conn] = this.sim.now;
    const id = this.nextThreadId++;
    this.threadId[conn] = id;
    this.expiry[conn] = Infinity;
    return id;
  }

  /**
   * Writes the login's work into the connection table, as a client writes a statement's: the
   * executor then runs it like a statement with no waits, locks or transaction.
   */
  prepareLogin(conn: number): void {
    const c = this.conns;
    c.cpu[conn] = this.loginCpu(conn);
    c.waitCount[conn] = 0;
    c.lockCount[conn] = 0;
    c.trxActive[conn] = 0;
    c.trxRegistered[conn] = 0;
    c.trxOpenAfter[conn] = 0;
    c.sessionLocks[conn] = 0;
    c.writes[conn] = 0;
    c.endsTrx[conn] = 0;
    c.entersInnodb[conn] = 0;
    c.arrival[conn] = this.loginArrival[conn];
  }

  /** The login is done: the connection is idle and the client is told. */
  loggedIn(conn: number): void {
    this.phase[conn] = PH_IDLE;
    this.stats.logins++;
    this.stats.loginLatency.record(this.sim.now - this.loginArrival[conn]);
    (this.sink as ConnectionSink).onLoggedIn(conn);
  }

  /** A request reached the server. */
  busy(conn: number): void {
    this.phase[conn] = PH_BUSY;
  }

  /** The statement ended and the connection waits for the next one: its idle clock starts. */
  idle(conn: number, expiry: number): void {
    if (this.phase[conn] === PH_BUSY) this.phase[conn] = PH_IDLE;
    this.expiry[conn] = expiry;
  }

  /** The client quit (or its connection dropped): an open transaction rolls back. */
  quit(conn: number): void {
    this.executor.closeConnection(conn);
    this.phase[conn] = PH_ABSENT;
    this.expiry[conn] = Infinity;
    this.timerGen[conn]++;
    this.stats.disconnects++;
  }

  /** The server closed the connection: its transaction rolls back, the client is told. */
  closed(conn: number, reason: number): void {
    this.phase[conn] = PH_ABSENT;
    this.expiry[conn] = Infinity;
    this.timerGen[conn]++;
    this.executor.closeConnection(conn);
    if (reason === CLOSED_WAIT_TIMEOUT) this.stats.closedByWaitTimeout++;
    else this.stats.killedConnections++;
    (this.sink as ConnectionSink).onClosed(conn, reason);
  }

  /** Arms a per-connection read timeout at `expiry` (one-thread-per-connection, extra_port). */
  armTimer(conn: number, expiry: number): void {
    this.expiry[conn] = expiry;
    const gen = ++this.timerGen[conn];
    if (expiry !== Infinity) this.sim.scheduleAt(expiry, this.id, EXPIRE, conn, gen);
  }

  /** Cancels the read timeout (a request arrived). */
  disarmTimer(conn: number): void {
    this.timerGen[conn]++;
  }

  handleEvent(_kind: number, conn: number, gen: number): void {
    if (gen !== this.timerGen[conn] || this.phase[conn] !== PH_IDLE) return;
    this.onExpire?.(conn);
  }
}
