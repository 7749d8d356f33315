import { UNIT_US, humanDuration } from './schema/units.js';

/**
 * Values that the schema accepts but that probably carry another server's unit: a thread pool
 * block pasted from a my.cnf of another flavour. Only plain numbers are checked: a duration string
 * ("500ms") says its unit.
 */

/**
 * MySQL's thread_pool_stall_limit is in 10 ms units: documented range 4 to 600 (40 ms to 6 s),
 * default 6 (60 ms). MariaDB and Percona take the same variable in ms, default 500, so values
 * from their my.cnf (100 to 600 ms are usual there) fall inside MySQL's range but mean ten times
 * longer. From 100 (1 s, 16 times MySQL's default) a value is far more likely a millisecond
 * figure than a stall limit longer than a second, which the MySQL manual reserves for long-running
 * statements; below 100 the two readings overlap too much to guess.
 */
export const MYSQL_STALL_LIMIT_MS_LIKE = 100;

/**
 * MariaDB's thread_pool_stall_limit is in ms (range 1 to 4294967295, default 500); Percona's
 * minimum is 10. A value below 10 ms is MySQL's 10 ms unit more likely (its default is 6 = 60 ms).
 */
export const MARIADB_STALL_LIMIT_10MS_LIKE = 10;

export interface UnitWarning {
  path: Array<string | number>;
  message: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Warnings for the raw (parsed JSON, overrides applied) scenario that validated. */
export function unitWarnings(data: unknown): UnitWarning[] {
  if (!isObject(data) || !isObject(data.threadHandling)) return [];
  const th = data.threadHandling;
  const stall = th.thread_pool_stall_limit;
  const path = ['threadHandling', 'thread_pool_stall_limit'];
  if (th.mode !== 'pool' || typeof stall !== 'number') return [];
  if (th.flavor === 'mysql' && stall >= MYSQL_STALL_LIMIT_MS_LIKE) {
    const means = humanDuration(stall * UNIT_US['10ms']);
    const r = Math.round(stall / 10) * 10;
    const asMs = r === stall ? `write "${stall}ms" (= ${stall / 10})` : `write "${r}ms" (= ${r / 10}: the unit is 10 ms)`;
    return [
      {
        path,
        message:
          `${stall} is in MySQL's unit of 10 ms, so it means ${means} (MySQL's default is 6 = 60 ms; ` +
          `MariaDB and Percona count this variable in ms). If you meant ${stall} ms, ${asMs}; ` +
          `to keep ${means} without this warning, write "${means.replace(' ', '')}"`,
      },
    ];
  }
  if ((th.flavor === 'mariadb' || th.flavor === 'percona') && stall < MARIADB_STALL_LIMIT_10MS_LIKE) {
    const name = th.flavor === 'mariadb' ? 'MariaDB' : 'Percona';
    return [
      {
        path,
        message:
          `${stall} is in ${name}'s unit of ms, so it means ${stall} ms (the default is 500 ms; ` +
          `MySQL counts this variable in 10 ms units). If you meant MySQL's ${stall} (= ${stall * 10} ms), ` +
          `write "${stall * 10}ms"; to keep ${stall} ms without this warning, write "${stall}ms"`,
      },
    ];
  }
  return [];
}
