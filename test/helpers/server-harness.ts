import { Constant, type Distribution } from '../../src/engine/distributions.js';
import { stream } from '../../src/engine/random.js';
import type { EventHandler } from '../../src/engine/simulator.js';
import { Simulator } from '../../src/engine/simulator.js';
import { ConnectionTable, MAX_LOCKS_PER_STATEMENT, MAX_WAITS_PER_STATEMENT } from '../../src/server/connections.js';
import { rateFunction } from '../../src/server/contention.js';
import { Cpu } from '../../src/server/cpu.js';
import { Executor, type InnodbParts } from '../../src/server/executor.js';
import { type LatchConfig, LatchSet } from '../../src/server/latch.js';
import { ThreadRegistry } from '../../src/server/threads.js';
import { type MysqlPoolConfig, mysqlDefaults } from '../../src/threadpool/mysql/profile.js';
import { MysqlThreadPool } from '../../src/threadpool/mysql/pool.js';
import { MariadbThreadPool } from '../../src/threadpool/mariadb/pool.js';
import { mariadbDefaults } from '../../src/threadpool/mariadb/config.js';
import { OneThreadPerConnection } from '../../src/threadpool/one-thread-per-connection.js';
import type { StatementSink, ThreadHandling } from '../../src/threadpool/types.js';

/** A wait of a scripted statement: a latency (reported, disk I/O) or the full form. */
export type ScriptedWait = number | { latency: number; reported?: boolean; type?: number };

/** One statement sent at an exact time (µs), with the server-side work it does. */
export interface ServerRequest {
  conn: number;
  at: number;
  cpu: number;
  trxActive?: boolean;
  waits?: ScriptedWait[];
  /** Row locks taken at the start: [row id, 'S' | 'X']. */
  locks?: Array<[number, 'S' | 'X']>;
  /** Ends its transaction (COMMIT or autocommit): releases locks, flushes redo if it wrote. */
  endsTrx?: boolean;
  /** Marks the transaction as a writer (default: it takes an X lock). */
  writes?: boolean;
  /** Enters InnoDB (innodb_thread_concurrency); default true. */
  entersInnodb?: boolean;
}

export interface ServerDone {
  conn: number;
  arrival: number;
  start: number;
  end: number;
  /** conns.error after the statement (0 ok, 1 deadlock, 2 lock wait timeout). */
  error: number;
}

export interface InnodbOptions {
  locks?: boolean;
  deadlockDetect?: boolean;
  deadlockDetector?: 'graph' | 'wait-chain';
  lockWaitTimeoutUs?: number;
  redo?: { mode: 0 | 1 | 2; fsync: number | Distribution; logWriteUs?: number } | null;
  threadConcurrency?: number;
  concurrencyTickets?: number;
  sqlLayerShare?: number;
  readViewWalkUs?: number;
}

class ServerScript implements EventHandler, StatementSink {
  readonly id: number;
  readonly done: ServerDone[] = [];
  handling: ThreadHandling | null = null;
  private readonly pending: ServerRequest[] = [];

  constructor(
    private readonly sim: Simulator,
    private readonly conns: ConnectionTable,
  ) {
    this.id = sim.register(this);
  }

  add(r: ServerRequest): void {
    this.pending.push(r);
    this.sim.scheduleAt(r.at, this.id, 0, this.pending.length - 1, 0);
  }

  handleEvent(_kind: number, index: number): void {
    const r = this.pending[index];
    const c = r.conn;
    const t = this.conns;
    t.cpu[c] = r.cpu;
    t.trxActive[c] = r.trxActive === true ? 1 : 0;
    const waits = r.waits ?? [];
    t.waitCount[c] = waits.length;
    waits.forEach((w, i) => {
      const k = c * MAX_WAITS_PER_STATEMENT + i;
      const full = typeof w === 'number' ? { latency: w } : w;
      t.waitLatency[k] = full.latency;
      t.waitType[k] = full.type ?? 0;
      t.waitReported[k] = full.reported === false ? 0 : 1;
    });
    const locks = r.locks ?? [];
    t.lockCount[c] = locks.length;
    locks.forEach(([row, mode], i) => {
      t.lockRow[c * MAX_LOCKS_PER_STATEMENT + i] = row;
      t.lockExclusive[c * MAX_LOCKS_PER_STATEMENT + i] = mode === 'X' ? 1 : 0;
    });
    t.writes[c] = (r.writes ?? locks.some(([, m]) => m === 'X')) ? 1 : 0;
    t.endsTrx[c] = r.endsTrx === true ? 1 : 0;
    t.entersInnodb[c] = r.entersInnodb === false ? 0 : 1;
    t.arrival[c] = this.sim.now;
    (this.handling as ThreadHandling).onRequest(c);
  }

