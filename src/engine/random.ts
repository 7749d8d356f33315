import seedrandom from 'seedrandom';

/** A uniform generator on [0, 1). */
export type Rng = () => number;

/**
 * A named random stream: derived from (scenario seed, purpose, entity id) only, so the numbers a
 * connection draws do not depend on what else the model does. Two runs that differ only in
 * thread pool settings therefore see the same workload (common random numbers).
 * Alea (from seedrandom) is used for speed; its period is ample for one stream.
 */
export function stream(seed: number | string, purpose: string, id = 0): Rng {
  return seedrandom.alea(`${seed}/${purpose}/${id}`);
}

/** A uniform on (0, 1), never 0, for inverse transforms that take a logarithm. */
export function uniformOpen(rng: Rng): number {
  let u = rng();
  while (u === 0) u = rng();
  return u;
}
