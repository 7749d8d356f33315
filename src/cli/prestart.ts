/**
 * How many worker threads a command line will want, read from the raw arguments before yargs
 * (and the simulator) is loaded, so that they can start loading at once. A guess on the safe side:
 * only where the command line itself says there will be runs to share (replications given on the
 * command line; compare, sweep and tune); a wrong guess costs one idle worker's start-up, a missed
 * one only the early start. Anything unusual (help, a bad number) starts none and lets yargs speak.
 */
export function workersToPrestart(argv: readonly string[], cores: number): number {
  if (argv.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '-V')) return 0;
  const command = argv.find((a) => !a.startsWith('-'));
  const jobsText = optionValue(argv, 'jobs') ?? optionValue(argv, 'workers');
  const jobs = jobsText === undefined ? cores : Number(jobsText);
  if (!Number.isInteger(jobs) || jobs < 2) return 0;
  let tasks: number;
  switch (command) {
    case 'run': {
      const reps = optionValue(argv, 'replications') ?? setValue(argv, 'replications');
      const n = reps === undefined ? NaN : Number(reps);
      // --precision starts with --replications, 10 by default.
      tasks = Number.isInteger(n) ? n : optionValue(argv, 'precision') !== undefined ? 10 : 0;
      break;
    }
    case 'compare': {
      const reps = optionValue(argv, 'replications');
      const n = reps === undefined ? 5 : Number(reps);
      tasks = Number.isInteger(n) ? 2 * n : 0;
      break;
    }
    case 'sweep':
    case 'tune':
      tasks = jobs;
      break;
    default:
      return 0;
  }
  return Math.max(0, Math.min(jobs, tasks) - 1);
}

/** The value of `--name V` or `--name=V` (the last one given), if any. */
function optionValue(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === `--${name}` && i + 1 < argv.length) value = argv[i + 1];
    else if (a.startsWith(`--${name}=`)) value = a.slice(name.length + 3);
  }
  return value;
}

/** The value of `--set name=V` (the last one given), if any. */
function setValue(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] === '--set' ? argv[i + 1] : argv[i].startsWith('--set=') ? argv[i].slice(6) : undefined;
    if (a?.startsWith(`${name}=`)) value = a.slice(name.length + 1);
  }
  return value;
}
