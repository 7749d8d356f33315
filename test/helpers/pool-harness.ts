import type { EventHandler } from '../../src/engine/simulator.js';
import { Simulator } from '../../src/engine/simulator.js';
import { ConnectionTable, MAX_WAITS_PER_STATEMENT } from '../../src/server/connections.js';
import { rateFunction } from '../../src/server/contention.js';
import { Cpu } from '../../src/server/cpu.js';
import { Executor } from '../../src/server/executor.js';
import { ThreadRegistry } from '../../src/server/threads.js';
import { type MysqlPoolConfig, mysqlDefaults } from '../../src/threadpool/mysql/profile.js';
import { MysqlThreadPool } from '../../src/threadpool/mysql/pool.js';
import { OneThreadPerConnection } from '../../src/threadpool/one-thread-per-connection.js';
import { type MariadbPoolConfig, mariadbDefaults } from '../../src/threadpool/mariadb/config.js';
import { MariadbThreadPool } from '../../src/threadpool/mariadb/pool.js';
import { type PerconaPoolConfig, perconaDefaults } from '../../src/threadpool/percona/config.js';
import { PerconaThreadPool } from '../../src/threadpool/percona/pool.js';
import type { StatementSink, ThreadHandling } from '../../src/threadpool/types.js';

export interface ScriptedRequest {
  conn: number;
  at: number;
  cpu: number;
  trxActive?: boolean;
  /** InnoDB is registered in the transaction (ConnectionTable.trxRegistered); default: as trxActive. */
  trxRegistered?: boolean;
  /** A transaction is still open after the statement (ConnectionTable.trxOpenAfter; endsTrx is its negation). */
  trxOpenAfter?: boolean;
  /** The statement enters InnoDB (ConnectionTable.entersInnodb); default true, false for BEGIN / COMMIT. */
  entersInnodb?: boolean;
  /** Reported waits after an even split of the CPU demand. */
  waits?: number[];
  /** Unreported waits (ConnectionTable.waitReported 0) instead: off-CPU time the pool does not see. */
  unreported?: boolean;
  /** The session holds table / metadata / user-level locks when it arrives (ConnectionTable.sessionLocks). */
  sessionLocks?: boolean;
}

export interface Done {
  conn: number;
  arrival: number;
  start: number;
  end: number;
}

/**
 * Drives a thread handling with requests at exact times (µs), one at a time per connection,
 * and records when each started and ended: rule tests read exact simulated times from it.
 */
class Script implements EventHandler, StatementSink {
  readonly id: number;
  readonly done: Done[] = [];
  handling: ThreadHandling | null = null;
  private readonly pending: ScriptedRequest[] = [];
  private readonly arrived: boolean[] = [];

  constructor(
    private readonly sim: Simulator,
    private readonly conns: ConnectionTable,
  ) {
    this.id = sim.register(this);
  }

  add(r: ScriptedRequest): void {
    this.pending.push(r);
    this.arrived.push(false);
    this.sim.scheduleAt(r.at, this.id, 0, this.pending.length - 1, 0);
  }

  /** Writes a request's work into the connection table, as a client does when it sends it. */
  private draw(r: ScriptedRequest): void {
    const c = r.conn;
    this.conns.cpu[c] = r.cpu;
    this.conns.trxActive[c] = r.trxActive === true ? 1 : 0;
    this.conns.trxRegistered[c] = (r.trxRegistered ?? r.trxActive) === true ? 1 : 0;
    this.conns.trxOpenAfter[c] = r.trxOpenAfter === true ? 1 : 0;
    this.conns.endsTrx[c] = r.trxOpenAfter === true ? 0 : 1;
    this.conns.entersInnodb[c] = r.entersInnodb === false ? 0 : 1;
    this.conns.sessionLocks[c] = r.sessionLocks === true ? 1 : 0;
    const waits = r.waits ?? [];
    this.conns.waitCount[c] = waits.length;
    waits.forEach((w, i) => {
      this.conns.waitLatency[c * MAX_WAITS_PER_STATEMENT + i] = w;
      this.conns.waitType[c * MAX_WAITS_PER_STATEMENT + i] = 0;
      this.conns.waitReported[c * MAX_WAITS_PER_STATEMENT + i] = r.unreported === true ? 0 : 1;
    });
  }

  handleEvent(_kind: number, index: number): void {
    const r = this.pending[index];
    this.arrived[index] = true;
    this.draw(r);
    this.conns.arrival[r.conn] = this.sim.now;
    (this.handling as ThreadHandling).onRequest(r.conn);
  }

