import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ROOT, TINY, ensureBuilt } from '../cli/helpers.js';

// The pool is exercised through the built modules: its workers run dist/sweep/worker.js.
const dist = (p: string): string => join(ROOT, 'dist', p);

describe('worker pool: warm workers kept between runTasks calls', () => {
  beforeAll(() => ensureBuilt());

  it('a second runTasks call takes the idle worker the first left, with the same results', async () => {
    const pool = (await import(dist('sweep/worker-pool.js'))) as typeof import('../../src/sweep/worker-pool.js');
    const repl = (await import(dist('run/replications.js'))) as typeof import('../../src/run/replications.js');
    const loader = (await import(dist('workload/load.js'))) as typeof import('../../src/workload/load.js');
    const spec = loader.loadScenarioFile(TINY);
    expect(pool.idleWorkerCount()).toBe(0);
    const first = await repl.runReplicationSets([spec], 3, { jobs: 2 });
    expect(pool.idleWorkerCount()).toBe(1);
    const second = await repl.runReplicationSets([spec], 3, { jobs: 2 });
    // Taken and given back: still one, not a second new worker beside it.
    expect(pool.idleWorkerCount()).toBe(1);
    expect(JSON.stringify(second[0].map((r) => r.summary))).toBe(JSON.stringify(first[0].map((r) => r.summary)));
    const serial = await repl.runReplicationSets([spec], 3, { jobs: 1 });
    expect(JSON.stringify(serial[0].map((r) => r.summary))).toBe(JSON.stringify(first[0].map((r) => r.summary)));
  });

  it('idle (prestarted) workers never keep a process alive', () => {
    const script = `import(${JSON.stringify(dist('sweep/worker-pool.js'))}).then((m) => { m.prestartWorkers(2); console.log(m.idleWorkerCount()); })`;
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('2');
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('a worker stopped from outside makes runTasks reject with the reason, not wait for it', async () => {
    const pool = (await import(dist('sweep/pool.js'))) as typeof import('../../src/sweep/pool.js');
    const loader = (await import(dist('workload/load.js'))) as typeof import('../../src/workload/load.js');
    const spec = loader.loadScenarioFile(TINY);
    const tasks = [0, 1, 2].map((index) => ({ kind: 'replication' as const, index, spec }));
    // The worker is stopped instead of sent its tasks, as a kill or an out-of-memory end would.
    const post = vi.spyOn(Worker.prototype, 'postMessage').mockImplementation(function (this: Worker) {
      void this.terminate();
    });
    const ranHere: number[] = [];
    try {
      await expect(
        pool.runTasks(tasks, 2, (t) => (ranHere.push(t.index), { index: t.index, ok: true }), () => {}),
      ).rejects.toThrow(/a worker thread stopped \(exit code \d+\) before finishing its tasks/);
    } finally {
      post.mockRestore();
    }
    // This thread took every task the stopped worker left, and then reported the failure.
    expect(ranHere).toEqual([0, 1, 2]);
  }, 20_000);
});
