import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importTraces } from '../../src/calibrate/import.js';
import { parseSlowLog } from '../../src/calibrate/slowlog.js';
import { normalize } from '../../src/calibrate/sql.js';
import { writeScenario } from '../../src/calibrate/scenario-writer.js';
import { prettyJson } from '../../src/calibrate/json.js';
import { runScenario } from '../../src/run/run.js';
import { buildDistribution } from '../../src/workload/dist-spec.js';
import { parseScenarioText } from '../../src/workload/load.js';
import type { DistSpec, ScenarioSpec } from '../../src/workload/schema.js';

const ORACLE = join(__dirname, '..', 'fixtures', 'oracle');
const SLOWLOG = join(ORACLE, 'slow-read_write-t4-30k.log.gz');
const MARIADB = { mode: 'pool', flavor: 'mariadb', thread_pool_size: 1 } as const;

describe('statement normalisation', () => {
  it('replaces literals, folds numbered tables and classifies boundaries and locks', () => {
    const a = normalize("SELECT c FROM sbtest3 WHERE id=4295");
    const b = normalize('select `c` from `sbtest1` where id = 17;');
    expect(a.key).toBe(b.key);
    expect(a.text).toBe('SELECT c FROM sbtestN WHERE id=?');
    expect(a.keys).toEqual([4295]);
    expect(normalize("INSERT INTO sbtest2 (id, k, c, pad) VALUES (5034, 4982, 'x-1', 'y')").text).toBe('INSERT INTO sbtestN(id, k, c, pad) VALUES(...)');
    // p_s cuts SQL_TEXT at 80 characters, inside a string: still the same class.
    expect(normalize("INSERT INTO sbtest3 (id, k, c, pad) VALUES (5034, 4982, '57200955213-01753205808").key).toBe(
      normalize("INSERT INTO sbtest2 (id, k, c, pad) VALUES (1, 2, 'a', 'b')").key,
    );
    expect(normalize('UPDATE sbtest1 SET k=k+1 WHERE id=5').lock).toBe('exclusive');
    expect(normalize('SELECT * FROM t WHERE id=1 FOR SHARE').lock).toBe('shared');
    expect(normalize('SELECT * FROM t WHERE id=1').lock).toBeNull();
    expect(normalize('START TRANSACTION').kind).toBe('begin');
    expect(normalize('commit').kind).toBe('commit');
    expect(normalize('SET autocommit=0').kind).toBe('autocommit-off');
    expect(normalize('SELECT c FROM sbtest3 WHERE id=1', { foldTables: false }).text).toBe('SELECT c FROM sbtest3 WHERE id=?');
  });
});

/** A slow log written here, with known statements and times (MariaDB format). */
function syntheticLog(): string {
  const entry = (thread: number, us: number, sql: string, ts: number): string =>
    `# User@Host: u[u] @  [127.0.0.1]\n# Thread_id: ${thread}  Schema: db  QC_hit: No\n# Query_time: ${(us / 1e6).toFixed(6)}  Lock_time: 0.000001  Rows_sent: 1  Rows_examined: 1\n# Rows_affected: 1  Bytes_sent: 10\nSET timestamp=${ts};\n${sql};\n`;
  let out = 'mariadbd, Version: 10.11.19-MariaDB-log. started with:\nTcp port: 3306  Unix socket: /tmp/s\nTime\t\t    Id Command\tArgument\n';
  // Thread 1 starts inside a transaction (cut by the log): its first two statements are partial.
  out += entry(1, 50, 'UPDATE acct SET bal=bal-1 WHERE id=7', 100);
  out += entry(1, 9, 'COMMIT', 100);
  for (let i = 0; i < 30; i++) {
    out += entry(1, 5, 'BEGIN', 100);
    out += entry(1, 20 + (i % 3), `SELECT bal FROM acct WHERE id=${i}`, 100);
    out += entry(1, 40, `UPDATE acct SET bal=bal+${i} WHERE id=${i}`, 100);
    out += entry(1, 10, 'COMMIT', 100);
    out += entry(2, 12, `SELECT name FROM users WHERE id=${i}`, 100);
    out += entry(2, 14, `SELECT name FROM users WHERE id=${i + 1}`, 100);
  }
  // Thread 3 ends inside a transaction.
  out += entry(3, 5, 'BEGIN', 101);
  out += entry(3, 33, 'SELECT bal FROM acct WHERE id=3', 101);
  return out;
}

