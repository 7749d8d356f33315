import type { Distribution } from '../engine/distributions.js';
import { HotspotKeys, type KeySampler, SysbenchSpecialKeys, UniformKeys, ZipfKeys } from '../server/locks.js';
import { type KeySpaceSpec, type LockSpecT, runsType, WAIT_TYPES, type WaitSpecT, type WorkloadSpec } from './schema.js';
import { buildDistribution } from './dist-spec.js';
import { objectArray } from '../engine/object-array.js';

export interface CompiledWait {
  type: number;
  probability: number;
  latency: Distribution;
  reported: boolean;
}

export interface CompiledStatement {
  /** Statement class name (statistics are kept per class). */
  name: string;
  classIndex: number;
  cpu: Distribution;
  waits: CompiledWait[];
  /** Row locks taken at the start (rows 0 = none), or null. */
  locks: CompiledLocks | null;
  /** Enters InnoDB (innodb_thread_concurrency): every statement but BEGIN and COMMIT. */
  entersInnodb: boolean;
  /** Server-level session locks: SESSION_LOCK_* (StatementSpec.sessionLock). */
  sessionLock: number;
}

export const SESSION_LOCK_NONE = 0;
export const SESSION_LOCK_ACQUIRE = 1;
export const SESSION_LOCK_RELEASE = 2;

export interface CompiledLocks {
  rows: number;
  exclusive: boolean;
  keys: KeySampler;
  /** Offset of the table's rows in the global row-id space of the lock table. */
  base: number;
}

export interface CompiledTransaction {
  name: string;
  explicit: boolean;
  /** Statement indices in order, BEGIN and COMMIT included for explicit transactions. */
  steps: Int32Array;
  /** Client time between its statements (TransactionSpec.gap), or null: the workload's gap. */
  gap: Distribution | null;
}

/** A workload's transaction templates, resolved into samplers and flat index tables. */
export interface CompiledWorkload {
  statements: CompiledStatement[];
  classes: string[];
  transactions: CompiledTransaction[];
  /** Cumulative mix probabilities, last = 1. */
  mix: Float64Array;
  /**
   * Per connection, its own cumulative mix when transaction types are restricted to some
   * connections (TransactionSpec.connections); null: every connection uses `mix`.
   */
  connMix: Float64Array[] | null;
  think: Distribution;
  gap: Distribution;
  rtt: Distribution;
  /** True if any statement takes row locks (the server then models them). */
  hasLocks: boolean;
}

/** A key space's sampler. */
export function buildKeySampler(k: KeySpaceSpec): KeySampler {
  const d = k.distribution;
  if (d.kind === 'zipf') return new ZipfKeys(k.rows, d.theta);
  if (d.kind === 'hotspot') return new HotspotKeys(k.rows, d.fraction, d.probability);
  if (d.kind === 'sysbench-special') return new SysbenchSpecialKeys(k.rows, d.tables, d.pct, d.res, d.iter);
  return new UniformKeys(k.rows);
}

