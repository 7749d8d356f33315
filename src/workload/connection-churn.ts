import { parseDuration } from '../engine/duration.js';
import type { Distribution } from '../engine/distributions.js';
import { type Rng, stream } from '../engine/random.js';
import type { EventHandler, Simulator } from '../engine/simulator.js';
import type { ConnectionTable } from '../server/connections.js';
import { type ConnectionLife, type ConnectionLifeHandling, PH_ABSENT } from '../threadpool/login.js';
import { buildDistribution } from './dist-spec.js';
import type { ChurnSpec, KillSpec, StormSpec } from './schema.js';

/** What the client model lends to the connection life: sending and restarting its transaction. */
export interface ClientHooks {
  /** Draws the connection's current statement and sends it at `sendAt` (again). */
  send(conn: number, sendAt: number): void;
  /** The transaction was lost with its connection: it restarts from its first statement (a retry). */
  restartTransaction(conn: number): void;
  /** Whether the connection's current statement is its transaction's first. */
  atTransactionStart(conn: number): boolean;
}

// Event kinds.
const CONNECT = 0; // the client opens a connection (the server accepts it)
const QUIT = 1; // the client closes its idle connection (COM_QUIT)
const STORM = 2; // a reconnect storm (arg: index into storms)
const KILL = 3; // a KILL (arg: index into kills)

/**
 * The clients' side of connections that open and close (src/threadpool/login.ts has the server's
 * side): a connection that reaches its lifetime closes before its next transaction and
 * reconnects; a connection the server closed (wait_timeout, KILL) reconnects when the client
 * next needs it, at once if a statement was lost with it, and the transaction restarts; at a
 * reconnect storm, connections drop and all reconnect at once; KILLs come at set times.
 * Randomness: one stream per connection ('churn'), so the other streams are untouched.
 */
export class ClientConnectionLife implements EventHandler {
  readonly id: number;
  /** The client has no usable connection (closed, or its login not yet done). */
  private readonly down: Uint8Array;
  /** A CONNECT is scheduled or a login is under way. */
  private readonly connecting: Uint8Array;
  /** Send time of the statement waiting for the login (-1: none). */
  private readonly pendingAt: Float64Array;
  /** A statement has been sent and has not yet reached the server (its ARRIVE is scheduled). */
  private readonly inFlight: Uint8Array;
  /** That statement's work was drawn before a login overwrote the connection table: redraw. */
  private readonly stale: Uint8Array;
  /** A statement is in the server. */
  private readonly inServer: Uint8Array;
  /** Dropped by a storm while its statement ran: the reply is lost, the client reconnects. */
  private readonly dropAtReply: Uint8Array;
  private readonly txSinceLogin: Int32Array;
  private readonly lifeEnd: Float64Array;
  private readonly rngs: Rng[] = [];
  private readonly lifetime: Distribution | null;
  private readonly reconnectDelay: Distribution | null;
  private readonly maxTransactions: number;
  private readonly kills: { atUs: number; everyUs: number; times: number; target: number; connection: boolean }[];
  private readonly storms: { atUs: number; connections: number; spreadUs: number }[];
  /** KILLs that found something to kill, and those that did not. */
  killsDone = 0;
  killsMissed = 0;
  /** Reconnects started after a server-side close or a storm (all reconnects: logins). */
  reconnects = 0;

