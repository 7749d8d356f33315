import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, ensureBuilt, tempDir } from '../cli/helpers.js';

/**
 * The model's objects keep their hidden class for the whole run (engine/double-zero.ts): a field
 * that starts as a small integer and first receives a double late (a clock time at the end of
 * the warm-up) changes its object's class, and V8 then throws away the event loop and everything
 * it inlined ("wrong map" deoptimizations). Read from V8's own trace of a short run: before
 * DOUBLE_ZERO, oltp.json had 14 such deoptimizations in the simulator's code, the EEVDF read_write
 * scenario 18. Deoptimizations in libraries (hdr-histogram-js, node:url) are not ours to fix.
 */
function wrongMapSites(scenario: string): string[] {
  const r = spawnSync(
    process.execPath,
    ['--trace-deopt-verbose', CLI, 'run', join(ROOT, 'scenarios', scenario), '--duration', '3s', '--warmup', '1s', '--quiet', '--out', join(tempDir(), 'run.json')],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 },
  );
  expect(r.status).toBe(0);
  const lines = r.stdout.split('\n');
  const ours = pathToFileURL(join(ROOT, 'dist')).href + '/';
  const sites: string[] = [];
  lines.forEach((line, i) => {
    if (!line.includes('reason: wrong map')) return;
    // After the event loop: LatencyRecorder.flush hands its buckets to hdr-histogram-js, whose
    // histogram changes class then, and run/ forms the figures; nothing is left to run by then.
    if (line.includes('<JSFunction flush ')) return;
    const at = /deoptimize at <([^>]*)>/.exec(lines[i + 1] ?? '');
    if (at && at[1].startsWith(ours) && !at[1].startsWith(`${ours}run/`)) sites.push(at[1].slice(ours.length));
  });
  return sites;
}

describe('hidden classes of the model objects', () => {
  beforeAll(() => ensureBuilt());

  it.each(['oltp.json', 'percona.json', 'oracle/read_write.json'])('%s: no "wrong map" deoptimization in the simulator', (scenario) => {
    expect(wrongMapSites(scenario)).toEqual([]);
  });
});
