import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatCsv, parseCsvRecords, readTextFile } from './csv.js';
import {
  LADDER_HANDLINGS,
  LADDER_USAGE,
  type LadderHandling,
  type LadderOptions,
  type LadderPrediction,
  type LadderPredictions,
  LadderUsage,
  PREDICTIONS_FILE,
  TEST_RUNS_FILE,
  type FitReportNames,
  checkStart,
  fitNotes,
  formatLadderErrors,
  formatLadderPredictions,
  ladderErrors,
  parseLadderArgs,
  predictionsBeforeMeasuring,
} from './ladder.js';
import { RUNS_HEADER } from './measure.js';
import { groupRuns, readRuns } from './runs.js';

/**
 * npm run validate:ladder: the validation ladder on this machine. A private MariaDB (own datadir
 * in a temporary directory, 127.0.0.1, the oracle's options, as test/real and docs/CALIBRATION.md give them) is
 * measured with `sim measure` at the training client counts, pool of threads and one thread per
 * connection; `sim fit` fits scenarios/oracle to them; `sim predict` writes the test points'
 * predictions to predictions.json (created once, read-only); only then are the test points
 * measured, and the error table written beside the predictions. Every sim command is the one a
 * user would type, logged to commands.log.
 */

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const USER = 'sbtest';
const PASSWORD = 'sbtest';

/** Simulated warm-up and total duration per workload for sim predict (1,024 clients need the long warm-up: docs/VALIDATION.md). */
const PREDICT_TIMES: Record<string, { full: [string, string]; quick: [string, string] }> = {
  point_select: { full: ['2s', '3s'], quick: ['1s', '1500ms'] },
  read_write: { full: ['8s', '12s'], quick: ['2s', '4s'] },
};

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Busy and total jiffies of all CPUs (/proc/stat): the machine's load during a measurement, ours included. */
function cpuJiffies(): { busy: number; total: number } | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - f[3] - (f[4] ?? 0), total };
  } catch {
    return null;
  }
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

/** A private mariadbd: one datadir, restarted per thread handling (thread_handling is not dynamic). */
class LocalMariadb {
  private readonly dir = mkdtempSync(join(os.tmpdir(), 'tpsim-ladder-'));
  private proc: ChildProcess | null = null;
  private installed = false;
  readonly sock = join(this.dir, 'sock');

  constructor(
    readonly port: number,
    private readonly pin: boolean,
  ) {}

