import type { DistSpec, ScenarioInput } from '../workload/schema.js';
import { MAX_LOCKS_PER_STATEMENT } from '../workload/schema.js';
import { empiricalOf, lognormalCv, mean, median, quantile, us } from './dist-fit.js';
import type { DigestClass, ImportedTrace } from './trace.js';

type ThreadHandlingInput = ScenarioInput['threadHandling'];
type TransactionInput = ScenarioInput['workload']['transactions'][number];
type StatementInput = TransactionInput['statements'][number];

export interface WriteOptions {
  name: string;
  cores: number;
  threadHandling: ThreadHandlingInput;
  /** Share of a statement's measured time that is CPU (the rest a reported wait); default 1. */
  cpuShare?: number;
  /** Connections of the scenario; default: as many as the trace had. */
  connections?: number;
  /** Transaction templates that make less of the trace than this are left out (default 0.001). */
  minShare?: number;
  maxTemplates?: number;
  /** Round trip when the trace cannot give one (µs, default 30). */
  defaultRttUs?: number;
  /** Rows of each (unfolded) table when known; default: the largest key the trace shows. */
  rowsPerTable?: number;
}

export interface ImportResult {
  scenario: ScenarioInput;
  /** The companion .md: what was inferred and what was assumed, and the classes in full. */
  markdown: string;
  /** Statement class label -> digest text. */
  labels: Map<string, string>;
}

const MAX_LABEL = 60;
/** COMMITs faster than this cannot include a redo-log fsync. */
const FSYNC_FLOOR_US = 100;

