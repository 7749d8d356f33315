import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../src/report/terminal.js';
import { runScenario } from '../../src/run/run.js';
import { Scenario, type ScenarioInput } from '../../src/workload/schema.js';
import { ensureBuilt, sim } from '../cli/helpers.js';

function overloaded(rate: number, extra: { maxBacklog?: number; duration?: string; connections?: number; wait?: boolean } = {}): ScenarioInput {
  return {
    name: 'overload',
    duration: extra.duration ?? '20s',
    warmup: '1s',
    server: { cores: 1 },
    threadHandling: { mode: 'one-thread-per-connection' },
    workload: {
      connections: extra.connections ?? 100,
      client: { model: 'open', arrivals: { process: 'poisson', rate }, ...(extra.maxBacklog ? { maxBacklog: extra.maxBacklog } : {}) },
      network: { rtt: '0us' },
      transactions: [
        {
          name: 'q',
          type: 'autocommit',
          statements: [
            extra.wait
              ? { name: 'q', cpu: '10us', waits: [{ latency: '10ms' }] }
              : { name: 'q', cpu: { dist: 'exponential', mean: '1ms' } },
          ],
        },
      ],
    },
  };
}

describe('unstable open loops', () => {
  it('stop at the backlog bound, with bounded memory, and say why', () => {
    const t0 = Date.now();
    const r = runScenario(Scenario.parse(overloaded(5000, { maxBacklog: 20_000, duration: '3600s' })));
    const st = r.stability;
    expect(st?.unstable).toBe(true);
    expect(st?.reason).toBe('backlog-limit');
    expect(st?.backlog.peak).toBe(20_000);
    // Arrivals at 5x capacity fill 20,000 places in about 5 s of the hour.
    expect(r.summary.simulatedSeconds).toBeLessThan(10);
    expect(Date.now() - t0).toBeLessThan(20_000);
    const text = formatReport(r);
    expect(text).toContain('WARNING: UNSTABLE');
    expect(text).not.toContain('Transaction latency (ms)');
  });

  it('are detected by offered load and by a growing backlog before any bound', () => {
    const cpu = runScenario(Scenario.parse(overloaded(1200, { duration: '10s' })));
    expect(cpu.stability?.unstable).toBe(true);
    expect(cpu.stability?.reason).toBe('offered-load');
    // 5 connections, each busy 10 ms per transaction: 500/s at most, though the CPU is idle.
    const conn = runScenario(Scenario.parse(overloaded(800, { duration: '12s', connections: 5, wait: true })));
    expect(conn.stability?.offeredUtilization).toBeLessThan(0.01);
    expect(conn.stability?.unstable).toBe(true);
    expect(conn.stability?.reason).toBe('backlog-growth');
    // A stable run is not flagged.
    const ok = runScenario(Scenario.parse(overloaded(300, { duration: '10s', connections: 5, wait: true })));
    expect(ok.stability?.unstable).toBe(false);
  });

  it('sim run finishes with a warning and exit 0', () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'tpsim-unstable-'));
    const file = join(dir, 'overload.json');
    writeFileSync(file, JSON.stringify(overloaded(5000, { maxBacklog: 10_000, duration: '600s' })));
    const out = join(dir, 'results');
    const r = sim(['run', file, '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('WARNING: UNSTABLE');
    const j = sim(['run', file, '--out', out, '--json']);
    expect(j.status).toBe(0);
    expect((JSON.parse(j.stdout) as { stability: { unstable: boolean } }).stability.unstable).toBe(true);
  });
});