  private install(): void {
    const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
    const r = spawnSync('mariadb-install-db', ['--no-defaults', ...asRoot, `--datadir=${join(this.dir, 'data')}`, '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mariadb-install-db failed: ${r.stderr}${r.stdout}`);
    this.installed = true;
  }

  /** The oracle's server options (docs/CALIBRATION.md), pinned to CPU 0 as it was. */
  async start(handling: LadderHandling): Promise<string> {
    if (!this.installed) this.install();
    const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
    const args = [
      '--no-defaults', ...asRoot, `--datadir=${join(this.dir, 'data')}`, `--socket=${this.sock}`, `--port=${this.port}`, '--bind-address=127.0.0.1',
      `--pid-file=${join(this.dir, 'pid')}`, `--log-error=${join(this.dir, 'err.log')}`, '--skip-log-bin', '--innodb-buffer-pool-size=512M',
      '--innodb-log-file-size=256M', '--innodb-flush-log-at-trx-commit=2', '--max-connections=2000', '--thread-pool-max-threads=65536',
      '--performance-schema=OFF',
      // sysbench prepares about 18 statements per oltp_read_write connection: 1,024 clients need more than the default 16,382.
      '--max-prepared-stmt-count=1048576',
      ...(handling === 'pool' ? ['--thread-handling=pool-of-threads', '--thread-pool-size=1'] : ['--thread-handling=one-thread-per-connection']),
    ];
    const shown = `${this.pin ? 'taskset -c 0 ' : ''}mariadbd ${args.join(' ').replaceAll(this.dir, '$TMP')}`;
    log(`$ ${shown}`);
    this.proc = this.pin ? spawn('taskset', ['-c', '0', 'mariadbd', ...args], { stdio: 'ignore' }) : spawn('mariadbd', args, { stdio: 'ignore' });
    for (let i = 0; i < 240; i++) {
      if (this.proc.exitCode !== null) break;
      if (spawnSync('mariadb', ['--no-defaults', `--socket=${this.sock}`, '-uroot', '-e', 'SELECT 1'], { encoding: 'utf8' }).status === 0) {
        const sql = `CREATE USER IF NOT EXISTS ${USER}@'127.0.0.1' IDENTIFIED BY '${PASSWORD}'; GRANT ALL ON *.* TO ${USER}@'127.0.0.1';`;
        const r = spawnSync('mariadb', ['--no-defaults', `--socket=${this.sock}`, '-uroot', '-e', sql], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`creating the sbtest user failed: ${r.stderr}`);
        return shown;
      }
      await new Promise((res) => setTimeout(res, 250));
    }
    const err = join(this.dir, 'err.log');
    throw new Error(`mariadbd did not start: ${existsSync(err) ? readFileSync(err, 'utf8').slice(-2000) : ''}`);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (p === null || p.exitCode !== null) return;
    p.kill('SIGTERM');
    await new Promise<void>((res) => {
      const t = setTimeout(() => {
        p.kill('SIGKILL');
        res();
      }, 60_000);
      p.on('exit', () => {
        clearTimeout(t);
        res();
      });
    });
  }

  /** Kills the server without waiting (signal path) and removes the datadir. */
  removeNow(): void {
    if (this.proc !== null && this.proc.exitCode === null) this.proc.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

class Ladder {
  private readonly commands: string[] = [];
  private readonly dir: string;

  constructor(
    private readonly o: LadderOptions,
    private readonly server: LocalMariadb,
  ) {
    this.dir = o.outDir;
  }

  /** Runs `sim ARGS` (optionally pinned to CPU 1, with the sysbench client), logging the command as a user would type it. */
  private sim(args: string[], opts: { pinClient?: boolean; record?: boolean } = {}): string {
    const shown = `${opts.pinClient === true && this.o.pin ? 'taskset -c 1 ' : ''}npx sim ${args.map((a) => (/^[\w./,:=@+-]+$/.test(a) ? a : `'${a}'`)).join(' ')}`;
    log(`$ ${shown}`);
    appendFileSync(join(this.dir, 'commands.log'), `${shown}\n`);
    if (opts.record !== false) this.commands.push(shown);
    const full = [CLI, ...args];
    const r =
      opts.pinClient === true && this.o.pin
        ? spawnSync('taskset', ['-c', '1', process.execPath, ...full], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, MYSQL_PWD: PASSWORD }, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 })
        : spawnSync(process.execPath, full, { cwd: ROOT, encoding: 'utf8', env: process.env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`sim ${args[0]} failed (exit ${r.status ?? r.signal})`);
    return r.stdout;
  }

  private rel(p: string): string {
    return relative(ROOT, resolve(p));
  }

  /** One measurement per (replicate, handling): a server start each, replicates outermost so drift hits both handlings alike. */
  private async measure(kind: 'train' | 'test', clients: number[]): Promise<string> {
    const parts: string[] = [];
    for (let rep = 1; rep <= this.o.replicates; rep++) {
      for (const h of LADDER_HANDLINGS) {
        const out = join(this.dir, 'runs', `${kind}-${h}-rep${rep}.csv`);
        parts.push(out);
        if (existsSync(out)) {
          log(`${out} exists: kept (measured earlier)`);
          continue;
        }
        const j0 = cpuJiffies();
        const load0 = os.loadavg()[0];
        const t0 = new Date().toISOString();
        const started = await this.server.start(h);
        if (kind === 'train' && rep === 1) this.commands.push(`# server for ${h}: ${started}`);
        try {
          const port = String(this.server.port);
          this.sim(
            [
              'measure', '--host', '127.0.0.1', '--port', port, '--user', USER, '--threads', clients.join(','),
              '--workloads', this.o.workloads.map((w) => `oltp_${w}`).join(','), '--time', String(this.o.time), '--warmup', String(this.o.warmup),
              '--tables', '4', '--table-size', '10000', '--prepare', '--yes-this-server', `127.0.0.1:${port}`, '--out', this.rel(`${out}.part`),
            ],
            { pinClient: true, record: kind === 'train' && rep === 1 },
          );
        } finally {
          await this.server.stop();
        }
        // What else ran meanwhile: the figures of a shared machine carry it.
        const j1 = cpuJiffies();
        const busy = j0 !== null && j1 !== null && j1.total > j0.total ? +(((j1.busy - j0.busy) / (j1.total - j0.total)) * os.cpus().length).toFixed(2) : undefined;
        const phase = { kind, handling: h, rep, from: t0, to: new Date().toISOString(), load1Start: +load0.toFixed(2), load1End: +os.loadavg()[0].toFixed(2), machineBusyCores: busy };
        appendFileSync(join(this.dir, 'runs', 'load.jsonl'), `${JSON.stringify(phase)}\n`);
        log(`load during ${kind} ${h} rep ${rep}: 1-min load average ${phase.load1Start} -> ${phase.load1End}, all CPUs busy ${busy ?? '?'} of ${os.cpus().length} cores (this measurement included)`);
        // The replicate number in the label (sim measure numbers its own replicates from 1).
        const rows = parseCsvRecords(readTextFile(`${out}.part`)).map((r) => ({ ...r, label: r.label.replace(/-rep\d+$/, `-rep${rep}`) }));
        writeFileSync(out, formatCsv(RUNS_HEADER, rows));
        rmSync(`${out}.part`);
      }
    }
    const merged = join(this.dir, kind === 'train' ? 'train-runs.csv' : TEST_RUNS_FILE);
    const all = parts.flatMap((p) => parseCsvRecords(readTextFile(p)));
    writeFileSync(merged, formatCsv(RUNS_HEADER, all));
    return merged;
  }

  private machine(): Record<string, string | number> {
    const v = (cmd: string, args: string[]): string => (spawnSync(cmd, args, { encoding: 'utf8' }).stdout ?? '').trim().split('\n')[0];
    return {
      cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
      cpus: os.cpus().length,
      memory_gib: Math.round(os.totalmem() / 2 ** 30),
      kernel: os.release(),
      load_1min_at_start: +os.loadavg()[0].toFixed(2),
      server: v('mariadbd', ['--version']),
      client: v('sysbench', ['--version']),
      pinning: this.o.pin ? 'server CPU 0, client CPU 1' : 'none',
      node: process.version,
    };
  }

  async run(): Promise<void> {
    const o = this.o;
    mkdirSync(join(this.dir, 'runs'), { recursive: true });
    const points = o.workloads.flatMap((workload) => LADDER_HANDLINGS.flatMap((handling) => o.test.map((clients) => ({ workload, handling, clients }))));
    if (!o.resume) {
      const machine = this.machine();
      const train = await this.measure('train', o.train);
      const fitDir = join(this.dir, 'fit');
      mkdirSync(fitDir, { recursive: true });
      for (const w of o.workloads) {
        this.sim([
          'fit', join('scenarios', 'oracle', `${w}.json`), '--runs', this.rel(train), '--workload', `oltp_${w}`, '--out', this.rel(join(fitDir, `${w}.json`)),
          '--params', o.params, '--max-evals', String(o.maxEvals), '--statements', String(o.statements), '--workers', '2',
          ...(o.cpuWeight > 0 ? ['--cpu-weight', String(o.cpuWeight)] : []),
          ...(o.clientMachine ? ['--client-machine'] : []),
        ]);
      }
      const notes = o.workloads.flatMap((w) =>
        fitNotes(w, `scenarios/oracle/${w}.json`, JSON.parse(readFileSync(join(fitDir, `${w}.fit.json`), 'utf8')) as FitReportNames),
      );
      const predictions: LadderPrediction[] = [];
      for (const w of o.workloads) {
        const [warmup, duration] = PREDICT_TIMES[w][o.quick ? 'quick' : 'full'];
        for (const h of LADDER_HANDLINGS) {
          const out = join(fitDir, `predict-${w}-${h}.json`);
          this.sim([
            'predict', this.rel(join(fitDir, h === 'pool' ? `${w}.json` : `${w}-tpc.json`)), '--connections', o.test.join(','), '--draws', String(o.draws),
            '--warmup', warmup, '--duration', duration, '--workers', '2', '--quiet', '--out', this.rel(out),
          ]);
          const r = JSON.parse(readFileSync(out, 'utf8')) as { predictions: Array<Pick<LadderPrediction, 'tps' | 'p95' | 'p99' | 'cpuUsPerTxn' | 'where'> & { connections: number }> };
          for (const p of r.predictions) predictions.push({ workload: w, handling: h, clients: p.connections, tps: p.tps, p95: p.p95, p99: p.p99, cpuUsPerTxn: p.cpuUsPerTxn, where: p.where });
        }
      }
      const file: LadderPredictions = { written: new Date().toISOString(), workloads: o.workloads, train: o.train, test: o.test, commands: this.commands, machine, notes, predictions };
      const path = join(this.dir, PREDICTIONS_FILE);
      // Created once ('wx' fails if it exists) and left read-only: the comparison cannot rewrite it.
      writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { flag: 'wx' });
      chmodSync(path, 0o444);
      const md = join(this.dir, 'predictions.md');
      writeFileSync(md, formatLadderPredictions(file), { flag: 'wx' });
      chmodSync(md, 0o444);
      log(`predictions written to ${path} at ${file.written}, before any test point is measured:\n${formatLadderPredictions(file)}`);
    }
    const { predictions, sha256 } = predictionsBeforeMeasuring(this.dir, points);
    const started = new Date().toISOString();
    const test = await this.measure('test', o.test);
    const rows = ladderErrors(predictions.predictions, groupRuns(readRuns(test)));
    const table = formatLadderErrors(rows);
    const head = `# Predictions of ${predictions.written} (sha256 ${sha256}) against the test points measured from ${started}\n\n`;
    writeFileSync(join(this.dir, 'errors.json'), `${JSON.stringify({ predictionsWritten: predictions.written, predictionsSha256: sha256, measuredFrom: started, rows }, null, 2)}\n`);
    writeFileSync(join(this.dir, 'errors.md'), head + table);
    process.stdout.write(`\n${head}${table}`);
  }
}

async function main(): Promise<number> {
  if (process.argv.includes('--help')) {
    process.stdout.write(`${LADDER_USAGE}\n`);
    return 0;
  }
  let o: LadderOptions;
  try {
    o = parseLadderArgs(process.argv.slice(2), new Date());
    checkStart(o.outDir, o.resume);
  } catch (e) {
    process.stderr.write(`validate:ladder: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const missing = ['mariadbd', 'mariadb-install-db', 'mariadb', 'sysbench', ...(o.pin ? ['taskset'] : [])].filter((c) => !have(c));
  if (missing.length > 0) {
    process.stderr.write(`validate:ladder: not found: ${missing.join(', ')} (Debian/Ubuntu: apt-get install mariadb-server sysbench)\n`);
    return 2;
  }
  if (o.pin && os.cpus().length < 2) {
    process.stderr.write('validate:ladder: pinning needs two CPUs; pass --no-pin on a one-CPU machine\n');
    return 2;
  }
  const server = new LocalMariadb(o.port, o.pin);
  const onSignal = (s: NodeJS.Signals): void => {
    server.removeNow();
    process.kill(process.pid, s);
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, onSignal);
  const t0 = Date.now();
  try {
    await new Ladder(o, server).run();
    log(`validate:ladder: done in ${((Date.now() - t0) / 60_000).toFixed(1)} min; files in ${o.outDir}`);
    return 0;
  } catch (e) {
    process.stderr.write(`validate:ladder: ${e instanceof Error ? e.message : String(e)}\n`);
    return e instanceof LadderUsage ? 2 : 1;
  } finally {
    await server.stop();
    server.removeNow();
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
