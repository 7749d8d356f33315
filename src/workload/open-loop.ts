import { Constant, type Distribution, Exponential } from '../engine/distributions.js';
import { IntQueue } from '../engine/int-queue.js';
import { type Rng, stream } from '../engine/random.js';
import type { Simulator } from '../engine/simulator.js';
import type { ConnectionTable } from '../server/connections.js';
import type { Measurements } from '../stats/measurements.js';
import { buildDistribution } from './dist-spec.js';
import type { ArrivalsSpec, OpenClientSpec } from './schema.js';
import { pickTransaction } from './statement-work.js';
import type { CompiledWorkload } from './templates.js';
import { ARRIVE, TransactionClients } from './transaction-clients.js';

const TX_ARRIVAL = 1; // a new transaction arrives at the client side
const RELEASE = 2; // a connection goes back to the pool (its last reply has arrived)

/** The interarrival law of an arrivals spec, in µs. */
export function interarrival(a: ArrivalsSpec): Distribution {
  if (a.process === 'poisson') return new Exponential(1e6 / a.rate);
  if (a.process === 'deterministic') return new Constant(1e6 / a.rate);
  return buildDistribution(a.interarrival);
}

/**
 * Open-loop clients: transactions arrive as a renewal process (Poisson, evenly spaced or any
 * interarrival law) from their own stream ('arrivals'), whatever the server does, and the same
 * stream picks each arrival's transaction type, so types are independent marks (a Poisson
 * stream splits into independent Poisson streams per type). Each takes the connection idle the
 * longest (FIFO) or waits in a FIFO backlog; its statements then go one after another on that
 * connection, their work drawn from the connection's own stream exactly as the closed loop
 * draws it (one uniform for the transaction pick, here unused, then each statement's work).
 * Transaction latency runs from the arrival, backlog wait included, to the last reply.
 *
 * With idleInTransaction an explicit transaction starts at its first statement after BEGIN:
 * the connection opened it while idle (its cost is not simulated). Sending that BEGIN when the
 * connection is released would not do: BEGINs queue in the pool's low-priority queue and
 * release connections in runs, which makes the stream of statements of open transactions
 * burstier than Poisson (measured: interarrival cv 1.09).
 *
 * A backlog longer than `maxBacklog` is taken as proof that arrivals outrun the server: the run
 * stops there (bounded memory) and is reported unstable.
 */
export class OpenLoopClients extends TransactionClients {
  private readonly arrivalsRng: Rng;
  private readonly ia: Distribution;
  private readonly idle = new IntQueue(1024);
  private backlogTimes = new Float64Array(1024);
  private backlogTypes = new Int32Array(1024);
  private backlogHead = 0;
  private backlogSize = 0;
  private readonly maxBacklog: number;
  private readonly idleInTrx: boolean;
  /** Set when the backlog overflowed; the simulator has been stopped. */
  overflowAt = -1;
  peakBacklog = 0;
  arrivals = 0;

  constructor(sim: Simulator, w: CompiledWorkload, conns: ConnectionTable, m: Measurements, seed: number, spec: OpenClientSpec) {
    super(sim, w, conns, m, seed);
    this.arrivalsRng = stream(seed, 'arrivals', 0);
    this.ia = interarrival(spec.arrivals);
    this.maxBacklog = spec.maxBacklog;
    this.idleInTrx = spec.idleInTransaction;
    // [assumption] the idle open transaction has already used InnoDB (transaction->is_active()).
    this.openTrxRegistered = spec.idleInTransaction;
  }

  /** Transactions waiting for an idle connection. */
  get backlog(): number {
    return this.backlogSize;
  }

  start(): void {
    for (let c = 0; c < this.conns.count; c++) this.idle.push(c);
    this.sim.schedule(this.ia.sample(this.arrivalsRng), this.id, TX_ARRIVAL, 0, 0);
  }

  handleEvent(kind: number, conn: number): void {
    if (kind === ARRIVE) {
      this.arrive(conn);
    } else if (kind === TX_ARRIVAL) {
      this.arrivals++;
      const type = pickTransaction(this.w, this.arrivalsRng());
      this.sim.schedule(this.ia.sample(this.arrivalsRng), this.id, TX_ARRIVAL, 0, 0);
      if (this.idle.size > 0) this.begin(this.idle.shift(), this.sim.now, type);
      else this.enqueue(this.sim.now, type);
    } else {
      this.release(conn);
    }
  }

  /** The last reply reaches the client at replyAt: then the connection is free again. */
  protected transactionDone(conn: number, replyAt: number): void {
    this.sim.scheduleAt(replyAt, this.id, RELEASE, conn, 0);
  }

  protected override firstStep(t: number): number {
    return this.idleInTrx && this.w.transactions[t].explicit ? 1 : 0;
  }

  /** The connection is free: it serves the oldest waiting arrival, or waits in the pool. */
  private release(conn: number): void {
    if (this.backlogSize > 0) {
      const arrivedAt = this.backlogTimes[this.backlogHead];
      const type = this.backlogTypes[this.backlogHead];
      this.backlogHead = (this.backlogHead + 1) % this.backlogTimes.length;
      this.backlogSize--;
      this.begin(conn, arrivedAt, type);
    } else {
      this.idle.push(conn);
    }
  }

  private begin(conn: number, arrivedAt: number, type: number): void {
    // The closed loop's pick uniform, drawn and unused: the connection's stream stays aligned.
    this.rngs[conn]();
    this.txn[conn] = type;
    this.step[conn] = this.firstStep(type);
    this.txnStart[conn] = arrivedAt;
    this.send(conn, this.sim.now);
  }

  private enqueue(at: number, type: number): void {
    if (this.backlogSize >= this.maxBacklog) {
      // Overload: more waiting arrivals than the bound allows. Stop rather than grow.
      this.overflowAt = at;
      this.sim.stop();
      return;
    }
    const cap = this.backlogTimes.length;
    if (this.backlogSize === cap) {
      const b = new Float64Array(cap * 2);
      const k = new Int32Array(cap * 2);
      for (let i = 0; i < cap; i++) {
        b[i] = this.backlogTimes[(this.backlogHead + i) % cap];
        k[i] = this.backlogTypes[(this.backlogHead + i) % cap];
      }
      this.backlogTimes = b;
      this.backlogTypes = k;
      this.backlogHead = 0;
    }
    const slot = (this.backlogHead + this.backlogSize) % this.backlogTimes.length;
    this.backlogTimes[slot] = at;
    this.backlogTypes[slot] = type;
    this.backlogSize++;
    if (this.backlogSize > this.peakBacklog) this.peakBacklog = this.backlogSize;
  }
}
