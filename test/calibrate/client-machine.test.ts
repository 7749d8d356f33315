import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuListSize, readRuns } from '../../src/calibrate/runs.js';
import { clientMachineOf } from '../../src/cli/calibrate.js';
import { ensureBuilt, sim } from '../cli/helpers.js';

/** sim fit --client-machine: the benchmark client's machine as sim measure's runs measured it. */
const HEAD = 'label,thread_handling,workload,threads,tps,qps,lat_p95_ms_hist,sysbench_cpu_util,sysbench_cpus_allowed';
// Client CPU per statement: 0.25 / 10,000 = 25 µs, 0.6 / 20,000 = 30 µs, 0.7 / 20,000 = 35 µs.
const ROWS = ['a,one-thread-per-connection,oltp_point_select,1,10000,10000,0.2,0.25,1', 'b,one-thread-per-connection,oltp_point_select,4,20000,20000,0.3,0.6,1', 'c,one-thread-per-connection,oltp_point_select,4,20000,20000,0.3,0.7,1'];

function withRuns<T>(lines: readonly string[], f: (csv: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'tpsim-client-'));
  try {
    const csv = join(dir, 'runs.csv');
    writeFileSync(csv, lines.join('\n'));
    return f(csv, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the client machine from measured runs', () => {
  it('counts the CPUs of a Linux CPU list', () => {
    expect([cpuListSize('1'), cpuListSize('0,2'), cpuListSize('4-7'), cpuListSize('0-1,8')]).toEqual([1, 2, 4, 3]);
    expect([cpuListSize(''), cpuListSize(undefined), cpuListSize('x'), cpuListSize('3-1')]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("takes the median of the runs' client CPU per statement and the one CPU count they share", () => {
    withRuns([HEAD, ...ROWS], (csv) => {
      const runs = readRuns(csv);
      expect(runs.map((r) => r.clientUsPerStmt)).toEqual([25, 30, 35].map((x) => expect.closeTo(x, 9)));
      expect(clientMachineOf(runs, csv)).toEqual({ cores: 1, cpuUs: expect.closeTo(30, 9) });
    });
  });

  it('refuses runs without the client figures, or with different client CPU counts', () => {
    withRuns(['threads,tps', '1,100', '4,300'], (csv) => {
      expect(() => clientMachineOf(readRuns(csv), csv)).toThrow(`--client-machine: ${csv} has no sysbench_cpu_util and qps values`);
    });
    withRuns([HEAD, ROWS[0], ROWS[1].replace(/,1$/, ',1-2')], (csv) => {
      expect(() => clientMachineOf(readRuns(csv), csv)).toThrow('has runs with different client CPU counts (1, 2)');
    });
  });

  it('sim fit --client-machine writes the machine into the fitted scenario, its note and its report; exit 2 without the figures', () => {
    ensureBuilt();
    withRuns([HEAD, ...ROWS], (csv, dir) => {
      const scenario = join(dir, 'base.json');
      writeFileSync(
        scenario,
        JSON.stringify({
          name: 'base',
          server: { cores: 1 },
          threadHandling: { mode: 'one-thread-per-connection' },
          workload: { connections: 1, network: { rtt: '20us' }, transactions: [{ name: 'q', type: 'autocommit', statements: [{ name: 'q', cpu: '40us' }] }] },
        }),
      );
      const out = join(dir, 'fitted.json');
      const r = sim(['fit', scenario, '--runs', csv, '--params', 'rtt', '--max-evals', '4', '--statements', '2000', '--workers', '1', '--quiet', '--client-machine', '--out', out]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const fitted = JSON.parse(readFileSync(out, 'utf8')) as { description: string; workload: { client: unknown } };
      expect(fitted.workload.client).toEqual({ model: 'closed', machine: { cores: 1, cpu: '30.000us' } });
      expect(fitted.description).toContain('client machine as measured: 1 core, 30.0 µs of CPU per statement.');
      const report = JSON.parse(readFileSync(join(dir, 'fitted.fit.json'), 'utf8')) as { clientMachine: unknown };
      expect(report.clientMachine).toEqual({ cores: 1, cpuUs: 30 });

      writeFileSync(csv, 'threads,tps\n1,10000\n4,20000\n');
      const bad = sim(['fit', scenario, '--runs', csv, '--params', 'rtt', '--client-machine', '--out', join(dir, 'bad.json')]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('has no sysbench_cpu_util and qps values');
      expect(bad.stderr).not.toMatch(/internal error|\n\s+at /);
    });
  });
});
