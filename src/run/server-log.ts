import { round6 } from '../stats/latency.js';
import { UnixThreadPool } from '../threadpool/unix-pool/pool.js';
import type { ThreadHandling } from '../threadpool/types.js';
import type { RunResult } from './result.js';

/**
 * What the pool said in a run: the error log lines it wrote (A12, P8) and its last spell of
 * refused creations with no creation in it, if any (A12's clock: it restarts only when a worker is
 * created). Both absent for thread handlings without such a log, and when there is nothing to say.
 */
export function poolLogResult(handling: ThreadHandling): Pick<RunResult, 'serverLog' | 'poolBlocked'> {
  if (!(handling instanceof UnixThreadPool)) return {};
  const out: Pick<RunResult, 'serverLog' | 'poolBlocked'> = {};
  if (handling.errorLog.length > 0) out.serverLog = handling.errorLog.map((l) => ({ atSeconds: round6(l.at / 1e6), text: l.text }));
  if (handling.blockedSince >= 0) {
    out.poolBlocked = {
      sinceSeconds: round6(handling.blockedSince / 1e6),
      lastRefusalSeconds: round6(handling.lastRefusalAt / 1e6),
      maxThreads: handling.maxThreads,
    };
  }
  return out;
}

/**
 * The warning for a run in which the pool's last spell of refusals reached into the measured
 * window: for that spell a group whose workers all waited took no statement, which is what the
 * real server does at that cap and rarely what a user means to measure.
 */
export function poolBlockedWarning(r: Pick<RunResult, 'poolBlocked' | 'clamps'> & { summary: { warmupSeconds: number; simulatedSeconds: number } }): string | undefined {
  const b = r.poolBlocked;
  if (b === undefined || b.lastRefusalSeconds < r.summary.warmupSeconds) return undefined;
  const end = r.summary.warmupSeconds + r.summary.simulatedSeconds;
  const s = (x: number): string => x.toFixed(3);
  return (
    `the pool was blocked: from ${s(b.sinceSeconds)} s to its last refusal at ${s(b.lastRefusalSeconds)} s (simulated, warm-up included; ` +
    `the run ended at ${s(end)} s) thread_pool_max_threads=${b.maxThreads} refused every worker the pool asked for and none was created ` +
    `(${r.clamps?.maxThreadsRefusals ?? 0} refusals in the run), so a group whose workers all waited (row locks, I/O) took no statement. ` +
    'The real server logs "Threadpool has been blocked for N seconds" after 30 s (result "serverLog"). Raise thread_pool_max_threads, ' +
    'or read the figures as those of a blocked server'
  );
}
