#!/bin/bash
# Exploratory scan of kernel_mutex's perOpenTransaction (the read view walk's cost per open
# transaction) on the KB read-write analogue, against the four read-write criteria of #14.
# Not predictions: the shipped analogue uses 15 ns (an L3 hit on 2011 hardware).
# Usage: ./scan.sh NS...   (each NS: per connection at 32, 64, 256, 4,096 clients and the pool at
# 64 and 4,096; 12 s after 4 s, seed 13; two runs at a time; about 2 minutes per value here)
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=results/diag/2026-12-03-kb-walk-scan
run() { # ns mode clients
  local th=()
  [ "$2" = tpc ] && th=(--set 'threadHandling={"mode":"one-thread-per-connection"}')
  node dist/cli/main.js run scenarios/benchmarks/kb-read-write.json "${th[@]}" --set "workload.connections=$3" \
    --set "server.latches.latches.0.perOpenTransaction=$1ns" --duration 12s --warmup 4s --out "/tmp/kb-walk-$1-$2-$3.json" --quiet
  node -e "const r=require('/tmp/kb-walk-$1-$2-$3.json');console.log([$1,'$2',$3,r.summary.tps].join(','))" >> "$out/scan.csv"
}
[ -f "$out/scan.csv" ] || echo 'ns,mode,clients,tps' > "$out/scan.csv"
for ns in "$@"; do
  run "$ns" tpc 32 & run "$ns" tpc 256; wait
  run "$ns" tpc 4096 & run "$ns" pool 64; wait
  run "$ns" pool 4096 & run "$ns" tpc 64; wait
done