export function compileWorkload(spec: WorkloadSpec): CompiledWorkload {
  const statements: CompiledStatement[] = [];
  const classes: string[] = [];
  const classOf = (name: string): number => {
    let i = classes.indexOf(name);
    if (i < 0) {
      i = classes.length;
      classes.push(name);
    }
    return i;
  };
  const waits = (ws: WaitSpecT[]): CompiledWait[] =>
    objectArray(
      ws.map((w) => ({
        type: WAIT_TYPES.indexOf(w.type),
        probability: w.probability,
        latency: buildDistribution(w.latency),
        reported: w.reported,
      })),
    );
  // Tables share one row-id space: the workload's keySpace first, then workload.tables in order.
  const spaces = new Map<string | undefined, { keys: KeySampler; base: number }>();
  let nextBase = 0;
  const space = (name: string | undefined, k: KeySpaceSpec): void => {
    spaces.set(name, { keys: buildKeySampler(k), base: nextBase });
    nextBase += k.rows;
    if (nextBase > 2 ** 31 - 1) throw new Error('key spaces: more than 2^31 - 1 rows in all');
  };
  if (spec.keySpace !== undefined) space(undefined, spec.keySpace);
  for (const [name, k] of Object.entries(spec.tables ?? {})) space(name, k);
  const lockSet = (l: LockSpecT | undefined): CompiledLocks | null => {
    if (l === undefined) return null;
    const sp = spaces.get(l.table);
    if (sp === undefined) throw new Error(`locks: no key space for table ${l.table ?? '(workload.keySpace)'}`);
    return { rows: l.rows, exclusive: l.mode === 'exclusive', keys: sp.keys, base: sp.base };
  };
  const add = (
    name: string,
    cpu: Distribution,
    ws: CompiledWait[],
    locks: CompiledLocks | null = null,
    boundary = false,
    sessionLock = SESSION_LOCK_NONE,
  ): number => {
    statements.push({ name, classIndex: classOf(name), cpu, waits: ws, locks, entersInnodb: !boundary, sessionLock });
    return statements.length - 1;
  };

  const transactions = spec.transactions.map((t) => {
    const steps: number[] = [];
    const explicit = t.type === 'explicit';
    if (explicit) steps.push(add('BEGIN', buildDistribution(t.begin.cpu), waits(t.begin.waits), null, true));
    for (const s of t.statements) {
      const op = s.sessionLock === 'acquire' ? SESSION_LOCK_ACQUIRE : s.sessionLock === 'release' ? SESSION_LOCK_RELEASE : SESSION_LOCK_NONE;
      const idx = add(s.name, buildDistribution(s.cpu), waits(s.waits), lockSet(s.locks), false, op);
      for (let k = 0; k < s.count; k++) steps.push(idx);
    }
    if (explicit) steps.push(add('COMMIT', buildDistribution(t.commit.cpu), waits(t.commit.waits), null, true));
    return { name: t.name, explicit, steps: Int32Array.from(steps), gap: t.gap === undefined ? null : buildDistribution(t.gap) };
  });

  const total = spec.transactions.reduce((s, t) => s + t.weight, 0);
  const mix = new Float64Array(spec.transactions.length);
  let acc = 0;
  spec.transactions.forEach((t, i) => {
    acc += t.weight / total;
    mix[i] = acc;
  });
  mix[mix.length - 1] = 1;

  // Per-connection mixes: a type a connection may not run gets probability 0 (its cumulative
  // value repeats), so one uniform still picks one type. Connections with the same set share it.
  let connMix: Float64Array[] | null = null;
  if (spec.transactions.some((t) => t.connections !== undefined)) {
    connMix = [];
    const byKey = new Map<string, Float64Array>();
    for (let c = 0; c < spec.connections; c++) {
      const ok = spec.transactions.map((t) => runsType(t.connections, c));
      const key = ok.map((b) => (b ? '1' : '0')).join('');
      let m = byKey.get(key);
      if (m === undefined) {
        const sum = spec.transactions.reduce((s, t, i) => s + (ok[i] ? t.weight : 0), 0);
        m = new Float64Array(spec.transactions.length);
        let a = 0;
        let last = 0;
        spec.transactions.forEach((t, i) => {
          if (ok[i]) {
            a += t.weight / sum;
            last = i;
          }
          m![i] = ok[i] ? a : i === 0 ? 0 : m![i - 1];
        });
        // The last allowed type ends at 1 exactly; later disallowed types stay at 1 too.
        for (let i = last; i < m.length; i++) m[i] = 1;
        byKey.set(key, m);
      }
      connMix.push(m);
    }
  }

  return {
    statements,
    classes,
    transactions,
    mix,
    connMix,
    think: buildDistribution(spec.client.model === 'closed' ? spec.client.think : '0us'),
    gap: buildDistribution(spec.client.gap),
    rtt: buildDistribution(spec.network.rtt),
    hasLocks: statements.some((st) => st.locks !== null),
  };
}
