import * as hdr from 'hdr-histogram-js';

/**
 * An encoded histogram of a result file (RunResult.histograms: values in ns) as an HdrHistogram
 * percentile distribution (.hgrm), written by hdr-histogram-js's own outputPercentileDistribution:
 * 5 ticks per half distance, values scaled to milliseconds (the unit of tpsim's reports), the
 * `#[Mean ...]` footer included. HdrHistogram's plotter and HistogramLogProcessor read it as is.
 */
export function hgrmText(encodedNs: string): string {
  // The plain JavaScript build: no WebAssembly instance to set up or free for one decode.
  const h = hdr.decodeFromCompressedBase64(encodedNs, 64, false);
  try {
    return h.outputPercentileDistribution(5, 1e6);
  } finally {
    h.destroy();
  }
}
