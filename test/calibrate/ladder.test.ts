import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type LadderPrediction,
  LadderUsage,
  checkStart,
  fitNotes,
  formatLadderErrors,
  formatLadderPredictions,
  ladderErrors,
  parseLadderArgs,
  predictionsBeforeMeasuring,
} from '../../src/calibrate/ladder.js';
import { type MeasuredRun, groupRuns, readRuns } from '../../src/calibrate/runs.js';
import { simulatePoint, whereOf } from '../../src/calibrate/sim-point.js';
import { Scenario, type ScenarioSpec } from '../../src/workload/schema.js';

/** The validation ladder's parts that need no server (src/calibrate/ladder.ts); the run itself is npm run validate:ladder. */
const NOW = new Date('2026-12-02T07:30:00Z');

describe('parseLadderArgs', () => {
  it('defaults to the full protocol, in a directory named by the UTC date', () => {
    const o = parseLadderArgs([], NOW);
    expect(o).toMatchObject({
      outDir: join('results', 'ladder', '2026-12-02'),
      workloads: ['point_select', 'read_write'],
      train: [1, 2, 4, 8, 16],
      test: [64, 256, 1024],
      time: 15,
      warmup: 5,
      replicates: 1,
      params: 'scale,rtt,ctxswitch,refill,capacity,listener',
      draws: 10,
      cpuWeight: 0,
      clientMachine: false,
      resume: false,
      pin: true,
      quick: false,
    });
    expect(parseLadderArgs(['--cpu-weight', '0.5'], NOW).cpuWeight).toBe(0.5);
    expect(parseLadderArgs(['--client-machine'], NOW).clientMachine).toBe(true);
  });

  it('--quick shrinks the protocol; explicit options override it', () => {
    const q = parseLadderArgs(['--quick'], NOW);
    expect([q.workloads, q.train, q.test, q.time, q.warmup, q.params]).toEqual([['point_select'], [1, 4], [64], 3, 1, 'scale,rtt']);
    const o = parseLadderArgs(['--quick', '--test=128,32', '--workloads', 'oltp_read_write,point_select', '--no-pin', '--out-dir', 'x'], NOW);
    expect([o.test, o.workloads, o.pin, o.outDir, o.train]).toEqual([[32, 128], ['read_write', 'point_select'], false, 'x', [1, 4]]);
  });

  it.each([
    [['--test', '16'], /every test point must exceed the largest training point \(16\)/],
    [['--train', '4'], /at least two client counts/],
    [['--train', '1,0'], /--train 1,0: expected whole numbers/],
    [['--train', '1,1,2'], /given twice/],
    [['--workloads', 'oltp_insert'], /"insert" is not one of point_select, read_write/],
    [['--time', '0'], /--time 0: expected a whole number >= 1/],
    [['--draws', '1'], /--draws 1/],
    [['--cpu-weight', '-1'], /--cpu-weight -1: expected a number >= 0/],
    [['--bogus'], /unknown option --bogus/],
    [['extra'], /unexpected argument "extra"/],
    [['--time'], /--time needs a value/],
    [['--time', '3', '--time', '4'], /--time is given twice/],
    [['--quick=yes'], /--quick takes no value/],
    [['--client-machine=1'], /--client-machine takes no value/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseLadderArgs(argv, NOW)).toThrow(LadderUsage);
    expect(() => parseLadderArgs(argv, NOW)).toThrow(message);
  });
});

const pred = (workload: 'point_select' | 'read_write', handling: 'pool' | 'tpc', clients: number, tps: [number, number, number], p95: [number, number, number]): LadderPrediction => ({
  workload,
  handling,
  clients,
  tps: { fitted: tps[0], lo: tps[1], hi: tps[2] },
  p95: { fitted: p95[0], lo: p95[1], hi: p95[2] },
  p99: { fitted: p95[0] * 1.2, lo: p95[1] * 1.2, hi: p95[2] * 1.2 },
});

