/**
 * An array of objects whose elements kind (part of its hidden class) is that of an array holding
 * objects even when it is empty. `[]` starts as an array of small integers, so the empty ones and
 * the filled ones of one field have two hidden classes, and a loop optimized on one meets the other
 * late (a statement without waits drawn after `drawStatementWork` was optimized). V8 never turns an
 * elements kind back, so one null stored and then cut off leaves the object kind.
 */
export function objectArray<T extends object>(items: readonly T[]): T[] {
  const a = [null] as unknown as T[];
  a.length = 0;
  for (const x of items) a.push(x);
  return a;
}
