import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { formatCsv } from './csv.js';
import { type SysbenchReport, parseSysbench } from './sysbench.js';

const run = promisify(execFile);

/** The runs.csv columns of the oracle measurements (test/fixtures/oracle), in their order: `sim fit` reads both alike. */
export const RUNS_HEADER = [
  'label', 'config', 'thread_handling', 'thread_pool_size', 'thread_pool_oversubscribe', 'thread_pool_stall_limit', 'thread_pool_priority',
  'thread_pool_prio_kickup_timer', 'workload', 'threads', 'measured_s', 'transactions', 'tps', 'queries', 'qps', 'errors', 'lat_min_ms',
  'lat_avg_ms_exact', 'lat_p50_ms_hist', 'lat_p95_ms_hist', 'lat_p99_ms_hist', 'lat_max_ms', 'server_cpu_util', 'sysbench_cpu_util',
  'ctxt_switches_per_s', 'tp_threads_max', 'tp_threads_mean', 'tp_active_threads_mean', 'tp_queue_len_mean', 'd_thread_creations',
  'd_wakes', 'd_stalls', 'd_polls_by_listener', 'd_polls_by_worker', 'd_dequeues_by_listener', 'd_dequeues_by_worker', 'd_waits_row_lock',
  'd_waits_net', 'd_waits_sync', 'threads_running_mean', 'other_cpu_cores', 'server_cpus_allowed', 'sysbench_cpus_allowed',
  'sysbench_rand_type',
] as const;

/** sysbench 1.0's --rand-type values; "special" is its default. */
export const RAND_TYPES = ['special', 'uniform', 'gaussian', 'pareto'] as const;

export interface MeasureOptions {
  host: string;
  port: number;
  socket?: string;
  user: string;
  password?: string;
  db: string;
  threads: number[];
  workloads: string[];
  /** Measured seconds per run, after `warmup` seconds that are discarded. */
  time: number;
  warmup: number;
  replicates: number;
  tables: number;
  tableSize: number;
  /**
   * sysbench --rand-type for the runs (absent: sysbench's default, special). "uniform" spreads the
   * ids over every row, so the same client counts meet almost no row-lock waits: what the threads
   * cost, apart from contention.
   */
  randType?: (typeof RAND_TYPES)[number];
  /** Create the tables first (sysbench prepare) / drop them at the end (sysbench cleanup). */
  prepare: boolean;
  cleanup: boolean;
  /** Must name the server (host:port or the socket path): no run without it. */
  confirm: string | undefined;
  sysbench?: string;
  client?: string;
  log?: (line: string) => void;
}

export type RunRow = Record<(typeof RUNS_HEADER)[number], string | number | undefined>;

/** What --yes-this-server must say for these options. */
export function serverId(o: Pick<MeasureOptions, 'host' | 'port' | 'socket'>): string {
  return o.socket !== undefined ? o.socket : `${o.host}:${o.port}`;
}

export class MeasureRefused extends Error {
  override readonly name = 'MeasureRefused';
}

/** The client program: mariadb (MariaDB 10.5+) or mysql. */
async function findClient(preferred: string | undefined): Promise<string> {
  for (const c of preferred !== undefined ? [preferred] : ['mariadb', 'mysql']) {
    try {
      await run(c, ['--version']);
      return c;
    } catch {
      // try the next
    }
  }
  throw new MeasureRefused('no mariadb or mysql client program found (install mariadb-client or mysql-client)');
}

class Server {
  constructor(
    private readonly client: string,
    private readonly o: MeasureOptions,
  ) {}

  private args(): string[] {
    const a = ['--batch', '--skip-column-names', `--user=${this.o.user}`];
    if (this.o.socket !== undefined) a.push(`--socket=${this.o.socket}`);
    else a.push(`--host=${this.o.host}`, `--port=${this.o.port}`, '--protocol=TCP');
    return a;
  }

  /** Rows of tab-separated fields. */
  async query(sql: string): Promise<string[][]> {
    const env = { ...process.env, ...(this.o.password !== undefined ? { MYSQL_PWD: this.o.password } : {}) };
    const { stdout } = await run(this.client, [...this.args(), '-e', sql], { env, maxBuffer: 1 << 24 });
    return stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t'));
  }

  async tryQuery(sql: string): Promise<string[][] | null> {
    try {
      return await this.query(sql);
    } catch {
      return null;
    }
  }