describe('the ordering guard', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
    dir = '';
  });
  const points = [
    { workload: 'point_select' as const, handling: 'pool' as const, clients: 64 },
    { workload: 'point_select' as const, handling: 'tpc' as const, clients: 64 },
  ];

  it('refuses to measure a test point before its prediction is written, and to overwrite predictions', () => {
    dir = mkdtempSync(join(tmpdir(), 'tpsim-ladder-test-'));
    checkStart(dir, false); // a fresh directory: go
    expect(() => checkStart(dir, true)).toThrow(/nothing to resume/);
    expect(() => predictionsBeforeMeasuring(dir, points)).toThrow(/measured only after their predictions are written/);

    // A file that lacks one of the points to be measured is refused, naming the point.
    const partial = { written: '2026-12-02T07:31:00.000Z', predictions: [pred('point_select', 'pool', 64, [100, 90, 110], [1, 0.9, 1.1])] };
    writeFileSync(join(dir, 'predictions.json'), JSON.stringify(partial));
    expect(() => predictionsBeforeMeasuring(dir, points)).toThrow(/no prediction for point_select tpc at 64 clients; refusing to measure it/);
    expect(() => checkStart(dir, false)).toThrow(/refusing to overwrite predictions/);
    checkStart(dir, true); // --resume in a directory with predictions: go

    const full = { ...partial, predictions: [...partial.predictions, pred('point_select', 'tpc', 64, [80, 70, 90], [2, 1.5, 2.5])] };
    const text = JSON.stringify(full);
    writeFileSync(join(dir, 'predictions.json'), text);
    const g = predictionsBeforeMeasuring(dir, points);
    expect(g.predictions.predictions).toHaveLength(2);
    expect(g.sha256).toBe(createHash('sha256').update(text).digest('hex'));

    writeFileSync(join(dir, 'predictions.json'), '{"predictions": [');
    expect(() => predictionsBeforeMeasuring(dir, points)).toThrow(/not valid JSON/);
  });
});

describe('the error table', () => {
  const run = (handling: 'pool' | 'tpc', threads: number, tps: number, p95: number, rep: number): MeasuredRun => ({
    label: `oltp_point_select-t${threads}-rep${rep}`,
    workload: 'oltp_point_select',
    handling,
    pool: {},
    threads,
    tps,
    p95,
  });

  it('gives the error of the fitted value against the measured median, and whether the median is inside the interval', () => {
    const measured = groupRuns([
      run('pool', 64, 1000, 2.0, 1),
      run('pool', 64, 1200, 2.4, 2),
      run('pool', 64, 800, 1.6, 3),
      run('tpc', 64, 500, 8, 1),
    ]);
    const rows = ladderErrors(
      [
        pred('point_select', 'pool', 64, [1100, 950, 1300], [1.5, 1.4, 1.9]),
        pred('point_select', 'tpc', 64, [400, 300, 450], [8.8, 7, 9]),
        pred('point_select', 'pool', 256, [1100, 900, 1300], [6, 5, 7]),
      ],
      measured,
    );
    // pool 64: median 1,000 tps, p95 2.0 ms; 1,100 predicted is +10%, 1.5 ms is -25%; 1,000 is in [950, 1300], 2.0 is not in [1.4, 1.9].
    expect(rows[0].measured).toEqual({ tps: 1000, tpsRange: [800, 1200], p95: 2.0, replicates: 3 });
    expect(rows[0].tpsError).toBeCloseTo(0.1, 12);
    expect(rows[0].p95Error).toBeCloseTo(-0.25, 12);
    expect([rows[0].tpsInside, rows[0].p95Inside]).toEqual([true, false]);
    // tpc 64: 400 against 500 is -20%, outside [300, 450]; 8.8 ms against 8 is +10%, inside [7, 9].
    expect(rows[1].tpsError).toBeCloseTo(-0.2, 12);
    expect(rows[1].p95Error).toBeCloseTo(0.1, 12);
    expect([rows[1].tpsInside, rows[1].p95Inside]).toEqual([false, true]);
    // Not measured: no error, no verdict.
    expect([rows[2].measured, rows[2].tpsError, rows[2].tpsInside]).toEqual([undefined, undefined, undefined]);

    const md = formatLadderErrors(rows);
    expect(md).toContain('| point_select | pool | 64 | 1,100 [950, 1,300] | 1,000 (800–1,200) | +10.0% | yes | 1.50 [1.40, 1.90] | 2.00 | -25.0% | **no** |');
    expect(md).toContain('| point_select | tpc | 64 | 400 [300, 450] | 500 | -20.0% | **no** | 8.80 [7.00, 9.00] | 8.00 | +10.0% | yes |');
    expect(md).toContain('| point_select | pool | 256 | 1,100 [900, 1,300] | not measured | – | – |');
    // Median |TPS error| of 10% and 20%: 15%.
    expect(md).toContain('2 of 3 points measured; TPS inside the prediction interval at 1 of 2, p95 at 1 of 2; median |TPS error| 15.0%.');
  });

  it('with measurement intervals: a second verdict per figure, in the table and the summary', () => {
    const measured = groupRuns([run('pool', 64, 1000, 2.0, 1), run('tpc', 64, 500, 8, 1)]);
    const withM = (p: ReturnType<typeof pred>, t: [number, number], q: [number, number]): ReturnType<typeof pred> => ({
      ...p,
      tps: { ...p.tps, measured: { lo: t[0], hi: t[1] } },
      p95: { ...p.p95, measured: { lo: q[0], hi: q[1] } },
    });
    const rows = ladderErrors(
      [
        withM(pred('point_select', 'pool', 64, [1500, 1400, 1600], [1.5, 1.4, 1.6]), [900, 2500], [1.0, 2.2]),
        withM(pred('point_select', 'tpc', 64, [400, 380, 420], [8.8, 8.5, 9]), [300, 480], [7.9, 9.9]),
      ],
      measured,
    );
    // 1,000 tps is outside [1,400, 1,600] but inside [900, 2,500]; 500 is outside both.
    expect(rows.map((r) => [r.tpsInside, r.tpsInsideMeasured])).toEqual([
      [false, true],
      [false, false],
    ]);
    expect(rows.map((r) => [r.p95Inside, r.p95InsideMeasured])).toEqual([
      [false, true],
      [false, true],
    ]);
    const md = formatLadderErrors(rows);
    expect(md).toContain('| point_select | pool | 64 | 1,500 [1,400, 1,600] | [900, 2,500] | 1,000 | +50.0% | **no** | yes | 1.50 [1.40, 1.60] | [1.00, 2.20] | 2.00 | -25.0% | **no** | yes |');
    expect(md).toContain('TPS inside the prediction interval at 0 of 2 (inside the measurement interval: 1 of 2), p95 at 0 of 2 (inside the measurement interval: 2 of 2)');
  });
});

