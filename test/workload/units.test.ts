import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatReport } from '../../src/report/terminal.js';
import { resultJson } from '../../src/report/write.js';
import { resolveThreadHandling } from '../../src/threadpool/factory.js';
import { ScenarioError } from '../../src/workload/errors.js';
import { parseScenarioText } from '../../src/workload/load.js';
import { Scenario, type ScenarioSpec } from '../../src/workload/schema.js';
import { describeServerValue, humanDuration } from '../../src/workload/schema/units.js';
import { MYSQL_STALL_LIMIT_MS_LIKE } from '../../src/workload/unit-warnings.js';
import { ensureBuilt, sim, tempDir } from '../cli/helpers.js';
import { sampleResult } from '../report/sample.js';

/** A minimal valid scenario text around a threadHandling block. */
function scenarioText(threadHandling: Record<string, unknown>): string {
  return JSON.stringify({
    name: 'units',
    duration: '2s',
    warmup: '1s',
    threadHandling,
    workload: { connections: 2, transactions: [{ name: 't', statements: [{ name: 's', cpu: '10us' }] }] },
  });
}

interface Parsed {
  spec?: ScenarioSpec;
  error?: string;
  warnings: string[];
}

function parse(threadHandling: Record<string, unknown>, sets: string[] = []): Parsed {
  const warnings: string[] = [];
  try {
    const spec = parseScenarioText(scenarioText(threadHandling), 'units.json', sets, { onWarning: (w) => warnings.push(w) });
    return { spec, warnings };
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    return { error: e.message, warnings };
  }
}

function pool(p: Parsed): Record<string, unknown> {
  expect(p.error).toBeUndefined();
  return p.spec?.threadHandling as Record<string, unknown>;
}

/** The Configuration lines of the terminal report of a (made-up) run with these settings. */
function configurationLines(spec: ScenarioSpec): string {
  const report = formatReport(sampleResult({ scenario: spec }));
  const lines = report.split('\n');
  const start = lines.indexOf('Configuration');
  return lines.slice(start, lines.indexOf('', start)).join('\n');
}

describe('duration-like pool variables take the server unit or a duration string', () => {
  it('MySQL thread_pool_stall_limit: 10 ms units; "500ms" is 50, "5s" is 500, a number stays', () => {
    expect(pool(parse({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: '500ms' })).thread_pool_stall_limit).toBe(50);
    expect(pool(parse({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: '5s' })).thread_pool_stall_limit).toBe(500);
    expect(pool(parse({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: '60ms' })).thread_pool_stall_limit).toBe(6);
    expect(pool(parse({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: 6 })).thread_pool_stall_limit).toBe(6);
  });

  it('MySQL ms variables: kick-up timer, long-running transaction limit, transaction delay', () => {
    const th = pool(
      parse({
        mode: 'pool',
        flavor: 'mysql',
        thread_pool_prio_kickup_timer: '2s',
        thread_pool_longrun_trx_limit: '1.5s',
        thread_pool_transaction_delay: '250ms',
      }),
    );
    expect([th.thread_pool_prio_kickup_timer, th.thread_pool_longrun_trx_limit, th.thread_pool_transaction_delay]).toEqual([2000, 1500, 250]);
  });

  it('MariaDB and Percona: stall limit and kick-up timer in ms, idle timeout in s', () => {
    const ma = pool(parse({ mode: 'pool', flavor: 'mariadb', thread_pool_stall_limit: '0.5s', thread_pool_idle_timeout: '2min', thread_pool_prio_kickup_timer: '1s' }));
    expect([ma.thread_pool_stall_limit, ma.thread_pool_idle_timeout, ma.thread_pool_prio_kickup_timer]).toEqual([500, 120, 1000]);
    const pe = pool(parse({ mode: 'pool', flavor: 'percona', thread_pool_stall_limit: '100ms', thread_pool_idle_timeout: '90s' }));
    expect([pe.thread_pool_stall_limit, pe.thread_pool_idle_timeout]).toEqual([100, 90]);
  });

  it('--set takes a unit string too', () => {
    expect(pool(parse({ mode: 'pool', flavor: 'mysql' }, ['threadHandling.thread_pool_stall_limit=500ms'])).thread_pool_stall_limit).toBe(50);
    expect(pool(parse({ mode: 'pool', flavor: 'mysql' }, ['threadHandling.thread_pool_stall_limit=8'])).thread_pool_stall_limit).toBe(8);
  });

  it('refuses a duration that is not a whole number of the server unit, saying the unit', () => {
    const p = parse({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: '505ms' });
    expect(p.error).toBe('units.json: at threadHandling.thread_pool_stall_limit: expected a whole number of units of 10 ms (the server\'s unit), found "505ms" = 50.5 x10 ms');
    expect(parse({ mode: 'pool', flavor: 'mariadb', thread_pool_idle_timeout: '1500ms' }).error).toContain('expected a whole number of seconds');
  });

  it('refuses out-of-range values with the range in the unit and in time, and the string form', () => {
    const big = parse({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: 1000 });
    expect(big.error).toBe(
      'units.json: at threadHandling.thread_pool_stall_limit: expected a whole number of units of 10 ms from 4 to 600 (40 ms to 6 s), or a duration such as "1000ms" (= 100) if 1000 is in ms; found 1000',
    );
    expect(parse({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: 2000 }).error).toBe(
      'units.json: at threadHandling.thread_pool_stall_limit: expected a whole number of units of 10 ms from 4 to 600 (40 ms to 6 s), or a duration such as "2000ms" (= 200) if 2000 is in ms; found 2000',
    );
    expect(parse({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: 7000 }).error).toContain('or a duration such as "500ms"; found 7000');
    expect(parse({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: '7s' }).error).toContain('found "7s" = 700 x10 ms');
    expect(parse({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: '5 parsecs' }).error).toContain('or a duration such as "500ms"; found "5 parsecs"');
    expect(parse({ mode: 'pool', flavor: 'percona', thread_pool_stall_limit: 5 }).error).toContain('expected a whole number of milliseconds from 10 to');
  });
});

