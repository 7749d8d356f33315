import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRuns } from '../../src/calibrate/runs.js';
import { CLI, ROOT, ensureBuilt, tempDir } from '../cli/helpers.js';

/**
 * sim measure never shows the password: not on sysbench's command line (read here from
 * /proc/PID/cmdline of the running sysbench), nor in runs.csv, stdout, stderr or an error
 * message; the option file that carries it is private (0600) and gone afterwards, also when
 * sysbench fails. Fake `sysbench` and `mariadb` programs on PATH stand in for the real ones.
 */
const PASSWORD = 's3cr3t "pw", #x';

// A sysbench 1.0 report (the parts parseSysbench reads).
const REPORT = `SQL statistics:
    queries performed:
        read:                            5000
    transactions:                        5000   (5000.00 per sec.)
    queries:                             5000   (5000.00 per sec.)
    ignored errors:                      0      (0.00 per sec.)
    reconnects:                          0      (0.00 per sec.)

Latency (ms):
         min:                                    0.10
         avg:                                    0.20
         max:                                    1.50
         95th percentile:                        0.30
`;

function fakeBin(dir: string): string {
  const bin = join(dir, 'bin');
  const write = (name: string, text: string): void => {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  };
  mkdirSync(bin);
  write(
    'mariadb',
    `#!/bin/sh
case "$*" in
  *--version*) echo "mariadb  Ver 15.1 Distrib 10.11.6-MariaDB"; exit 0 ;;
  *"SHOW GLOBAL VARIABLES"*) printf 'version\\t10.11.6-MariaDB\\nthread_handling\\tone-thread-per-connection\\n'; exit 0 ;;
esac
exit 0
`,
  );
  // Announces itself, waits until the test has read its /proc entry, keeps what its option
  // file held, then reports (or fails as FAKE_FAIL says, echoing the file as a verbose tool might).
  write(
    'sysbench',
    `#!/bin/sh
[ "$1" = "--version" ] && { echo "sysbench 1.0.20"; exit 0; }
cfg=""; cmd=""
for a in "$@"; do case "$a" in --config-file=*) cfg="\${a#--config-file=}" ;; esac; cmd="$a"; done
if [ -n "$cfg" ]; then
  stat -c %a "$cfg" > "$FAKE_DIR/mode.$$"; cp "$cfg" "$FAKE_DIR/cfg.$$"; echo "$cfg" > "$FAKE_DIR/path.$$"
fi
echo "$cmd" > "$FAKE_DIR/pid.$$"
i=0; while [ ! -e "$FAKE_DIR/seen.$$" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
if [ "$cmd" = "$FAKE_FAIL" ]; then echo "FATAL: access denied; options: $(cat "$cfg")" >&2; exit 1; fi
[ "$cmd" = run ] && cat "$FAKE_DIR/report.txt"
exit 0
`,
  );
  return bin;
}

interface Seen {
  cmd: string;
  cmdline: string;
}

