import { describe, expect, it } from 'vitest';
import { stream } from '../../src/engine/random.js';
import { HotspotKeys, type KeySampler, SysbenchSpecialKeys, UniformKeys, ZipfKeys, irwinHallCdf } from '../../src/server/locks.js';

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

  it('sysbench-special: the exact law of sysbench 1.0 sb_rand_special, against a line-by-line copy of the C code', () => {
    // sb_rand_special(a, b) at the defaults (iter 12, pct 1, res 75), as in sb_rand.c.
    const literal = (rng: () => number, a: number, b: number): number => {
      const t = b - a;
      const rangeSize = t * (100 / (100 - 75));
      const rnd = rng();
      let res = rnd * rangeSize;
      if (res < t) {
        let sum = 0;
        for (let i = 0; i < 12; i++) sum += rng();
        return Math.trunc(a + sum * t * (1 / 12));
      }
      const d = t * 0.01;
      res = rnd * (d + 1);
      res += t / 2 - t * 0.005;
      return a + Math.trunc(res);
    };
    const n = 1000;
    const s = new SysbenchSpecialKeys(2 * n, 2, 1, 75, 12);
    let total = 0;
    for (let k = 0; k < 2 * n; k++) total += s.probability(k);
    expect(total).toBeCloseTo(1, 12);
    // Ids 1..1000 on 2 tables: the special values are the upper three quarters of a 10.99-wide
    // window from 494.505, i.e. offsets 497 to 505 (ids 498 to 506), 75% of the draws in all.
    let special = 0;
    for (let j = 497; j <= 505; j++) special += s.probability(j) * 2;
    expect(special).toBeGreaterThan(0.75);
    expect(special).toBeLessThan(0.75 + 0.25 * 0.05);
    // Draws of the literal code (a random table, then its id) against the sampler's probabilities.
    const rng = stream(4, 'keys-test');
    const counts = new Float64Array(2 * n);
    const draws = 400_000;
    for (let i = 0; i < draws; i++) {
      const table = Math.floor(rng() * 2);
      counts[table * n + literal(rng, 1, n) - 1]++;
    }
    // Chi-square over cells with an expectation of 5 or more, the rest pooled.
    let chi = 0;
    let cells = 0;
    let poolE = 0;
    let poolO = 0;
    for (let k = 0; k < 2 * n; k++) {
      const e = draws * s.probability(k);
      if (e >= 5) {
        chi += ((counts[k] - e) * (counts[k] - e)) / e;
        cells++;
      } else {
        poolE += e;
        poolO += counts[k];
      }
    }
    chi += ((poolO - poolE) * (poolO - poolE)) / poolE;
    // Upper 0.1% point of chi-square with `cells` degrees of freedom (Wilson-Hilferty).
    const z = 3.09;
    const limit = cells * Math.pow(1 - 2 / (9 * cells) + z * Math.sqrt(2 / (9 * cells)), 3);
    expect(cells).toBeGreaterThan(300);
    expect(chi).toBeLessThan(limit);
    // The test can fail: the same draws against the hotspot law the oracle scenarios had.
    const hs = new HotspotKeys(2 * n, 0.01, 0.76);
    let chiHs = 0;
    for (let k = 0; k < 2 * n; k++) {
      const e = draws * hs.probability(k);
      chiHs += ((counts[k] - e) * (counts[k] - e)) / e;
    }
    expect(chiHs).toBeGreaterThan(100 * limit);
  });

  it('Irwin-Hall CDF: exact at known points', () => {
    expect(irwinHallCdf(1, 0.3)).toBeCloseTo(0.3, 15);
    expect(irwinHallCdf(2, 1.5)).toBeCloseTo(1 - 0.5 * 0.5 * 0.5, 15);
    expect(irwinHallCdf(12, 6)).toBeCloseTo(0.5, 12);
    expect(irwinHallCdf(12, 0)).toBe(0);
    expect(irwinHallCdf(12, 12)).toBe(1);
  });
});

