#!/bin/bash
# The Slurm recipe of docs/SCALING.md, run for real on this machine: installs Debian's slurm-wlm
# and munge if missing, starts munged, a single-node slurmctld and slurmd (configuration, state,
# sockets and logs in a temporary directory; localhost only; own ports), submits
# scripts/slurm/sweep.sh as a job array (shortened runs: --set duration/warmup), merges the
# shards with sim merge in a job that depends on the array, and checks that the merged sweep
# equals the sweep run in one piece: sweep.json and sweep.csv byte for byte, every point's
# result file byte for byte outside its `engine` block (wall-clock figures). Stops its daemons
# at the end, also on failure. Needs root (apt-get, daemons) and a built dist/ (npm run build).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARDS=${SHARDS:-4}
SHORT=(--set duration=0.3s --set warmup=0.1s)
test -f dist/cli/main.js || { echo "slurm-test: dist/cli/main.js missing: run npm run build first" >&2; exit 1; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  echo "slurm-test: installing slurm-wlm and munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

T=$(mktemp -d /tmp/tpsim-slurm-XXXXXX)
chmod 0755 "$T"
PIDS=()
cleanup() {
  local rc=$?
  for f in "$T/slurmd.pid" "$T/slurmctld.pid" "$T/munged.pid"; do
    if [ -s "$f" ]; then kill "$(cat "$f")" 2>/dev/null || true; fi
  done
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "$rc" -ne 0 ]; then
    echo "slurm-test: FAILED (exit $rc); daemon logs:" >&2
    for l in "$T"/*.log; do [ -f "$l" ] && { echo "--- $l" >&2; tail -n 30 "$l" >&2; }; done
  fi
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# munge: a private key, socket and state (the host's munged, if any, is left alone).
mkdir -p "$T/munge"
chmod 0755 "$T/munge"
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
chmod 0400 "$T/munge/munge.key"
munged --force --socket="$T/munge/munge.socket" --key-file="$T/munge/munge.key" \
  --pid-file="$T/munged.pid" --log-file="$T/munged.log" --seed-file="$T/munge/munged.seed"
for _ in $(seq 50); do [ -S "$T/munge/munge.socket" ] && break; sleep 0.1; done
munge -S "$T/munge/munge.socket" -n | unmunge -S "$T/munge/munge.socket" >/dev/null

# slurm: one node (this machine, all its CPUs), one partition, ports unlikely to be taken.
HOST=$(hostname -s)
PORT=$((20000 + RANDOM % 20000))
mkdir -p "$T/state" "$T/spool"
cat >"$T/slurm.conf" <<CONF
ClusterName=tpsimtest
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
AuthInfo=socket=$T/munge/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SlurmdTimeout=60
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$T/slurm.conf
slurmctld -D -i -f "$SLURM_CONF" >>"$T/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" >>"$T/slurmd.out" 2>&1 &
PIDS+=($!)
for i in $(seq 120); do
  for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null || { echo "slurm-test: a slurm daemon exited" >&2; exit 1; }; done
  state=$(timeout 10 sinfo -h -N -o '%T' 2>/dev/null | head -n1 || true)
  [ "$state" = idle ] && break
  [ "$i" -eq 120 ] && { echo "slurm-test: the node did not come up (state: ${state:-none})" >&2; exit 1; }
  sleep 0.5
done
echo "slurm-test: slurmctld and slurmd up on $HOST (port $PORT)"

# The sharded sweep as a job array (one CPU per task here), then the merge once all succeeded.
OUT=$T/sharded
array=$(sbatch --parsable --array=0-$((SHARDS - 1)) --cpus-per-task=1 --output="$T/array-%a.log" \
  scripts/slurm/sweep.sh "$OUT" "${SHORT[@]}")
echo "slurm-test: submitted job array $array ($SHARDS shards)"
timeout 600 sbatch --wait --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes --output="$T/merge.log" \
  --wrap "node dist/cli/main.js merge '$OUT' --out '$OUT'" >/dev/null ||
  { echo "slurm-test: the array or the merge failed:" >&2; tail -n 20 "$T"/array-*.log "$T/merge.log" >&2 || true; exit 1; }
test "$(ls "$OUT"/sweep-shard-*-of-"$SHARDS".json | wc -l)" -eq "$SHARDS"

# The same sweep in one piece, outside Slurm, and the comparison.
WHOLE=$T/whole
node dist/cli/main.js sweep scenarios/oltp.json \
  --vary threadHandling.thread_pool_size=4,8,16,32,64 \
  --vary workload.connections=64,256,1024,4096 \
  --workers "$(nproc)" --out "$WHOLE" --quiet "${SHORT[@]}"
node - "$OUT" "$WHOLE" <<'JS'
const { readFileSync, readdirSync } = require('node:fs');
const [merged, whole] = process.argv.slice(2);
const read = (d, f) => readFileSync(`${d}/${f}`, 'utf8');
const fail = (m) => { console.error(`slurm-test: ${m}`); process.exit(1); };
for (const f of ['sweep.json', 'sweep.csv']) if (read(merged, f) !== read(whole, f)) fail(`${f} differs between the merged and the one-piece sweep`);
const sweep = JSON.parse(read(whole, 'sweep.json'));
const points = readdirSync(`${whole}/points`).sort();
if (points.length !== 20 || sweep.points.length !== 20) fail(`expected 20 points, found ${points.length} files and ${sweep.points.length} in sweep.json`);
if (JSON.stringify(readdirSync(`${merged}/points`).sort()) !== JSON.stringify(points)) fail('the point files differ');
const withoutEngine = (text) => { const doc = JSON.parse(text); delete doc.engine; return JSON.stringify(doc, null, 2); };
for (const p of points) if (withoutEngine(read(merged, `points/${p}`)) !== withoutEngine(read(whole, `points/${p}`))) fail(`points/${p} differs outside its engine block`);
console.log(`slurm-test: merged sweep of ${points.length} points equals the one-piece sweep (sweep.json, sweep.csv, every point outside engine)`);
JS
echo "slurm-test: ok (${SECONDS} s)"
