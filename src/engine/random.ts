import seedrandom from 'seedrandom';

/** A uniform generator on [0, 1). */
export type Rng = () => number;

/**
 * Generator states, four doubles each (Alea's s0, s1, s2, c), packed in shared blocks: the
 * states of a run's 512 connections then fill 16 KB of adjacent memory instead of a boxed
 * object and four heap numbers each, scattered over the heap.
 */
const BLOCK_STREAMS = 1024;
let block = new Float64Array(4 * BLOCK_STREAMS);
let used = 0;

/**
 * A named random stream: derived from (scenario seed, purpose, entity id) only, so the numbers a
 * connection draws do not depend on what else the model does. Two runs that differ only in
 * thread pool settings therefore see the same workload (common random numbers).
 * The generator is Alea, seeded by seedrandom (seedrandom.alea gives the same sequence); its
 * period is ample for one stream.
 */
export function stream(seed: number | string, purpose: string, id = 0): Rng {
  const init = seedrandom.alea(`${seed}/${purpose}/${id}`, { state: true }).state();
  if (used === BLOCK_STREAMS) {
    block = new Float64Array(4 * BLOCK_STREAMS);
    used = 0;
  }
  const s = block;
  const b = 4 * used++;
  s[b] = init.s0;
  s[b + 1] = init.s1;
  s[b + 2] = init.s2;
  s[b + 3] = init.c;
  return () => {
    const t = 2091639 * s[b] + s[b + 3] * 2.3283064365386963e-10; // 2^-32
    s[b] = s[b + 1];
    s[b + 1] = s[b + 2];
    const c = t | 0;
    s[b + 3] = c;
    return (s[b + 2] = t - c);
  };
}

/** A uniform on (0, 1), never 0, for inverse transforms that take a logarithm. */
export function uniformOpen(rng: Rng): number {
  let u = rng();
  while (u === 0) u = rng();
  return u;
}