/** Builds a scenario (and its notes) from an analysed trace. */
export function writeScenario(t: ImportedTrace, o: WriteOptions): ImportResult {
  const cpuShare = o.cpuShare ?? 1;
  const minShare = o.minShare ?? 0.001;
  const maxTemplates = o.maxTemplates ?? 20;
  const inferred: string[] = [];
  const assumed: string[] = [];

  // Templates: the commonest shapes.
  const totalTx = t.shapes.reduce((s, x) => s + x.count, 0);
  if (totalTx === 0) throw new Error(`${t.source}: no complete transaction or statement found`);
  const kept = t.shapes.filter((s) => s.count / totalTx >= minShare).slice(0, maxTemplates);
  const dropped = t.shapes.filter((s) => !kept.includes(s));
  const droppedTx = dropped.reduce((s, x) => s + x.count, 0);

  // Labels: the digest text, shortened; unique.
  const labels = new Map<string, string>();
  const labelOf = new Map<string, string>();
  const used = new Set<string>();
  const label = (d: DigestClass): string => {
    const have = labelOf.get(d.key);
    if (have !== undefined) return have;
    let base = d.text.length > MAX_LABEL ? `${d.text.slice(0, MAX_LABEL - 1)}…` : d.text;
    if (base === 'BEGIN' || base === 'COMMIT') base = `${base} (statement)`;
    let l = base;
    for (let i = 2; used.has(l); i++) l = `${base} #${i}`;
    used.add(l);
    labelOf.set(d.key, l);
    labels.set(l, d.text);
    return l;
  };

  const demand = (d: DigestClass): { cpu: DistSpec; waits: StatementInput['waits'] } => {
    const cpu = empiricalOf(d.samplesUs.map((x) => x * cpuShare));
    if (cpuShare >= 1) return { cpu, waits: [] };
    return { cpu, waits: [{ type: 'other', latency: empiricalOf(d.samplesUs.map((x) => x * (1 - cpuShare))) }] };
  };

  // Key spaces of tables that locked statements touch.
  const tables: NonNullable<ScenarioInput['workload']['tables']> = {};
  const lockedTables = new Set<string>();
  for (const s of kept) for (const k of s.steps) {
    const d = t.digests.get(k);
    if (d?.lock != null && d.table !== null) lockedTables.add(d.table);
  }
  for (const name of lockedTables) {
    const tk = t.tables.get(name);
    if (tk === undefined || tk.maxKey < 1) {
      tables[name] = { rows: 10_000 };
      assumed.push(`table ${name}: 10,000 rows, uniform access (no key literals in the trace)`);
      continue;
    }
    const perTable = o.rowsPerTable ?? tk.maxKey;
    const rows = tk.rawTables.size * perTable;
    const hot = Math.max(1, Math.round(rows * 0.01));
    const share = topShare([...tk.hits.values()], hot, tk.accesses);
    // What the busiest 1% would hold if access were uniform, for a sample of this size.
    const base = uniformTopShare(rows, hot, tk.accesses);
    const p = base < 1 ? (share - base) / (1 - base) : 0;
    const skewed = p > 0.1;
    tables[name] = skewed ? { rows, distribution: { kind: 'hotspot', fraction: 0.01, probability: +p.toFixed(3) } } : { rows };
    inferred.push(
      `table ${name}: ${rows} rows (${tk.rawTables.size} table${tk.rawTables.size > 1 ? 's' : ''} x ${o.rowsPerTable !== undefined ? `${perTable} rows given; largest key seen ${tk.maxKey}` : `largest key ${tk.maxKey} seen`}); ` +
        `the busiest 1% of keys took ${(share * 100).toFixed(1)}% of ${tk.accesses} keyed accesses (uniform access would give ${(base * 100).toFixed(1)}%): ` +
        (skewed ? `hot spot, ${(p * 100).toFixed(1)}% of accesses on 1% of the rows` : 'uniform'),
    );
  }

  const statementOf = (k: string, count: number): StatementInput => {
    const d = t.digests.get(k) as DigestClass;
    const st: StatementInput = { name: label(d), ...demand(d) };
    if (count > 1) st.count = count;
    if (d.lock !== null && d.table !== null) {
      const rows = Math.max(1, Math.min(MAX_LOCKS_PER_STATEMENT, Math.round(median(d.rowsAffected.length > 0 ? d.rowsAffected : [1]))));
      st.locks = { rows, mode: d.lock, table: d.table };
    }
    return st;
  };
  const boundary = (kind: 'begin' | 'commit' | 'rollback'): { cpu: DistSpec } | undefined => {
    const d = t.digests.get(kind);
    return d === undefined ? undefined : { cpu: empiricalOf(d.samplesUs.map((x) => x * cpuShare)) };
  };

  let autoN = 0;
  let trxN = 0;
  const transactions: TransactionInput[] = kept.map((s) => {
    // Runs of one class become one statement with a count.
    const statements: StatementInput[] = [];
    for (let i = 0; i < s.steps.length; ) {
      let j = i;
      while (j < s.steps.length && s.steps[j] === s.steps[i]) j++;
      statements.push(statementOf(s.steps[i], j - i));
      i = j;
    }
    if (!s.explicit) {
      autoN++;
      return { name: kept.filter((x) => !x.explicit).length > 1 ? `auto${autoN}` : 'autocommit', weight: s.count, type: 'autocommit', statements };
    }
    trxN++;
    const tx: TransactionInput = { name: kept.filter((x) => x.explicit).length > 1 ? `trx${trxN}` : 'trx', weight: s.count, type: 'explicit', statements };
    const b = boundary('begin');
    const c = boundary(s.rollback ? 'rollback' : 'commit');
    if (b !== undefined) tx.begin = b;
    if (c !== undefined) tx.commit = c;
    return tx;
  });

  // Client side: round trip and think time.
  const g = t.gaps;
  let rtt: DistSpec;
  let think: DistSpec = '0us';
  const defaultRtt = o.defaultRttUs ?? 30;
  if (g.method === 'exact') {
    const inside = g.inTransactionUs.length >= 10 ? g.inTransactionUs : g.betweenUs;
    const m = mean(trimmed(inside));
    rtt = { dist: 'lognormal', mean: us(m), cv: +lognormalCv(inside).toFixed(3) };
    const between = mean(trimmed(g.betweenUs));
    inferred.push(`network round trip + client time per statement: mean ${us(m)} (${g.note}; top 1% trimmed)`);
    if (g.inTransactionUs.length >= 10 && g.betweenUs.length >= 10 && between - m > Math.max(1, 0.1 * m)) {
      think = { dist: 'exponential', mean: us(between - m) };
      inferred.push(`think time between transactions: ${us(between - m)} more than between statements (exponential assumed)`);
    }
  } else if (g.method === 'coarse' && g.meanUs !== undefined) {
    rtt = { dist: 'lognormal', mean: us(g.meanUs), cv: 0.3 };
    inferred.push(`network round trip + client time per statement: ${us(g.meanUs)} (${g.note}); its spread (cv 0.3) assumed`);
  } else {
    rtt = { dist: 'lognormal', mean: us(defaultRtt), cv: 0.3 };
    assumed.push(`network round trip ${us(defaultRtt)} (lognormal, cv 0.3): ${g.note}`);
  }

  // Redo log: a COMMIT without an fsync is fast.
  const commit = t.digests.get('commit');
  let innodb: NonNullable<ScenarioInput['server']>['innodb'];
  if (lockedTables.size > 0) {
    if (commit !== undefined && median(commit.samplesUs) < FSYNC_FLOOR_US) {
      innodb = { innodb_flush_log_at_trx_commit: 2 };
      inferred.push(`innodb_flush_log_at_trx_commit 2 (or 0): the median COMMIT takes ${us(median(commit.samplesUs))}, too short for an fsync`);
    } else if (commit !== undefined) {
      const sorted = [...commit.samplesUs].sort((a, b) => a - b);
      innodb = { innodb_flush_log_at_trx_commit: 1, logFsync: us(median(sorted) - quantile(sorted, 0.05)) };
      inferred.push(`innodb_flush_log_at_trx_commit 1: the median COMMIT takes ${us(median(sorted))}; fsync = median - 5th percentile`);
    }
  }

  const connections = o.connections ?? Math.max(1, t.activeConnections);
  const nStmtTotal = [...t.totalByDigest.values()].reduce((s, x) => s + x, 0);
  assumed.push(
    cpuShare >= 1
      ? "all of a statement's measured time is CPU demand (the traced server was CPU-bound); any CPU queueing at the traced concurrency is included"
      : `${(cpuShare * 100).toFixed(0)}% of a statement's measured time is CPU, the rest a wait reported to the pool`,
  );
  assumed.push(`server: ${o.cores} core${o.cores > 1 ? 's' : ''}, no contention model, thread handling from the command line; calibrate with sim fit`);
  inferred.push(
    `${t.digests.size} statement classes (literals replaced, numbered tables folded), ${kept.length} transaction template${kept.length > 1 ? 's' : ''} ` +
      `covering ${(((totalTx - droppedTx) / totalTx) * 100).toFixed(1)}% of ${totalTx} transactions; service times: empirical quantiles of each class`,
  );
  if (droppedTx > 0) inferred.push(`${dropped.length} rare transaction shapes (${droppedTx} transactions, < ${minShare * 100}% each) left out`);
  if (t.partialTransactions > 0) inferred.push(`${t.partialTransactions} transactions cut by the trace's start or end left out`);

  const description =
    `Imported by sim import from ${t.source}: ${t.statements} statements on ${t.connections} connections. ` +
    `INFERRED: ${inferred.join('; ')}. ASSUMED: ${assumed.join('; ')}.`;

  const scenario: ScenarioInput = {
    $schema: 'https://tpsim.invalid/scenario.schema.json',
    name: o.name,
    description,
    seed: 1,
    duration: '5s',
    warmup: '500ms',
    server: { cores: o.cores, contention: { model: 'none' }, ...(innodb !== undefined ? { innodb } : {}) },
    threadHandling: o.threadHandling,
    workload: {
      connections,
      client: { model: 'closed', think },
      network: { rtt },
      transactions,
      ...(Object.keys(tables).length > 0 ? { tables } : {}),
    },
  };
  delete scenario.$schema;

  const md = [
    `# ${o.name}: imported from ${t.source}`,
    '',
    `${t.statements} statements, ${t.connections} connections, ${totalTx} complete transactions.`,
    '',
    '## Inferred',
    '',
    ...inferred.map((x) => `- ${x}`),
    '',
    '## Assumed',
    '',
    ...assumed.map((x) => `- ${x}`),
    '',
    '## Statement classes',
    '',
    '| label | digest text | executions | share | mean | p50 | p99 | locks |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...[...t.digests.values()]
      .sort((a, b) => b.samplesUs.length - a.samplesUs.length)
      .map((d) => {
        const s = [...d.samplesUs].sort((a, b) => a - b);
        const l = labelOf.get(d.key) ?? (d.kind === 'statement' ? '(not in a template)' : d.kind.toUpperCase());
        return `| ${l.replace(/\|/g, '\\|')} | \`${d.text.replace(/\|/g, '\\|')}\` | ${s.length} | ${((s.length / nStmtTotal) * 100).toFixed(2)}% | ${us(mean(s))} | ${us(quantile(s, 0.5))} | ${us(quantile(s, 0.99))} | ${d.lock ?? ''} |`;
      }),
    '',
    '## Transaction templates',
    '',
    ...transactions.map((tx, i) => `- ${tx.name} (${tx.type}, ${kept[i].count} of ${totalTx}): ${kept[i].steps.length} statements`),
    '',
  ].join('\n');
  return { scenario, markdown: md, labels };
}

function topShare(counts: number[], hot: number, total: number): number {
  counts.sort((a, b) => b - a);
  return counts.slice(0, hot).reduce((s, x) => s + x, 0) / total;
}

/** Top-`hot` share of `n` uniform draws over `rows` keys (a fixed-seed simulation: small samples look skewed). */
function uniformTopShare(rows: number, hot: number, n: number): number {
  const hits = new Map<number, number>();
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const k = (x >>> 0) % rows;
    hits.set(k, (hits.get(k) ?? 0) + 1);
  }
  return topShare([...hits.values()], hot, n);
}

/** Drops the top 1% (stragglers: the client descheduled, a GC pause), which would dominate a mean of gaps. */
function trimmed(xs: readonly number[]): number[] {
  const s = [...xs].sort((a, b) => a - b);
  return s.slice(0, Math.max(1, Math.ceil(s.length * 0.99)));
}
