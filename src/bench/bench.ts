/**
 * Engine benchmark: `npm run bench [-- [--set path=value ...] scenario.json ...]`.
 * Times the bare-engine M/M/c model and each scenario (default scenarios/oltp.json): one warm-up
 * run so the JIT has settled, then the best of N timed runs (best, not mean: noise on a shared
 * machine only ever adds time). Every run of a case is the same seed, so the work is identical.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { resolveScenario, runScenario } from '../run/run.js';
import { loadScenarioFile } from '../workload/load.js';
import type { ScenarioSpec } from '../workload/schema.js';
import { simulateMmc } from './mmc.js';

interface Row {
  name: string;
  events: number;
  bestSeconds: number;
  runs: number[];
}

/** Events/s of a scenario over the M/M/c engine benchmark, run alternately in one process. */
interface RatioRow {
  name: string;
  ratios: number[];
}

interface Args {
  files: string[];
  runs: number;
  profile: boolean;
  /** Scenario overrides (as `sim run --set`), applied to every scenario file. */
  sets: string[];
}

const DEFAULT_SCENARIO = 'scenarios/oltp.json';
/** c = 16 at rho = 0.9: 1.5M customers is ~3M events (one arrival and one departure each). */
const MMC = { lambda: 16 * 0.9, mu: 1, c: 16, customers: 1_500_000, warmupCustomers: 10_000, seed: 1 };

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { files: [], runs: 3, profile: false, sets: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--profile') args.profile = true;
    else if (a === '--set' || a.startsWith('--set=')) {
      const v = a === '--set' ? argv[++i] : a.slice('--set='.length);
      if (v === undefined) throw new Error('--set needs path=value');
      args.sets.push(v);
    } else if (a === '--runs' || a.startsWith('--runs=')) {
      const v = Number(a === '--runs' ? argv[++i] : a.slice('--runs='.length));
      if (!Number.isInteger(v) || v < 1) throw new Error(`--runs needs a positive integer`);
      args.runs = v;
    } else if (a === '--help' || a === '-h') {
      console.log('usage: node dist/bench/bench.js [--runs N] [--profile] [--set path=value ...] [scenario.json ...]');
      process.exit(0);
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else args.files.push(a);
  }
  if (args.files.length === 0) args.files.push(DEFAULT_SCENARIO);
  return args;
}

/** One warm-up call, then `runs` timed calls; `once` returns the event count. */
function measure(name: string, runs: number, once: () => number): Row {
  // Progress goes to stderr so stdout stays just the report.
  process.stderr.write(`${name}: warm-up`);
  try {
    const events = once();
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      process.stderr.write(`, run ${r + 1}/${runs}`);
      const t0 = performance.now();
      const n = once();
      times.push((performance.now() - t0) / 1000);
      if (n !== events) throw new Error(`${name}: event count changed between runs (${events} vs ${n})`);
    }
    return { name, events, bestSeconds: Math.min(...times), runs: times };
  } finally {
    process.stderr.write('\n');
  }
}

/**
 * `pairs` rounds of (reference, subject), each timed; returns subject events/s over reference
 * events/s per round. Both have run before (warm JIT). Alternating puts both halves of a pair in
 * the same stretch of host noise.
 */
function alternate(pairs: number, reference: () => number, subject: () => number): number[] {
  process.stderr.write('ratio pairs:');
  const rate = (f: () => number): number => {
    const t0 = performance.now();
    const n = f();
    return n / ((performance.now() - t0) / 1000);
  };
  const ratios: number[] = [];
  try {
    for (let p = 0; p < pairs; p++) {
      process.stderr.write(` ${p + 1}`);
      const ref = rate(reference);
      ratios.push(rate(subject) / ref);
    }
  } finally {
    process.stderr.write('\n');
  }
  return ratios;
}

/** The median (mean of the middle two for an even count). */
function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function formatTable(rows: readonly Row[]): string {
  const header = ['benchmark', 'events', 'best wall s', 'events/s', 'median events/s', 'all runs (s)'];
  const body = rows.map((r) => [
    r.name,
    r.events.toLocaleString('en-US'),
    r.bestSeconds.toFixed(3),
    Math.round(r.events / r.bestSeconds).toLocaleString('en-US'),
    Math.round(r.events / median(r.runs)).toLocaleString('en-US'),
    r.runs.map((t) => t.toFixed(3)).join(' '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  // Names and run lists read left to right; numbers line up on the right.
  const fmt = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt)].join('\n');
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (args.profile) {
    console.log('To profile, run the benchmark under the V8 sampling profiler:');
    console.log('  npm run build && node --cpu-prof dist/bench/bench.js');
    console.log('then open the CPU-*.cpuprofile it writes in Chrome DevTools (Performance tab) or VS Code.');
    return;
  }
  const cpus = os.cpus();
  console.log(`node ${process.version} on ${os.platform()}/${os.arch()}`);
  console.log(`cpu  ${cpus[0]?.model.trim() ?? 'unknown'} (${cpus.length} logical cores)`);
  console.log(`best and median of ${args.runs} runs after 1 warm-up run (on a shared VM the best is the least disturbed)\n`);

  const rows: Row[] = [];
  const notes: string[] = [];
  const ratioRows: RatioRow[] = [];
  rows.push(
    measure(`M/M/${MMC.c} rho=0.9 (engine only)`, args.runs, () => simulateMmc(MMC).events),
  );

  for (const file of args.files) {
    let scenario: ScenarioSpec;
    try {
      scenario = resolveScenario(loadScenarioFile(file, args.sets));
    } catch (e) {
      notes.push(`${file}: cannot load: ${errorText(e)}`);
      process.exitCode = 1;
      continue;
    }
    try {
      const name = [`scenario ${file}`, ...args.sets].join(' ');
      rows.push(measure(name, args.runs, () => runScenario(scenario).engine.events));
      ratioRows.push({ name, ratios: alternate(args.runs, () => simulateMmc(MMC).events, () => runScenario(scenario).engine.events) });
    } catch (e) {
      const text = errorText(e);
      if (/not implemented/i.test(text)) {
        notes.push(`${file}: scenario benchmark unavailable (runScenario: ${text})`);
      } else {
        notes.push(`${file}: failed: ${text}`);
        process.exitCode = 1;
      }
    }
  }
  console.log(formatTable(rows));
  if (ratioRows.length > 0) {
    console.log(
      `\nscenario events/s as a fraction of the engine's M/M/c events/s, ${args.runs} alternating pairs in this process` +
        `\n(a ratio survives a noisy host better than either figure; oltp.json at 5 M events/s on a host doing 7.8 M on M/M/c is 0.64)`,
    );
    for (const r of ratioRows) {
      const sorted = [...r.ratios].sort((a, b) => a - b);
      console.log(
        `${r.name}: median ${median(r.ratios).toFixed(3)}, best ${sorted[sorted.length - 1].toFixed(3)}, all ${r.ratios.map((x) => x.toFixed(3)).join(' ')}`,
      );
    }
  }
  if (notes.length > 0) console.log(`\n${notes.join('\n')}`);
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

main();
