import type { Executor } from '../server/executor.js';
import type { ThreadRegistry } from '../server/threads.js';
import type { StatementSink, ThreadHandling } from './types.js';

/**
 * The server's default: every connection has its own thread, blocked reading its socket
 * between requests. Nothing queues, nothing limits how many threads run at once.
 */
export class OneThreadPerConnection implements ThreadHandling {
  readonly counterNames: readonly string[] = [];
  readonly counterSource = '';
  readonly groupCount = 0;
  readonly gaugeNames: readonly string[] = ['threads'];
  private connThread = new Int32Array(0);

  constructor(
    private readonly executor: Executor,
    private readonly threads: ThreadRegistry,
    private readonly sink: StatementSink,
  ) {}

  start(connections: number): void {
    this.connThread = new Int32Array(connections);
    for (let c = 0; c < connections; c++) this.connThread[c] = this.threads.create();
  }

  onRequest(conn: number): void {
    this.executor.start(this.connThread[conn], conn);
  }

  waitBegin(): void {}
  waitEnd(): void {}

  statementDone(_thread: number, conn: number): void {
    this.sink.onStatementDone(conn);
  }

  sampleGauges(out: Float64Array): void {
    out[0] = this.connThread.length;
  }

  groupCounters(): Float64Array {
    return new Float64Array(0);
  }
}
