import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { PARAM_NAMES } from '../calibrate/fit.js';
import { RAND_TYPES } from '../calibrate/measure.js';
import { fitCommand, importCommand, measureCommand } from './calibrate.js';
import { predictCommand } from './predict.js';
import { exampleText } from './help.js';

type Args = ArgumentsCamelCase<Record<string, unknown>>;
type Wrap = (fn: (a: Args) => Promise<void>) => (a: Args) => Promise<void>;

const list = (v: unknown): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String));
const str = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));
const num = (v: unknown): number | undefined => (v === undefined ? undefined : Number(v));

/** sim import, sim fit, sim measure (src/cli/calibrate.ts): the measure -> fit -> sweep workflow. */
export function calibrateCommands(wrap: Wrap): CommandModule<object, Record<string, unknown>>[] {
  return [
    {
      command: 'import',
      describe: 'Turn a slow query log or performance_schema CSV dumps into a scenario (with notes on what was inferred)',
      builder: (y: Argv) =>
        y
          .option('slow-log', { type: 'string', requiresArg: true, description: 'Slow query log (long_query_time=0), plain or .gz; repeatable' })
          .option('ps-history', { type: 'string', requiresArg: true, description: 'events_statements_history_long as CSV (with header), plain or .gz; repeatable' })
          .option('ps-digest', { type: 'string', requiresArg: true, description: 'events_statements_summary_by_digest as CSV: digest texts (and, alone, a mix at mean times)' })
          .option('out', { type: 'string', demandOption: true, requiresArg: true, description: 'Scenario file to write (notes go to the same name .md)' })
          .option('name', { type: 'string', requiresArg: true, description: 'Scenario name (default: the file name)' })
          .option('cores', { type: 'number', default: 1, requiresArg: true, description: 'Server cores' })
          .option('thread-handling', { type: 'string', default: 'pool', choices: ['pool', 'tpc'], description: 'pool or tpc (one thread per connection)' })
          .option('flavor', { type: 'string', default: 'mariadb', choices: ['mariadb', 'percona', 'mysql'], description: 'Pool flavour' })
          .option('pool-size', { type: 'number', requiresArg: true, description: 'thread_pool_size (default: the flavour default)' })
          .option('cpu-share', { type: 'number', default: 1, requiresArg: true, description: "Share of a statement's time that is CPU; the rest becomes a reported wait" })
          .option('connections', { type: 'number', requiresArg: true, description: 'Client connections (default: as many as the trace had)' })
          .option('rtt', { type: 'string', requiresArg: true, description: 'Round trip to assume when the trace has no timing between statements (default 30us)' })
          .option('rows-per-table', { type: 'number', requiresArg: true, description: 'Rows of each table, when known (default: the largest key in the trace)' })
          .option('keep-table-numbers', { type: 'boolean', description: 'Do not fold numbered tables (sbtest1..4) into one class' })
          .option('quiet', { type: 'boolean', description: 'Print nothing' })
          .example(exampleText('sim import --slow-log slow.log.gz --out scenarios/mine.json --cores 8', 'a scenario from a slow log'), ''),
      handler: wrap(async (a) =>
        importCommand({
          slowLog: list(a.slowLog),
          psHistory: list(a.psHistory),
          psDigest: list(a.psDigest),
          out: String(a.out),
          name: str(a.name),
          cores: Number(a.cores),
          threadHandling: String(a.threadHandling),
          flavor: String(a.flavor),
          poolSize: num(a.poolSize),
          cpuShare: Number(a.cpuShare),
          connections: num(a.connections),
          keepTableNumbers: a.keepTableNumbers === true,
          rtt: str(a.rtt),
          rowsPerTable: num(a.rowsPerTable),
          quiet: a.quiet === true,
        }),
      ),
    },
    {
      command: 'fit <scenario>',
      describe: 'Fit the server model (demand scale, round trip, contention) to measured runs by simulation; write the fitted scenario',
      builder: (y: Argv) =>
        y
          .positional('scenario', { type: 'string', demandOption: true, description: 'Scenario to start from (JSON)' })
          .option('runs', { type: 'string', demandOption: true, requiresArg: true, description: 'runs.csv (sim measure format) or a plain CSV: threads,tps[,p95,p99] (ms)' })
          .option('workload', { type: 'string', requiresArg: true, description: 'Workload column value to fit (when the file has several)' })
          .option('params', { type: 'string', default: 'scale,rtt,sigma', requiresArg: true, description: `Free parameters, comma-separated: ${PARAM_NAMES.join(', ')}` })
          .option('out', { type: 'string', demandOption: true, requiresArg: true, description: 'Fitted scenario to write (plus <out>-tpc.json twin and <out>.fit.json)' })
          .option('max-evals', { type: 'number', default: 60, requiresArg: true, description: 'Evaluations of the objective (each simulates every point)' })
          .option('statements', { type: 'number', default: 40000, requiresArg: true, description: 'Statements simulated per point per evaluation' })
          .option('workers', { type: 'number', requiresArg: true, description: 'Worker threads (default: cores, at most the points)' })
          .option('p95-weight', { type: 'number', default: 1, requiresArg: true, description: 'Weight of p95 residuals (TPS has 1)' })
          .option('p99-weight', { type: 'number', default: 0, requiresArg: true, description: 'Weight of p99 residuals' })
          .option('cpu-weight', {
            type: 'number',
            default: 0,
            requiresArg: true,
            description: "Weight of the residuals of the server's CPU per transaction (server_cpu_util / tps, runs from sim measure): it tells the server's work from the round trip. Default 0: not fitted, only reported",
          })
          .option('client-machine', {
            type: 'boolean',
            description:
              "Give the scenario the benchmark client's machine as the runs measured it (sim measure's sysbench_cpus_allowed and sysbench_cpu_util / qps, the median): the round trip then fits the network alone, and the client's cores can queue at high concurrency",
          })
          .option('seed', { type: 'number', requiresArg: true, description: 'Seed of the simulations (common to all evaluations)' })
          .option('json', { type: 'boolean', description: 'Print the fit report as JSON' })
          .option('quiet', { type: 'boolean', description: 'Print nothing' })
          .example(exampleText('sim fit scenarios/mine.json --runs runs.csv --workload oltp_read_write --out scenarios/mine-fitted.json', 'fit the model to measured runs (sim measure\'s runs.csv, or threads,tps[,p95,p99] columns)'), ''),
      handler: wrap(async (a) => {
        await fitCommand({
          scenario: String(a.scenario),
          runs: String(a.runs),
          workload: str(a.workload),
          params: String(a.params),
          out: String(a.out),
          maxEvals: Number(a.maxEvals),
          workers: num(a.workers),
          statements: Number(a.statements),
          p95Weight: Number(a.p95Weight),
          p99Weight: Number(a.p99Weight),
          cpuWeight: Number(a.cpuWeight),
          clientMachine: a.clientMachine === true,
          seed: num(a.seed),
          json: a.json === true,
          quiet: a.quiet === true,
        });
      }),
    },
    {
      command: 'predict <scenario>',
      describe: 'Predict a fitted scenario at other client counts, with 95% intervals that carry the fit\'s parameter uncertainty',
      builder: (y: Argv) =>
        y
          .positional('scenario', { type: 'string', describe: 'A scenario written by sim fit (or its -tpc twin)' })
          .option('connections', { type: 'string', demandOption: true, requiresArg: true, description: 'Client counts, comma-separated' })
          .option('fit', { type: 'string', requiresArg: true, description: 'The fit report (default: the .fit.json beside the scenario)' })
          .option('draws', { type: 'number', default: 20, requiresArg: true, description: 'Parameter sets drawn from the fit covariance, each simulated with its own seed' })
          .option('duration', { type: 'string', requiresArg: true, description: 'Simulated time per run (default: the scenario\'s)' })
          .option('warmup', { type: 'string', requiresArg: true, description: 'Warm-up per run (default: the scenario\'s)' })
          .option('set', { type: 'string', requiresArg: true, description: 'Override a scenario value: path=value; repeatable' })
          .option('workers', { type: 'number', requiresArg: true, description: 'Worker threads (default: the cores)' })
          .option('seed', { type: 'number', default: 1, requiresArg: true, description: 'Seed of the fitted run; draw i uses seed + i' })
          .option('out', { type: 'string', requiresArg: true, description: 'Write the predictions as JSON to this file' })
          .option('json', { type: 'boolean', description: 'Print the predictions as JSON' })
          .option('quiet', { type: 'boolean', description: 'Print nothing' })
          .example(exampleText('sim predict scenarios/mine-fitted.json --connections 16,64', 'the fitted scenario at 16 and 64 clients, with 95% intervals over 20 parameter draws'), ''),
      handler: wrap(async (a) => {
        await predictCommand({
          scenario: String(a.scenario),
          fit: str(a.fit),
          connections: String(a.connections),
          draws: Number(a.draws),
          duration: str(a.duration),
          warmup: str(a.warmup),
          set: list(a.set),
          workers: num(a.workers),
          seed: Number(a.seed),
          out: str(a.out),
          json: a.json === true,
          quiet: a.quiet === true,
        });
      }),
    },
    {
      command: 'measure',
      describe: 'Drive a real MySQL/MariaDB server with sysbench and write runs.csv (needs --yes-this-server)',
      builder: (y: Argv) =>
        y
          .option('host', { type: 'string', default: '127.0.0.1', requiresArg: true, description: 'Server host' })
          .option('port', { type: 'number', default: 3306, requiresArg: true, description: 'Server port' })
          .option('socket', { type: 'string', requiresArg: true, description: 'Unix socket instead of host:port' })
          .option('user', { type: 'string', default: 'sbtest', requiresArg: true, description: 'User (needs SELECT on information_schema, and CREATE on --db for --prepare)' })
          .option('password', { type: 'string', requiresArg: true, description: 'Password (or set MYSQL_PWD)' })
          .option('db', { type: 'string', default: 'sbtest', requiresArg: true, description: 'Database of the sysbench tables' })
          .option('threads', { type: 'string', default: '1,4,16', requiresArg: true, description: 'Client threads, comma-separated' })
          .option('workloads', { type: 'string', default: 'oltp_point_select', requiresArg: true, description: 'sysbench tests, comma-separated (oltp_point_select, oltp_read_write, ...)' })
          .option('time', { type: 'number', default: 15, requiresArg: true, description: 'Measured seconds per run' })
          .option('warmup', { type: 'number', default: 5, requiresArg: true, description: 'Warm-up seconds per run (discarded)' })
          .option('replicates', { type: 'number', default: 1, requiresArg: true, description: 'Replicates of each run' })
          .option('tables', { type: 'number', default: 4, requiresArg: true, description: 'sysbench --tables' })
          .option('table-size', { type: 'number', default: 10000, requiresArg: true, description: 'sysbench --table-size' })
          .option('rand-type', {
            type: 'string',
            choices: RAND_TYPES,
            requiresArg: true,
            description: "sysbench --rand-type (default: sysbench's, special). uniform: almost no row-lock waits at the same client counts, what the threads cost apart from contention; runs.csv names such runs' workload oltp_read_write@uniform for sim fit",
          })
          .option('prepare', { type: 'boolean', description: 'Create (or re-create) the sysbench tables first: WRITES to the server' })
          .option('cleanup', { type: 'boolean', description: 'Drop the sysbench tables at the end' })
          .option('yes-this-server', { type: 'string', requiresArg: true, description: 'Confirmation: host:port (or the socket path) of the server to load' })
          .option('out', { type: 'string', default: 'runs.csv', requiresArg: true, description: 'runs.csv to write' })
          .option('quiet', { type: 'boolean', description: 'Print nothing' })
          .example(exampleText('sim measure --host 10.0.0.5 --port 3306 --user bench --prepare --yes-this-server 10.0.0.5:3306', 'measure at 1, 4, 16 threads'), ''),
      handler: wrap(async (a) =>
        measureCommand({
          host: String(a.host),
          port: Number(a.port),
          socket: str(a.socket),
          user: String(a.user),
          password: str(a.password),
          db: String(a.db),
          threads: String(a.threads),
          workloads: String(a.workloads),
          time: Number(a.time),
          warmup: Number(a.warmup),
          replicates: Number(a.replicates),
          tables: Number(a.tables),
          tableSize: Number(a.tableSize),
          randType: str(a.randType),
          prepare: a.prepare === true,
          cleanup: a.cleanup === true,
          yesThisServer: str(a.yesThisServer),
          out: String(a.out),
          quiet: a.quiet === true,
        }),
      ),
    },
  ];
}