  onStatementDone(conn: number): void {
    this.done.push({ conn, arrival: this.conns.arrival[conn], start: this.conns.start[conn], end: this.sim.now });
    // A client draws its next statement when the reply comes (drawStatementWork in
    // TransactionClients.send), before the server has finished with this one: so do we, so that
    // a thread handling that reads the table after telling the client sees what a real run shows.
    for (let i = 0; i < this.pending.length; i++) {
      if (!this.arrived[i] && this.pending[i].conn === conn) {
        this.draw(this.pending[i]);
        return;
      }
    }
  }
}

export interface Harness<H extends ThreadHandling> {
  sim: Simulator;
  handling: H;
  threads: ThreadRegistry;
  cpu: Cpu;
  send(r: ScriptedRequest): void;
  done: Done[];
  doneOf(conn: number): Done;
}

function build<H extends ThreadHandling>(
  cores: number,
  connections: number,
  make: (sim: Simulator, conns: ConnectionTable, ex: Executor, threads: ThreadRegistry, sink: StatementSink) => H,
): Harness<H> {
  const sim = new Simulator();
  const conns = new ConnectionTable(connections);
  const threads = new ThreadRegistry(sim);
  const ex = new Executor(sim, conns);
  const cpu = new Cpu(sim, cores, rateFunction(cores, { model: 'none' }), ex);
  ex.cpu = cpu;
  const script = new Script(sim, conns);
  const handling = make(sim, conns, ex, threads, script);
  ex.observer = handling;
  script.handling = handling;
  handling.start(connections);
  return {
    sim,
    handling,
    threads,
    cpu,
    send: (r) => script.add(r),
    done: script.done,
    doneOf: (conn) => {
      const d = script.done.find((x) => x.conn === conn);
      if (d === undefined) throw new Error(`connection ${conn} has not finished`);
      return d;
    },
  };
}

/** A MySQL pool on `cores` cores with 8.4 defaults overridden by `config`; thread creation 50 µs. */
export function mysqlHarness(
  config: Partial<MysqlPoolConfig>,
  opts: { cores?: number; connections?: number; threadCreate?: number } = {},
): Harness<MysqlThreadPool> {
  const cores = opts.cores ?? 1;
  const cfg = { ...mysqlDefaults('8.4', cores), thread_pool_size: 1, ...config };
  return build(cores, opts.connections ?? 8, (sim, conns, ex, threads, sink) => {
    return new MysqlThreadPool(sim, cfg, conns, ex, threads, sink, cores, opts.threadCreate ?? 50);
  });
}

export function tpcHarness(opts: { cores?: number; connections?: number } = {}): Harness<OneThreadPerConnection> {
  return build(opts.cores ?? 1, opts.connections ?? 8, (_sim, _conns, ex, threads, sink) => {
    return new OneThreadPerConnection(ex, threads, sink);
  });
}

/** A MariaDB pool on `cores` cores, defaults overridden by `config` (one group unless set); thread creation 50 µs. */
export function mariadbHarness(
  config: Partial<MariadbPoolConfig>,
  opts: { cores?: number; connections?: number; threadCreate?: number } = {},
): Harness<MariadbThreadPool> {
  const cores = opts.cores ?? 1;
  const cfg = { ...mariadbDefaults(cores), thread_pool_size: 1, ...config };
  return build(cores, opts.connections ?? 8, (sim, conns, ex, threads, sink) => {
    return new MariadbThreadPool(sim, cfg, conns, ex, threads, sink, opts.threadCreate ?? 50);
  });
}

/** A Percona pool on `cores` cores, defaults overridden by `config` (one group unless set); thread creation 50 µs. */
export function perconaHarness(
  config: Partial<PerconaPoolConfig>,
  opts: { cores?: number; connections?: number; threadCreate?: number } = {},
): Harness<PerconaThreadPool> {
  const cores = opts.cores ?? 1;
  const cfg = { ...perconaDefaults(cores), thread_pool_size: 1, ...config };
  return build(cores, opts.connections ?? 8, (sim, conns, ex, threads, sink) => {
    return new PerconaThreadPool(sim, cfg, conns, ex, threads, sink, opts.threadCreate ?? 50);
  });
}

/** A counter of one group by its flavour's own name (e.g. MariaDB's POLLS_BY_LISTENER). */
export function counterOf(h: Harness<ThreadHandling>, name: string, group = 0): number {
  return h.handling.groupCounters(group)[h.handling.counterNames.indexOf(name)];
}

/** The thread handling's gauges now, by name. */
export function gaugesOf(h: Harness<ThreadHandling>): Record<string, number> {
  const out = new Float64Array(h.handling.gaugeNames.length);
  h.handling.sampleGauges(out);
  return Object.fromEntries(h.handling.gaugeNames.map((n, i) => [n, out[i]]));
}
