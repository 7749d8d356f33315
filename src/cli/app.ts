import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import { closest } from '../workload/errors.js';
import { runCommand, schemaCommand, validateCommand } from './commands.js';
import { checkCommand } from './check.js';
import { exportCommand } from './export.js';
import { calibrateCommands } from './calibrate-commands.js';
import { UsageError, describeError } from './errors.js';
import { mergeCommand, sweepCommand } from './sweep.js';
import { compareCommand } from './compare.js';
import { tuneCommand } from './tune.js';
import { plotCommand, plotRunResult } from './plot.js';
import { PLOT_KINDS } from '../report/plot.js';
import { exampleText, HELP_WIDTH } from './help.js';
import { MAX_REPLICATIONS, PRECISION_METRICS } from '../run/precision.js';

// yargs' ES module build lays out help with cliui's ESM shim, which wraps text every N characters,
// mid-word; its CommonJS build wraps at spaces (wrap-ansi). Same yargs, same API.
const yargs = createRequire(import.meta.url)('yargs/yargs') as (args: readonly string[]) => Argv;

/**
 * Exit codes: 0 ok; 2 the user's input is wrong (scenario file, override, usage); 1 the simulation
 * or writing its output failed. Messages go to stderr prefixed "sim: ", without stack traces unless
 * TPSIM_DEBUG is set. process.exitCode (not process.exit) lets stdout drain.
 */

function packageVersion(): string {
  try {
    // Same relative location from src/cli/app.ts and dist/cli/app.js.
    const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // Fall through: a missing package.json must not stop the simulator.
  }
  return 'unknown';
}

export function report(err: unknown): void {
  const { code, text } = describeError(err, Boolean(process.env.TPSIM_DEBUG));
  process.stderr.write(text);
  process.exitCode = code;
}

/** Wraps a command so that its errors become exit codes instead of unhandled rejections. */
function guarded<A>(fn: (args: A) => void): (args: A) => void {
  return (args) => {
    try {
      fn(args);
    } catch (e) {
      report(e);
    }
  };
}

/** guarded() for commands that run asynchronously (sweeps on worker threads). */
function guardedAsync<A>(fn: (args: A) => Promise<void>): (args: A) => Promise<void> {
  return async (args) => {
    try {
      await fn(args);
    } catch (e) {
      report(e);
    }
  };
}

