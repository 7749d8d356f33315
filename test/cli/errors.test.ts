import { describe, expect, it } from 'vitest';
import { OutputFailed, SimulationFailed, UsageError, asRunFailure, describeError } from '../../src/cli/errors.js';
import { ScenarioError } from '../../src/workload/errors.js';

describe('describeError: message and exit code', () => {
  it('input errors exit 2, every line prefixed, never a stack', () => {
    const e = new ScenarioError('x.json', 'x.json: at a: expected 1, found 2\nx.json: at b: expected 3, found 4');
    expect(describeError(e, true)).toEqual({
      code: 2,
      text: 'sim: x.json: at a: expected 1, found 2\nsim: x.json: at b: expected 3, found 4\n',
    });
    expect(describeError(new UsageError('Unknown argument: x.'), true)).toEqual({ code: 2, text: 'sim: Unknown argument: x.\n' });
  });

  it('simulation failures exit 1, with the stack only when debugging', () => {
    const inner = new Error('bad latency -5');
    const plain = describeError(new SimulationFailed(inner), false);
    expect(plain).toEqual({ code: 1, text: 'sim: simulation failed: bad latency -5\n' });
    const debug = describeError(new SimulationFailed(inner), true);
    expect(debug.code).toBe(1);
    expect(debug.text.startsWith('sim: simulation failed: bad latency -5\nError: bad latency -5\n')).toBe(true);
    expect(debug.text).toMatch(/^\s+at /m);
  });

  it('output failures and unexpected errors exit 1', () => {
    expect(describeError(new OutputFailed('r/x.json', new Error('EACCES: permission denied')), false)).toEqual({
      code: 1,
      text: 'sim: cannot write r/x.json: EACCES: permission denied\n',
    });
    expect(describeError(new TypeError('oops'), false)).toEqual({ code: 1, text: 'sim: internal error: oops\n' });
  });
});

describe('asRunFailure: what an error thrown while simulating becomes', () => {
  it('input errors pass through (exit 2), anything else is a simulation failure (exit 1)', () => {
    const input = new ScenarioError('x.json', 'x.json: at a: expected 1, found 2');
    const usage = new UsageError('--workers 0: expected a whole number >= 1.');
    expect(asRunFailure(input)).toBe(input);
    expect(asRunFailure(usage)).toBe(usage);
    const inner = new RangeError('schedule: delay must be >= 0, got NaN');
    const failed = asRunFailure(inner);
    expect(failed).toBeInstanceOf(SimulationFailed);
    expect((failed as SimulationFailed).cause).toBe(inner);
    expect(describeError(failed, false).code).toBe(1);
  });
});
