import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from '../../engine/duration.js';

/**
 * Duration-like server variables keep the server's own unit (so a my.cnf value pastes as is) and
 * also take a duration string ("500ms", "5s"), converted to that unit when the scenario is read.
 */
export type ServerUnit = 'ms' | '10ms' | 's';

/** Microseconds in one unit of the variable. */
export const UNIT_US: Readonly<Record<ServerUnit, number>> = { ms: 1000, '10ms': 10_000, s: 1_000_000 };

/** How the unit reads in messages and reports. */
export const UNIT_LABEL: Readonly<Record<ServerUnit, string>> = { ms: 'ms', '10ms': 'x10 ms', s: 's' };

const UNIT_WORDS: Readonly<Record<ServerUnit, string>> = { ms: 'milliseconds', '10ms': 'units of 10 ms', s: 'seconds' };

/** A time in µs as a person writes it: "60 ms", "1.5 s", "2 min", "49.7 days". */
export function humanDuration(us: number): string {
  if (us >= 86_400e6) return `${+(us / 86_400e6).toPrecision(3)} days`;
  if (us >= 60e6 && us % 60e6 === 0) return `${us / 60e6} min`;
  if (us >= 1e6) return `${+(us / 1e6).toFixed(6)} s`;
  if (us >= 1000) return `${+(us / 1000).toFixed(3)} ms`;
  return `${us} us`;
}

/** "50 (x10 ms = 500 ms)", "1000 (ms = 1 s)", "500 (ms)": a value in its server unit, and what it means. */
export function describeServerValue(value: number, unit: ServerUnit): string {
  if (value === 0) return `0 (${UNIT_LABEL[unit]})`;
  const meaning = humanDuration(value * UNIT_US[unit]);
  const plain = `${value} ${unit === '10ms' ? '' : unit}`.trim();
  return meaning === plain ? `${value} (${UNIT_LABEL[unit]})` : `${value} (${UNIT_LABEL[unit]} = ${meaning})`;
}

/** Per flavour: the duration-like variables and their server units (spec 1(a), 2(a), 3(a)). */
export const POOL_UNITS: Readonly<Record<'mysql' | 'mariadb' | 'percona', Readonly<Record<string, ServerUnit>>>> = {
  mysql: {
    thread_pool_stall_limit: '10ms',
    thread_pool_prio_kickup_timer: 'ms',
    thread_pool_longrun_trx_limit: 'ms',
    thread_pool_transaction_delay: 'ms',
  },
  mariadb: {
    thread_pool_stall_limit: 'ms',
    thread_pool_idle_timeout: 's',
    thread_pool_prio_kickup_timer: 'ms',
  },
  percona: {
    thread_pool_stall_limit: 'ms',
    thread_pool_idle_timeout: 's',
  },
};

/** An example duration string for a unit's message: the range's default-ish middle. */
function example(unit: ServerUnit): string {
  return unit === 's' ? '90s' : '500ms';
}

/**
 * A duration-like server variable: a whole number in `unit` from `min` to `max`, or a duration
 * string that is a whole number of `unit`s in that range. The output is always the number.
 */
export function serverDuration(unit: ServerUnit, min: number, max: number, doc: string) {
  const us = UNIT_US[unit];
  const range = `a whole number of ${UNIT_WORDS[unit]} from ${min} to ${max} (${humanDuration(min * us)} to ${humanDuration(max * us)})`;
  const expected = `expected ${range}, or a duration such as "${example(unit)}"`;
  // A MariaDB / Percona stall limit in ms pasted under MySQL: suggest the same time in ms.
  const tooBig = (input: unknown): string => {
    const asUnits = typeof input === 'number' ? (input * UNIT_US.ms) / us : NaN;
    if (unit !== '10ms' || !Number.isInteger(asUnits) || asUnits < min || asUnits > max) return expected;
    return `expected ${range}, or a duration such as "${String(input)}ms" (= ${asUnits}) if ${String(input)} is in ms`;
  };
  return z
    .union(
      [
        z
          .number({ error: expected })
          .int({ error: expected })
          .min(min, { error: expected })
          .max(max, { error: (issue) => tooBig(issue.input) }),
        z.string({ error: expected }).regex(DURATION_PATTERN, { error: expected }),
      ],
      { error: expected },
    )
    .transform((v, ctx): number => {
      if (typeof v === 'number') return v;
      const n = parseDuration(v) / us;
      // parseDuration is exact on the decimal text, so a whole number of units divides exactly.
      if (!Number.isInteger(n)) {
        ctx.addIssue({ code: 'custom', message: `expected a whole number of ${UNIT_WORDS[unit]} (the server's unit), found "${v}" = ${+n.toFixed(6)} ${UNIT_LABEL[unit]}`, input: v });
        return z.NEVER;
      }
      if (n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${expected}; found "${v}" = ${n} ${UNIT_LABEL[unit]}`, input: v });
        return z.NEVER;
      }
      return n;
    })
    .describe(`${doc} Unit: ${UNIT_WORDS[unit]} (the server's own); a duration string such as "${example(unit)}" is converted. Range ${min} to ${max}.`);
}

/**
 * The duration-like settings of a resolved thread handling with their unit and meaning, e.g.
 * { thread_pool_stall_limit: "6 (x10 ms = 60 ms)" }, for the result file beside the numbers (which
 * stay in the server's unit so that the echo is still a valid scenario). Undefined without a pool.
 */
export function poolSettingUnits(threadHandling: { mode: string; flavor?: string }): Record<string, string> | undefined {
  if (threadHandling.mode !== 'pool') return undefined;
  const units = POOL_UNITS[threadHandling.flavor as keyof typeof POOL_UNITS];
  if (units === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(threadHandling)) {
    const unit = units[k];
    if (unit !== undefined && typeof v === 'number') out[k] = describeServerValue(v, unit);
  }
  return out;
}
