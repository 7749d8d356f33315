import { parseDuration } from '../../engine/duration.js';
import { IntQueue } from '../../engine/int-queue.js';
import type { DispatchSpec } from '../../workload/schema/dispatch.js';
import { DOUBLE_ZERO } from '../../engine/double-zero.js';

/**
 * The dispatch what-ifs of a pool (scenario `threadPool.dispatch`), shared by every flavour:
 * connection-to-group assignment, waking one or all sleeping workers, and where events go. The
 * server's own rules are the defaults; the pools consult these only where a setting differs.
 */

export const ASSIGN_SERVER = 0;
export const ASSIGN_LEAST_LOADED = 1;
export const ASSIGN_CONSISTENT_HASH = 2;

export const EVENTS_GROUP = 0;
export const EVENTS_DISPATCHER = 1;
export const EVENTS_SHARED_QUEUE = 2;

/** Default points per group on the hash ring (ketama's 160). */
export const DEFAULT_VIRTUAL_NODES = 160;
/** Default CPU of one needless wake, µs: wake-up, two context switches and a mutex re-check. */
export const DEFAULT_WAKE_CPU_US = 5;

/** murmur3's 32-bit finalizer: a bijective avalanche mix, enough to place keys on a ring. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A consistent-hash ring: `groups` groups with `virtualNodes` points each, at mix32 of
 * (group, point); a key belongs to the first point at or after mix32(key), wrapping. A group's
 * points do not depend on how many groups there are, so adding group g only takes keys into g
 * and removing it only moves g's keys.
 */
export class HashRing {
  private readonly points: Uint32Array;
  private readonly owner: Int32Array;

  constructor(
    readonly groups: number,
    readonly virtualNodes: number = DEFAULT_VIRTUAL_NODES,
  ) {
    const n = groups * virtualNodes;
    const pts: Array<[number, number]> = [];
    for (let g = 0; g < groups; g++) {
      // Two rounds of mixing so that (g, v) and (g', v') with g*K+v == g'*K+v' cannot collide.
      for (let v = 0; v < virtualNodes; v++) pts.push([mix32(mix32(g + 0x9e3779b9) ^ (v * 0x27d4eb2d)), g]);
    }
    // Ties (equal hashes) broken by group, so the order never depends on insertion.
    pts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    this.points = new Uint32Array(n);
    this.owner = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      this.points[i] = pts[i][0];
      this.owner[i] = pts[i][1];
    }
  }

  /** The group of a key (a connection id). */
  groupOf(key: number): number {
    const h = mix32(key);
    const p = this.points;
    let lo = 0;
    let hi = p.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (p[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    return this.owner[lo === p.length ? 0 : lo];
  }

  /** The share of the 2^32 hash space each group owns (arc lengths / 2^32). */
  shares(): Float64Array {
    const out = new Float64Array(this.groups);
    const p = this.points;
    const n = p.length;
    for (let i = 0; i < n; i++) {
      // Point i owns the arc (p[i-1], p[i]].
      const prev = i === 0 ? p[n - 1] - 2 ** 32 : p[i - 1];
      out[this.owner[i]] += (p[i] - prev) / 2 ** 32;
    }
    return out;
  }
}

/** What the assignment needs to know of a group at a login. */
export interface GroupLoad {
  /** Active threads plus queued events (least-loaded's load). */
  busy(group: number): number;
  /** Connections assigned to the group. */
  connections(group: number): number;
}

/** The resolved dispatch settings of one pool. */
export class Dispatch {
  readonly assign: number;
  readonly herd: boolean;
  /** CPU of a needless wake, µs. */
  readonly wakeCpuUs: number;
  readonly events: number;
  private readonly ring: HashRing | null;
  /** dispatcher: the group the next event goes to; shared-queue: where the search starts. */
  private next = 0;
  /** shared-queue: events no group has taken yet. */
  readonly shared = new IntQueue();
  /** Needless wakes of the herd, and the CPU they were charged, µs. */
  herdWakes = 0;
  herdCpuUs = DOUBLE_ZERO;

  constructor(
    spec: DispatchSpec | undefined,
    private readonly groups: number,
  ) {
    const s = spec ?? {};
    this.assign = s.assign === 'least-loaded' ? ASSIGN_LEAST_LOADED : s.assign === 'consistent-hash' ? ASSIGN_CONSISTENT_HASH : ASSIGN_SERVER;
    this.herd = s.wake === 'all';
    this.wakeCpuUs = s.wakeCpu === undefined ? DEFAULT_WAKE_CPU_US : parseDuration(s.wakeCpu);
    this.events = s.events === 'dispatcher' ? EVENTS_DISPATCHER : s.events === 'shared-queue' ? EVENTS_SHARED_QUEUE : EVENTS_GROUP;
    this.ring = this.assign === ASSIGN_CONSISTENT_HASH ? new HashRing(groups, s.virtualNodes ?? DEFAULT_VIRTUAL_NODES) : null;
  }

  /** The group of a connection at its login; `serverRule` is the server's own choice. */
  groupFor(conn: number, serverRule: number, load: GroupLoad): number {
    if (this.assign === ASSIGN_CONSISTENT_HASH) return (this.ring as HashRing).groupOf(conn);
    if (this.assign !== ASSIGN_LEAST_LOADED) return serverRule;
    let best = 0;
    let bestBusy = load.busy(0);
    let bestConns = load.connections(0);
    for (let g = 1; g < this.groups; g++) {
      const b = load.busy(g);
      const c = load.connections(g);
      if (b < bestBusy || (b === bestBusy && c < bestConns)) {
        best = g;
        bestBusy = b;
        bestConns = c;
      }
    }
    return best;
  }

  /** dispatcher: the group the next event goes to (round-robin over the normal groups). */
  nextGroup(): number {
    const g = this.next;
    this.next = g + 1 === this.groups ? 0 : g + 1;
    return g;
  }

  /**
   * The group whose poller gets a ready event of connection `conn`, at home in group `home`:
   * its own (the servers' rule), the dispatcher's next, or under shared-queue a group whose
   * poller is blocked; -1 when none is and the event waits in the shared queue.
   */
  eventGroup(conn: number, home: number, pollerBlocked: (group: number) => boolean): number {
    if (this.events === EVENTS_GROUP) return home;
    if (this.events === EVENTS_DISPATCHER) return this.nextGroup();
    const g = this.idleGroup(pollerBlocked);
    if (g < 0) this.shared.push(conn);
    return g;
  }

  /**
   * shared-queue: the first group, from the rotating start, whose poller is blocked; -1 if none.
   * The start moves past the group found, so idle groups take turns.
   */
  idleGroup(isIdle: (group: number) => boolean): number {
    for (let i = 0; i < this.groups; i++) {
      let g = this.next + i;
      if (g >= this.groups) g -= this.groups;
      if (isIdle(g)) {
        this.next = g + 1 === this.groups ? 0 : g + 1;
        return g;
      }
    }
    return -1;
  }
}