  async variables(): Promise<Record<string, string>> {
    const rows = await this.query(
      "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('version','thread_handling','thread_pool_size','thread_pool_oversubscribe','thread_pool_stall_limit','thread_pool_priority','thread_pool_prio_kickup_timer','performance_schema','pid_file','max_connections')",
    );
    return Object.fromEntries(rows.map(([k, v]) => [k, v ?? '']));
  }
}

/** THREAD_POOL_STATS summed over groups, and THREAD_POOL_WAITS by reason (MariaDB); null without the pool. */
async function poolCounters(s: Server): Promise<Record<string, number> | null> {
  const stats = await s.tryQuery(
    'SELECT SUM(THREAD_CREATIONS), SUM(WAKES), SUM(STALLS), SUM(POLLS_BY_LISTENER), SUM(POLLS_BY_WORKER), SUM(DEQUEUES_BY_LISTENER), SUM(DEQUEUES_BY_WORKER) FROM information_schema.THREAD_POOL_STATS',
  );
  if (stats === null || stats.length === 0 || stats[0][0] === 'NULL') return null;
  const names = ['d_thread_creations', 'd_wakes', 'd_stalls', 'd_polls_by_listener', 'd_polls_by_worker', 'd_dequeues_by_listener', 'd_dequeues_by_worker'];
  const out: Record<string, number> = Object.fromEntries(names.map((n, i) => [n, Number(stats[0][i])]));
  const waits = (await s.tryQuery('SELECT REASON, COUNT FROM information_schema.THREAD_POOL_WAITS')) ?? [];
  for (const [reason, count] of waits) {
    const k = reason.toLowerCase().replace(/\s+/g, '_');
    if (k === 'row_lock' || k === 'net' || k === 'sync') out[`d_waits_${k}`] = Number(count);
  }
  return out;
}

/** One 1 Hz sample: Threadpool_threads, THREAD_POOL_GROUPS active threads and queue length, Threads_running. */
async function sample(s: Server): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const st = await s.tryQuery("SHOW GLOBAL STATUS WHERE Variable_name IN ('Threadpool_threads','Threads_running')");
  for (const [k, v] of st ?? []) out[k] = Number(v);
  const g = await s.tryQuery('SELECT SUM(ACTIVE_THREADS), SUM(QUEUE_LENGTH) FROM information_schema.THREAD_POOL_GROUPS');
  if (g !== null && g.length > 0 && g[0][0] !== 'NULL') {
    out.active = Number(g[0][0]);
    out.queue = Number(g[0][1]);
  }
  return out;
}

/** A process's allowed CPUs as the kernel lists them (`Cpus_allowed_list`, e.g. "0" or "0-1"); undefined if unreadable. */
export function cpusAllowed(pid: number): string | undefined {
  try {
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** A process's CPU ticks (user + system, from /proc/PID/stat); null if unreadable (e.g. it has exited). */
function procTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return null;
  }
}

/** A reading of a process's CPU ticks and its threads' context switches, with the time it was taken (ms). */
export interface CpuReading {
  ticks: number;
  switches: Map<string, number>;
  at: number;
}

/**
 * CPU ticks (user + system) of a local process, and each of its threads' voluntary + involuntary
 * context switches, from /proc.
 */
function procCpu(pid: number): CpuReading | null {
  const at = Date.now();
  const ticks = procTicks(pid);
  if (ticks === null) return null;
  try {
    const switches = new Map<string, number>();
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      let n = 0;
      try {
        const st = readFileSync(`/proc/${pid}/task/${t}/status`, 'utf8');
        for (const m of st.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)/gm)) n += Number(m[1]);
      } catch {
        continue; // the thread exited between the listing and the read
      }
      switches.set(t, n);
    }
    return { ticks, switches, at };
  } catch {
    return null;
  }
}

/**
 * The server's CPU (cores busy) and context switches per second between two readings, over the
 * time between them: not over the run's length, which at a thousand connections outlasts the last
 * reading by the seconds sysbench takes to finish its threads' last transactions.
 */
export function cpuBetween(a: CpuReading | null, b: CpuReading | null): { util: number; switchesPerS: number } | undefined {
  if (a === null || b === null || b.at <= a.at) return undefined;
  const secs = (b.at - a.at) / 1000;
  return { util: +((b.ticks - a.ticks) / TICKS_PER_S / secs).toFixed(3), switchesPerS: Math.round(switchesBetween(a.switches, b.switches) / secs) };
}