describe('sim import of a slow log', () => {
  it('finds connections, transactions (explicit and autocommit) and drops the ones the log cut', () => {
    const events = parseSlowLog(syntheticLog());
    expect(events).toHaveLength(2 + 30 * 6 + 2);
    expect(new Set(events.map((e) => e.conn))).toEqual(new Set(['1', '2', '3']));
    expect(events[0].serviceUs).toBeCloseTo(50, 6);
  });

  it('writes the transaction templates, mix and service times it saw', () => {
    const path = join(tmpdir(), `tpsim-import-${process.pid}.log`);
    writeFileSync(path, syntheticLog());
    const t = importTraces({ slowLogs: [path] });
    expect(t.partialTransactions).toBe(2);
    const { scenario } = writeScenario(t, { name: 'synthetic', cores: 2, threadHandling: MARIADB });
    const spec = parseScenarioText(prettyJson(scenario), 'synthetic.json');
    const tx = spec.workload.transactions;
    const trx = tx.find((x) => x.type === 'explicit');
    const auto = tx.find((x) => x.type === 'autocommit');
    expect(trx?.weight).toBe(30);
    expect(auto?.weight).toBe(60);
    expect(trx?.statements.map((s) => s.name)).toEqual(['SELECT bal FROM acct WHERE id=?', 'UPDATE acct SET bal=bal+? WHERE id=?']);
    expect(trx?.statements[1].locks).toEqual({ rows: 1, mode: 'exclusive', table: 'acct' });
    expect(trx?.statements[0].locks).toBeUndefined();
    // Means of the classes: 20, 21, 22us in turn and the cut transaction's 33us; 40us; users 13us; BEGIN 5us.
    expect(buildDistribution(trx?.statements[0].cpu as DistSpec).mean).toBeCloseTo((10 * 20 + 10 * 21 + 10 * 22 + 33) / 31, 3);
    expect(buildDistribution(trx?.statements[1].cpu as DistSpec).mean).toBeCloseTo(40, 3);
    expect(buildDistribution(auto?.statements[0].cpu as DistSpec).mean).toBeCloseTo(13, 1);
    expect(buildDistribution(trx?.begin.cpu as DistSpec).mean).toBeCloseTo(5, 3);
    // Thread 3 ran only a cut transaction: not a client of the workload.
    expect(spec.workload.connections).toBe(2);
    expect(scenario.description).toMatch(/ASSUMED: network round trip 30us/);
  });
});

/**
 * Independent reading of the oracle's slow log: Query_time and the statement line after
 * "SET timestamp", grouped by the scenario's own labels (via the digest texts it lists).
 */
function logFigures(text: string): Array<{ sql: string; us: number }> {
  const out: Array<{ sql: string; us: number }> = [];
  const re = /# Query_time: ([\d.]+)[^\n]*\n(?:#[^\n]*\n)*(?:use [^\n]*\n)?SET timestamp=\d+;\n([^\n]*)/g;
  for (const m of text.matchAll(re)) out.push({ sql: m[2], us: Number(m[1]) * 1e6 });
  return out;
}

