import type { EventHandler } from '../../src/engine/simulator.js';
import { Simulator } from '../../src/engine/simulator.js';
import { ConnectionTable, MAX_WAITS_PER_STATEMENT } from '../../src/server/connections.js';
import { rateFunction } from '../../src/server/contention.js';
import { Cpu } from '../../src/server/cpu.js';
import { Executor } from '../../src/server/executor.js';
import { ThreadRegistry } from '../../src/server/threads.js';
import { ConnectionLife, type ConnectionLifeHandling, type ConnectionSink } from '../../src/threadpool/login.js';
import { type MariadbPoolConfig, mariadbDefaults } from '../../src/threadpool/mariadb/config.js';
import { MariadbThreadPool } from '../../src/threadpool/mariadb/pool.js';
import { type MysqlPoolConfig, mysqlDefaults } from '../../src/threadpool/mysql/profile.js';
import { MysqlThreadPool } from '../../src/threadpool/mysql/pool.js';
import { OneThreadPerConnection } from '../../src/threadpool/one-thread-per-connection.js';
import { type PerconaPoolConfig, perconaDefaults } from '../../src/threadpool/percona/config.js';
import { PerconaThreadPool } from '../../src/threadpool/percona/pool.js';
import type { ThreadHandling } from '../../src/threadpool/types.js';

/** A statement sent at an exact time: CPU split evenly around reported waits (µs). */
export interface LifeRequest {
  conn: number;
  at: number;
  cpu: number;
  waits?: number[];
}

export interface Reply {
  conn: number;
  arrival: number;
  start: number;
  end: number;
  /** ConnectionTable.error: 0 ok, 3 killed (STATEMENT_KILLED). */
  error: number;
}

const SEND = 0;
const CONNECT = 1;
const QUIT = 2;
const KILL = 3;

/**
 * Drives a thread handling with the connection life on: statements, connects, QUITs and KILLs at
 * exact times (µs); records replies, logins and closes with their simulated times. Logins cost
 * `loginCpu` µs; wait_timeout is `waitTimeoutUs`.
 */
class LifeScript implements EventHandler, ConnectionSink {
  readonly id: number;
  readonly replies: Reply[] = [];
  readonly logins: Array<{ conn: number; at: number }> = [];
  readonly closes: Array<{ conn: number; at: number; reason: number }> = [];
  readonly killed: boolean[] = [];
  handling: (ThreadHandling & ConnectionLifeHandling) | null = null;
  private readonly requests: LifeRequest[] = [];
  private readonly kills: Array<{ conn: number; connection: boolean }> = [];

  constructor(
    private readonly sim: Simulator,
    private readonly conns: ConnectionTable,
  ) {
    this.id = sim.register(this);
  }

  send(r: LifeRequest): void {
    this.requests.push(r);
    this.sim.scheduleAt(r.at, this.id, SEND, this.requests.length - 1, 0);
  }

  connect(conn: number, at: number): void {
    this.sim.scheduleAt(at, this.id, CONNECT, conn, 0);
  }

  quit(conn: number, at: number): void {
    this.sim.scheduleAt(at, this.id, QUIT, conn, 0);
  }

  kill(conn: number, at: number, connection: boolean): void {
    this.kills.push({ conn, connection });
    this.sim.scheduleAt(at, this.id, KILL, this.kills.length - 1, 0);
  }

  handleEvent(kind: number, target: number): void {
    const h = this.handling as ThreadHandling & ConnectionLifeHandling;
    if (kind === SEND) {
      const r = this.requests[target];
      const c = r.conn;
      const cn = this.conns;
      cn.cpu[c] = r.cpu;
      cn.trxActive[c] = 0;
      cn.trxRegistered[c] = 0;
      cn.trxOpenAfter[c] = 0;
      cn.endsTrx[c] = 1;
      cn.entersInnodb[c] = 1;
      cn.sessionLocks[c] = 0;
      cn.lockCount[c] = 0;
      const waits = r.waits ?? [];
      cn.waitCount[c] = waits.length;
      waits.forEach((w, i) => {
        cn.waitLatency[c * MAX_WAITS_PER_STATEMENT + i] = w;
        cn.waitType[c * MAX_WAITS_PER_STATEMENT + i] = 4; // sleep
        cn.waitReported[c * MAX_WAITS_PER_STATEMENT + i] = 1;
      });
      cn.arrival[c] = this.sim.now;
      h.onRequest(c);
    } else if (kind === CONNECT) {
      h.connect(target);
    } else if (kind === QUIT) {
      h.disconnect(target);
    } else {
      const k = this.kills[target];
      this.killed[target] = h.kill(k.conn, k.connection);
    }
  }