describe('a MySQL stall limit that looks like milliseconds', () => {
  it(`warns from ${MYSQL_STALL_LIMIT_MS_LIKE} (1 s): names the unit, what the value means and how to write either reading`, () => {
    const p = parse({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: 500 });
    expect(pool(p).thread_pool_stall_limit).toBe(500);
    expect(p.warnings).toEqual([
      'units.json: warning: at threadHandling.thread_pool_stall_limit: 500 is in MySQL\'s unit of 10 ms, so it means 5 s ' +
        '(MySQL\'s default is 6 = 60 ms; MariaDB and Percona count this variable in ms). If you meant 500 ms, write "500ms" (= 50); ' +
        'to keep 5 s without this warning, write "5s"',
    ]);
    expect(parse({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: MYSQL_STALL_LIMIT_MS_LIKE }).warnings).toHaveLength(1);
    expect(parse({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: 105 }).warnings[0]).toContain('write "110ms" (= 11: the unit is 10 ms)');
  });

  it('stays silent below the threshold, for a unit string, and for other variables', () => {
    expect(parse({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: MYSQL_STALL_LIMIT_MS_LIKE - 1 }).warnings).toEqual([]);
    expect(parse({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: 6 }).warnings).toEqual([]);
    expect(parse({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: '5s' }).warnings).toEqual([]);
    expect(parse({ mode: 'pool', flavor: 'mysql', thread_pool_prio_kickup_timer: 500 }).warnings).toEqual([]);
    expect(parse({ mode: 'pool', flavor: 'mariadb', thread_pool_stall_limit: 500 }).warnings).toEqual([]);
  });

  it('says when the value came from --set', () => {
    const p = parse({ mode: 'pool', flavor: 'mysql' }, ['threadHandling.thread_pool_stall_limit=200']);
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toMatch(/means 2 s .*\(from --set threadHandling\.thread_pool_stall_limit=200\)$/);
  });

  it('MariaDB: a stall limit under 10 ms reads like MySQL\'s 10 ms units and is warned about', () => {
    const p = parse({ mode: 'pool', flavor: 'mariadb', thread_pool_stall_limit: 6 });
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toContain('6 is in MariaDB\'s unit of ms, so it means 6 ms');
    expect(p.warnings[0]).toContain('write "60ms"');
  });
});

