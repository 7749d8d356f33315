import type { Distribution } from '../engine/distributions.js';
import { WAIT_TYPES, type WaitSpecT, type WorkloadSpec } from './schema.js';
import { buildDistribution } from './dist-spec.js';

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
}

export interface CompiledTransaction {
  name: string;
  explicit: boolean;
  /** Statement indices in order, BEGIN and COMMIT included for explicit transactions. */
  steps: Int32Array;
}

/** A workload's transaction templates, resolved into samplers and flat index tables. */
export interface CompiledWorkload {
  statements: CompiledStatement[];
  classes: string[];
  transactions: CompiledTransaction[];
  /** Cumulative mix probabilities, last = 1. */
  mix: Float64Array;
  think: Distribution;
  gap: Distribution;
  rtt: Distribution;
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
    ws.map((w) => ({
      type: WAIT_TYPES.indexOf(w.type),
      probability: w.probability,
      latency: buildDistribution(w.latency),
      reported: w.reported,
    }));
  const add = (name: string, cpu: Distribution, ws: CompiledWait[]): number => {
    statements.push({ name, classIndex: classOf(name), cpu, waits: ws });
    return statements.length - 1;
  };

  const transactions = spec.transactions.map((t) => {
    const steps: number[] = [];
    const explicit = t.type === 'explicit';
    if (explicit) steps.push(add('BEGIN', buildDistribution(t.begin.cpu), waits(t.begin.waits)));
    for (const s of t.statements) {
      const idx = add(s.name, buildDistribution(s.cpu), waits(s.waits));
      for (let k = 0; k < s.count; k++) steps.push(idx);
    }
    if (explicit) steps.push(add('COMMIT', buildDistribution(t.commit.cpu), waits(t.commit.waits)));
    return { name: t.name, explicit, steps: Int32Array.from(steps) };
  });

  const total = spec.transactions.reduce((s, t) => s + t.weight, 0);
  const mix = new Float64Array(spec.transactions.length);
  let acc = 0;
  spec.transactions.forEach((t, i) => {
    acc += t.weight / total;
    mix[i] = acc;
  });
  mix[mix.length - 1] = 1;

  return {
    statements,
    classes,
    transactions,
    mix,
    think: buildDistribution(spec.client.think),
    gap: buildDistribution(spec.client.gap),
    rtt: buildDistribution(spec.network.rtt),
  };
}
