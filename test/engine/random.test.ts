import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { type Rng, stream, uniformOpen } from '../../src/engine/random.js';

function take(rng: Rng, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(rng());
  return out;
}

describe('random streams', () => {
  it('is the Alea sequence of seedrandom, for streams spread over several state blocks', () => {
    // 1,500 streams cross a block boundary of the packed generator states.
    const ours = Array.from({ length: 1500 }, (_, c) => stream(42, 'client', c));
    for (const c of [0, 1, 1023, 1024, 1499]) {
      const ref = seedrandom.alea(`42/client/${c}`);
      expect(take(ours[c], 2000)).toEqual(take(ref, 2000));
    }
  });

  it('same (seed, purpose, id) gives the same sequence', () => {
    expect(take(stream(42, 'arrivals', 7), 1000)).toEqual(take(stream(42, 'arrivals', 7), 1000));
    expect(take(stream('abc', 'x'), 100)).toEqual(take(stream('abc', 'x', 0), 100));
  });

  it('a stream does not depend on draws from other streams', () => {
    const a = stream(1, 'a', 1);
    const b = stream(1, 'b', 1);
    const mixed: number[] = [];
    for (let i = 0; i < 100; i++) {
      mixed.push(a());
      b();
      b();
    }
    expect(mixed).toEqual(take(stream(1, 'a', 1), 100));
  });

  it('different seed, purpose or id gives a different sequence', () => {
    const base = take(stream(42, 'arrivals', 7), 100);
    for (const other of [
      stream(43, 'arrivals', 7),
      stream(42, 'service', 7),
      stream(42, 'arrivals', 8),
      stream(42, 'arrivals', 70),
    ]) {
      const seq = take(other, 100);
      // Independent uniforms essentially never coincide; require all 100 to differ.
      expect(seq.filter((x, i) => x === base[i]).length).toBe(0);
    }
  });

  it('draws look uniform on [0, 1)', () => {
    const rng = stream(5, 'uniformity');
    const n = 200_000;
    const bins = new Array<number>(10).fill(0);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      bins[Math.floor(u * 10)]++;
    }
    expect(outside).toBe(0);
    // Mean within 4.5 standard errors (sd of U(0,1) is 1/sqrt(12)).
    expect(Math.abs(sum / n - 0.5)).toBeLessThan((4.5 / Math.sqrt(12)) / Math.sqrt(n));
    // Chi-square with 9 df: P(X > 33.7) is about 1e-4.
    const chi2 = bins.reduce((s, b) => s + (b - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(33.7);
  });

  it('uniformOpen never returns 0', () => {
    let calls = 0;
    const zeros: Rng = () => (calls++ < 3 ? 0 : 0.25);
    expect(uniformOpen(zeros)).toBe(0.25);
    expect(calls).toBe(4);
  });
});