describe('the report shows each duration-like variable with its unit and meaning', () => {
  it('formats values in their server unit', () => {
    expect(describeServerValue(50, '10ms')).toBe('50 (x10 ms = 500 ms)');
    expect(describeServerValue(6, '10ms')).toBe('6 (x10 ms = 60 ms)');
    expect(describeServerValue(500, 'ms')).toBe('500 (ms)');
    expect(describeServerValue(1000, 'ms')).toBe('1000 (ms = 1 s)');
    expect(describeServerValue(60, 's')).toBe('60 (s = 1 min)');
    expect(describeServerValue(90, 's')).toBe('90 (s)');
    expect(describeServerValue(0, 'ms')).toBe('0 (ms)');
    expect(humanDuration(4294967295 * 1000)).toBe('49.7 days');
  });

  it('in the result file, after the scenario whose numbers stay in the server unit', () => {
    const spec = Scenario.parse(JSON.parse(scenarioText({ mode: 'pool', flavor: 'mariadb', thread_pool_stall_limit: '1s' })));
    const resolved = { ...spec, threadHandling: resolveThreadHandling(spec.threadHandling, 4) };
    const text = resultJson(sampleResult({ scenario: resolved }));
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(doc).slice(2, 4)).toEqual(['scenario', 'poolSettingUnits']);
    expect(doc.poolSettingUnits).toEqual({
      thread_pool_stall_limit: '1000 (ms = 1 s)',
      thread_pool_idle_timeout: '60 (s = 1 min)',
      thread_pool_prio_kickup_timer: '1000 (ms = 1 s)',
    });
    // The echo is still a scenario: it parses to the same settings.
    expect(Scenario.parse((doc.scenario as Record<string, unknown>)).threadHandling).toEqual(resolved.threadHandling);
    // Written again (a sweep re-reads point files), the field is not doubled.
    expect(JSON.parse(resultJson(doc as unknown as ReturnType<typeof sampleResult>))).toEqual(doc);
    const none = JSON.parse(resultJson(sampleResult({ scenario: { ...spec, threadHandling: { mode: 'one-thread-per-connection' } } })));
    expect('poolSettingUnits' in none).toBe(false);
  });

  it('in the Configuration section of sim run', () => {
    const spec = Scenario.parse(JSON.parse(scenarioText({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: '500ms', thread_pool_size: 8 })));
    const config = configurationLines(spec);
    expect(config).toContain('thread_pool_stall_limit=50 (x10 ms = 500 ms)');
    expect(config).toContain('thread_pool_size=8 ');
  });
});

/**
 * A my.cnf [mysqld] block pasted key by key into threadHandling, as a DBA would: numbers stay
 * numbers, words stay strings; thread_handling / plugin-load lines choose the flavour instead.
 */
function pasted(mycnf: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const raw of mycnf.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^([a-z_-]+)\s*=\s*(.+)$/.exec(line);
    if (m === null || !m[1].startsWith('thread_pool')) continue;
    const key = m[1].replace(/-/g, '_');
    out[key] = /^\d+$/.test(m[2]) ? Number(m[2]) : m[2];
  }
  return out;
}

