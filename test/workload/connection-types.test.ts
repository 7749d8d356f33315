import { describe, expect, it } from 'vitest';
import { pickTransaction } from '../../src/workload/statement-work.js';
import { compileWorkload } from '../../src/workload/templates.js';
import { Scenario, Workload } from '../../src/workload/schema.js';
import { runScenario } from '../../src/run/run.js';

const tx = (name: string, weight: number, connections?: object) => ({
  name,
  weight,
  type: 'autocommit',
  statements: [{ name, cpu: '10us' }],
  ...(connections === undefined ? {} : { connections }),
});

describe('TransactionSpec.connections: per-connection transaction types', () => {
  it('each connection draws among its own types by weight, with one uniform', () => {
    const w = compileWorkload(
      Workload.parse({ connections: 24, transactions: [tx('light', 1), tx('report', 3, { first: 0, stride: 8 }), tx('last', 1, { first: 20, count: 2 })] }),
    );
    // conn 0: light 1/4, report 3/4; conn 1: light only; conn 20: light 1/2, last 1/2; 28 is past count.
    expect([0, 0.2499, 0.25, 0.9999].map((u) => pickTransaction(w, u, 0))).toEqual([0, 0, 1, 1]);
    expect([0, 0.5, 0.9999].map((u) => pickTransaction(w, u, 1))).toEqual([0, 0, 0]);
    expect([0.4999, 0.5, 0.9999].map((u) => pickTransaction(w, u, 20))).toEqual([0, 2, 2]);
    expect([0.4999, 0.5].map((u) => pickTransaction(w, u, 21))).toEqual([0, 2]);
    expect(pickTransaction(w, 0.9, 22)).toBe(0);
    // Connection 16 (stride 8): report as for 0. Without a connection: the workload's mix.
    expect(pickTransaction(w, 0.3, 16)).toBe(1);
    expect(pickTransaction(w, 0.3)).toBe(1);
  });

  it('no connections field anywhere: no per-connection mixes (the old draw, unchanged)', () => {
    const w = compileWorkload(Workload.parse({ connections: 4, transactions: [tx('a', 1), tx('b', 1)] }));
    expect(w.connMix).toBeNull();
  });

  it('rejects a connection left without a type, and open-loop clients', () => {
    const r = Workload.safeParse({ connections: 4, transactions: [tx('x', 1, { first: 0, stride: 2 })] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].message).toBe('expected a transaction type for every connection, found none that connection 1 may run');
    const o = Workload.safeParse({
      connections: 4,
      client: { model: 'open', arrivals: { process: 'poisson', rate: 10 } },
      transactions: [tx('x', 1), tx('y', 1, { first: 1 })],
    });
    expect(o.success).toBe(false);
    expect(o.error?.issues[0].path).toEqual(['transactions', 1, 'connections']);
  });
});

describe('TransactionSpec.gap: client time between one type\'s statements', () => {
  it('an explicit transaction with gap 100ms takes BEGIN + gap + statement + gap + COMMIT, exactly', () => {
    const r = runScenario(
      Scenario.parse({
        name: 'gap',
        duration: '2s',
        warmup: '0s',
        threadHandling: { mode: 'one-thread-per-connection' },
        workload: {
          connections: 1,
          network: { rtt: '0us' },
          client: { model: 'closed', think: '0us', gap: '7ms' },
          transactions: [{ name: 't', type: 'explicit', gap: '100ms', statements: [{ name: 's', cpu: '10us' }] }],
        },
      }),
    );
    // 6 µs BEGIN + 100 ms + 10 µs + 100 ms + 11 µs COMMIT; the client's 7 ms gap is not used.
    expect(r.latency.all.mean).toBeCloseTo(200.027, 6);
    expect(r.latency.all.max).toBeCloseTo(200.027, 6);
  });
});