/**
 * Context switches in the window: per thread alive at its end, its count minus the count it had
 * at the start (0 if it started since). A sum of totals would go negative when threads exit in the
 * window (a pool retiring idle threads); a thread that exited takes its switches with it, so
 * this is a lower bound.
 */
export function switchesBetween(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const [tid, count] of after) n += Math.max(0, count - (before.get(tid) ?? 0));
  return n;
}

function localPid(vars: Record<string, string>, o: MeasureOptions): number | null {
  if (o.socket === undefined && !['127.0.0.1', 'localhost', '::1'].includes(o.host)) return null;
  const f = vars.pid_file;
  if (f === undefined || !existsSync(f)) return null;
  const pid = Number(readFileSync(f, 'utf8').trim());
  return Number.isInteger(pid) && existsSync(`/proc/${pid}`) ? pid : null;
}

const TICKS_PER_S = 100;

/**
 * The password's way to sysbench: a private option file (`--config-file`, lines `name=value`),
 * never its command line, where any local user reads it (ps, /proc/PID/cmdline). The file is
 * mode 0600 in a mode 0700 directory of its own, and removed when the measurement ends, also
 * on an error or on SIGINT/SIGTERM/SIGHUP. sysbench registers the driver's options before it
 * reads the file, so the value there stands (sysbench src/sysbench.c: register_tests, then
 * parse_general_arguments).
 */
class PasswordFile {
  readonly path: string;
  private readonly dir: string;
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.remove();
    process.kill(process.pid, signal); // the handler ran once; the default action follows
  };
  private readonly onExit = (): void => this.remove();

  constructor(password: string) {
    const line = `mysql-password=${quoteForSysbench(password)}\n`;
    this.dir = mkdtempSync(join(tmpdir(), 'tpsim-measure-'));
    this.path = join(this.dir, 'sysbench.cfg');
    process.once('exit', this.onExit);
    for (const s of SIGNALS) process.once(s, this.onSignal);
    try {
      writeFileSync(this.path, line, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      this.remove();
      throw e;
    }
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
    process.removeListener('exit', this.onExit);
    for (const s of SIGNALS) process.removeListener(s, this.onSignal);
  }
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * A value as sysbench's option-file reader takes it (sb_options.c read_config): quoted with a
 * quote character the value does not hold; lines are read 255 bytes at a time.
 */
function quoteForSysbench(password: string): string {
  const q = !password.includes("'") ? "'" : !password.includes('"') ? '"' : undefined;
  if (q === undefined || /[\r\n]/.test(password) || Buffer.byteLength(password) > 230) {
    throw new MeasureRefused(
      "the password cannot be handed to sysbench in its option file (it holds both ' and \", a line break, or more than 230 bytes); " +
        'sim measure does not put it on a command line instead',
    );
  }
  return `${q}${password}${q}`;
}

/** Text with every occurrence of the password replaced: for messages and log lines. */
export function redact(text: string, password: string | undefined): string {
  return password === undefined || password === '' ? text : text.split(password).join('***');
}

/** The same error with the password taken out of its message (sysbench or a client may echo it). */
function redactError(e: unknown, password: string | undefined): unknown {
  if (password === undefined || password === '') return e;
  if (e instanceof MeasureRefused) return new MeasureRefused(redact(e.message, password));
  return new Error(redact(e instanceof Error ? e.message : String(e), password));
}

/**
 * Runs sysbench against a real server at each thread count and writes runs.csv rows. Refuses to
 * start unless `confirm` names the server. The load: `threads` client connections running the
 * workload as fast as the server answers (closed loop, no think time) for warmup + time seconds
 * per run; prepare creates `tables` tables of `tableSize` rows in database `db`.
 */
export async function measure(o: MeasureOptions): Promise<RunRow[]> {
  const id = serverId(o);
  if (o.confirm !== id) {
    throw new MeasureRefused(
      `sim measure puts load on a real server; to run it against ${id}, add --yes-this-server ${id}` +
        (o.confirm !== undefined ? ` (you gave "${o.confirm}")` : ''),
    );
  }
  const log = o.log;
  const safe: MeasureOptions = { ...o, log: log === undefined ? undefined : (line) => log(redact(line, o.password)) };
  const secret = o.password !== undefined && o.password !== '' ? new PasswordFile(o.password) : undefined;
  try {
    return await measureWith(safe, secret);
  } catch (e) {
    throw redactError(e, o.password);
  } finally {
    secret?.remove();
  }
}

async function measureWith(o: MeasureOptions, secret: PasswordFile | undefined): Promise<RunRow[]> {
  const id = serverId(o);
  const log = o.log ?? (() => undefined);
  const sysbench = o.sysbench ?? 'sysbench';
  try {
    await run(sysbench, ['--version']);
  } catch {
    throw new MeasureRefused(`${sysbench} not found (Debian/Ubuntu: apt-get install sysbench)`);
  }
  const server = new Server(await findClient(o.client), o);
  const vars = await server.variables();
  log(`server ${id}: ${vars.version}, thread_handling=${vars.thread_handling}${vars.thread_pool_size ? `, thread_pool_size=${vars.thread_pool_size}` : ''}`);
  const pid = localPid(vars, o);
  const conn = [
    '--db-driver=mysql',
    `--mysql-user=${o.user}`,
    ...(secret !== undefined ? [`--config-file=${secret.path}`] : []),
    ...(o.socket !== undefined ? [`--mysql-socket=${o.socket}`] : [`--mysql-host=${o.host}`, `--mysql-port=${o.port}`]),
    `--mysql-db=${o.db}`,
    `--tables=${o.tables}`,
    `--table-size=${o.tableSize}`,
  ];
  if (o.prepare) {
    await server.query(`CREATE DATABASE IF NOT EXISTS \`${o.db.replace(/`/g, '')}\``);
    log(`sysbench prepare: ${o.tables} tables x ${o.tableSize} rows in ${o.db}`);
    await run(sysbench, ['oltp_read_write', ...conn, 'cleanup'], { maxBuffer: 1 << 24 }).catch(() => undefined);
    await run(sysbench, ['oltp_read_write', ...conn, 'prepare'], { maxBuffer: 1 << 24 });
  }
  const pool = /pool/.test(vars.thread_handling ?? '');
  const rows: RunRow[] = [];
  try {
    for (let rep = 1; rep <= o.replicates; rep++) {
      for (const wl of o.workloads) {
        for (const threads of o.threads) {
          const label = `${wl}-t${threads}-rep${rep}`;
          log(`run ${label}: ${o.warmup} s warm-up + ${o.time} s measured`);
          rows.push(await oneRun(server, sysbench, conn, wl, threads, o, pool, vars, pid, label));
        }
      }
    }
  } finally {
    if (o.cleanup) await run(sysbench, ['oltp_read_write', ...conn, 'cleanup'], { maxBuffer: 1 << 24 }).catch(() => undefined);
  }
  return rows;
}

