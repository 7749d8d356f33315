import { Exponential } from '../engine/distributions.js';
import { type Rng, stream } from '../engine/random.js';
import { type EventHandler, Simulator } from '../engine/simulator.js';
import { DOUBLE_ZERO } from '../engine/double-zero.js';

/**
 * An M/M/c FIFO queue built on the bare engine: a validation model (its mean response time is
 * known exactly, see stats/theory.ts) and the engine's throughput benchmark. The hot path
 * allocates nothing: customers are just arrival times in a Float64Array ring, servers are
 * indices into typed arrays, and events carry the server index.
 */
export interface MmcOptions {
  /** Arrival rate (per unit time). */
  lambda: number;
  /** Service rate of one server. */
  mu: number;
  /** Number of servers. */
  c: number;
  /** Customers measured after the warm-up. */
  customers: number;
  /** Customers completed (and ignored) before measuring starts. */
  warmupCustomers?: number;
  seed: number | string;
  /** Keep every measured response time, in completion order (for batch means). */
  keepResponses?: boolean;
}

export interface MmcResult {
  /** Mean response (waiting + service) time of the measured customers. */
  meanResponse: number;
  /** Mean waiting time in the queue of the measured customers. */
  meanWait: number;
  /** Measured response times in completion order, when requested. */
  responses?: Float64Array;
  /** Events the simulator processed, warm-up included. */
  events: number;
  /** Simulated time at the last measured completion. */
  simulatedTime: number;
}

const ARRIVAL = 0;
const DEPARTURE = 1;

class MmcModel implements EventHandler {
  private readonly id: number;
  private readonly interarrival: Exponential;
  private readonly service: Exponential;
  private readonly arrivalRng: Rng;
  private readonly serviceRng: Rng;
  /** Waiting customers' arrival times, FIFO; capacity a power of two. */
  private ring = new Float64Array(1024);
  private head = 0;
  private queued = 0;
  /** Per server: arrival and service start time of the customer it is serving. */
  private readonly arrivedAt: Float64Array;
  private readonly startedAt: Float64Array;
  /** Stack of idle server indices. */
  private readonly idle: Int32Array;
  private idleCount: number;
  private completed = 0;
  private readonly warmup: number;
  private readonly total: number;
  sumResponse = DOUBLE_ZERO;
  sumWait = DOUBLE_ZERO;
  readonly responses: Float64Array | undefined;

  constructor(
    private readonly sim: Simulator,
    opts: MmcOptions,
  ) {
    this.id = sim.register(this);
    this.interarrival = new Exponential(1 / opts.lambda);
    this.service = new Exponential(1 / opts.mu);
    this.arrivalRng = stream(opts.seed, 'mmc-arrivals');
    this.serviceRng = stream(opts.seed, 'mmc-service');
    this.arrivedAt = new Float64Array(opts.c);
    this.startedAt = new Float64Array(opts.c);
    this.idle = new Int32Array(opts.c);
    // Highest index on top, so server 0 is used first.
    for (let s = 0; s < opts.c; s++) this.idle[s] = opts.c - 1 - s;
    this.idleCount = opts.c;
    this.warmup = opts.warmupCustomers ?? 0;
    this.total = this.warmup + opts.customers;
    this.responses = opts.keepResponses ? new Float64Array(opts.customers) : undefined;
  }

  start(): void {
    this.sim.schedule(this.interarrival.sample(this.arrivalRng), this.id, ARRIVAL, 0, 0);
  }

  handleEvent(kind: number, target: number): void {
    if (kind === ARRIVAL) this.arrive();
    else this.depart(target);
  }

  private arrive(): void {
    const now = this.sim.now;
    this.sim.schedule(this.interarrival.sample(this.arrivalRng), this.id, ARRIVAL, 0, 0);
    if (this.idleCount > 0) {
      this.begin(this.idle[--this.idleCount], now);
      return;
    }
    if (this.queued === this.ring.length) this.growRing();
    this.ring[(this.head + this.queued) & (this.ring.length - 1)] = now;
    this.queued++;
  }

  private begin(server: number, arrivedAt: number): void {
    this.arrivedAt[server] = arrivedAt;
    this.startedAt[server] = this.sim.now;
    this.sim.schedule(this.service.sample(this.serviceRng), this.id, DEPARTURE, server, 0);
  }

  private depart(server: number): void {
    const now = this.sim.now;
    // Warm-up is counted in completion order, which is what a steady-state estimate needs.
    const k = this.completed++ - this.warmup;
    if (k >= 0) {
      const response = now - this.arrivedAt[server];
      this.sumResponse += response;
      this.sumWait += this.startedAt[server] - this.arrivedAt[server];
      if (this.responses !== undefined) this.responses[k] = response;
      if (this.completed === this.total) this.sim.stop();
    }
    if (this.queued > 0) {
      const arrivedAt = this.ring[this.head];
      this.head = (this.head + 1) & (this.ring.length - 1);
      this.queued--;
      this.begin(server, arrivedAt);
    } else {
      this.idle[this.idleCount++] = server;
    }
  }

  /** Doubles the ring, unrolling it so the head is at 0. Amortised: not per event. */
  private growRing(): void {
    const old = this.ring;
    const next = new Float64Array(old.length * 2);
    for (let i = 0; i < this.queued; i++) next[i] = old[(this.head + i) & (old.length - 1)];
    this.ring = next;
    this.head = 0;
  }
}

/** Simulates an M/M/c FIFO queue until `warmupCustomers + customers` have completed. */
export function simulateMmc(opts: MmcOptions): MmcResult {
  const { lambda, mu, c, customers } = opts;
  if (!(lambda > 0 && mu > 0)) throw new RangeError('lambda and mu must be > 0');
  if (!Number.isInteger(c) || c < 1) throw new RangeError(`c must be a positive integer, got ${c}`);
  if (!Number.isInteger(customers) || customers < 1) {
    throw new RangeError(`customers must be a positive integer, got ${customers}`);
  }
  const sim = new Simulator();
  const model = new MmcModel(sim, opts);
  model.start();
  sim.run(Infinity);
  const result: MmcResult = {
    meanResponse: model.sumResponse / customers,
    meanWait: model.sumWait / customers,
    events: sim.events,
    simulatedTime: sim.now,
  };
  if (model.responses !== undefined) result.responses = model.responses;
  return result;
}
