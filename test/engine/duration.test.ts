import { describe, expect, it } from 'vitest';
import { DURATION_PATTERN, formatDuration, parseDuration } from '../../src/engine/duration.js';

describe('parseDuration', () => {
  it.each([
    ['250us', 250],
    ['1.5ms', 1500],
    ['2s', 2e6],
    ['1min', 60e6],
    ['10ns', 0.01],
    ['0.5min', 30e6],
    ['.5ms', 500],
    ['0us', 0],
    ['7µs', 7],
    ['2.01ms', 2010],
    ['4.03ms', 4030],
    ['1e3us', 1000],
    ['1.5e-3s', 1500],
    ['3 ms', 3000],
    [' 3ms ', 3000],
  ])('%s -> %d us', (text, us) => {
    expect(parseDuration(text)).toBe(us);
  });

  it.each(['-5ms', '5 parsecs', '', 'ms', '5', '5m', '5MS', '1.ms', 'NaNms', 'Infinityms', '5ms5'])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeNaN();
    },
  );

  it('agrees with the schema pattern', () => {
    expect(DURATION_PATTERN.test('1.5ms')).toBe(true);
    expect(DURATION_PATTERN.test('-5ms')).toBe(false);
  });
});

describe('formatDuration', () => {
  it('picks a unit', () => {
    expect(formatDuration(850)).toBe('850us');
    expect(formatDuration(12_345)).toBe('12.3ms');
    expect(formatDuration(1_200_000)).toBe('1.2s');
  });
});
