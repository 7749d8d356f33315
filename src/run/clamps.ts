import { truncationRedraws } from '../engine/distributions.js';
import { UnixThreadPool } from '../threadpool/unix-pool/pool.js';
import type { ThreadHandling } from '../threadpool/types.js';
import type { CompiledWorkload } from '../workload/templates.js';
import type { ClampCounts, RunResult } from './result.js';

/**
 * Every floor or cap of the model that can decide a figure, counted so that none does unseen:
 * - the contention model's floor (server/contention.ts), in measured seconds;
 * - thread_pool_max_threads (MariaDB, Percona pools): creations refused;
 * - the truncation of normal distributions at 0: redraws;
 * - the open loop's backlog limit: overflow.
 * Not clamps: the servers' own limits that the pools implement as rules (thread_count >
 * connection_count, oversubscribe, max_transactions_limit) and the kernel's lag limit in EEVDF.
 */
export function clampCounts(opts: {
  floorSeconds: number;
  handling: ThreadHandling;
  workload: CompiledWorkload;
  backlogOverflow: boolean;
}): ClampCounts | undefined {
  const out: ClampCounts = {};
  if (opts.floorSeconds > 0) out.contentionFloorSeconds = Math.round(opts.floorSeconds * 1e6) / 1e6;
  if (opts.handling instanceof UnixThreadPool && opts.handling.maxThreadsRefusals > 0) out.maxThreadsRefusals = opts.handling.maxThreadsRefusals;
  let redraws = truncationRedraws(opts.workload.rtt);
  for (const st of opts.workload.statements) {
    redraws += truncationRedraws(st.cpu);
    for (const w of st.waits) redraws += truncationRedraws(w.latency);
  }
  if (redraws > 0) out.truncatedNormalRedraws = redraws;
  if (opts.backlogOverflow) out.backlogOverflow = 1;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** One line naming every clamp that bound except the contention floor (clampWarning has it), or undefined. */
export function clampsWarning(r: Pick<RunResult, 'clamps'>): string | undefined {
  const c = r.clamps;
  if (c === undefined) return undefined;
  const parts: string[] = [];
  if (c.maxThreadsRefusals !== undefined) parts.push(`thread_pool_max_threads refused ${c.maxThreadsRefusals} thread creations`);
  if (c.truncatedNormalRedraws !== undefined) parts.push(`${c.truncatedNormalRedraws} negative normal draws redrawn (truncation at 0)`);
  if (c.backlogOverflow !== undefined) parts.push('the open loop\'s backlog overflowed');
  if (parts.length === 0) return undefined;
  return `clamps of the model bound (result "clamps"): ${parts.join('; ')}`;
}