  constructor(
    private readonly sim: Simulator,
    private readonly conns: ConnectionTable,
    private readonly life: ConnectionLife,
    private readonly handling: ConnectionLifeHandling,
    private readonly clients: ClientHooks,
    seed: number,
    spec: { churn?: ChurnSpec; reconnectStorms?: StormSpec[]; kills?: KillSpec[] },
  ) {
    this.id = sim.register(this);
    const n = conns.count;
    this.down = new Uint8Array(n);
    this.connecting = new Uint8Array(n);
    this.pendingAt = new Float64Array(n).fill(-1);
    this.inFlight = new Uint8Array(n);
    this.stale = new Uint8Array(n);
    this.inServer = new Uint8Array(n);
    this.dropAtReply = new Uint8Array(n);
    this.txSinceLogin = new Int32Array(n);
    this.lifeEnd = new Float64Array(n).fill(Infinity);
    const churn = spec.churn;
    this.lifetime = churn?.lifetime !== undefined ? buildDistribution(churn.lifetime) : null;
    this.reconnectDelay = churn !== undefined ? buildDistribution(churn.reconnectDelay) : null;
    this.maxTransactions = churn?.transactions ?? Infinity;
    if (churn !== undefined) for (let c = 0; c < n; c++) this.rngs.push(stream(seed, 'churn', c));
    this.storms = (spec.reconnectStorms ?? []).map((s) => ({ atUs: parseDuration(s.at), connections: Math.min(n, s.connections), spreadUs: parseDuration(s.spread) }));
    this.kills = (spec.kills ?? []).map((k) => ({
      atUs: parseDuration(k.at),
      everyUs: k.every !== undefined ? parseDuration(k.every) : 0,
      times: k.times,
      target: k.target === 'longest-running' ? -1 : Number(k.target.slice('connection '.length)),
      connection: k.what === 'connection',
    }));
  }

  /** The initial connections logged in before the run: their lifetimes start at 0. */
  start(): void {
    if (this.lifetime !== null) for (let c = 0; c < this.conns.count; c++) this.lifeEnd[c] = this.sim.now + this.lifetime.sample(this.rngs[c]);
    this.storms.forEach((s, i) => this.sim.scheduleAt(s.atUs, this.id, STORM, i, 0));
    this.kills.forEach((k, i) => this.sim.scheduleAt(k.atUs, this.id, KILL, i, 0));
  }

  handleEvent(kind: number, target: number, arg: number): void {
    if (kind === CONNECT) {
      this.handling.connect(target);
    } else if (kind === QUIT) {
      // Unless the server closed it meanwhile (wait_timeout).
      if (this.life.phase[target] !== PH_ABSENT) this.handling.disconnect(target);
      this.sim.schedule(this.delay(target), this.id, CONNECT, target, 0);
    } else if (kind === STORM) {
      this.storm(target);
    } else {
      this.kill(target, arg);
    }
  }

  private delay(conn: number): number {
    return this.reconnectDelay === null ? 0 : this.reconnectDelay.sample(this.rngs[conn]);
  }

  // ---- hooks called by the client model ------------------------------------------------------

  /**
   * Before a statement is sent: false if it must wait for a connection (the client connects, or
   * quits a connection past its lifetime and reconnects, first); it is then sent after the login.
   */
  maySend(conn: number, sendAt: number): boolean {
    if (this.down[conn] === 0 && this.clients.atTransactionStart(conn) && this.expired(conn, sendAt)) {
      this.down[conn] = 1;
      this.connecting[conn] = 1;
      this.pendingAt[conn] = sendAt;
      this.sim.scheduleAt(sendAt, this.id, QUIT, conn, 0);
      return false;
    }
    if (this.down[conn] === 1) {
      this.pendingAt[conn] = sendAt;
      if (this.connecting[conn] === 0) {
        this.connecting[conn] = 1;
        this.reconnects++;
        this.sim.scheduleAt(Math.max(sendAt, this.sim.now), this.id, CONNECT, conn, 0);
      }
      return false;
    }
    this.inFlight[conn] = 1;
    return true;
  }

  /** Past its lifetime or its transactions; every connection runs at least one transaction. */
  private expired(conn: number, sendAt: number): boolean {
    const n = this.txSinceLogin[conn];
    return n > 0 && (n >= this.maxTransactions || sendAt >= this.lifeEnd[conn]);
  }