/** Runs sim measure with the fakes; reads each sysbench child's /proc/PID/cmdline while it runs. */
async function measure(args: string[], fail = ''): Promise<{ status: number | null; stdout: string; stderr: string; seen: Seen[]; dir: string }> {
  const dir = tempDir('tpsim-measure-test-');
  const bin = fakeBin(dir);
  writeFileSync(join(dir, 'report.txt'), REPORT);
  const child = spawn(process.execPath, [CLI, 'measure', '--yes-this-server', '127.0.0.1:3306', '--threads', '1', '--time', '1', '--warmup', '0', '--out', join(dir, 'runs.csv'), ...args], {
    cwd: ROOT,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, MYSQL_PWD: PASSWORD, FAKE_DIR: dir, FAKE_FAIL: fail, TPSIM_DEBUG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let status: number | null | undefined;
  const exited = new Promise<void>((res) => child.on('close', (code) => res(void (status = code))));
  const seen: Seen[] = [];
  const handled = new Set<string>();
  while (status === undefined) {
    for (const f of readdirSync(dir).filter((x) => x.startsWith('pid.') && !handled.has(x))) {
      handled.add(f);
      const pid = f.slice(4);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      seen.push({ cmd: readFileSync(join(dir, f), 'utf8').trim(), cmdline });
      writeFileSync(join(dir, `seen.${pid}`), '');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await exited;
  return { status: status ?? null, stdout, stderr, seen, dir };
}

/** What the fake found in the option files it was given: their paths, modes and contents. */
function optionFiles(dir: string): Array<{ path: string; mode: string; text: string }> {
  return readdirSync(dir)
    .filter((f) => f.startsWith('path.'))
    .map((f) => {
      const pid = f.slice(5);
      return {
        path: readFileSync(join(dir, f), 'utf8').trim(),
        mode: readFileSync(join(dir, `mode.${pid}`), 'utf8').trim(),
        text: readFileSync(join(dir, `cfg.${pid}`), 'utf8'),
      };
    });
}

describe('sim measure keeps the password out of sight', () => {
  beforeAll(() => ensureBuilt());

  it('sysbench gets it from a private option file, never on its command line', async () => {
    const r = await measure([]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.seen.map((s) => s.cmd)).toEqual(['run']);
    for (const s of r.seen) {
      expect(s.cmdline).toMatch(/sysbench oltp_point_select --db-driver=mysql/);
      expect(s.cmdline).not.toContain(PASSWORD);
      expect(s.cmdline).not.toContain('s3cr3t');
      expect(s.cmdline).not.toMatch(/--mysql-password/);
    }
    const files = optionFiles(r.dir);
    expect(files).toHaveLength(1);
    // sysbench's reader: name=value, quoted because the value holds a space, a comma and a #
    expect(files[0].text).toBe(`mysql-password='${PASSWORD}'\n`);
    expect(files[0].mode).toBe('600');
    expect(existsSync(files[0].path)).toBe(false);
    const csv = readFileSync(join(r.dir, 'runs.csv'), 'utf8');
    expect(csv).toMatch(/oltp_point_select-t1-rep1/);
    for (const text of [csv, r.stdout, r.stderr]) expect(text).not.toContain('s3cr3t');
  });

  it('--rand-type goes to sysbench run and into runs.csv, where sim fit reads it as a workload of its own', async () => {
    const r = await measure(['--rand-type', 'uniform', '--workloads', 'oltp_read_write']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.seen.map((s) => s.cmd)).toEqual(['run']);
    expect(r.seen[0].cmdline).toContain(' --rand-type=uniform run');
    const path = join(r.dir, 'runs.csv');
    const [head, row] = readFileSync(path, 'utf8').trim().split('\n');
    expect(head.split(',').at(-1)).toBe('sysbench_rand_type');
    expect(row.split(',').at(-1)).toBe('uniform');
    expect(readRuns(path).map((x) => x.workload)).toEqual(['oltp_read_write@uniform']);
    // Without the option: sysbench's own default, written as such, and no --rand-type on its line.
    const plain = await measure([]);
    expect(plain.seen[0].cmdline).not.toContain('--rand-type');
    expect(readRuns(join(plain.dir, 'runs.csv')).map((x) => x.workload)).toEqual(['oltp_point_select']);
  });

  it('refuses a --rand-type sysbench does not have, before it runs anything', async () => {
    const r = await measure(['--rand-type', 'zipf']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/rand-type/);
    expect(r.seen).toEqual([]);
  });

  it.each([
    ['sysbench run fails', 'run', []],
    ['sysbench prepare fails', 'prepare', ['--prepare']],
  ])('%s: exit 1, the message without the password, the option file removed', async (_name, fail, args) => {
    const r = await measure(args, fail);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^sim: measurement failed: /m);
    expect(r.stderr).toContain('FATAL: access denied');
    expect(r.stderr).not.toContain('s3cr3t');
    expect(r.stderr).toContain('***');
    for (const s of r.seen) expect(s.cmdline).not.toContain('s3cr3t');
    const files = optionFiles(r.dir);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(existsSync(f.path)).toBe(false);
    expect(existsSync(join(r.dir, 'runs.csv'))).toBe(false);
  });
});