/** A repeated string option arrives as a string or an array; commands want an array. */
function strings(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

const setOption = {
  type: 'string',
  description: 'Override a value in the scenario: a dotted path (array indices as numbers) = JSON or text',
  requiresArg: true,
  coerce: strings,
} as const;

const durationOption = { type: 'string', requiresArg: true, description: 'Simulated time, e.g. 30s (same as --set duration=D)' } as const;
const warmupOption = { type: 'string', requiresArg: true, description: 'Warm-up excluded from statistics, e.g. 2s or auto (same as --set warmup=D)' } as const;

const COMMANDS = ['run', 'validate', 'schema', 'sweep', 'merge', 'compare', 'tune', 'plot', 'check', 'import', 'fit', 'predict', 'measure', 'export'];

function usageMessage(msg: string, argv: readonly string[]): string {
  let text = /[.?!]$/.test(msg) ? msg : `${msg}.`;
  if (msg.startsWith('Not enough non-option arguments')) text = 'missing the scenario file argument.';
  // An unknown first word is a mistyped command more often than a stray argument.
  const first = argv.find((a) => !a.startsWith('-'));
  if (first !== undefined && !COMMANDS.includes(first) && argv.indexOf(first) === 0) {
    const guess = closest(first, COMMANDS);
    text = `unknown command "${first}"${guess ? ` (did you mean "${guess}"?)` : ''}; the commands are ${COMMANDS.join(', ')}.`;
  }
  return `${text} Run "sim --help" for usage.`;
}

export async function main(argv: string[]): Promise<void> {
  const cli = yargs(argv)
    .scriptName('sim')
    .usage('$0 <command> [options]')
    .command(
      'run <scenario>',
      'Run a scenario, write the result file and print a summary',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true, description: 'Scenario file (JSON)' })
          .option('set', setOption)
          .option('seed', { type: 'string', requiresArg: true, description: 'Random seed (same as --set seed=N)' })
          .option('duration', durationOption)
          .option('warmup', warmupOption)
          .option('json', { type: 'boolean', description: 'Print the result as one JSON object instead of the summary' })
          .option('out', {
            type: 'string',
            default: 'results',
            requiresArg: true,
            description: 'Directory for the result file (named after the scenario and the overrides, e.g. oltp--seed=7.json), or the file itself if the name ends in .json',
          })
          .option('quiet', { type: 'boolean', description: 'Print nothing; only write the result file' })
          .option('plot', { type: 'boolean', description: 'Also write the standard charts beside the result (<name>.<kind>.png, <name>.html)' })
          .option('replications', { type: 'string', requiresArg: true, description: 'Independent replications: means with 95% t intervals (same as --set replications=N)' })
          .option('jobs', { type: 'number', requiresArg: true, description: 'Replications run at once: this thread and N-1 worker threads (default: the number of cores; 1 = one after another)' })
          .option('batches', { type: 'number', requiresArg: true, description: 'Batch means on the single run: 95% intervals of mean latency and tps from N batches' })
          .option('precision', {
            type: 'string',
            requiresArg: true,
            description: 'Run replications until every --precision-metric interval\'s half-width is below this share of its estimate, e.g. 2% (starts with --replications, default 10)',
          })
          .option('precision-metric', {
            type: 'string',
            requiresArg: true,
            coerce: strings,
            description: `Figures --precision must reach (repeatable or comma-separated), transaction latency or throughput: ${PRECISION_METRICS.join(', ')} (default: mean and p99)`,
          })
          .option('max-replications', { type: 'number', requiresArg: true, description: `With --precision: stop after this many replications (default ${MAX_REPLICATIONS})` })
          .option('max-wall', { type: 'string', requiresArg: true, description: 'With --precision: stop after this much wall-clock time, e.g. 10min (the result then depends on the machine)' })
          .option('force', { type: 'boolean', description: 'Run even when the estimate of events or memory is above the budget (2e9 events, 2 GiB)' })
          .option('report-interval', { type: 'number', requiresArg: true, description: "Print sysbench's per-interval lines every N simulated seconds (as sysbench --report-interval)" })
          .option('waits-by-class', { type: 'boolean', description: 'Also print the waits at each queue (P(wait), mean, p99) per transaction type and statement class' })
          .conflicts('json', 'quiet')
          .example(exampleText('sim run scenarios/oltp.json', 'run; writes results/oltp.json'), '')
          .example(exampleText('sim run scenarios/oltp-no-pool.json', 'the same workload, one thread per connection'), '')
          .example(exampleText('sim run scenarios/oltp.json --seed 7', 'another seed; writes results/oltp--seed=7.json'), '')
          .example(exampleText('sim run scenarios/oltp.json --report-interval 1', "sysbench's per-second lines first"), '')
          .example(exampleText('sim run scenarios/validation/mm1-rho05.json --duration 3s --warmup 0.5s --replications 5 --precision 10%', 'replications (5 first) until the mean and p99 intervals are within ±10%'), '')
          .example(
            exampleText('sim run scenarios/oltp.json --set threadHandling.thread_pool_size=32', 'change a setting; writes results/oltp--threadHandling.thread_pool_size=32.json'),
            '',
          )
          .example(exampleText('sim run scenarios/point-select.json --set workload.connections=64 --json', 'print the result as JSON'), ''),
      guardedAsync(async (a) => {
        const { result, path } = await runCommand({
          scenario: a.scenario,
          set: strings(a.set),
          seed: a.seed,
          duration: a.duration,
          warmup: a.warmup,
          replications: a.replications,
          batches: a.batches,
          precision: a.precision,
          precisionMetric: strings(a.precisionMetric),
          maxReplications: a.maxReplications,
          maxWall: a.maxWall,
          force: a.force === true,
          reportInterval: a.reportInterval,
          waitsByClass: a.waitsByClass === true,
          jobs: a.jobs,
          json: a.json === true,
          out: a.out,
          quiet: a.quiet === true,
        });
        if (a.plot === true) {
          const written = await plotRunResult(result, path);
          if (a.quiet !== true && a.json !== true) process.stderr.write(`charts written: ${written.join(', ')}\n`);
        }
      }),
    )
    .command(
      'plot <files..>',
      'Chart result or sweep files: vega-lite spec, SVG, PNG or offline HTML (by --out ending)',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, demandOption: true, description: 'Result files (several: compared) or sweep files' })
          .option('kind', { type: 'string', requiresArg: true, choices: PLOT_KINDS, description: 'Chart (results: cdf, ladder, split, waits, timeline; sweeps: sweep, heatmap)' })
          .option('out', { type: 'string', requiresArg: true, coerce: strings, description: 'Output file: .vl.json, .svg, .png or .html (default: <input>.<kind>.svg); repeat for several' })
          .option('group', { type: 'string', requiresArg: true, choices: ['latency', 'queueWait', 'execution'], description: 'Distribution for cdf and ladder (default: latency)' })
          .option('metric', { type: 'string', requiresArg: true, description: 'Heatmap colour, or the sweep chart\'s second panel (default p99)' })
          .option('x', { type: 'string', requiresArg: true, description: 'Sweep parameter on the x axis (default: the first numeric one varied)' })
          .option('y', { type: 'string', requiresArg: true, description: 'Heatmap parameter on the y axis (default: the other varied)' })
          .option('title', { type: 'string', requiresArg: true, description: 'Chart title' })
          .option('quiet', { type: 'boolean', description: 'Print nothing' })
          .example(exampleText('sim plot results/oltp.json --kind cdf --out oltp-cdf.png', 'latency CDF as PNG'), '')
          .example(exampleText('sim plot results/oltp.json results/oltp-no-pool.json --kind ladder --out cmp.svg', 'compare two runs'), '')
          .example(
            exampleText('sim plot results/sweep/oltp--thread_pool_size=8,16--connections=64,512/sweep.json --kind heatmap --out heat.html', 'a sweep\'s interactive heatmap, works offline'),
            '',
          ),
      guardedAsync((a) =>
        plotCommand({
          files: strings(a.files),
          kind: a.kind,
          out: strings(a.out),
          group: a.group,
          metric: a.metric,
          x: a.x,
          y: a.y,
          title: a.title,
          quiet: a.quiet === true,
        }),
      ),
    )
    .command(
      'check <files..>',
      'Run scenarios with replications and compare their results with the values in their "expect" lists',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, demandOption: true, description: 'Scenario files with "expect" lists' })
          .option('set', setOption)
          .option('replications', { type: 'number', requiresArg: true, description: 'Replications per scenario (default: the file\'s "replications", else 10)' })
          .option('duration', { ...durationOption, description: 'Override every scenario\'s duration (same as --set duration=D)' })
          .option('warmup', { ...warmupOption, description: 'Override every scenario\'s warm-up (same as --set warmup=D)' })
          .option('level', { type: 'number', default: 0.999, requiresArg: true, description: 'Confidence level of the band an expected value must fall in' })
          .option('json', { type: 'boolean', description: 'Print the verdicts as JSON' })
          .example(exampleText('sim check scenarios/validation/*.json', 'the queueing-theory validation suite'), ''),
      guarded((a) =>
        checkCommand({
          files: strings(a.files),
          set: strings(a.set),
          replications: a.replications,
          duration: a.duration,
          warmup: a.warmup,
          level: a.level,
          json: a.json === true,
        }),
      ),
    )
    .command(
      'validate <scenario>',
      'Check a scenario file (with any --set overrides) without running it',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true, description: 'Scenario file (JSON)' })
          .option('set', setOption),
      guarded((a) => validateCommand({ scenario: a.scenario, set: strings(a.set) })),
    )
    .command(
      'sweep <scenario>',
      'Run a scenario over a grid of settings (in parallel; resumable; shardable)',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true, description: 'Scenario file (JSON)' })
          .option('vary', {
            type: 'string',
            requiresArg: true,
            coerce: strings,
            description: 'A scenario path and its values: path=v1,v2,... or path=start..end:step (repeat for a grid)',
          })
          .option('set', setOption)
          .option('duration', durationOption)
          .option('warmup', warmupOption)
          .option('out', {
            type: 'string',
            requiresArg: true,
            description: 'Directory for the sweep and its point results (default: results/sweep/<scenario>--<grid>, one per sweep; run the same command again to resume)',
          })
          .option('workers', { alias: 'jobs', type: 'number', requiresArg: true, description: 'Points run at once: this thread and N-1 worker threads (default: the number of cores)' })
          .option('replications', { type: 'number', requiresArg: true, description: 'Replications of every point (95% intervals in the table and the sweep file)' })
          .option('shard', { type: 'string', requiresArg: true, description: 'Run only slice i of n of the grid (0-based), e.g. 0/4; join with sim merge' })
          .option('sort', { type: 'string', requiresArg: true, description: 'Sort the table by tps, mean, p50, p95, p99, p999, queueWaitMean, peakThreads or a varied path' })
          .option('json', { type: 'boolean', description: 'Print the sweep file as JSON instead of the table' })
          .option('quiet', { type: 'boolean', description: 'Print nothing; only write the files' })
          .option('force', { type: 'boolean', description: 'Run points even when their estimate of events or memory is above the budget (2e9 events, 2 GiB)' })
          .conflicts('json', 'quiet')
          .example(exampleText('sim sweep scenarios/oltp.json --vary threadHandling.thread_pool_size=8,16 --vary workload.connections=64,512', 'a 2 x 2 grid; writes results/sweep/oltp--thread_pool_size=8,16--connections=64,512/'), '')
          .example(exampleText('sim sweep scenarios/oltp.json --vary threadHandling.thread_pool_stall_limit=4..12:4 --sort p99', 'a range (4, 8, 12), best p99 first'), ''),
      guardedAsync((a) =>
        sweepCommand({
          scenario: a.scenario,
          set: strings(a.set),
          vary: strings(a.vary),
          duration: a.duration,
          warmup: a.warmup,
          out: a.out,
          workers: a.workers,
          replications: a.replications,
          shard: a.shard,
          sort: a.sort,
          force: a.force === true,
          json: a.json === true,
          quiet: a.quiet === true,
        }),
      ),
    )
    .command(
      'compare <a> <b>',
      'Compare two results (or two scenarios, run now with the same seeds), with significance',
      (y) =>
        y
          .positional('a', { type: 'string', demandOption: true, description: 'Result file or scenario file (the baseline)' })
          .positional('b', { type: 'string', demandOption: true, description: 'Result file or scenario file' })
          .option('set', setOption)
          .option('set-b', { ...setOption, description: 'Override a value in scenario b only (compare a scenario with a variant of itself)' })
          .option('duration', { ...durationOption, description: 'Simulated time of scenario files, e.g. 30s (same as --set duration=D)' })
          .option('warmup', { ...warmupOption, description: 'Warm-up of scenario files (same as --set warmup=D)' })
          .option('replications', { type: 'number', default: 5, requiresArg: true, description: 'Replications for scenario files (same seeds on both sides: paired)' })
          .option('jobs', { type: 'number', requiresArg: true, description: 'Replications (of both sides) run at once: this thread and N-1 worker threads (default: the number of cores; 1 = one after another)' })
          .option('fail-if', {
            type: 'string',
            requiresArg: true,
            coerce: strings,
            description: 'Exit 1 when a change crosses a bound, e.g. "p99 > +10%", "tps < -5%" (repeatable)',
          })
          .option('json', { type: 'boolean', description: 'Print the comparison as JSON' })
          .example(exampleText('sim compare scenarios/oltp-no-pool.json scenarios/oltp.json', 'no pool vs pool, 5 paired replications'), '')
          .example(
            exampleText('sim compare scenarios/oltp.json scenarios/oltp.json --set-b threadHandling.thread_pool_size=32', 'a scenario against a variant of itself'),
            '',
          )
          .example(
            exampleText('sim compare results/oltp.json results/oltp--seed=7.json --fail-if "p99 > +50%"', 'two result files; a CI gate: exit 1 when p99 grew by more than 50%'),
            '',
          ),
      guardedAsync((a) =>
        compareCommand({
          a: a.a,
          b: a.b,
          set: strings(a.set),
          setB: strings(a['set-b']),
          duration: a.duration,
          warmup: a.warmup,
          replications: a.replications,
          jobs: a.jobs,
          failIf: strings(a['fail-if']),
          json: a.json === true,
        }),
      ),
    )
    .command(
      'tune <scenario>',
      'Search the settings that optimise an objective (grid for 1-2 parameters, else a climb)',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true, description: 'Scenario file (JSON)' })
          .option('param', { type: 'string', requiresArg: true, coerce: strings, description: 'A setting and its candidate values: path=v1,v2 or path=start..end:step' })
          .option('objective', { type: 'string', default: 'p99', requiresArg: true, description: 'tps (maximised) or mean, p50, p95, p99, p999, queueWaitMean, peakThreads (minimised)' })
          .option('constraint', { type: 'string', requiresArg: true, coerce: strings, description: 'A bound every candidate must meet, e.g. "tps>20000" or "p99<50" (ms)' })
          .option('replications', { type: 'number', default: 5, requiresArg: true, description: 'Replications of the final comparison with the current setting' })
          .option('method', { type: 'string', requiresArg: true, description: 'grid (every point) or climb (coordinate hill climb)' })
          .option('set', setOption)
          .option('duration', durationOption)
          .option('warmup', warmupOption)
          .option('workers', { alias: 'jobs', type: 'number', requiresArg: true, description: 'Points, then the final replications, run at once: this thread and N-1 worker threads (default: the number of cores)' })
          .option('out', { type: 'string', default: 'results/tune', requiresArg: true, description: 'Directory for the evaluated points (reused when run again)' })
          .option('json', { type: 'boolean', description: 'Print the search and the recommendation as JSON' })
          .example(exampleText('sim tune scenarios/oltp.json --param threadHandling.thread_pool_size=4,8,16,32,64 --objective p99', 'best pool size for p99'), ''),
      guardedAsync((a) =>
        tuneCommand({
          scenario: a.scenario,
          set: strings(a.set),
          param: strings(a.param),
          duration: a.duration,
          warmup: a.warmup,
          objective: a.objective,
          constraint: strings(a.constraint),
          replications: a.replications,
          workers: a.workers,
          method: a.method,
          out: a.out,
          json: a.json === true,
        }),
      ),
    )
    .command(
      'merge <dirs..>',
      'Join the sweep files of shards (directories or files) into one sweep',
      (y) =>
        y
          .positional('dirs', { type: 'string', array: true, demandOption: true, description: 'Sweep directories or sweep-*.json files' })
          .option('out', { type: 'string', requiresArg: true, description: 'Directory for the merged sweep.json and .csv (default: the shards\' directory, when they share one)' })
          .option('quiet', { type: 'boolean', description: 'Print nothing' }),
      guarded((a) => mergeCommand({ dirs: strings(a.dirs), out: a.out, quiet: a.quiet === true })),
    )
    .command(
      'export',
      'Export a result file in another tool\'s format: --hgrm, the HdrHistogram percentile distribution',
      (y) =>
        y
          .option('hgrm', { type: 'string', requiresArg: true, description: 'Result file whose latency distribution to write as .hgrm (values in ms)' })
          .option('transaction', { type: 'string', requiresArg: true, description: 'One transaction type instead of all' })
          .option('of', { type: 'string', requiresArg: true, description: 'latency (default), queueWait or execution' })
          .option('out', { type: 'string', requiresArg: true, description: 'Write to this file instead of standard output' })
          .example(exampleText('sim export --hgrm results/oltp.json --out oltp.hgrm', "oltp's latency as an HdrHistogram percentile distribution, for HdrHistogram's plotter"), ''),
      guarded((a) => exportCommand({ hgrm: a.hgrm, transaction: a.transaction, of: a.of, out: a.out })),
    )
    .command(calibrateCommands(guardedAsync))
    .command(
      'schema',
      'Print the JSON Schema of scenario files (for editor completion)',
      (y) => y.option('out', { type: 'string', requiresArg: true, description: 'Write it to this file instead' }),
      guarded((a) => schemaCommand({ out: a.out })),
    )
    .demandCommand(1, `a command is required: ${COMMANDS.join(', ')}`)
    .strict()
    .help()
    .alias('h', 'help')
    .version(packageVersion())
    .alias('V', 'version')
    .wrap(HELP_WIDTH)
    .epilogue(
      'Simulates the MySQL thread pool (or one thread per connection) under a workload.\n' +
        'Exit status: 0 ok, 2 invalid scenario or usage, 1 the simulation failed\n' +
        '(set TPSIM_DEBUG=1 for stack traces).',
    )
    .fail((msg, err) => {
      // Throwing stops yargs at the first problem (it would otherwise go on to run the command).
      if (msg) throw new UsageError(usageMessage(msg, argv));
      throw err;
    })
    .exitProcess(false);
  await cli.parseAsync();
}