describe('a pasted my.cnf thread pool block gets the right units or a clear warning', () => {
  const MYSQL = `
[mysqld]
plugin-load-add = thread_pool.so
thread_pool_size = 16
thread_pool_algorithm = 0
thread_pool_stall_limit = 6            # 10 ms units: 60 ms
thread_pool_prio_kickup_timer = 1000
thread_pool_max_unused_threads = 32
thread_pool_query_threads_per_group = 2
thread_pool_max_transactions_limit = 512
thread_pool_longrun_trx_limit = 2000
`;
  const MARIADB = `
[mariadb]
thread_handling = pool-of-threads
thread_pool_size = 16
thread_pool_stall_limit = 500
thread_pool_oversubscribe = 3
thread_pool_max_threads = 65536
thread_pool_idle_timeout = 60
thread_pool_prio_kickup_timer = 1000
thread_pool_priority = auto
`;
  const PERCONA = `
[mysqld]
thread_handling = pool-of-threads
thread_pool_size = 32
thread_pool_stall_limit = 200
thread_pool_oversubscribe = 5
thread_pool_max_threads = 100000
thread_pool_idle_timeout = 60
thread_pool_high_prio_mode = transactions
thread_pool_high_prio_tickets = 4294967295
`;

  it('MySQL defaults and a typical tuning: accepted as is, 60 ms in the report, no warning', () => {
    const p = parse({ mode: 'pool', flavor: 'mysql', ...pasted(MYSQL) });
    expect(p.warnings).toEqual([]);
    expect(pool(p)).toMatchObject({ thread_pool_stall_limit: 6, thread_pool_max_transactions_limit: 512, thread_pool_longrun_trx_limit: 2000 });
    const config = configurationLines(p.spec as ScenarioSpec);
    expect(config).toContain('thread_pool_stall_limit=6 (x10 ms = 60 ms)');
    expect(config).toContain('thread_pool_prio_kickup_timer=1000 (ms = 1 s)');
    expect(config).toContain('thread_pool_longrun_trx_limit=2000 (ms = 2 s)');
  });

  it('MariaDB defaults: accepted as is, in ms and s, no warning', () => {
    const p = parse({ mode: 'pool', flavor: 'mariadb', ...pasted(MARIADB) });
    expect(p.warnings).toEqual([]);
    const config = configurationLines(p.spec as ScenarioSpec);
    expect(config).toContain('thread_pool_stall_limit=500 (ms)');
    expect(config).toContain('thread_pool_idle_timeout=60 (s = 1 min)');
    expect(config).toContain('thread_pool_prio_kickup_timer=1000 (ms = 1 s)');
  });

  it('Percona tuning: accepted as is, in ms, no warning', () => {
    const p = parse({ mode: 'pool', flavor: 'percona', ...pasted(PERCONA) });
    expect(p.warnings).toEqual([]);
    expect(configurationLines(p.spec as ScenarioSpec)).toContain('thread_pool_stall_limit=200 (ms)');
  });

  it('the MariaDB block under the MySQL flavour: the ms stall limit is warned about (5 s), the rest refused by name', () => {
    const { thread_pool_stall_limit, thread_pool_prio_kickup_timer } = pasted(MARIADB);
    const p = parse({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit, thread_pool_prio_kickup_timer });
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toContain("500 is in MySQL's unit of 10 ms, so it means 5 s");
    const all = parse({ mode: 'pool', flavor: 'mysql', ...pasted(MARIADB) });
    expect(all.error).toContain('unknown keys "thread_pool_oversubscribe"');
  });

  it('the MySQL block under MariaDB: the 10 ms stall limit is warned about (6 ms)', () => {
    const p = parse({ mode: 'pool', flavor: 'mariadb', thread_pool_size: 16, thread_pool_stall_limit: pasted(MYSQL).thread_pool_stall_limit });
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toContain("6 is in MariaDB's unit of ms");
  });

  it('the MySQL stall limit under Percona: refused, with the unit and range', () => {
    const p = parse({ mode: 'pool', flavor: 'percona', thread_pool_stall_limit: 6 });
    expect(p.error).toContain('at threadHandling.thread_pool_stall_limit: expected a whole number of milliseconds from 10 to 4294967295');
  });
});

describe('sim validate prints the warning on stderr and still succeeds', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('warns once for 500 under MySQL, not for "500ms"', () => {
    const dir = tempDir();
    const ms = join(dir, 'ms.json');
    writeFileSync(ms, scenarioText({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: 500 }));
    const r = sim(['validate', ms]);
    expect(r.status).toBe(0);
    expect(r.stderr.match(/warning: at threadHandling\.thread_pool_stall_limit: 500 is in MySQL's unit of 10 ms/g)).toHaveLength(1);
    const unit = join(dir, 'unit.json');
    writeFileSync(unit, scenarioText({ mode: 'pool', flavor: 'mysql', thread_pool_stall_limit: '500ms' }));
    const q = sim(['validate', unit]);
    expect(q.status).toBe(0);
    expect(q.stderr).toBe('');
  });
});
