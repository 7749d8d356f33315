import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { growFloat64 } from '../../src/engine/grow.js';
import { EligibleTree } from '../../src/server/eligible-tree.js';

/** The scan the tree replaces: eligible (v <= V) entity with the earliest (deadline, seq). */
function scanPick(ids: Iterable<number>, v: Float64Array, d: Float64Array, seq: Float64Array, V: number): number {
  let best = -1;
  for (const t of ids) {
    if (v[t] > V) continue;
    if (best < 0 || d[t] < d[best] || (d[t] === d[best] && seq[t] < seq[best])) best = t;
  }
  return best;
}

describe('EligibleTree', () => {
  it('picks what a scan of the queue picks, through inserts, removals, ties and growth', () => {
    const rng = seedrandom.alea('eligible-tree');
    let v = new Float64Array(64);
    let d = new Float64Array(64);
    let seq = new Float64Array(64);
    const tree = new EligibleTree(v, d, seq);
    const queued = new Set<number>();
    let nextSeq = 0;
    let checked = 0;
    for (let step = 0; step < 8000; step++) {
      // Up to 300 ids: the tree's arrays grow past their first 64 entries.
      const t = Math.floor(rng() * 300);
      if (t >= v.length) {
        v = growFloat64(v, t + 1);
        d = growFloat64(d, t + 1);
        seq = growFloat64(seq, t + 1);
        tree.rebind(v, d, seq, t + 1);
      }
      if (queued.has(t)) {
        tree.remove(t);
        queued.delete(t);
      } else {
        // Coarse keys, so equal vruntimes and equal deadlines are common.
        v[t] = Math.floor(rng() * 50);
        d[t] = v[t] + Math.floor(rng() * 20);
        seq[t] = nextSeq++;
        tree.insert(t);
        queued.add(t);
      }
      expect(tree.size).toBe(queued.size);
      let sum = 0;
      for (const q of queued) sum += v[q];
      expect(tree.sumV()).toBe(sum);
      for (const V of [-1, 0, 10.5, 25, Math.floor(rng() * 50), 100]) {
        expect(tree.pickEligible(V)).toBe(scanPick(queued, v, d, seq, V));
        checked++;
      }
      let left = -1;
      for (const q of queued) if (left < 0 || v[q] < v[left] || (v[q] === v[left] && seq[q] < seq[left])) left = q;
      expect(tree.leftmost()).toBe(left);
    }
    expect(checked).toBe(48_000);
  });

  it('keeps the sum of vruntimes exact to rounding over a long run of large values', () => {
    const rng = seedrandom.alea('eligible-sum');
    const v = new Float64Array(1024);
    const tree = new EligibleTree(v, new Float64Array(1024), new Float64Array(1024));
    tree.rebind(v, new Float64Array(1024), new Float64Array(1024), 1024);
    const inTree: number[] = [];
    for (let i = 0; i < 1000; i++) {
      v[i] = 1e7 + rng() * 1e4;
      tree.insert(i);
      inTree.push(i);
    }
    // Swap entries in and out a million times (vruntimes of 10 simulated seconds, µs).
    for (let k = 0; k < 1_000_000; k++) {
      const i = Math.floor(rng() * 1000);
      tree.remove(inTree[i]);
      const t = inTree[i];
      v[t] = 1e7 + k / 100 + rng() * 1e4;
      tree.insert(t);
    }
    let exact = 0;
    for (const t of inTree) exact += v[t];
    // Within a few ulps of a fresh sum (3.8e-6 off; a naive running sum is 8.0e-5 off here).
    expect(Math.abs(tree.sumV() - exact)).toBeLessThan(1e-5);
  });
});
