import { type Rng, stream } from '../engine/random.js';
import type { Simulator } from '../engine/simulator.js';
import type { ConnectionTable } from '../server/connections.js';
import { Cpu, type CpuClient } from '../server/cpu.js';
import { rateFunction } from '../server/contention.js';
import type { Measurements } from '../stats/measurements.js';
import type { Distribution } from '../engine/distributions.js';
import { buildDistribution } from './dist-spec.js';
import type { DistSpec } from './schema.js';
import { pickTransaction } from './statement-work.js';
import type { CompiledWorkload } from './templates.js';
import { ARRIVE, TransactionClients } from './transaction-clients.js';

/** Event kind: a statement is ready at the client and needs the client's CPU before it leaves. */
const CLIENT_WORK = 1;

/** The client machine of `workload.client.machine`. */
export interface ClientMachine {
  cores: number;
  cpu: DistSpec;
}

/**
 * Closed-loop clients (sysbench-like): each connection runs one transaction after another,
 * statement by statement, waiting for each reply, with a think time between transactions. A
 * statement's work and the network round trip are drawn when it is sent, from the connection's
 * own stream, in a fixed order, so the workload a connection generates does not depend on how
 * the server treats it.
 */
export class ClosedLoopClients extends TransactionClients implements CpuClient {
  /** The client's CPU (processor sharing, no contention); null without workload.client.machine. */
  readonly clientCpu: Cpu | null = null;
  private readonly clientWork: Distribution | null = null;
  private readonly clientRngs: Rng[] = [];

  constructor(sim: Simulator, w: CompiledWorkload, conns: ConnectionTable, m: Measurements, seed: number, machine?: ClientMachine) {
    super(sim, w, conns, m, seed);
    if (machine !== undefined) {
      this.clientCpu = new Cpu(sim, machine.cores, rateFunction(machine.cores, { model: 'none' }), this);
      this.clientWork = buildDistribution(machine.cpu);
      for (let c = 0; c < conns.count; c++) this.clientRngs.push(stream(seed, 'client-cpu', c));
    }
  }

  /** Every connection starts its first transaction after one think time. */
  start(): void {
    for (let c = 0; c < this.conns.count; c++) this.beginTransaction(c, this.sim.now + this.w.think.sample(this.rngs[c]));
  }

  handleEvent(kind: number, conn: number): void {
    if (kind === CLIENT_WORK) (this.clientCpu as Cpu).run(conn, (this.clientWork as Distribution).sample(this.clientRngs[conn]));
    else this.arrive(conn);
  }

  protected override dispatch(conn: number, sendAt: number, half: number): void {
    if (this.clientCpu === null) super.dispatch(conn, sendAt, half);
    else this.sim.scheduleAt(sendAt, this.id, CLIENT_WORK, conn, 0);
  }

  /** The client finished preparing the statement: it goes out on the network. */
  onCpuDone(conn: number): void {
    this.sim.scheduleAt(this.sim.now + this.rttHalf[conn], this.id, ARRIVE, conn, 0);
  }

  protected transactionDone(conn: number, replyAt: number): void {
    this.beginTransaction(conn, replyAt + this.w.think.sample(this.rngs[conn]));
  }

  private beginTransaction(conn: number, sendAt: number): void {
    this.txn[conn] = pickTransaction(this.w, this.rngs[conn](), conn);
    this.step[conn] = 0;
    this.txnStart[conn] = sendAt;
    this.send(conn, sendAt);
  }
}