async function oneRun(
  server: Server,
  sysbench: string,
  conn: string[],
  wl: string,
  threads: number,
  o: MeasureOptions,
  pool: boolean,
  vars: Record<string, string>,
  pid: number | null,
  label: string,
): Promise<RunRow> {
  const args = [wl, ...conn, `--threads=${threads}`, `--time=${o.warmup + o.time}`, '--histogram=on', '--percentile=95', ...(o.randType !== undefined ? [`--rand-type=${o.randType}`] : []), 'run'];
  // The checkpoint at the end of the warm-up resets sysbench's counters: the final report covers the measured window.
  if (o.warmup > 0) args.splice(args.length - 1, 0, `--report-checkpoints=${o.warmup}`);
  const child = spawn(sysbench, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const t0 = Date.now();
  await sleep(o.warmup * 1000);
  const before = pool ? await poolCounters(server) : null;
  const cpu0 = pid !== null ? procCpu(pid) : null;
  // The client is a resource too (sysbench's threads share its cores): its CPU over the same window.
  const client = child.pid;
  const cli0 = client !== undefined ? procTicks(client) : null;
  const cli0At = Date.now();
  const clientCpus = client !== undefined ? cpusAllowed(client) : undefined;
  // Read every 250 ms on a timer of its own: sysbench may exit before the window's last reading,
  // and under a thousand connections a sample of the server's status can take seconds.
  let cliLast: { ticks: number; at: number } | null = null;
  const clientTimer = setInterval(() => {
    const t = client !== undefined ? procTicks(client) : null;
    if (t !== null) cliLast = { ticks: t, at: Date.now() };
  }, 250);
  // Never what keeps the process alive, should a failure skip the clearInterval below.
  clientTimer.unref();
  const samples: Array<Record<string, number>> = [];
  let finished = false;
  void done.then(() => (finished = true));
  // 1 Hz samples over the measured window (each costs the server two small queries).
  while (!finished && Date.now() - t0 < (o.warmup + o.time - 0.5) * 1000) {
    samples.push(await sample(server));
    const next = 1000 - ((Date.now() - t0) % 1000);
    await sleep(next);
  }
  const after = pool ? await poolCounters(server) : null;
  const cpu1 = pid !== null ? procCpu(pid) : null;
  const code = await done;
  clearInterval(clientTimer);
  if (code !== 0) throw new Error(`sysbench ${wl} at ${threads} threads failed (exit ${code}):\n${out.slice(-1500)}`);
  const r: SysbenchReport = parseSysbench(out);
  const measured = Number.isFinite(r.seconds) ? r.seconds : o.time;
  const mean = (k: string): number | undefined => {
    const xs = samples.map((s) => s[k]).filter((x): x is number => x !== undefined && Number.isFinite(x));
    return xs.length === 0 ? undefined : +(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3);
  };
  const max = (k: string): number | undefined => {
    const xs = samples.map((s) => s[k]).filter((x): x is number => x !== undefined && Number.isFinite(x));
    return xs.length === 0 ? undefined : Math.max(...xs);
  };
  const delta = (k: string): number | undefined => (before !== null && after !== null && before[k] !== undefined ? (after[k] ?? 0) - before[k] : undefined);
  const serverCpu = cpuBetween(cpu0, cpu1);
  const row: RunRow = {
    label,
    config: pool ? 'pool' : 'tpc',
    thread_handling: vars.thread_handling,
    thread_pool_size: vars.thread_pool_size,
    thread_pool_oversubscribe: vars.thread_pool_oversubscribe,
    thread_pool_stall_limit: vars.thread_pool_stall_limit,
    thread_pool_priority: vars.thread_pool_priority,
    thread_pool_prio_kickup_timer: vars.thread_pool_prio_kickup_timer,
    workload: wl,
    threads,
    measured_s: +measured.toFixed(3),
    transactions: r.transactions,
    tps: r.tps,
    queries: r.queries,
    qps: r.qps,
    errors: r.errors,
    lat_min_ms: r.latMinMs,
    lat_avg_ms_exact: r.transactions > 0 ? r.latAvgMs : undefined,
    lat_p50_ms_hist: r.p50,
    lat_p95_ms_hist: r.p95,
    lat_p99_ms_hist: r.p99,
    lat_max_ms: r.latMaxMs,
    server_cpu_util: serverCpu?.util,
    sysbench_cpu_util: clientUtil(cli0, cli0At, cliLast),
    ctxt_switches_per_s: serverCpu?.switchesPerS,
    tp_threads_max: pool ? max('Threadpool_threads') : 0,
    tp_threads_mean: pool ? mean('Threadpool_threads') : 0,
    tp_active_threads_mean: pool ? mean('active') : undefined,
    tp_queue_len_mean: pool ? mean('queue') : undefined,
    d_thread_creations: delta('d_thread_creations') ?? 0,
    d_wakes: delta('d_wakes') ?? 0,
    d_stalls: delta('d_stalls') ?? 0,
    d_polls_by_listener: delta('d_polls_by_listener') ?? 0,
    d_polls_by_worker: delta('d_polls_by_worker') ?? 0,
    d_dequeues_by_listener: delta('d_dequeues_by_listener') ?? 0,
    d_dequeues_by_worker: delta('d_dequeues_by_worker') ?? 0,
    d_waits_row_lock: delta('d_waits_row_lock') ?? 0,
    d_waits_net: delta('d_waits_net') ?? 0,
    d_waits_sync: delta('d_waits_sync') ?? 0,
    threads_running_mean: mean('Threads_running'),
    other_cpu_cores: undefined,
    server_cpus_allowed: pid !== null ? cpusAllowed(pid) : undefined,
    sysbench_cpus_allowed: clientCpus,
    sysbench_rand_type: o.randType ?? 'special',
  };
  return row;
}

/** Cores of CPU a process used between two readings of its ticks (undefined without a later reading). */
function clientUtil(t0: number | null, at0: number, last: { ticks: number; at: number } | null): number | undefined {
  if (t0 === null || last === null || !(last.at > at0)) return undefined;
  return +((last.ticks - t0) / TICKS_PER_S / ((last.at - at0) / 1000)).toFixed(3);
}

export function runsCsv(rows: readonly RunRow[]): string {
  return formatCsv(RUNS_HEADER, rows);
}
