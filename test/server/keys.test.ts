import { describe, expect, it } from 'vitest';
import { stream } from '../../src/engine/random.js';
import { HotspotKeys, type KeySampler, UniformKeys, ZipfKeys } from '../../src/server/locks.js';

/** Pearson chi-square of `draws` keys against the sampler's own probabilities. */
function chiSquare(s: KeySampler, draws: number, seed: number): number {
  const rng = stream(seed, 'keys-test');
  const counts = new Float64Array(s.rows);
  for (let i = 0; i < draws; i++) counts[s.key(rng())]++;
  let chi = 0;
  for (let k = 0; k < s.rows; k++) {
    const e = draws * s.probability(k);
    chi += ((counts[k] - e) * (counts[k] - e)) / e;
  }
  return chi;
}

// Upper 0.1% points of chi-square with 99 and 9 degrees of freedom.
const CHI2_99_999 = 148.23;
const CHI2_9_999 = 27.88;

describe('key samplers', () => {
  it('zipf(theta 0.9) over 100 rows: probabilities follow 1/(r+1)^theta and draws fit them', () => {
    const z = new ZipfKeys(100, 0.9);
    let h = 0;
    for (let r = 1; r <= 100; r++) h += 1 / Math.pow(r, 0.9);
    expect(z.probability(0)).toBeCloseTo(1 / h, 12);
    expect(z.probability(9)).toBeCloseTo(1 / Math.pow(10, 0.9) / h, 12);
    expect(chiSquare(z, 200_000, 1)).toBeLessThan(CHI2_99_999);
  });

  it('the test can fail: zipf draws do not fit a uniform law', () => {
    const z = new ZipfKeys(100, 0.9);
    const asUniform: KeySampler = { rows: 100, key: (u) => z.key(u), probability: () => 0.01 };
    expect(chiSquare(asUniform, 200_000, 1)).toBeGreaterThan(10 * CHI2_99_999);
  });

  it('uniform and hotspot keys fit their laws', () => {
    expect(chiSquare(new UniformKeys(10), 100_000, 2)).toBeLessThan(CHI2_9_999);
    const hs = new HotspotKeys(10, 0.2, 0.8); // rows 0-1 get 80% of the draws
    expect(hs.hot).toBe(2);
    expect(hs.probability(0)).toBeCloseTo(0.4, 12);
    expect(hs.probability(5)).toBeCloseTo(0.025, 12);
    expect(chiSquare(hs, 100_000, 3)).toBeLessThan(CHI2_9_999);
  });

  it('one uniform per key, monotone: u near 0 is the hottest row, near 1 the coldest', () => {
    const z = new ZipfKeys(1000, 1.2);
    expect(z.key(0)).toBe(0);
    expect(z.key(0.999999999)).toBe(999);
    expect(new HotspotKeys(1000, 0.01, 0.5).key(0.49)).toBeLessThan(10);
  });
});
