import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupRuns, readRuns } from '../../src/calibrate/runs.js';
import { ensureBuilt, sim } from '../cli/helpers.js';

/**
 * measure -> fit -> run against a real MariaDB: a private mariadbd on 127.0.0.1 (own datadir in a
 * temp dir, pool of threads, one group), sysbench for a few seconds at 1 and 4 threads. Needs
 * mariadb-server and sysbench (Debian: apt-get install mariadb-server sysbench); .ci/run installs them.
 */
const PORT = 33000 + (process.pid % 1000);
let dir = '';
let server: ChildProcess | null = null;

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function waitForServer(sock: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const r = spawnSync('mariadb', ['--no-defaults', `--socket=${sock}`, '-uroot', '-e', 'SELECT 1'], { encoding: 'utf8' });
    if (r.status === 0) return;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`mariadbd did not start: ${existsSync(join(dir, 'err.log')) ? readFileSync(join(dir, 'err.log'), 'utf8').slice(-2000) : ''}`);
}

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tpsim-real-'));
  const data = join(dir, 'data');
  const sock = join(dir, 'sock');
  sh('mariadb-install-db', ['--no-defaults', '--user=root', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db']);
  // Pinned to one CPU as the oracle's server was: the fitted scenario models one core.
  server = spawn(
    'taskset',
    [
      '-c',
      '0',
      'mariadbd',
      '--no-defaults', '--user=root', `--datadir=${data}`, `--socket=${sock}`, `--port=${PORT}`, '--bind-address=127.0.0.1',
      `--pid-file=${join(dir, 'pid')}`, `--log-error=${join(dir, 'err.log')}`, '--skip-log-bin', '--innodb-buffer-pool-size=64M',
      '--innodb-log-file-size=48M', '--innodb-flush-log-at-trx-commit=2', '--thread-handling=pool-of-threads', '--thread-pool-size=1',
      '--max-connections=200',
    ],
    { stdio: 'ignore' },
  );
  await waitForServer(sock);
  sh('mariadb', ['--no-defaults', `--socket=${sock}`, '-uroot', '-e',
    "CREATE DATABASE sbtest; CREATE USER sbtest@'127.0.0.1' IDENTIFIED BY 'sbtest'; GRANT ALL ON *.* TO sbtest@'127.0.0.1';"]);
});

afterAll(async () => {
  if (server !== null && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise<void>((res) => {
      const t = setTimeout(() => {
        server?.kill('SIGKILL');
        res();
      }, 20_000);
      server?.on('exit', () => {
        clearTimeout(t);
        res();
      });
    });
  }
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('sim measure -> sim fit -> sim run on a real MariaDB', () => {
  it('measures, fits and simulates', () => {
    const runs = join(dir, 'runs.csv');
    const base = ['--host', '127.0.0.1', '--port', String(PORT), '--user', 'sbtest', '--password', 'sbtest'];
    // Refused without the confirmation, even with everything else right.
    expect(sim(['measure', ...base, '--out', runs]).status).toBe(2);
    const m = sim([
      'measure', ...base, '--threads', '1,4', '--workloads', 'oltp_point_select', '--time', '3', '--warmup', '1',
      '--tables', '2', '--table-size', '1000', '--prepare', '--cleanup', '--yes-this-server', `127.0.0.1:${PORT}`, '--out', runs,
    ]);
    expect(m.status, m.stderr).toBe(0);
    const points = groupRuns(readRuns(runs));
    expect(points.map((p) => [p.handling, p.threads])).toEqual([['pool', 1], ['pool', 4]]);
    for (const p of points) {
      expect(p.median.tps).toBeGreaterThan(100);
      expect(p.median.p95).toBeGreaterThan(0);
      // The pool's own tables were read: thread count sampled during the run.
      expect(p.runs[0].tpThreadsMean).toBeGreaterThanOrEqual(1);
    }
    // The client's CPU and both processes' CPU affinity are recorded (the client as a resource).
    const csv = readFileSync(runs, 'utf8').trim().split('\n');
    const head = csv[0].split(',');
    for (const line of csv.slice(1)) {
      const cell = (k: string): string => line.split(',')[head.indexOf(k)];
      expect(Number(cell('sysbench_cpu_util'))).toBeGreaterThan(0);
      expect(Number(cell('sysbench_cpu_util'))).toBeLessThan(4);
      expect(cell('server_cpus_allowed')).toMatch(/^\d+([-;\d]*)$/);
      expect(cell('sysbench_cpus_allowed')).toMatch(/^\d+([-;\d]*)$/);
    }
    // Fit the committed oracle scenario to this server, then run the fitted scenario.
    const fitted = join(dir, 'fitted.json');
    const f = sim(['fit', join('scenarios', 'oracle', 'point_select.json'), '--runs', runs, '--out', fitted, '--params', 'scale,rtt',
      '--max-evals', '40', '--statements', '8000', '--workers', '1', '--quiet']);
    expect(f.status, f.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'fitted.fit.json'), 'utf8')) as { points: Array<{ residuals: { tps: number } }> };
    expect(report.points).toHaveLength(2);
    const r = sim(['run', fitted, '--set', 'workload.connections=4', '--duration', '400ms', '--warmup', '100ms', '--json', '--out', dir]);
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { summary: { tps: number } };
    // Within a factor 2 of what the server did at 4 threads: a loose check on a busy CI machine.
    const measured4 = points[1].median.tps;
    process.stderr.write(`real 4-thread tps ${measured4}, simulated ${res.summary.tps}\n`);
    expect(res.summary.tps).toBeGreaterThan(measured4 / 2);
    expect(res.summary.tps).toBeLessThan(measured4 * 2);
    writeFileSync(join(dir, 'done'), 'ok');
  });
});