  onStatementDone(conn: number): void {
    const c = this.conns;
    this.replies.push({ conn, arrival: c.arrival[conn], start: c.start[conn], end: this.sim.now, error: c.error[conn] });
  }

  onLoggedIn(conn: number): void {
    this.logins.push({ conn, at: this.sim.now });
  }

  onClosed(conn: number, reason: number): void {
    this.closes.push({ conn, at: this.sim.now, reason });
  }
}

export interface LifeHarness<H extends ThreadHandling & ConnectionLifeHandling> {
  sim: Simulator;
  handling: H;
  threads: ThreadRegistry;
  life: ConnectionLife;
  script: LifeScript;
  run(until: number): void;
}

type Make<H> = (sim: Simulator, conns: ConnectionTable, ex: Executor, threads: ThreadRegistry, sink: ConnectionSink) => H;

function build<H extends ThreadHandling & ConnectionLifeHandling>(
  opts: { cores?: number; connections?: number; loginCpu?: number; waitTimeoutUs?: number },
  make: Make<H>,
): LifeHarness<H> {
  const cores = opts.cores ?? 1;
  const sim = new Simulator();
  const conns = new ConnectionTable(opts.connections ?? 4);
  const threads = new ThreadRegistry(sim);
  const ex = new Executor(sim, conns);
  ex.cpu = new Cpu(sim, cores, rateFunction(cores, { model: 'none' }), ex);
  const script = new LifeScript(sim, conns);
  const handling = make(sim, conns, ex, threads, script);
  ex.observer = handling;
  script.handling = handling;
  const loginCpu = opts.loginCpu ?? 200;
  const life = new ConnectionLife(sim, conns, ex, opts.waitTimeoutUs ?? Infinity, () => loginCpu);
  life.sink = script;
  handling.attachLife(life);
  handling.start(conns.count);
  return { sim, handling, threads, life, script, run: (until) => sim.run(until) };
}

type Opts = { cores?: number; connections?: number; loginCpu?: number; waitTimeoutUs?: number; threadCreate?: number };

export function tpcLife(opts: Opts = {}): LifeHarness<OneThreadPerConnection> {
  return build(opts, (sim, _c, ex, threads, sink) => new OneThreadPerConnection(ex, threads, sink, sim, opts.threadCreate ?? 50));
}

export function mysqlLife(config: Partial<MysqlPoolConfig>, opts: Opts = {}): LifeHarness<MysqlThreadPool> {
  const cfg = { ...mysqlDefaults('8.4', opts.cores ?? 1), thread_pool_size: 1, ...config };
  return build(opts, (sim, conns, ex, threads, sink) => new MysqlThreadPool(sim, cfg, conns, ex, threads, sink, opts.cores ?? 1, opts.threadCreate ?? 50));
}

export function mariadbLife(config: Partial<MariadbPoolConfig>, opts: Opts = {}): LifeHarness<MariadbThreadPool> {
  const cfg = { ...mariadbDefaults(opts.cores ?? 1), thread_pool_size: 1, ...config };
  return build(opts, (sim, conns, ex, threads, sink) => new MariadbThreadPool(sim, cfg, conns, ex, threads, sink, opts.threadCreate ?? 50));
}

export function perconaLife(config: Partial<PerconaPoolConfig>, opts: Opts = {}): LifeHarness<PerconaThreadPool> {
  const cfg = { ...perconaDefaults(opts.cores ?? 1), thread_pool_size: 1, ...config };
  return build(opts, (sim, conns, ex, threads, sink) => new PerconaThreadPool(sim, cfg, conns, ex, threads, sink, opts.threadCreate ?? 50));
}
