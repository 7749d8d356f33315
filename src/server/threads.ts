import type { Simulator } from '../engine/simulator.js';
import { DOUBLE_ZERO } from '../engine/double-zero.js';

/**
 * Server threads: ids (reused after exit, so tables stay small), the live count and its
 * time-weighted mean and peak, for the "threads, memory" part of a report.
 */
export class ThreadRegistry {
  private free: number[] = [];
  private nextId = 0;
  live = 0;
  peak = 0;
  created = 0;
  private area = DOUBLE_ZERO;
  private lastT = DOUBLE_ZERO;
  private since = DOUBLE_ZERO;

  constructor(private readonly sim: Simulator) {}

  /** Highest id handed out so far + 1 (size for per-thread tables). */
  get capacity(): number {
    return this.nextId;
  }

  create(): number {
    this.account();
    this.live++;
    this.created++;
    if (this.live > this.peak) this.peak = this.live;
    const id = this.free.length > 0 ? (this.free.pop() as number) : this.nextId++;
    return id;
  }

  destroy(id: number): void {
    this.account();
    this.live--;
    this.free.push(id);
  }

  meanLive(): number {
    this.account();
    const span = this.sim.now - this.since;
    return span > 0 ? this.area / span : this.live;
  }

  /** Starts a new measurement window (end of warm-up): peak and mean restart from now. */
  resetStatistics(): void {
    this.account();
    this.area = 0;
    this.since = this.sim.now;
    this.peak = this.live;
    this.created = 0;
  }

  private account(): void {
    const now = this.sim.now;
    this.area += (now - this.lastT) * this.live;
    this.lastT = now;
  }
}
