import { describe, expect, it } from 'vitest';
import { stream } from '../../src/engine/random.js';
import { LOCK_DEADLOCK, LOCK_GRANTED, LockTable } from '../../src/server/locks.js';

/**
 * The lock table against a brute-force model of the same rules: per row a FIFO list of requests;
 * a request is granted when no request of another transaction ahead of it conflicts. Random
 * acquires and releases; after each step the grants and the deadlock verdicts must agree.
 */
interface Req {
  trx: number;
  ex: boolean;
  granted: boolean;
}

class Model {
  rows = new Map<number, Req[]>();
  blockers(row: number, r: Req): number[] {
    const q = this.rows.get(row) as Req[];
    const out: number[] = [];
    for (const x of q) {
      if (x === r) break;
      if (x.trx !== r.trx && (x.ex || r.ex)) out.push(x.trx);
    }
    return out;
  }
  waiting(trx: number): [number, Req] | null {
    for (const [row, q] of this.rows) for (const r of q) if (r.trx === trx && !r.granted) return [row, r];
    return null;
  }
  hasCycleThrough(start: number): boolean {
    const seen = new Set<number>();
    const stack = [start];
    while (stack.length > 0) {
      const x = stack.pop() as number;
      const w = this.waiting(x);
      if (w === null) continue;
      for (const b of this.blockers(w[0], w[1])) {
        if (b === start) return true;
        if (!seen.has(b)) {
          seen.add(b);
          stack.push(b);
        }
      }
    }
    return false;
  }
  acquire(trx: number, row: number, ex: boolean): Req | null {
    const q = this.rows.get(row) ?? [];
    this.rows.set(row, q);
    if (q.some((r) => r.trx === trx && r.granted && (r.ex || !ex))) return null;
    const r = { trx, ex, granted: false };
    q.push(r);
    r.granted = this.blockers(row, r).length === 0;
    return r;
  }
  release(trx: number): number[] {
    const granted: number[] = [];
    for (const [row, q] of this.rows) {
      const rest = q.filter((r) => r.trx !== trx);
      if (rest.length === 0) this.rows.delete(row);
      else this.rows.set(row, rest);
    }
    for (const [row, q] of this.rows) {
      for (const r of q) {
        if (!r.granted && this.blockers(row, r).length === 0) {
          r.granted = true;
          granted.push(r.trx);
        }
      }
    }
    return granted.sort((a, b) => a - b);
  }
}

describe('LockTable against a brute-force model', () => {
  it.each([
    [1, 8, 5],
    [2, 8, 5],
    [3, 8, 5],
    [4, 12, 3],
    [5, 12, 3],
    [6, 30, 2],
  ])('random workload %i: %i transactions, %i rows', (seed, T, ROWS) => {
    const rng = stream(seed, 'locks-random');
    const granted: number[] = [];
    const lt = new LockTable(T, { onLockGranted: (t) => granted.push(t) });
    const model = new Model();
    let deadlocks = 0;
    for (let step = 0; step < 4000; step++) {
      const trx = Math.floor(rng() * T);
      if (model.waiting(trx) !== null) continue;
      if (rng() < 0.25) {
        granted.length = 0;
        lt.releaseAll(trx);
        const expected = model.release(trx);
        expect([...granted].sort((a, b) => a - b)).toEqual(expected);
        continue;
      }
      const row = Math.floor(rng() * ROWS);
      const ex = rng() < 0.6;
      const res = lt.acquire(trx, row, ex);
      const r = model.acquire(trx, row, ex);
      if (r === null || r.granted) {
        expect(res).toBe(LOCK_GRANTED);
        continue;
      }
      const cycle = model.hasCycleThrough(trx);
      expect(res === LOCK_DEADLOCK, `step ${step}`).toBe(cycle);
      if (cycle) {
        deadlocks++;
        granted.length = 0;
        lt.releaseAll(trx);
        expect([...granted].sort((a, b) => a - b)).toEqual(model.release(trx));
      }
    }
    expect(deadlocks).toBeGreaterThan(0);
  });
});
