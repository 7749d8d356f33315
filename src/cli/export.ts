import { readFileSync } from 'node:fs';
import { hgrmText } from '../report/hgrm.js';
import type { RunResult } from '../run/result.js';
import { writeOrPrint } from './commands.js';
import { UsageError } from './errors.js';

export interface ExportArgs {
  /** A result file whose transaction latency is written as an .hgrm percentile distribution. */
  hgrm?: string;
  /** One transaction type instead of all of them. */
  transaction?: string;
  /** latency (transaction response time, the default), queueWait or execution (per statement). */
  of?: string;
  /** Write here (atomically) instead of standard output. */
  out?: string;
}

const OF = ['latency', 'queueWait', 'execution'] as const;
type Of = (typeof OF)[number];

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${path}: cannot read it (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path}: not JSON (${e instanceof Error ? e.message : String(e)}); expected a result file written by sim run`);
  }
}

/** The encoded histogram the arguments ask for, with a clear message for each way it can be missing. */
function pickHistogram(path: string, doc: unknown, of: Of, transaction: string | undefined): string {
  if (typeof doc !== 'object' || doc === null || !('schemaVersion' in doc) || !('summary' in doc)) {
    throw new UsageError(`${path}: expected a result file written by sim run (with schemaVersion and summary), found something else`);
  }
  const r = doc as RunResult;
  const h = r.histograms;
  if (h === undefined) {
    const why = r.replications !== undefined ? 'a replicated result keeps no histograms (they are not averaged)' : 'written by an older tpsim';
    throw new UsageError(`${path}: $.histograms: expected the encoded histograms, found none (${why}); run a single replication to export it`);
  }
  const group = h[of];
  if (transaction === undefined) return group.all;
  const enc = group.byTransaction[transaction];
  if (enc === undefined) {
    const names = Object.keys(group.byTransaction).join(', ');
    throw new UsageError(`${path}: $.histograms.${of}.byTransaction: expected a transaction type ${JSON.stringify(transaction)}, found only ${names}`);
  }
  return enc;
}

export function exportCommand(args: ExportArgs): void {
  if (args.hgrm === undefined) throw new UsageError('sim export: say what to export: --hgrm RESULT.json');
  const of = (args.of ?? 'latency') as Of;
  if (!OF.includes(of)) throw new UsageError(`--of: expected one of ${OF.join(', ')}, got ${JSON.stringify(args.of)}`);
  writeOrPrint(args.out, hgrmText(pickHistogram(args.hgrm, readJson(args.hgrm), of, args.transaction)), 'percentile distribution');
}