describe('sim import of the oracle slow log (vendored in test/fixtures/oracle)', () => {
  it('matches the log: statement mix and mean service time per class, and the scenario runs', () => {
    // The first 30,000 entries of the oracle's log (the whole log takes a while to read twice).
    const full = gunzipSync(readFileSync(SLOWLOG)).toString('utf8');
    let cut = 0;
    for (let i = 0; i < 30_001 && cut >= 0; i++) cut = full.indexOf('# User@Host', cut + 1);
    const text = cut > 0 ? full.slice(0, cut) : full;
    const path = join(tmpdir(), `tpsim-oracle-slow-${process.pid}.log`);
    writeFileSync(path, text);
    const t = importTraces({ slowLogs: [path] });
    const { scenario, labels } = writeScenario(t, { name: 'oracle-slowlog', cores: 1, threadHandling: MARIADB });
    const spec = parseScenarioText(prettyJson(scenario), 'oracle-slowlog.json');
    // The log, read independently; classes by the first words the label's digest text starts with.
    const raw = logFigures(text);
    expect(raw.length).toBeGreaterThan(29_000);
    const classOf = (sql: string): string | undefined => {
      const key = normalize(sql).key;
      for (const [label, digest] of labels) if (digest.toLowerCase() === key) return label;
      const k = normalize(sql).kind;
      return k === 'begin' ? 'BEGIN' : k === 'commit' ? 'COMMIT' : undefined;
    };
    const logCount = new Map<string, number>();
    const logSum = new Map<string, number>();
    for (const r of raw) {
      const c = classOf(r.sql);
      if (c === undefined) continue;
      logCount.set(c, (logCount.get(c) ?? 0) + 1);
      logSum.set(c, (logSum.get(c) ?? 0) + r.us);
    }
    const logTotal = [...logCount.values()].reduce((a, b) => a + b, 0);
    // The scenario's mix: weight x count of each class per template, BEGIN / COMMIT included.
    const simCount = new Map<string, number>();
    const simMean = new Map<string, number>();
    for (const tx of spec.workload.transactions) {
      const add = (name: string, n: number, d: DistSpec): void => {
        simCount.set(name, (simCount.get(name) ?? 0) + tx.weight * n);
        simMean.set(name, buildDistribution(d).mean);
      };
      if (tx.type === 'explicit') {
        add('BEGIN', 1, tx.begin.cpu);
        add('COMMIT', 1, tx.commit.cpu);
      }
      for (const st of tx.statements) add(st.name, st.count, st.cpu);
    }
    const simTotal = [...simCount.values()].reduce((a, b) => a + b, 0);
    expect(simCount.size).toBeGreaterThanOrEqual(11);
    for (const [name, n] of simCount) {
      const logN = logCount.get(name) ?? 0;
      expect(logN, name).toBeGreaterThan(0);
      expect(Math.abs(n / simTotal - logN / logTotal), `share of ${name}`).toBeLessThan(0.002);
      const logMean = (logSum.get(name) ?? 0) / logN;
      expect(Math.abs((simMean.get(name) as number) - logMean) / logMean, `mean of ${name}`).toBeLessThan(0.01);
    }
    // Row locks and the hot-spot key space of sysbench's default "special" distribution.
    expect(spec.workload.tables?.sbtestN?.distribution.kind).toBe('hotspot');
    const short: ScenarioSpec = { ...spec, duration: '150ms', warmup: '50ms', workload: { ...spec.workload, connections: 4 } };
    const r = runScenario(short);
    expect(r.summary.transactions).toBeGreaterThan(10);
    expect(r.statements['UPDATE sbtestN SET k=k+? WHERE id=?'].count).toBeGreaterThan(10);
  });

  it('reads performance_schema history: sequences with BEGIN/COMMIT, and the client gap from start/end timers', () => {
    const st = ORACLE;
    const t = importTraces({ psHistory: [join(st, 'history-read_write-t1-text.csv.gz')], psDigest: [join(st, 'digest-read_write-t1-text.csv')] });
    expect(t.gaps.method).toBe('exact');
    const { scenario } = writeScenario(t, { name: 'rw', cores: 1, threadHandling: MARIADB });
    const spec = parseScenarioText(prettyJson(scenario), 'rw.json');
    expect(spec.workload.transactions).toHaveLength(1);
    const trx = spec.workload.transactions[0];
    expect(trx.type).toBe('explicit');
    expect(trx.statements.reduce((s, x) => s + x.count, 0)).toBe(18);
    expect(trx.statements[0].count).toBe(10);
    // The gap: independent of the importer, from the raw rows of one thread.
    const gaps = t.gaps.inTransactionUs;
    expect(gaps.length).toBeGreaterThan(8000);
    const rtt = buildDistribution(spec.workload.network.rtt).mean;
    const sorted = [...gaps].sort((a, b) => a - b);
    expect(rtt).toBeGreaterThan(sorted[Math.floor(sorted.length * 0.25)]);
    expect(rtt).toBeLessThan(sorted[Math.floor(sorted.length * 0.9)]);
    expect(spec.server.innodb?.innodb_flush_log_at_trx_commit).toBe(2);
  });
});
