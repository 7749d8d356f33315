/** What one sysbench 1.0 run reports (the last report block: after a checkpoint, the measured window). */
export interface SysbenchReport {
  transactions: number;
  tps: number;
  queries: number;
  qps: number;
  errors: number;
  reconnects: number;
  /** Seconds the rates are over. */
  seconds: number;
  latMinMs: number;
  latAvgMs: number;
  latMaxMs: number;
  /** From the histogram (values in ms, counts). */
  histogram: Array<[number, number]>;
  p50: number;
  p95: number;
  p99: number;
}

/** Parses sysbench's text report; with --report-checkpoints the final block covers only the time after the last checkpoint. */
export function parseSysbench(text: string): SysbenchReport {
  const lastStats = text.lastIndexOf('SQL statistics:');
  if (lastStats < 0) throw new Error(`sysbench printed no statistics:\n${text.slice(-2000)}`);
  const tail = text.slice(lastStats);
  const rate = (label: string): [number, number] => {
    const m = new RegExp(`${label}:\\s+(\\d+)\\s+\\(([\\d.]+) per sec\\.\\)`).exec(tail);
    return m === null ? [NaN, NaN] : [Number(m[1]), Number(m[2])];
  };
  const lat = (label: string): number => {
    const m = new RegExp(`${label}:\\s+([\\d.]+)`).exec(tail.slice(tail.indexOf('Latency (ms)')));
    return m === null ? NaN : Number(m[1]);
  };
  const [transactions, tps] = rate('transactions');
  const [queries, qps] = rate('queries');
  const [errors] = rate('ignored errors');
  const [reconnects] = rate('reconnects');
  // The histogram of the final report is printed just before its statistics.
  const hStart = text.lastIndexOf('Latency histogram');
  const histogram: Array<[number, number]> = [];
  if (hStart >= 0) {
    for (const line of text.slice(hStart, hStart < lastStats ? lastStats : undefined).split('\n')) {
      const m = /^\s*([\d.]+)\s+\|[*\s]*\s(\d+)\s*$/.exec(line);
      if (m !== null) histogram.push([Number(m[1]), Number(m[2])]);
    }
  }
  const q = (p: number): number => {
    const total = histogram.reduce((s, [, c]) => s + c, 0);
    if (total === 0) return NaN;
    let acc = 0;
    for (const [v, c] of histogram) {
      acc += c;
      if (acc >= p * total) return v;
    }
    return histogram[histogram.length - 1][0];
  };
  return {
    transactions,
    tps,
    queries,
    qps,
    errors,
    reconnects,
    seconds: tps > 0 ? transactions / tps : NaN,
    latMinMs: lat('min'),
    latAvgMs: lat('avg'),
    latMaxMs: lat('max'),
    histogram,
    p50: q(0.5),
    p95: histogram.length > 0 ? q(0.95) : lat('95th percentile'),
    p99: q(0.99),
  };
}