  /** A statement reaches the server: false if its connection is gone or was replaced meanwhile. */
  onArrive(conn: number): boolean {
    this.inFlight[conn] = 0;
    if (this.down[conn] === 1 || this.stale[conn] === 1) {
      // The request met a closed socket (or went out before the reconnect): the transaction, which
      // the server rolled back with the old connection, starts again on the new one.
      this.stale[conn] = 0;
      if (!this.clients.atTransactionStart(conn)) this.clients.restartTransaction(conn);
      this.clients.send(conn, this.sim.now);
      return false;
    }
    this.inServer[conn] = 1;
    return true;
  }

  /** The reply reaches the client: false if it was lost (a storm dropped the connection). */
  onReply(conn: number): boolean {
    this.inServer[conn] = 0;
    if (this.dropAtReply[conn] === 0) return true;
    this.dropAtReply[conn] = 0;
    this.drop(conn, this.sim.now);
    this.clients.restartTransaction(conn);
    this.pendingAt[conn] = this.sim.now;
    return false;
  }

  transactionEnded(conn: number): void {
    this.txSinceLogin[conn]++;
  }

  /** ConnectionSink.onLoggedIn: the waiting statement goes out. */
  loggedIn(conn: number): void {
    this.down[conn] = 0;
    this.connecting[conn] = 0;
    this.txSinceLogin[conn] = 0;
    if (this.lifetime !== null) this.lifeEnd[conn] = this.sim.now + this.lifetime.sample(this.rngs[conn]);
    if (this.inFlight[conn] === 1) this.stale[conn] = 1;
    const at = this.pendingAt[conn];
    if (at < 0) return;
    this.pendingAt[conn] = -1;
    this.clients.send(conn, Math.max(at, this.sim.now));
  }

  /** ConnectionSink.onClosed: a statement in the server is lost; otherwise reconnect when needed. */
  closed(conn: number): void {
    this.down[conn] = 1;
    if (this.inServer[conn] === 1) {
      this.inServer[conn] = 0;
      this.dropAtReply[conn] = 0;
      this.clients.restartTransaction(conn);
      this.clients.send(conn, this.sim.now);
    }
  }

  // ---- storms and kills ---------------------------------------------------------------------

  /**
   * A reconnect storm (a failover): the first `connections` connections drop; each reconnects at
   * once (or spread evenly over `spread`). A connection whose statement is running drops when it
   * ends (its reply is lost) [simplification: the server notices the dead socket then].
   */
  private storm(i: number): void {
    const s = this.storms[i];
    for (let c = 0; c < s.connections; c++) {
      if (this.down[c] === 1) continue;
      if (this.inServer[c] === 1) {
        this.dropAtReply[c] = 1;
        continue;
      }
      this.drop(c, this.sim.now + (s.spreadUs * c) / s.connections);
    }
  }

  /** The client's connection is gone: the server drops it (as a QUIT) and the client reconnects at `at`. */
  private drop(conn: number, at: number): void {
    this.handling.disconnect(conn);
    this.down[conn] = 1;
    this.connecting[conn] = 1;
    this.reconnects++;
    this.sim.scheduleAt(at, this.id, CONNECT, conn, 0);
  }

  /** KILL QUERY / KILL CONNECTION of the target; repeats every `every` `times` times. */
  private kill(i: number, done: number): void {
    const k = this.kills[i];
    const conn = k.target >= 0 ? k.target : this.longestRunning();
    if (conn >= 0 && conn < this.conns.count && this.handling.kill(conn, k.connection)) this.killsDone++;
    else this.killsMissed++;
    if (done + 1 < k.times && k.everyUs > 0) this.sim.schedule(k.everyUs, this.id, KILL, i, done + 1);
  }

  /** The connection whose running statement started first (SHOW PROCESSLIST's largest Time), or -1. */
  private longestRunning(): number {
    let best = -1;
    let start = Infinity;
    for (let c = 0; c < this.conns.count; c++) {
      if (this.inServer[c] === 0) continue;
      const s = this.conns.start[c];
      if (s >= this.conns.arrival[c] && s < start) {
        start = s;
        best = c;
      }
    }
    return best;
  }
}
