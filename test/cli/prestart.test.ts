import { describe, expect, it } from 'vitest';
import { workersToPrestart } from '../../src/cli/prestart.js';

describe('workersToPrestart: worker threads started before the CLI loads', () => {
  it.each([
    [['run', 's.json'], 2, 0],
    [['run', 's.json', '--replications', '4'], 2, 1],
    [['run', 's.json', '--replications=4', '--jobs', '3'], 8, 2],
    [['run', 's.json', '--set', 'replications=3'], 4, 2],
    [['run', 's.json', '--set=replications=2'], 4, 1],
    [['run', 's.json', '--replications', '1'], 4, 0],
    [['run', 's.json', '--precision', '5%'], 4, 3],
    [['run', 's.json', '--replications', '4', '--jobs', '1'], 8, 0],
    [['compare', 'a.json', 'b.json'], 2, 1],
    [['compare', 'a.json', 'b.json', '--replications', '1', '--jobs', '8'], 2, 1],
    [['sweep', 's.json', '--param', 'x=1,2'], 2, 1],
    [['tune', 's.json', '--workers', '4'], 2, 3],
    [['check', 's.json'], 4, 0],
    [['run', 's.json', '--replications', '4', '--help'], 4, 0],
    [['run', 's.json', '--replications', '4', '--jobs', 'many'], 4, 0],
    [['run', 's.json', '--replications', 'four'], 4, 0],
    [[], 4, 0],
  ] as const)('%j on %i cores: %i', (argv, cores, want) => {
    expect(workersToPrestart(argv, cores)).toBe(want);
  });
});
