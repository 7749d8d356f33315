import { describe, expect, it } from 'vitest';
import { expandGrid, parseShard, parseVary, pointId, pointSets } from '../../src/sweep/grid.js';
import { ScenarioError } from '../../src/workload/errors.js';

describe('sweep grid', () => {
  it('parses lists (JSON values or text) and ranges with the end included', () => {
    expect(parseVary('threadHandling.thread_pool_size=8,16,32')).toEqual({ path: 'threadHandling.thread_pool_size', values: [8, 16, 32] });
    expect(parseVary('threadHandling.profile=8.4,9.7').values).toEqual([8.4, 9.7]);
    expect(parseVary('threadHandling.mode=pool,one-thread-per-connection').values).toEqual(['pool', 'one-thread-per-connection']);
    expect(parseVary('x=2..10:2').values).toEqual([2, 4, 6, 8, 10]);
    expect(parseVary('x=0.1..0.5:0.1').values).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(parseVary('x=1..3').values).toEqual([1, 2, 3]);
  });

  it('rejects malformed --vary arguments with a usage error', () => {
    for (const bad of ['x', 'x=', '=1,2', 'x=5..1', 'x=1..5:0', 'x=1,,2']) expect(() => parseVary(bad)).toThrow(ScenarioError);
  });

  it('expands the cartesian product, first axis slowest', () => {
    const g = expandGrid([
      { path: 'a', values: [1, 2] },
      { path: 'b', values: ['x', 'y', 'z'] },
    ]);
    expect(g).toHaveLength(6);
    expect(g[0]).toEqual({ a: 1, b: 'x' });
    expect(g[3]).toEqual({ a: 2, b: 'x' });
    expect(() => expandGrid([{ path: 'a', values: [1] }, { path: 'a', values: [2] }])).toThrow(/varied twice/);
  });

  it('turns a point into --set arguments and a stable file name', () => {
    expect(pointSets({ 'threadHandling.thread_pool_size': 16, 'threadHandling.mode': 'pool' })).toEqual([
      'threadHandling.thread_pool_size=16',
      'threadHandling.mode="pool"',
    ]);
    expect(pointId(7, { 'threadHandling.thread_pool_size': 32, 'workload.connections': 512 })).toBe('p007_thread_pool_size-32_connections-512');
  });

  it('parses shards', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    for (const bad of ['4/4', '1', '-1/2', 'a/b', '0/0']) expect(() => parseShard(bad)).toThrow(ScenarioError);
  });
});
