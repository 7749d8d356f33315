import { EventQueue } from './event-queue.js';
import { DOUBLE_ZERO } from './double-zero.js';

/**
 * A model component that receives events. `kind` is the component's own event type (0..255),
 * `target` usually an entity index, `arg` a free integer (typically a generation counter, so a
 * component can ignore events it has since cancelled). `handleEvent` is read once, by register().
 */
export interface EventHandler {
  handleEvent(kind: number, target: number, arg: number): void;
}

/**
 * A component that keeps its own next event time instead of scheduling events, because it
 * would otherwise reschedule on almost every change (a processor-sharing CPU does). The
 * simulator compares `nextTime` with the event queue's head on every step; at equal times the
 * queued event goes first. Infinity means "nothing pending".
 */
export interface TimedSource {
  readonly nextTime: number;
  fire(): void;
}

const IDLE_SOURCE: TimedSource = { nextTime: Infinity, fire() {} };

/** Two timed sources as one: the earlier fires (the first at equal times). */
class SourcePair implements TimedSource {
  constructor(
    private readonly a: TimedSource,
    private readonly b: TimedSource,
  ) {}

  get nextTime(): number {
    const ta = this.a.nextTime;
    const tb = this.b.nextTime;
    return ta <= tb ? ta : tb;
  }

  fire(): void {
    if (this.a.nextTime <= this.b.nextTime) this.a.fire();
    else this.b.fire();
  }
}

/** Simulated time is a float64 number of microseconds. */
export class Simulator {
  now = DOUBLE_ZERO;
  events = 0;
  private readonly queue = new EventQueue(4096);
  private readonly handlers: EventHandler[] = [];
  // Each handler's own handleEvent, called with the handler as receiver: a lookup of
  // `handleEvent` on five or more handler classes from one call site is megamorphic (a stub-cache
  // probe per event).
  private readonly handlerFns: EventHandler['handleEvent'][] = [];
  private stopped = false;
  private source: TimedSource = IDLE_SOURCE;

  /**
   * Attaches a timed source (see TimedSource). A model has one, whose nextTime the loop reads
   * directly; a second one (a client machine's CPU beside the server's) is combined with it.
   */
  attachSource(source: TimedSource): void {
    if (source === this.source) throw new Error('this timed source is already attached');
    this.source = this.source === IDLE_SOURCE ? source : new SourcePair(this.source, source);
  }

  /** Registers a component; the returned id is passed to schedule(). */
  register(handler: EventHandler): number {
    if (this.handlers.length >= 1 << 22) throw new Error('too many event handlers');
    this.handlers.push(handler);
    this.handlerFns.push(handler.handleEvent);
    return this.handlers.length - 1;
  }

  /** Schedules an event `delay` microseconds from now (delay >= 0). */
  schedule(delay: number, handlerId: number, kind: number, target: number, arg: number): void {
    // A negative or NaN time would run the clock backwards or corrupt the heap order silently.
    if (!(delay >= 0)) throw new RangeError(`schedule: delay must be >= 0, got ${delay}`);
    this.queue.push(this.now + delay, code(handlerId, kind), target, arg);
  }

  /** Schedules an event at absolute time `at` (not before now). */
  scheduleAt(at: number, handlerId: number, kind: number, target: number, arg: number): void {
    if (Number.isNaN(at)) throw new RangeError('scheduleAt: time is NaN');
    this.queue.push(at < this.now ? this.now : at, code(handlerId, kind), target, arg);
  }

  get pending(): number {
    return this.queue.size;
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * Runs events with time <= until. The clock ends at `until` (or at the last event if stop()
   * was called, or if `until` is Infinity and the queue ran dry). `onProgress` is called every
   * `progressEvery` events with the current time.
   */
  run(until: number, onProgress?: (now: number) => void, progressEvery = 1 << 20): void {
    const q = this.queue;
    const handlers = this.handlers;
    const fns = this.handlerFns;
    const source = this.source;
    this.stopped = false;
    let nextProgress = this.events + progressEvery;
    while (!this.stopped) {
      const tq = q.peekTime();
      const ts = source.nextTime;
      if (ts < tq) {
        if (ts > until) break;
        this.now = ts;
        this.events++;
        source.fire();
      } else {
        if (tq > until || q.size === 0) break;
        q.pop();
        this.now = q.topTime;
        this.events++;
        const code = q.topCode;
        const h = code >> 8;
        fns[h].call(handlers[h], code & 255, q.topTarget, q.topArg);
      }
      if (onProgress !== undefined && this.events >= nextProgress) {
        nextProgress = this.events + progressEvery;
        onProgress(this.now);
      }
    }
    // An infinite horizon must not become the clock: later schedule() calls would all land at Infinity.
    if (!this.stopped && this.now < until && until !== Infinity) this.now = until;
  }
}

/** Packs handler id and kind; a kind outside 0..255 would otherwise dispatch to another handler. */
function code(handlerId: number, kind: number): number {
  if (kind >>> 8 !== 0) throw new RangeError(`event kind must be in 0..255, got ${kind}`);
  return (handlerId << 8) | kind;
}