describe('the CPU per transaction beside the error table', () => {
  it('reads server_cpu_util and ctxt_switches_per_s per transaction from runs.csv, and sets the model\'s against their median', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpsim-ladder-cpu-'));
    try {
      const csv = join(dir, 'runs.csv');
      writeFileSync(
        csv,
        [
          'label,thread_handling,workload,threads,tps,lat_p95_ms_hist,server_cpu_util,ctxt_switches_per_s',
          // 0.9 cores at 20,000 tps: 45 µs per transaction, 100 switches/s: 0.005 per transaction.
          'a,pool-of-threads,oltp_point_select,256,20000,10,0.9,100',
          // 0.8 cores at 10,000 tps: 80 µs; 300 switches/s: 0.03.
          'b,pool-of-threads,oltp_point_select,256,10000,12,0.8,300',
          'c,pool-of-threads,oltp_point_select,256,16000,11,0.96,160',
          // No CPU column value: no row in the CPU table.
          'd,one-thread-per-connection,oltp_point_select,256,9000,30,,',
        ].join('\n'),
      );
      const runs = readRuns(csv);
      expect(runs[0].cpuUsPerTxn).toBeCloseTo(45, 9);
      expect(runs[0].switchesPerTxn).toBeCloseTo(0.005, 12);
      expect(runs[3].cpuUsPerTxn).toBeUndefined();
      const points = groupRuns(runs);
      // Median of 45, 80 and 60 µs; of 0.005, 0.03 and 0.01 switches.
      const pool = points.find((p) => p.handling === 'pool');
      expect(pool?.median.cpuUsPerTxn).toBeCloseTo(60, 9);
      expect(pool?.median.switchesPerTxn).toBeCloseTo(0.01, 12);
      const rows = ladderErrors(
        [
          { ...pred('point_select', 'pool', 256, [25000, 24000, 30000], [10, 8, 11]), cpuUsPerTxn: 30 },
          { ...pred('point_select', 'tpc', 256, [16000, 14000, 19000], [16, 14, 19]), cpuUsPerTxn: 48 },
        ],
        points,
      );
      expect(rows[0].cpu).toEqual({ predicted: 30, measured: pool?.median.cpuUsPerTxn, switchesPerTxn: pool?.median.switchesPerTxn });
      expect(rows[1].cpu).toBeUndefined();
      const md = formatLadderErrors(rows);
      expect(md).toContain('| point_select | pool | 256 | 30.0 | 60.0 | 0.50 | 0.01 |');
      expect(md).not.toContain('| point_select | tpc | 256 | 48');
      // Predictions from before the model gave its CPU per transaction: no CPU table at all.
      const old = formatLadderErrors(ladderErrors([pred('point_select', 'pool', 256, [25000, 24000, 30000], [10, 8, 11])], points));
      expect(old).not.toContain('CPU per transaction');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fitNotes', () => {
  it('says when a fit identified nothing, so the intervals are not about the fitted scenario', () => {
    const none = fitNotes('point_select', 'scenarios/oracle/point_select.json', {
      params: [{ name: 'scale', value: 20 }, { name: 'rtt', value: 834.9 }],
      unidentified: [{ name: 'scale' }, { name: 'rtt' }],
    });
    expect(none).toEqual([
      "point_select: sim fit identified none of scale, rtt; the fitted scenario is scenarios/oracle/point_select.json unchanged, and the prediction intervals are drawn around the first pass's values (scale 20.0, rtt 835), not around it.",
    ]);
    const some = fitNotes('read_write', 'b.json', { params: [{ name: 'scale', value: 1 }, { name: 'rtt', value: 7 }], unidentified: [{ name: 'refill' }] });
    expect(some).toEqual(['read_write: unidentified, kept at their values in b.json: refill; the intervals do not carry their uncertainty.']);
    expect(fitNotes('x', 'b.json', { params: [{ name: 'scale', value: 1 }], unidentified: [] })).toEqual([]);
    const md = formatLadderPredictions({ written: 'T', workloads: ['point_select'], train: [1, 4], test: [64], commands: ['npx sim fit a'], machine: { cpus: 2 }, notes: some, predictions: [] });
    expect(md).toContain('\n- read_write: unidentified, kept at their values in b.json: refill; the intervals do not carry their uncertainty.\n');
  });
});

describe('where the connections were, beside the error table', () => {
  it("counts the model's connections inside a statement by Little's law: exact on a closed loop with constant times", () => {
    // One core, a constant 100 µs statement and a constant 100 µs round trip: a connection is inside
    // its statement half the time; two share the core (processor sharing), each inside 200 µs of 300.
    const spec = (connections: number): ScenarioSpec =>
      Scenario.parse({
        name: 'little',
        seed: 1,
        duration: '1s',
        warmup: '10ms',
        server: { cores: 1 },
        threadHandling: { mode: 'one-thread-per-connection' },
        workload: { connections, network: { rtt: '100us' }, transactions: [{ name: 't', type: 'autocommit', statements: [{ name: 's', cpu: '100us' }] }] },
      });
    const one = simulatePoint(spec(1));
    expect(one.inStatements).toBeCloseTo(0.5, 3);
    const two = simulatePoint(spec(2));
    expect(two.inStatements).toBeCloseTo(4 / 3, 3);
    expect(whereOf(two)).toEqual({ inStatements: 1.333, errorsPerS: 0, rowLockWaitsPerS: 0 });
  });

  it('reads Threads_running (less the sampler), errors per second and the queue from runs.csv, and sets the model beside them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpsim-ladder-where-'));
    try {
      const csv = join(dir, 'runs.csv');
      writeFileSync(
        csv,
        [
          'label,thread_handling,workload,threads,tps,lat_p95_ms_hist,measured_s,errors,threads_running_mean,tp_queue_len_mean,d_waits_row_lock',
          // The ladder's pool at 256 read-write clients (2026-12-02-cpu-fit): 799 deadlocks in 15.466 s.
          'a,pool-of-threads,oltp_read_write,256,600.41,1235.625,15.466,799,236.667,0.067,10637',
          // Without the pool sim measure writes 0 for the pool's counters: not a measurement of row-lock waits.
          'b,one-thread-per-connection,oltp_read_write,256,563.51,1327.905,15.451,740,241.867,,0',
          // Threads_running below the sampler's own statement is read as nobody inside.
          'c,one-thread-per-connection,oltp_read_write,1,497.61,3.245,14.996,0,0.5,,',
        ].join('\n'),
      );
      const runs = readRuns(csv);
      expect(runs[0].errorsPerS).toBeCloseTo(799 / 15.466, 12);
      expect(runs[0].inStatements).toBeCloseTo(235.667, 9);
      expect(runs[0].rowLockWaitsPerS).toBeCloseTo(10637 / 15.466, 12);
      expect(runs[2].inStatements).toBe(0);
      const points = groupRuns(runs);
      const model = { inStatements: 11.3, poolQueue: 240.5, errorsPerS: 7, rowLockWaitsPerS: 602.5 };
      const rows = ladderErrors(
        [
          { ...pred('read_write', 'pool', 256, [814, 744, 884], [429, 434, 557]), where: model },
          { ...pred('read_write', 'tpc', 256, [708, 670, 770], [957, 880, 1029]), where: { inStatements: 230, errorsPerS: 145.25, rowLockWaitsPerS: 1174.5 } },
          pred('read_write', 'tpc', 1, [500, 490, 510], [3, 2.9, 3.1]),
        ],
        points,
      );
      expect(rows[0].where).toEqual({ predicted: model, measured: { inStatements: runs[0].inStatements, poolQueue: 0.067, errorsPerS: runs[0].errorsPerS, rowLockWaitsPerS: runs[0].rowLockWaitsPerS } });
      expect(rows[2].where).toBeUndefined();
      const md = formatLadderErrors(rows);
      expect(md).toContain('| read_write | pool | 256 | 11.3 / 236 | 241 / 0.07 | 7.00 / 51.7 | 603 / 688 |');
      expect(md).toContain('| read_write | tpc | 256 | 230 / – | – / – | 145 / 47.9 | 1,175 / – |');
      expect(md).not.toContain('| read_write | tpc | 1 | 0.');
      // Predictions from before sim predict gave these figures: no such table.
      expect(formatLadderErrors(ladderErrors([pred('read_write', 'pool', 256, [814, 744, 884], [429, 434, 557])], points))).not.toContain('Where the connections were');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
