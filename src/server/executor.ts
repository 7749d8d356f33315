import type { EventHandler, Simulator } from '../engine/simulator.js';
import { growFloat64, growInt32 } from '../engine/grow.js';
import { type ConnectionTable, MAX_WAITS_PER_STATEMENT } from './connections.js';
import type { Cpu, CpuClient } from './cpu.js';

/**
 * What the thread handling is told while a statement runs. Reported waits call waitBegin /
 * waitEnd (the server's thd_wait_begin / thd_wait_end); unreported ones look like CPU time.
 */
export interface ExecutionObserver {
  waitBegin(thread: number, conn: number, waitType: number): void;
  waitEnd(thread: number, conn: number): void;
  statementDone(thread: number, conn: number): void;
}

const WAIT_END = 0;

/**
 * Runs a connection's current statement on a thread: its CPU demand split evenly around its
 * waits (cpu, wait, cpu, wait, ..., cpu), each CPU part served by the shared Cpu.
 */
export class Executor implements EventHandler, CpuClient {
  private readonly id: number;
  private threadConn = new Int32Array(64).fill(-1);
  private threadStep = new Int32Array(64);
  private threadSlice = new Float64Array(64);
  observer: ExecutionObserver | null = null;
  cpu: Cpu | null = null;

  constructor(
    private readonly sim: Simulator,
    private readonly conns: ConnectionTable,
  ) {
    this.id = sim.register(this);
  }

  /** Starts the connection's current statement on `thread`. */
  start(thread: number, conn: number): void {
    if (thread >= this.threadConn.length) this.grow(thread + 1);
    this.conns.start[conn] = this.sim.now;
    this.threadConn[thread] = conn;
    this.threadStep[thread] = 0;
    const slice = this.conns.cpu[conn] / (this.conns.waitCount[conn] + 1);
    this.threadSlice[thread] = slice;
    (this.cpu as Cpu).run(thread, slice);
  }

  /** Connection the thread is executing, or -1. */
  connOf(thread: number): number {
    return thread < this.threadConn.length ? this.threadConn[thread] : -1;
  }

  onCpuDone(thread: number): void {
    const conn = this.threadConn[thread];
    const step = this.threadStep[thread];
    if (step < this.conns.waitCount[conn]) {
      const w = conn * MAX_WAITS_PER_STATEMENT + step;
      if (this.conns.waitReported[w] === 1) {
        (this.observer as ExecutionObserver).waitBegin(thread, conn, this.conns.waitType[w]);
      }
      this.sim.schedule(this.conns.waitLatency[w], this.id, WAIT_END, thread, 0);
      return;
    }
    this.threadConn[thread] = -1;
    (this.observer as ExecutionObserver).statementDone(thread, conn);
  }

  handleEvent(_kind: number, thread: number): void {
    const conn = this.threadConn[thread];
    const step = this.threadStep[thread];
    const w = conn * MAX_WAITS_PER_STATEMENT + step;
    this.threadStep[thread] = step + 1;
    if (this.conns.waitReported[w] === 1) (this.observer as ExecutionObserver).waitEnd(thread, conn);
    (this.cpu as Cpu).run(thread, this.threadSlice[thread]);
  }

  private grow(need: number): void {
    this.threadConn = growInt32(this.threadConn, need, -1);
    this.threadStep = growInt32(this.threadStep, need);
    this.threadSlice = growFloat64(this.threadSlice, need);
  }
}
