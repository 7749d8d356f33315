#!/bin/bash
# The shipped oracle read_write model (machine A's fit) on sysbench's own workload (three locks:
# the INSERT takes no lock of its own; the sysbench-special key law) or uniform keys, with and
# without a shared cache level, at the given client counts. Prints tps, errors/s, busy cores, CPU
# per attempt and the refill figures; WALK=155ns adds server.innodb.readViewWalk, LEVELS="shared"
# picks the cache variants, SHARED='server.linux.cacheRefill.shared={...}' sets that level, KEYS,
# HANDLINGS and COUNTS narrow the grid, CLIENT='{"cores":1,"cpu":"7us"}' adds the client's machine. Usage: [WALK=...] [LEVELS=...] ... ./model.sh OUTDIR
set -eu
OUT=${1:-/tmp/model}; mkdir -p $OUT
SIM="node ../../../dist/cli/main.js"
THREE='workload.transactions.0.statements.8.locks.rows=0'
SHARED=${SHARED:-'server.linux.cacheRefill.shared={"refill":"53us","capacity":1009}'}
for level in ${LEVELS:-one shared}; do for keys in ${KEYS:-uniform special}; do for h in ${HANDLINGS:-tpc pool}; do for n in ${COUNTS:-64 256 1024}; do
  [ $h = pool ] && [ $keys = uniform ] && continue
  base=../../../scenarios/oracle/read_write.json; [ $h = tpc ] && base=../../../scenarios/oracle/read_write-tpc.json
  if [ $keys = uniform ]; then K='workload.tables.sbtestN.distribution={"kind":"uniform"}'; else K='workload.tables.sbtestN.distribution={"kind":"sysbench-special","tables":4}'; fi
  S=(--set "$THREE" --set "$K" --set workload.connections=$n --set duration=8s --set warmup=2s)
  [ $level = shared ] && S+=(--set "$SHARED")
  [ -n "${WALK:-}" ] && S+=(--set "server.innodb.readViewWalk=$WALK")
  [ -n "${CLIENT:-}" ] && S+=(--set "workload.client.machine=$CLIENT")
  f=$OUT/$level-$keys-$h-$n.json
  $SIM run $base "${S[@]}" --json --out $f >/dev/null 2>$OUT/err.txt || { cat $OUT/err.txt; exit 1; }
  python3 -c "
import json;r=json.load(open('$f'));s=r['summary'];c=r['cpu'];e=s['errors']/8.0;cr=c.get('cacheRefill',{})
sv=r.get('server') or {}
print('%-6s %-7s %-4s %5d  tps %7.1f err/s %6.1f busy %.3f us/attempt %6.1f refill/switch %5.1f memoryShare %s walk %s' % ('$level','$keys','$h',$n,s['tps'],e,c['busyCores'],c['busyCores']/(s['tps']+e)*1e6,cr.get('meanRefillUs',0),cr.get('memoryShare','-'),sv.get('readViewWalkMean','-')))"
done; done; done; done
