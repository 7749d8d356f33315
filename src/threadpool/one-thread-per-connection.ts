import type { EventHandler, Simulator } from '../engine/simulator.js';
import type { Executor } from '../server/executor.js';
import type { ThreadRegistry } from '../server/threads.js';
import { CLOSED_KILLED, CLOSED_WAIT_TIMEOUT, type ConnectionLife, type ConnectionLifeHandling, PH_BUSY, PH_CLOSING, PH_IDLE, PH_LOGIN } from './login.js';
import type { StatementSink, ThreadHandling } from './types.js';

const LOGIN = 0; // the connection's new thread runs: it authenticates

/**
 * The server's default: every connection has its own thread, blocked reading its socket
 * between requests. Nothing queues, nothing limits how many threads run at once.
 *
 * Connection life (login.ts): a new connection gets a new thread (thread creation cost; the
 * server's thread cache, thread_cache_size, is not modelled), which authenticates at once; the
 * thread's read of the next request times out after wait_timeout (my_net_read with
 * net_wait_timeout), exactly; KILL CONNECTION of an idle connection closes its socket, which ends
 * the thread's read at once.
 */
export class OneThreadPerConnection implements ThreadHandling, ConnectionLifeHandling, EventHandler {
  readonly counterNames: readonly string[] = [];
  readonly counterSource = '';
  readonly groupCount = 0;
  readonly gaugeNames: readonly string[] = ['threads'];
  private connThread = new Int32Array(0);
  private life: ConnectionLife | null = null;
  private id = -1;
  private live = 0;

  constructor(
    private readonly executor: Executor,
    private readonly threads: ThreadRegistry,
    private readonly sink: StatementSink,
    private readonly sim: Simulator | null = null,
    private readonly threadCreateUs = 0,
  ) {}

  attachLife(life: ConnectionLife): void {
    this.life = life;
    this.id = life.sim.register(this);
    life.onExpire = (conn) => this.close(conn, CLOSED_WAIT_TIMEOUT);
  }

  start(connections: number): void {
    this.connThread = new Int32Array(connections).fill(-1);
    for (let c = 0; c < connections; c++) this.connThread[c] = this.threads.create();
    this.live = connections;
    const life = this.life;
    if (life !== null) for (let c = 0; c < connections; c++) life.armTimer(c, life.sim.now + life.waitTimeoutUs);
  }

  onRequest(conn: number): void {
    const life = this.life;
    if (life !== null) {
      life.busy(conn);
      life.disarmTimer(conn);
    }
    this.executor.start(this.connThread[conn], conn);
  }

  waitBegin(): void {}
  waitEnd(): void {}

  statementDone(_thread: number, conn: number): void {
    const life = this.life;
    if (life !== null) {
      const ph = life.phase[conn];
      if (ph === PH_CLOSING) {
        this.close(conn, CLOSED_KILLED);
        return;
      }
      // The thread goes back to reading the socket, with wait_timeout.
      life.phase[conn] = PH_IDLE;
      life.armTimer(conn, life.sim.now + life.waitTimeoutUs);
      if (ph === PH_LOGIN) {
        life.loggedIn(conn);
        return;
      }
    }
    this.sink.onStatementDone(conn);
  }

  // ---- connection life ---------------------------------------------------------------------

  /** A new connection: the acceptor creates its thread, which authenticates when it runs. */
  connect(conn: number): void {
    const life = this.life as ConnectionLife;
    life.accept(conn);
    this.connThread[conn] = this.threads.create();
    this.live++;
    (this.sim ?? life.sim).schedule(this.threadCreateUs, this.id, LOGIN, conn, 0);
  }

  handleEvent(_kind: number, conn: number): void {
    const life = this.life as ConnectionLife;
    life.prepareLogin(conn);
    this.executor.start(this.connThread[conn], conn);
  }

  disconnect(conn: number): void {
    this.releaseThread(conn);
    (this.life as ConnectionLife).quit(conn);
  }

  kill(conn: number, connection: boolean): boolean {
    const life = this.life as ConnectionLife;
    const ph = life.phase[conn];
    if (ph === PH_BUSY) {
      // THD::awake: the statement notices the kill flag (Executor.kill).
      this.executor.kill(this.connThread[conn]);
      if (connection) life.phase[conn] = PH_CLOSING;
      else life.stats.killedQueries++;
      return true;
    }
    if (ph === PH_IDLE && connection) {
      // The socket is shut down: the thread's read returns at once and the thread ends.
      this.close(conn, CLOSED_KILLED);
      return true;
    }
    return false;
  }

  private close(conn: number, reason: number): void {
    this.releaseThread(conn);
    (this.life as ConnectionLife).closed(conn, reason);
  }

  private releaseThread(conn: number): void {
    const t = this.connThread[conn];
    if (t < 0) return;
    this.threads.destroy(t);
    this.connThread[conn] = -1;
    this.live--;
  }

  sampleGauges(out: Float64Array): void {
    out[0] = this.live;
  }

  groupCounters(): Float64Array {
    return new Float64Array(0);
  }
}
