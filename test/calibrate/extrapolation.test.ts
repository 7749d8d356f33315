import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUnidentified } from '../../src/calibrate/fit.js';
import { EXTRAPOLATION_FACTOR, extrapolationWarning } from '../../src/run/model-warnings.js';
import { ensureBuilt, sim } from '../cli/helpers.js';

describe('fitting that knows what it does not know', () => {
  it('a parameter is unidentified when its interval is wider than a factor of ~7 either way, not finite, or spans its whole range', () => {
    expect(isUnidentified({ name: 'capacity', value: 29, relSd: 0.54 })).toBe(false);
    expect(isUnidentified({ name: 'capacity', value: 29, relSd: 1.0 })).toBe(true);
    expect(isUnidentified({ name: 'sigma', value: 0.01, relSd: Number.NaN })).toBe(true);
    expect(isUnidentified({ name: 'sigma', value: 0.01, relSd: Number.POSITIVE_INFINITY })).toBe(true);
    // sigma's range is 1e-6 .. 1: an interval of 0.9 in the log around 1e-3 spans 1.7e-4 .. 5.8e-3, not the range.
    expect(isUnidentified({ name: 'sigma', value: 1e-3, relSd: 0.9 })).toBe(false);
  });

  it(`warns beyond ${EXTRAPOLATION_FACTOR}x the most connections fitted on, not within`, () => {
    const cal = { runs: 'runs.csv', connections: { min: 1, max: 64 } };
    expect(extrapolationWarning(cal, [16, 256])).toBeUndefined();
    expect(extrapolationWarning(cal, [16, 257, 1024])).toMatch(/fitted on 1-64 client connections \(runs\.csv\) and is run at 1024, 16x/);
    expect(extrapolationWarning(undefined, [100_000])).toBeUndefined();
  });

  it('sim run says so on stderr for a fitted scenario asked for 16x its connections', () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'tpsim-extrap-'));
    const file = join(dir, 'in.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'fitted',
        duration: '60ms',
        warmup: '20ms',
        calibration: { runs: 'runs.csv', connections: { min: 1, max: 16 } },
        server: { cores: 1 },
        threadHandling: { mode: 'one-thread-per-connection' },
        workload: { connections: 16, transactions: [{ name: 'q', type: 'autocommit', statements: [{ name: 'q', cpu: '20us' }] }] },
      }),
    );
    const within = sim(['run', file, '--out', dir]);
    expect(within.status).toBe(0);
    expect(within.stderr).not.toMatch(/fitted on/);
    const beyond = sim(['run', file, '--set', 'workload.connections=256', '--out', join(dir, 'b.json')]);
    expect(beyond.status).toBe(0);
    expect(beyond.stderr).toMatch(/warning: this scenario was fitted on 1-16 client connections \(runs\.csv\) and is run at 256, 16x/);
  });

  it('sim fit keeps an unidentified parameter at its starting value, fits the rest again, and records both', () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'tpsim-unident-'));
    // 1 and 4 clients on one core: the cache refill of many threads taking turns is never seen.
    const runs = readFileSync(join(__dirname, '..', 'fixtures', 'oracle', 'runs.csv'), 'utf8').split('\n');
    const low = [runs[0], ...runs.slice(1).filter((l) => /,oltp_point_select,(1|4),/.test(l))].join('\n');
    writeFileSync(join(dir, 'low.csv'), `${low}\n`);
    const out = join(dir, 'fitted.json');
    const r = sim(['fit', join(__dirname, '..', '..', 'scenarios', 'oracle', 'point_select.json'), '--runs', join(dir, 'low.csv'), '--workload', 'oltp_point_select', '--out', out, '--params', 'scale,rtt,refill', '--max-evals', '6', '--statements', '2000', '--workers', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/unidentified \(kept at their starting values\): refill; fitting scale, rtt again/);
    const fitted = JSON.parse(readFileSync(out, 'utf8')) as { calibration: { connections: { min: number; max: number }; unidentified: string[] }; server: { linux: { cacheRefill: { refill: string } } } };
    expect(fitted.calibration.connections).toEqual({ min: 1, max: 4 });
    expect(fitted.calibration.unidentified).toEqual(['refill']);
    const start = JSON.parse(readFileSync(join(__dirname, '..', '..', 'scenarios', 'oracle', 'point_select.json'), 'utf8')) as typeof fitted;
    expect(fitted.server.linux.cacheRefill.refill).toBe(start.server.linux.cacheRefill.refill);
    const report = JSON.parse(readFileSync(join(dir, 'fitted.fit.json'), 'utf8')) as { params: Array<{ name: string }>; unidentified: Array<{ name: string }> };
    expect(report.params.map((p) => p.name)).toEqual(['scale', 'rtt']);
    expect(report.unidentified.map((p) => p.name)).toEqual(['refill']);
  });

  it('sim fit with no parameter identified: the scenario and the report both keep the starting values, and sim predict says its intervals are noise only', () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'tpsim-unident0-'));
    const runs = readFileSync(join(__dirname, '..', 'fixtures', 'oracle', 'runs.csv'), 'utf8').split('\n');
    const low = [runs[0], ...runs.slice(1).filter((l) => /,oltp_point_select,(1|4),/.test(l))].join('\n');
    writeFileSync(join(dir, 'low.csv'), `${low}\n`);
    const out = join(dir, 'fitted.json');
    const r = sim(['fit', join(__dirname, '..', '..', 'scenarios', 'oracle', 'point_select.json'), '--runs', join(dir, 'low.csv'), '--workload', 'oltp_point_select', '--out', out, '--params', 'refill', '--max-evals', '4', '--statements', '1000', '--workers', '1']);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'fitted.fit.json'), 'utf8')) as { params: unknown[]; correlation: unknown[]; unidentified: Array<{ name: string }> };
    expect(report.params).toEqual([]);
    expect(report.correlation).toEqual([]);
    expect(report.unidentified.map((p) => p.name)).toEqual(['refill']);
    const fitted = JSON.parse(readFileSync(out, 'utf8')) as { description: string };
    expect(fitted.description).toMatch(/no parameter identified, all kept at their starting values/);
    const p = sim(['predict', out, '--connections', '8', '--draws', '2', '--duration', '40ms', '--warmup', '10ms', '--workers', '1']);
    expect(p.status, p.stderr).toBe(0);
    expect(p.stderr).toMatch(/has no identified parameter: the intervals hold replication noise only/);
  });
});