  onStatementDone(conn: number): void {
    this.done.push({ conn, arrival: this.conns.arrival[conn], start: this.conns.start[conn], end: this.sim.now, error: this.conns.error[conn] });
  }
}

export interface ServerHarness<H extends ThreadHandling> {
  sim: Simulator;
  latches: LatchSet | null;
  handling: H;
  executor: Executor;
  parts: InnodbParts;
  send(r: ServerRequest): void;
  done: ServerDone[];
  /** The k-th finished statement of `conn` (0 = first). */
  doneOf(conn: number, k?: number): ServerDone;
}

/**
 * A server with the InnoDB model on, driven by scripted statements at exact times: the lock,
 * redo-log and admission tests read exact simulated times from it. Thread handling: one thread
 * per connection ("tpc", nothing queues in front of InnoDB) or a one-group MySQL pool.
 */
export function serverHarness(opts: {
  handling?: 'tpc' | 'mysql' | 'mariadb';
  mysql?: Partial<MysqlPoolConfig>;
  /** MariaDB pool only: 10.6+ asynchronous commit. */
  asyncCommit?: boolean;
  /** Latches (statements are class 0) and the deadlock search's class and CPU per step. */
  latches?: { config: LatchConfig; search?: { cls: number; perStepUs: number } };
  cores?: number;
  connections?: number;
  innodb?: InnodbOptions;
}): ServerHarness<ThreadHandling> {
  const cores = opts.cores ?? 4;
  const n = opts.connections ?? 8;
  const sim = new Simulator();
  const conns = new ConnectionTable(n);
  const threads = new ThreadRegistry(sim);
  const ex = new Executor(sim, conns);
  const cpu = new Cpu(sim, cores, rateFunction(cores, { model: 'none' }), ex);
  ex.cpu = cpu;
  const o = opts.innodb ?? {};
  const redo = o.redo ?? null;
  const parts = ex.attachInnodb({
    locks: o.locks ?? true,
    deadlockDetect: o.deadlockDetect ?? true,
    deadlockDetector: o.deadlockDetector ?? 'graph',
    lockWaitTimeoutUs: o.lockWaitTimeoutUs ?? 50e6,
    redo:
      redo === null
        ? null
        : {
            mode: redo.mode,
            fsync: typeof redo.fsync === 'number' ? new Constant(redo.fsync) : redo.fsync,
            rng: stream(1, 'redo'),
            logWriteUs: redo.logWriteUs ?? 0,
          },
    threadConcurrency: o.threadConcurrency ?? 0,
    concurrencyTickets: o.concurrencyTickets ?? 5000,
    sqlLayerShare: o.sqlLayerShare ?? 0,
    readViewWalkUs: o.readViewWalkUs ?? 0,
  });
  const latches = opts.latches === undefined ? null : new LatchSet(sim, opts.latches.config);
  if (latches !== null) ex.attachLatches(latches, opts.latches?.search ?? null);
  const script = new ServerScript(sim, conns);
  let handling: ThreadHandling;
  if (opts.handling === 'mariadb') {
    const pool = new MariadbThreadPool(sim, { ...mariadbDefaults(cores), thread_pool_size: 1 }, conns, ex, threads, script, 50);
    if (opts.asyncCommit === true) ex.attachAsyncCommit(pool);
    handling = pool;
  } else if (opts.handling === 'mysql') {
    const cfg = { ...mysqlDefaults('8.4', cores), thread_pool_size: 1, ...opts.mysql };
    handling = new MysqlThreadPool(sim, cfg, conns, ex, threads, script, cores, 50);
  } else {
    handling = new OneThreadPerConnection(ex, threads, script);
  }
  ex.observer = handling;
  script.handling = handling;
  handling.start(n);
  return {
    sim,
    latches,
    handling,
    executor: ex,
    parts,
    send: (r) => script.add(r),
    done: script.done,
    doneOf: (conn, k = 0) => {
      const d = script.done.filter((x) => x.conn === conn)[k];
      if (d === undefined) throw new Error(`connection ${conn} has not finished statement ${k}`);
      return d;
    },
  };
}
